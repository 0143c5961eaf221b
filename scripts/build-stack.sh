#!/usr/bin/env bash
# Builds one SPMC stack's firmware (BL1 + a FIP with a placeholder BL33, and a placeholder
# BL32 when the stack runs the suite's own secure partition) into the cache, once: the cache
# key is the hash of the pinned sources, this script and the stack's folder, so a change to
# any of them rebuilds and nothing else does. Prints the output folder on stdout, which holds
# bl1.bin, fip.bin, fiptool, description, and `needs-sp` when the stack sets STACK_NEEDS_SP=1
# (scripts/pack-firmware.sh must then be given target/images/sp.bin as the BL32).
# Usage: build-stack.sh STACK
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${1:?usage: build-stack.sh STACK}
STACK_DIR=$ROOT/targets/stacks/$STACK
CACHE=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}
JOBS=${JOBS:-$(nproc)}
step() { printf '[stack %s] %s\n' "$STACK" "$*" >&2; }
die() { printf '[stack %s] FAILED: %s\n' "$STACK" "$*" >&2; exit 1; }
[ -f "$STACK_DIR/stack.sh" ] || die "unknown stack '$STACK' (known: $(ls "$ROOT/targets/stacks" | grep -v '\.' | tr '\n' ' '))"

key=$( (cat "$ROOT/targets/stacks/sources.lock" "$0"; find "$STACK_DIR" -type f | sort | xargs cat) | sha256sum | cut -c1-16)
OUT=$CACHE/stacks/$STACK/$key
if [ -f "$OUT/.done" ]; then echo "$OUT"; exit 0; fi

# shellcheck source=/dev/null
. "$STACK_DIR/stack.sh"
"$ROOT/scripts/fetch-sources.sh" $STACK_SOURCES >&2 || die "fetching the source packages"
TFA_SRC=$CACHE/src/arm-trusted-firmware-$(awk '$1=="arm-trusted-firmware"{print $2;exit}' "$ROOT/targets/stacks/sources.lock")
OPTEE_SRC=$CACHE/src/optee-os-$(awk '$1=="optee-os"{print $2;exit}' "$ROOT/targets/stacks/sources.lock")
LOGS=$OUT/logs
rm -rf "$OUT"; mkdir -p "$LOGS"
PLACEHOLDER_BL33=$OUT/placeholder-bl33.bin
printf '\x00\x00\x00\x14' > "$PLACEHOLDER_BL33"   # `b .`: replaced by the ns image at pack time
PLACEHOLDER_BL32=$OUT/placeholder-bl32.bin
printf '\x00\x00\x00\x14' > "$PLACEHOLDER_BL32"   # `b .`: replaced by the sp image at pack time
STACK_NEEDS_SP=${STACK_NEEDS_SP:-0}

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
[ "$STACK_NEEDS_SP" != 1 ] || echo "BL32 is the ffa-cts sp image: pack with target/images/sp.bin" > "$OUT/needs-sp"
touch "$OUT/.done"
echo "$OUT"
