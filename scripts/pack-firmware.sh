#!/usr/bin/env bash
# Packs an ns image (BL33), and for a stack that runs the suite's own secure partition the sp
# image, into a stack's cached FIP with TF-A's own fiptool and writes the QEMU flash image:
# BL1 at 0, the FIP at 0x40000 (PLAT_QEMU_FIP_BASE). Under a second.
# Usage: [FIPTOOL=PATH] [SCP_BL2=FILE] pack-firmware.sh STACK_OUT_DIR NS_BIN OUT [SP_BIN]
# OUT is the flash image, or, ending in `/`, a board's firmware folder (FVP, Juno) that gets
# bl1.bin and the packed fip.bin. STACK_OUT_DIR may be a user's folder with TF-A's bl1.bin
# and fip.bin for a board; FIPTOOL then names the fiptool (default: the folder's own).
# SCP_BL2 (a Juno's SCP firmware, scp_bl2.bin) becomes the FIP's SCP_BL2 entry; with
# REQUIRE_SCP=1 (a Juno, whose BL2 hands SCP_BL2 to the SCP: TF-A css_load_scp_bl2) a FIP
# that ends up without one is refused.
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
fiptool=${FIPTOOL:-$stack/fiptool}
scp=${SCP_BL2:-}
[ -z "$scp" ] || [ -s "$scp" ] || die "SCP_BL2=$scp missing or empty: the SCP firmware (Arm's scp_bl2.bin for the board)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$stack/fip.bin" "$tmp/fip.bin"
"$fiptool" update --nt-fw "$ns" "$tmp/fip.bin" >/dev/null || die "fiptool update --nt-fw $ns"
[ -z "$scp" ] || "$fiptool" update --scp-fw "$scp" "$tmp/fip.bin" >/dev/null || die "fiptool update --scp-fw $scp"
if [ "${REQUIRE_SCP:-0}" = 1 ] && ! "$fiptool" info "$tmp/fip.bin" | grep -q -- '--scp-fw'; then
	die "the FIP in $stack has no SCP_BL2, which a Juno's must hold: pass SCP_BL2=/path/to/scp_bl2.bin (Arm's SCP firmware for the board)"
fi
if [ -f "$stack/needs-sp" ]; then
	"$fiptool" update --tos-fw "$sp" "$tmp/fip.bin" >/dev/null || die "fiptool update --tos-fw $sp"
elif [ -f "$stack/sp-package" ]; then
	python3 "$stack/sptool/sptool.py" -i "$sp:$stack/sp/sp.dtb" -o "$tmp/sp.pkg" >/dev/null || die "sptool $sp"
	"$fiptool" update --blob "uuid=$(cat "$stack/sp-package"),file=$tmp/sp.pkg" "$tmp/fip.bin" >/dev/null \
		|| die "fiptool update --blob (the sp package)"
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
