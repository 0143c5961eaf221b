#!/usr/bin/env bash
# Packs an ns image (BL33), and for a stack that runs the suite's own secure partitions their
# images, into a stack's cached FIP with TF-A's own fiptool and writes the QEMU flash image:
# BL1 at 0, the FIP at 0x40000 (PLAT_QEMU_FIP_BASE). Under a second.
# Usage: pack-firmware.sh STACK_OUT_DIR NS_BIN OUT_FLASH_BIN [SP_BIN | NAME=SP_BIN...]
# A stack whose output folder has `needs-sp` (its stack.sh sets STACK_NEEDS_SP=1: the sp is
# BL32) takes one SP_BIN. One with `sp-packages` (an S-EL2 SPMC's partitions: a line per
# partition, its name and FIP entry UUID) takes NAME=SP_BIN for every partition it lists: TF-A's
# sptool packs each image with the manifest DTB the stack built, sp/NAME.dtb, and the package
# replaces the FIP entry of its UUID. Any other stack refuses sp images: what such a stack's FIP
# holds in their place is only a stand-in.
set -euo pipefail
stack=${1:?stack output folder}; ns=${2:?ns image (.bin)}; out=${3:?output flash image}; shift 3
die() { printf '[pack] FAILED: %s\n' "$*" >&2; exit 1; }
[ -f "$stack/fip.bin" ] || die "$stack/fip.bin missing: build the stack first (make stack)"
[ -s "$ns" ] || die "$ns missing or empty: build the image first (make image)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$stack/fip.bin" "$tmp/fip.bin"
# Every image goes into the FIP in one fiptool update.
update=(--nt-fw "$ns")
if [ -f "$stack/needs-sp" ]; then
	[ $# = 1 ] || die "the stack in $stack runs the ffa-cts secure partition as BL32: pass the sp image as the 4th argument (target/images/sp.bin, built by make image)"
	[ -s "$1" ] || die "$1 missing or empty: build the sp image first (make image)"
	update+=(--tos-fw "$1")
elif [ -f "$stack/sp-packages" ]; then
	[ $# = "$(wc -l < "$stack/sp-packages")" ] || die "the stack in $stack runs $(wc -l < "$stack/sp-packages") ffa-cts partitions: pass NAME=SP_BIN for each of: $(cut -d' ' -f1 "$stack/sp-packages" | tr '\n' ' ')"
	while read -r name uuid; do
		image=""
		for arg in "$@"; do [ "${arg%%=*}" != "$name" ] || image=${arg#*=}; done
		[ -n "$image" ] || die "no image for partition $name: pass $name=SP_BIN"
		[ -s "$image" ] || die "$image missing or empty: build the sp images first (make image)"
		python3 "$stack/sptool/sptool.py" -i "$image:$stack/sp/$name.dtb" -o "$tmp/$name.pkg" >/dev/null || die "sptool $image"
		update+=(--blob "uuid=$uuid,file=$tmp/$name.pkg")
	done < "$stack/sp-packages"
elif [ $# != 0 ]; then
	die "the stack in $stack has its own BL32 (no needs-sp, no sp-packages): do not pass sp images ($*)"
fi
"$stack/fiptool" update "${update[@]}" "$tmp/fip.bin" >/dev/null || die "fiptool update ${update[*]}"
cp "$stack/bl1.bin" "$tmp/flash.bin"
dd if="$tmp/fip.bin" of="$tmp/flash.bin" bs=4096 seek=64 conv=notrunc status=none
mkdir -p "$(dirname "$out")"
mv "$tmp/flash.bin" "$out"
