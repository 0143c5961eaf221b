#!/usr/bin/env bash
# Packs an ns image (BL33), and for a stack that runs the suite's own secure partition the sp
# image, into a stack's cached FIP with TF-A's own fiptool and writes the QEMU flash image:
# BL1 at 0, the FIP at 0x40000 (PLAT_QEMU_FIP_BASE). Under a second.
# Usage: pack-firmware.sh STACK_OUT_DIR NS_BIN OUT_FLASH_BIN [SP_BIN]
# SP_BIN is required when the stack's output folder has `needs-sp` (its stack.sh sets
# STACK_NEEDS_SP=1: the sp is BL32) or `sp-package` (an S-EL2 SPMC's partition: TF-A's sptool
# packs the image with the manifest DTB the stack built, sp/sp.dtb, and the package replaces
# the FIP entry named by the UUID in `sp-package`), and refused otherwise: what such a stack's
# FIP holds in its place is only a stand-in.
set -euo pipefail
stack=${1:?stack output folder}; ns=${2:?ns image (.bin)}; out=${3:?output flash image}; sp=${4:-}
die() { printf '[pack] FAILED: %s\n' "$*" >&2; exit 1; }
[ -f "$stack/fip.bin" ] || die "$stack/fip.bin missing: build the stack first (make stack)"
[ -s "$ns" ] || die "$ns missing or empty: build the image first (make image)"
if [ -f "$stack/needs-sp" ] || [ -f "$stack/sp-package" ]; then
	[ -n "$sp" ] || die "the stack in $stack runs the ffa-cts secure partition: pass the sp image as the 4th argument (target/images/sp.bin, built by make image)"
	[ -s "$sp" ] || die "$sp missing or empty: build the sp image first (make image; it needs targets/src/bin/sp.rs)"
elif [ -n "$sp" ]; then
	die "the stack in $stack has its own BL32 (no needs-sp): do not pass an sp image ($sp)"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$stack/fip.bin" "$tmp/fip.bin"
"$stack/fiptool" update --nt-fw "$ns" "$tmp/fip.bin" >/dev/null || die "fiptool update --nt-fw $ns"
if [ -f "$stack/needs-sp" ]; then
	"$stack/fiptool" update --tos-fw "$sp" "$tmp/fip.bin" >/dev/null || die "fiptool update --tos-fw $sp"
elif [ -f "$stack/sp-package" ]; then
	python3 "$stack/sptool/sptool.py" -i "$sp:$stack/sp/sp.dtb" -o "$tmp/sp.pkg" >/dev/null || die "sptool $sp"
	"$stack/fiptool" update --blob "uuid=$(cat "$stack/sp-package"),file=$tmp/sp.pkg" "$tmp/fip.bin" >/dev/null \
		|| die "fiptool update --blob (the sp package)"
fi
cp "$stack/bl1.bin" "$tmp/flash.bin"
dd if="$tmp/fip.bin" of="$tmp/flash.bin" bs=4096 seek=64 conv=notrunc status=none
mkdir -p "$(dirname "$out")"
mv "$tmp/flash.bin" "$out"
