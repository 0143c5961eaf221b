#!/usr/bin/env bash
# `make test`: host tests, the board images and the Juno's firmware packing, then for each
# stack the suite on the real firmware gated against
# its baseline, at every FF-A version the stack's SPMC agrees to (its build's ffa-versions),
# or, for a stack built for a board (FVP), its firmware built and packed,
# and the self-test build (cases that crash, panic and
# hang on purpose) gated against its own; the LAVA job templates checked with LAVA's own schema
# and their monitor replayed on the v1.1 runs' consoles, the QEMU job run through LAVA's
# dispatcher (lava-run) on the first stack; and the HTML matrix of these runs checked in
# headless Chromium (when installed). Ends with one `N passed, N failed` line that sums
# the host tests and every gate (a gate counts a case as passed when its outcome is the one
# the baseline expects). With UPDATE_BASELINES=1 the gates rewrite the baselines from these
# runs instead (existing reasons are kept; write one for every new expected failure).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STACKS=("$@")
[ ${#STACKS[@]} -gt 0 ] || STACKS=(optee-sel1 tfa-el3 tfa-el3-gicv2 tfa-el3-sp1.0 hafnium-2.12 hafnium-2.15 optee-sel1-fvp tfa-el3-fvp hafnium-2.15-fvp)
passed=0; failed=0; problems=(); runs_11=()

# Each run is gated by its baseline as it runs, so its junit.xml shows the gate's verdict (what
# a CI system's JUnit view reads); the gate after it is what counts. Rewriting the baselines,
# the runs are not gated (their baselines may be missing or about to change).
GATE=(target/release/ffa-cts gate)
GATED=(--baseline=)
[ "${UPDATE_BASELINES:-0}" != 1 ] || { GATE+=(--update); GATED=(); }

tally() { # name, command...: runs it, adds its last `N passed, N failed` line to the totals
	local name=$1; shift
	local log; log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [ -n "$line" ]; then
		passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")))
		failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")))
	fi
	if [ "$rc" != 0 ]; then
		problems+=("$name (exit $rc)")
		[ -n "$line" ] || failed=$((failed + 1))
	fi
}

echo "== host tests"
log=$(mktemp)
cargo test -q --workspace 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
host_pass=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | paste -sd+ | bc)
host_fail=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | paste -sd+ | bc)
rm -f "$log"
passed=$((passed + ${host_pass:-0})); failed=$((failed + ${host_fail:-0}))
[ "$rc" = 0 ] || { problems+=("host tests (exit $rc)"); [ "${host_fail:-0}" != 0 ] || failed=$((failed + 1)); }

# The cases whose rule is about cores racing each other (cases/src/notifications/race.rs).
RACE_CASES='notifications.bind.race_;notifications.info_get.race_'
# JOBS=N: how many QEMUs each run keeps going at once (ffa-cts run --jobs; default: the runner's).
run_suite() { # label, ffa-cts run arguments: a run into results/runs, which `latest` then names
	local label=$1; shift
	rm -f results/runs/latest
	target/release/ffa-cts run "$@" ${JOBS:+--jobs "$JOBS"} >/dev/null 2>&1
	local rc=$?
	if [ "$rc" -ge 2 ]; then
		problems+=("$label run (exit $rc, see results/runs)")
		failed=$((failed + 1))
		return 1
	fi
}

make -s runner image image-selftest || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

board_images() { # the ns image for each board, linked where TF-A loads BL33 there
	local ok=0 bad=0 board entry
	for board in fvp:0x88000000 juno:0xe0000000; do
		make -s image PLATFORM="${board%%:*}" >/dev/null || { bad=$((bad + 1)); continue; }
		entry=$(aarch64-linux-gnu-readelf -h target/aarch64-unknown-none-softfloat/release/ns | awk '/Entry point/{print $4}')
		if [ "$entry" = "${board#*:}" ]; then
			echo "board image ${board%%:*}: target/images/ns-${board%%:*}.bin, entry $entry"; ok=$((ok + 1))
		else
			echo "board image ${board%%:*}: entry $entry, want ${board#*:}"; bad=$((bad + 1))
		fi
	done
	echo "$ok passed, $bad failed"
	[ "$bad" = 0 ]
}
board_fip_holds_images() { # stack, platform: its packed FIP's BL33 is the board's ns image, its sp images the board's
	local out dir fip=target/firmware/$2/fip.bin
	out=$(scripts/build-stack.sh "$1"); dir=$(mktemp -d)
	# --out: fiptool unpack also writes every entry it has no name for (a partition's, by its
	# UUID) into that folder, by default the current one.
	"$out/fiptool" unpack --out "$dir" --nt-fw "$dir/ns.bin" --tos-fw "$dir/bl32.bin" "$fip" >/dev/null
	cmp -s "$dir/ns.bin" "target/images/ns-$2.bin" || { echo "$fip: BL33 is not target/images/ns-$2.bin"; rm -rf "$dir"; return 1; }
	if [ -f "$out/needs-sp" ] && ! cmp -s "$dir/bl32.bin" "target/images/sp-$2.bin"; then
		echo "$fip: BL32 is not target/images/sp-$2.bin"; rm -rf "$dir"; return 1
	fi
	if [ -f "$out/sp-packages" ]; then
		local name uuid
		while read -r name uuid; do
			# sptool's package: the image 0x4000 in (the manifest's entrypoint-offset).
			"$out/fiptool" unpack --out "$dir" --blob "uuid=$uuid,file=$dir/$name.pkg" "$fip" >/dev/null
			if ! tail -c +$((0x4000 + 1)) "$dir/$name.pkg" | cmp -s - "target/images/$name-hafnium-$2.bin"; then
				echo "$fip: the $name package does not hold target/images/$name-hafnium-$2.bin"; rm -rf "$dir"; return 1
			fi
		done < "$out/sp-packages"
	fi
	rm -rf "$dir"
}
echo "== the ns image for the boards (fvp, juno)"
tally "board images" board_images
echo "== a Juno's firmware from the user's TF-A and SCP firmware (make board-firmware SCP_BL2=)"
tally "board firmware" scripts/check-board-firmware.sh
for stack in "${STACKS[@]}"; do
	plat=$(cat "targets/stacks/$stack/platform" 2>/dev/null || echo qemu-virt)
	if [ "${plat#qemu-virt}" = "$plat" ]; then
		# Firmware for a board: built and packed with the board's images, not run (no board here).
		echo "== $stack: firmware for $plat, built and packed, not run"
		if make -s board-firmware STACK="$stack" PLATFORM="$plat" && board_fip_holds_images "$stack" "$plat"; then
			passed=$((passed + 1))
		else
			problems+=("$stack firmware"); failed=$((failed + 1))
		fi
		continue
	fi
	make -s firmware STACK="$stack" && make -s firmware STACK="$stack" SUFFIX=-selftest \
		|| { problems+=("$stack firmware"); failed=$((failed + 1)); continue; }
	out=$(scripts/build-stack.sh "$stack")
	desc=$(cat "$out/description"); machine=$(cat "$out/qemu-machine"); key=${out##*/}
	for ver in $(cat "$out/ffa-versions"); do
		base=$(scripts/baseline-path.sh "$stack" "$ver")
		echo "== $stack, FF-A $ver"
		run_suite "$stack $ver" --stack "$stack" --firmware "target/firmware/$stack.bin" --ffa-version "$ver" --platform "$plat" --describe "$desc" --stack-key "$key" --machine "$machine" "${GATED[@]/%/$base}" \
			&& tally "$stack $ver gate" "${GATE[@]}" --stack "$stack" --baseline "$base" \
			&& { [ "$ver" != 1.1 ] || runs_11+=("$stack:$(readlink -f results/runs/latest)"); }
	done
	# The race cases again with the cores really in parallel (multi-threaded TCG: a host
	# thread per core), gated against their own baseline; the runs above interleave the cores.
	echo "== $stack, the race cases on multi-threaded TCG"
	run_suite "$stack mttcg" --stack "$stack" --firmware "target/firmware/$stack.bin" --platform "$plat" --describe "$desc" --stack-key "$key" --machine "$machine" \
		--mttcg --only "$RACE_CASES" "${GATED[@]/%/results/baselines/$stack-mttcg.json}" \
		&& tally "$stack mttcg gate" "${GATE[@]}" --stack "$stack" --baseline "results/baselines/$stack-mttcg.json"
	echo "== $stack, self-test build (crash, panic and hang on purpose)"
	run_suite "$stack self-test" --stack "$stack" --firmware "target/firmware/$stack-selftest.bin" --platform "$plat" --describe "$desc" --stack-key "$key" --machine "$machine" \
		--only 'selftest.;setup.id_get' --case-timeout-s 3 "${GATED[@]/%/results/baselines/$stack-selftest.json}" \
		&& tally "$stack self-test gate" "${GATE[@]}" --stack "$stack" --baseline "results/baselines/$stack-selftest.json"
done

echo "== LAVA: the job templates against LAVA's schema, their monitor on these runs' consoles"
tally "lava templates" /usr/bin/python3 lava/check.py "${runs_11[@]#*:}"
if [ ${#runs_11[@]} -gt 0 ]; then
	stack=${runs_11[0]%%:*}
	echo "== LAVA: lava/qemu.yaml through lava-run, booting $stack"
	tally "lava-run $stack" lava/run-qemu.sh "target/firmware/$stack.bin" "${runs_11[0]#*:}"
fi

echo "== the matrix page of these runs, in a browser"
pages=$(mktemp -d)
if target/release/ffa-cts matrix --out "$pages/MATRIX.md" --html "$pages/matrix.html" >/dev/null; then
	tally "matrix page" scripts/check-matrix-html.sh "$pages/matrix.html"
else
	problems+=("matrix"); failed=$((failed + 1))
fi
rm -rf "$pages"

if [ ${#problems[@]} -gt 0 ]; then
	echo "problems: ${problems[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ ${#problems[@]} = 0 ]
