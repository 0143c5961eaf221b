#!/usr/bin/env bash
# Packs an ns image (BL33), and for a stack that runs the suite's own secure partitions their
# images, into a stack's cached FIP with TF-A's own fiptool and writes the QEMU flash image:
# BL1 at 0, the FIP at 0x40000 (PLAT_QEMU_FIP_BASE). Under a second.
# Usage: [FIPTOOL=PATH] [SCP_BL2=FILE] [REQUIRE_SCP=1] pack-firmware.sh STACK_OUT_DIR NS_BIN OUT [SP_BIN | NAME=SP_BIN...]
# OUT is the flash image, or, ending in `/`, a board's firmware folder (FVP, Juno) that gets
# bl1.bin and the packed fip.bin. STACK_OUT_DIR may be a user's folder with TF-A's bl1.bin
# and fip.bin for a board; FIPTOOL then names the fiptool (default: the folder's own).
# SCP_BL2 (a Juno's SCP firmware, scp_bl2.bin) becomes the FIP's SCP_BL2 entry; with
# REQUIRE_SCP=1 (a Juno, whose BL2 hands SCP_BL2 to the SCP: TF-A css_load_scp_bl2) a FIP
# that ends up without one is refused.
# A stack whose output folder has `needs-sp` (its stack.sh sets STACK_NEEDS_SP=1: the sp is
# BL32) takes one SP_BIN. One with `sp-packages` (an S-EL2 SPMC's partitions: a line per
# partition, its name and FIP entry UUID) takes NAME=SP_BIN for every partition it lists: TF-A's
# sptool packs each image with the manifest DTB the stack built, sp/NAME.dtb (kept in
# OUT_FLASH_BIN's folder as <flash>.packages/NAME.pkg and reused while neither changes), and the
# package replaces the FIP entry of its UUID. Any other stack refuses sp images: what such a stack's FIP
# holds in their place is only a stand-in.
set -euo pipefail
stack=${1:?stack output folder}; ns=${2:?ns image (.bin)}; out=${3:?output flash image or board folder/}; shift 3
die() { printf '[pack] FAILED: %s\n' "$*" >&2; exit 1; }
[ -f "$stack/fip.bin" ] || die "$stack/fip.bin missing: build the stack first (make stack)"
[ -s "$ns" ] || die "$ns missing or empty: build the image first (make image)"
fiptool=${FIPTOOL:-$stack/fiptool}
scp=${SCP_BL2:-}
[ -z "$scp" ] || [ -s "$scp" ] || die "SCP_BL2=$scp missing or empty: the SCP firmware (Arm's scp_bl2.bin for the board)"
# A flash image packed from the same inputs is not packed again (a fiptool update and the
# copies take about 0.4 s for five partitions, on every warm `make run`): the hash of every
# input file and argument is kept beside it as OUT.key.
key=""
if [ "${out%/}" = "$out" ]; then
	inputs=("$0" "$stack/fip.bin" "$stack/bl1.bin" "$ns")
	for arg in "$@"; do inputs+=("${arg#*=}"); done
	[ -z "$scp" ] || inputs+=("$scp")
	[ ! -d "$stack/sp" ] || inputs+=("$stack"/sp/*.dtb)
	key=$({ printf '%s\n' "$*" "$fiptool" "${REQUIRE_SCP:-0}"; cat "${inputs[@]}"; } | sha256sum | cut -c1-64)
	if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		exit 0
	fi
	rm -f "$out.key"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$stack/fip.bin" "$tmp/fip.bin"
# Every image goes into the FIP in one fiptool update.
update=(--nt-fw "$ns")
[ -z "$scp" ] || update+=(--scp-fw "$scp")
if [ -f "$stack/needs-sp" ]; then
	[ $# = 1 ] || die "the stack in $stack runs the ffa-cts secure partition as BL32: pass the sp image as the 4th argument (target/images/sp.bin, built by make image)"
	[ -s "$1" ] || die "$1 missing or empty: build the sp image first (make image)"
	update+=(--tos-fw "$1")
elif [ -f "$stack/sp-packages" ]; then
	[ $# = "$(wc -l < "$stack/sp-packages")" ] || die "the stack in $stack runs $(wc -l < "$stack/sp-packages") ffa-cts partitions: pass NAME=SP_BIN for each of: $(cut -d' ' -f1 "$stack/sp-packages" | tr '\n' ' ')"
	packages=${out%.bin}.packages
	mkdir -p "$packages"
	while read -r name uuid; do
		image=""
		for arg in "$@"; do [ "${arg%%=*}" != "$name" ] || image=${arg#*=}; done
		[ -n "$image" ] || die "no image for partition $name: pass $name=SP_BIN"
		[ -s "$image" ] || die "$image missing or empty: build the sp images first (make image)"
		# sptool (a Python start per partition) only when the image or manifest changed: the
		# package of the last pack is kept beside the flash image with the hash of both.
		pkg=$packages/$name.pkg
		pkg_key=$(cat "$image" "$stack/sp/$name.dtb" | sha256sum | cut -c1-64)
		if [ ! -s "$pkg" ] || [ "$(cat "$pkg.key" 2>/dev/null)" != "$pkg_key" ]; then
			python3 "$stack/sptool/sptool.py" -i "$image:$stack/sp/$name.dtb" -o "$pkg" >/dev/null || die "sptool $image"
			echo "$pkg_key" > "$pkg.key"
		fi
		update+=(--blob "uuid=$uuid,file=$pkg")
	done < "$stack/sp-packages"
elif [ $# != 0 ]; then
	die "the stack in $stack has its own BL32 (no needs-sp, no sp-packages): do not pass sp images ($*)"
fi
"$fiptool" update "${update[@]}" "$tmp/fip.bin" >/dev/null || die "fiptool update ${update[*]}"
if [ "${REQUIRE_SCP:-0}" = 1 ] && ! "$fiptool" info "$tmp/fip.bin" | grep -q -- '--scp-fw'; then
	die "the FIP in $stack has no SCP_BL2, which a Juno's must hold: pass SCP_BL2=/path/to/scp_bl2.bin (Arm's SCP firmware for the board)"
fi
if [ "${out%/}" != "$out" ]; then
	mkdir -p "$out"
	cp "$stack/bl1.bin" "$out/bl1.bin"
	mv "$tmp/fip.bin" "$out/fip.bin"
	exit 0
fi
cp "$stack/bl1.bin" "$tmp/flash.bin"
dd if="$tmp/fip.bin" of="$tmp/flash.bin" bs=4096 seek=64 conv=notrunc status=none
mkdir -p "$(dirname "$out")"
mv "$tmp/flash.bin" "$out"
echo "$key" > "$out.key"
