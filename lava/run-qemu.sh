#!/usr/bin/env bash
# Runs lava/qemu.yaml through LAVA's own dispatcher (lava-run, Debian's lava-dispatcher
# 2023.01) on this host, offline: the job boots FLASH (a stack's target/firmware/<stack>.bin)
# in QEMU and LAVA's monitor records a test case per line the image prints. Then lava/check.py
# compares what LAVA recorded with RUN_DIR, the runner's run of the same firmware at FF-A 1.1:
# every case, with its result. Ends with `N passed, N failed`.
#
# lava-dispatcher is not installed but unpacked (scripts/setup-host.sh: its package depends on
# Debian's x86 QEMU 7.2, which conflicts with the QEMU 10 from backports that runs the suite)
# into $FFA_CTS_CACHE/lava-dispatcher; local/ holds the rendered qemu device and a stand-in for
# python3-guestfs, which the dispatcher imports and a tmpfs job never uses.
# Usage: lava/run-qemu.sh FLASH RUN_DIR
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
flash=$(realpath "${1:?flash image}"); run_dir=${2:?run folder to compare with}
dispatcher=${FFA_CTS_CACHE:-$HOME/.cache/ffa-cts}/lava-dispatcher
[ -x "$dispatcher/usr/bin/lava-run" ] || { echo "lava-run: $dispatcher has no dispatcher (make setup)"; echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
FLASH_URL="file://$flash" envsubst '${FLASH_URL}' <"$HERE/qemu.yaml" >"$work/job.yaml"
# The job id names the dispatcher's scratch folder (/var/lib/lava/dispatcher/tmp/<id>), which
# lava-run removes when it ends. One attempt: the job routes semihosting through QEMU's stdio
# chardev (qemu.yaml), so the console LAVA reads loses nothing (it did, about one job in four,
# while QEMU wrote semihosting output to its non-blocking stderr).
PYTHONPATH="$HERE/local:$dispatcher/usr/lib/python3/dist-packages" timeout 300 /usr/bin/python3 \
	"$dispatcher/usr/bin/lava-run" --job-id "ffa-cts-$$" --output-dir "$work/out" \
	--device "$HERE/local/qemu-device.yaml" "$work/job.yaml" >"$work/lava.log" 2>&1
cp "$work/lava.log" "$run_dir/lava-run.log" 2>/dev/null || true
result=$(/usr/bin/python3 "$HERE/check.py" --lava-log "$work/lava.log" "$run_dir")
echo "$result"
[ "$(tail -n 1 <<<"$result")" = "1 passed, 0 failed" ]
