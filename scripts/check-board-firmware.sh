#!/usr/bin/env bash
# Host test of `make board-firmware` for a board whose firmware the user brings (a Juno: TF-A
# PLAT=juno with an SPMC, which TF-A 2.12.1 cannot build, and Arm's SCP firmware): a stand-in
# for the user's TF-A folder (bl1.bin and a FIP made by TF-A's fiptool from stand-in images)
# is packed as the Juno's firmware, and the test checks what lands in target/firmware/juno/:
# bl1.bin unchanged, the FIP's BL33 the ns image built for the Juno and its SCP_BL2 the file
# SCP_BL2 names; and that a FIP without SCP firmware is refused when SCP_BL2 is not given.
# Ends with one `N passed, N failed` line.
# Usage: check-board-firmware.sh (from the repository's root, after `make stack`)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
passed=0; failed=0
check() { # description, command...
	if "${@:2}"; then passed=$((passed + 1)); else echo "board firmware: FAILED: $1"; failed=$((failed + 1)); fi
}
fiptool="$(scripts/build-stack.sh optee-sel1)/fiptool"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/user"
head -c 4096 /dev/urandom > "$tmp/user/bl1.bin"
head -c 2048 /dev/urandom > "$tmp/bl2.bin"
head -c 8192 /dev/urandom > "$tmp/bl31.bin"
head -c 12288 /dev/urandom > "$tmp/scp_bl2.bin"
"$fiptool" create --tb-fw "$tmp/bl2.bin" --soc-fw "$tmp/bl31.bin" "$tmp/user/fip.bin" >/dev/null
out=target/firmware/juno
rm -rf "$out"

make -s board-firmware PLATFORM=juno BOARD_FIRMWARE="$tmp/user" >"$tmp/no-scp.log" 2>&1
rc=$?
check "a Juno FIP without SCP firmware is refused without SCP_BL2" [ "$rc" != 0 ]
check "the refusal says to pass SCP_BL2" grep -q 'SCP_BL2=' "$tmp/no-scp.log"
check "nothing is written when it is refused" [ ! -e "$out/fip.bin" ]

make -s board-firmware PLATFORM=juno BOARD_FIRMWARE="$tmp/user" SCP_BL2="$tmp/scp_bl2.bin" >"$tmp/scp.log" 2>&1
check "with SCP_BL2 the Juno firmware is packed" [ -s "$out/fip.bin" ]
check "bl1.bin is the user's" cmp -s "$tmp/user/bl1.bin" "$out/bl1.bin"
mkdir -p "$tmp/unpacked"
"$fiptool" unpack --scp-fw "$tmp/unpacked/scp.bin" --nt-fw "$tmp/unpacked/ns.bin" --soc-fw "$tmp/unpacked/bl31.bin" \
	"$out/fip.bin" >/dev/null 2>&1
check "the FIP's SCP_BL2 is the file SCP_BL2 named" cmp -s "$tmp/scp_bl2.bin" "$tmp/unpacked/scp.bin"
check "the FIP's BL33 is the ns image built for the Juno" cmp -s target/images/ns-juno.bin "$tmp/unpacked/ns.bin"
check "the FIP's other images are the user's" cmp -s "$tmp/bl31.bin" "$tmp/unpacked/bl31.bin"

# A user's FIP that already holds SCP firmware (TF-A built with SCP_BL2=) needs no SCP_BL2.
cp "$out/fip.bin" "$tmp/user/fip.bin"
rm -rf "$out"
make -s board-firmware PLATFORM=juno BOARD_FIRMWARE="$tmp/user" >"$tmp/has-scp.log" 2>&1
check "a FIP that holds SCP firmware is packed without SCP_BL2" [ -s "$out/fip.bin" ]
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
