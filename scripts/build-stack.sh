#!/usr/bin/env bash
# Builds one SPMC stack's firmware (BL1 + a FIP with a placeholder BL33, and a placeholder
# BL32 when the stack runs the suite's own secure partition) into the cache, once: the cache
# key is the hash of the pinned sources, this script and the stack's folder, so a change to
# any of them rebuilds and nothing else does. Prints the output folder on stdout, which holds
# bl1.bin, fip.bin, fiptool, description, `needs-sp` when the stack sets STACK_NEEDS_SP=1
# (scripts/pack-firmware.sh must then be given target/images/sp.bin as the BL32),
# `qemu-machine` (the QEMU -machine option the stack needs, STACK_QEMU_MACHINE) and
# `ffa-versions` (the FF-A versions its SPMC agrees to, STACK_FFA_VERSIONS, which
# scripts/test.sh runs the suite at). A stack.sh that sources shared files sets
# STACK_SHARED_DIR to their folder, which the key then covers too.
# Usage: build-stack.sh STACK
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${1:?usage: build-stack.sh STACK}
STACK_DIR=$ROOT/targets/stacks/$STACK
CACHE=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}
JOBS=${JOBS:-$(nproc)}
step() { printf '[stack %s] %s\n' "$STACK" "$*" >&2; }
die() { printf '[stack %s] FAILED: %s\n' "$STACK" "$*" >&2; exit 1; }
[ -f "$STACK_DIR/stack.sh" ] || die "unknown stack '$STACK' (known: $(cd "$ROOT/targets/stacks" && dirname -- */stack.sh | tr '\n' ' '))"

# stack.sh only sets variables and defines stack_build.
# shellcheck source=/dev/null
. "$STACK_DIR/stack.sh"
key=$( (cat "$ROOT/targets/stacks/sources.lock" "$0"; find "$STACK_DIR" ${STACK_SHARED_DIR:+"$STACK_SHARED_DIR"} -type f | sort | xargs cat) | sha256sum | cut -c1-16)
OUT=$CACHE/stacks/$STACK/$key
if [ -f "$OUT/.done" ]; then echo "$OUT"; exit 0; fi

"$ROOT/scripts/fetch-sources.sh" $STACK_SOURCES >&2 || die "fetching the source packages"
source_dir() { # package[=version] -> the folder fetch-sources.sh unpacked it into
	local pkg=${1%%=*} ver=${1#*=}
	[ "$pkg" != "$1" ] || ver=$(awk -v p="$pkg" '$1==p {print $2; exit}' "$ROOT/targets/stacks/sources.lock")
	echo "$CACHE/src/$pkg-$ver"
}
TFA_SRC=$(source_dir arm-trusted-firmware)
OPTEE_SRC=$(source_dir optee-os)
LOGS=$OUT/logs
rm -rf "$OUT"; mkdir -p "$LOGS"
PLACEHOLDER_BL33=$OUT/placeholder-bl33.bin
printf '\x00\x00\x00\x14' > "$PLACEHOLDER_BL33"   # `b .`: replaced by the ns image at pack time
PLACEHOLDER_BL32=$OUT/placeholder-bl32.bin
printf '\x00\x00\x00\x14' > "$PLACEHOLDER_BL32"   # `b .`: replaced by the sp image at pack time
STACK_NEEDS_SP=${STACK_NEEDS_SP:-0}
STACK_QEMU_MACHINE=${STACK_QEMU_MACHINE:-virt,secure=on,gic-version=3,virtualization=on}
STACK_FFA_VERSIONS=${STACK_FFA_VERSIONS:-1.2 1.1 1.0}

run_logged() { # name cmd... : runs cmd with output in $LOGS/name.log, tail on failure
	local name=$1; shift
	local t0=$SECONDS
	if ! "$@" >"$LOGS/$name.log" 2>&1; then
		tail -n 25 "$LOGS/$name.log" >&2
		die "$name build failed after $((SECONDS - t0)) s; full log: $LOGS/$name.log"
	fi
	step "$name done in $((SECONDS - t0)) s"
}
stack_build
# fiptool is built by TF-A's fip target; keep a copy beside the images for repacking.
cp "$TFA_SRC/tools/fiptool/fiptool" "$OUT/fiptool"
for f in bl1.bin fip.bin fiptool; do [ -s "$OUT/$f" ] || die "$f missing after the build"; done
echo "$STACK_DESCRIPTION" > "$OUT/description"
echo "$STACK_QEMU_MACHINE" > "$OUT/qemu-machine"
echo "$STACK_FFA_VERSIONS" > "$OUT/ffa-versions"
[ "$STACK_NEEDS_SP" != 1 ] || echo "BL32 is the ffa-cts sp image: pack with target/images/sp.bin" > "$OUT/needs-sp"
touch "$OUT/.done"
echo "$OUT"
