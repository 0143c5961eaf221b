#!/usr/bin/env bash
# Packs an ns image (BL33) into a stack's cached FIP with TF-A's own fiptool and writes the
# QEMU flash image: BL1 at 0, the FIP at 0x40000 (PLAT_QEMU_FIP_BASE). Under a second.
# Usage: pack-firmware.sh STACK_OUT_DIR NS_BIN OUT_FLASH_BIN
set -euo pipefail
stack=${1:?stack output folder}; ns=${2:?ns image (.bin)}; out=${3:?output flash image}
die() { printf '[pack] FAILED: %s\n' "$*" >&2; exit 1; }
[ -f "$stack/fip.bin" ] || die "$stack/fip.bin missing: build the stack first (make stack)"
[ -s "$ns" ] || die "$ns missing or empty: build the image first (make image)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$stack/fip.bin" "$tmp/fip.bin"
"$stack/fiptool" update --nt-fw "$ns" "$tmp/fip.bin" >/dev/null || die "fiptool update --nt-fw $ns"
cp "$stack/bl1.bin" "$tmp/flash.bin"
dd if="$tmp/fip.bin" of="$tmp/flash.bin" bs=4096 seek=64 conv=notrunc status=none
mkdir -p "$(dirname "$out")"
mv "$tmp/flash.bin" "$out"
