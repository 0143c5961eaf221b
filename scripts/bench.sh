#!/usr/bin/env bash
# `make bench`: the wall time of a warm `make run` (median of 3, after one warm-up), the time
# QEMU takes from spawn to the image's first event, the in-image time per case, and that of
# the memory.* family (time, FF-A calls of the ns image) with its share-retrieve-relinquish-reclaim
# cycle, and that of the notifications.* family, which must stay under 5 s per stack (its race
# cases run 1000 rounds on every core); the script fails when it does not. It also prints the
# longest FF-A call of the run that returned (and its case), against the hang monitor's limit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STACK=${1:-optee-sel1}
# `make run` exits 1 when the gate finds a changed outcome: still a timing, but say so.
make -s run STACK="$STACK" >/dev/null 2>&1 || echo "bench: the warm-up run's gate failed (make run STACK=$STACK shows why)" >&2
times=()
for i in 1 2 3; do
	t0=$(date +%s.%N)
	make -s run STACK="$STACK" >/dev/null 2>&1 || echo "bench: timed run $i did not pass its gate" >&2
	t1=$(date +%s.%N)
	times+=("$(echo "$t1 - $t0" | bc)")
done
python3 - "$STACK" "${times[@]}" <<'PY'
import json, statistics, sys
over = False
stack, times = sys.argv[1], sorted(float(t) for t in sys.argv[2:])
r = json.load(open("results/runs/latest/results.json"))
us = sorted((c["duration_us"] or 0, c["id"]) for c in r["cases"])
vals = [u for u, _ in us]
print(f"stack {stack}, {len(vals)} cases, FF-A {r['negotiated_version']}")
print(f"warm make run (wall):      median {statistics.median(times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
print(f"runner wall (QEMU spawn to exit): {r['wall_s']:.3f} s over {r['boots']} boot(s)")
print(f"boot (spawn to first event):      {', '.join(str(b) for b in r['boot_ms'])} ms")
restored = [k for k in r.get("boot_snapshot", []) if k]
print(f"boots restored from a snapshot:   {len(restored)} of {r['boots']}" + (f" ({restored[0]})" if restored else ""))
for p in r.get("parts", []):
    print(f"  part {p['part']} (after {p['after'] or '-'}, up to {p['until'] or 'the last'}): {p['wall_s']:.3f} s over "
          f"{p['boots']} boot(s), estimated {p['estimated_s']:.1f} s")
print(f"in-image time per case:    total {sum(vals)/1000:.1f} ms, median {statistics.median(vals)} us, "
      f"p95 {vals[int(len(vals)*0.95)-1]} us, max {vals[-1]} us")
mem = [c for c in r["cases"] if c["id"].startswith("memory.")]
if mem:
    mem_us = sorted(c["duration_us"] or 0 for c in mem)
    mem_calls = sum(c.get("ffa_calls", 0) for c in mem)
    print(f"memory.* family:           {len(mem)} cases, total {sum(mem_us)/1000:.1f} ms, median {statistics.median(mem_us)} us, "
          f"{mem_calls} FF-A calls by the ns image ({sum(mem_us)/max(mem_calls, 1):.1f} us per call, the sp's own calls included in the time)")
    cycle = [c for c in mem if c["id"] == "memory.retrieve.share_lifecycle" and c["outcome"] == "pass"]
    if cycle:
        print(f"share-retrieve-relinquish-reclaim cycle (memory.retrieve.share_lifecycle): {cycle[0]['duration_us']} us, "
              f"{cycle[0].get('ffa_calls', 0)} ns calls")
notif = sorted(u for u, cid in us if cid.startswith("notifications."))
NOTIF_LIMIT_MS = 5000
if notif:
    total = sum(notif) / 1000
    print(f"notifications.* family:    {len(notif)} cases, total {total:.1f} ms (limit {NOTIF_LIMIT_MS} ms), "
          f"slowest {notif[-1]} us")
    if total >= NOTIF_LIMIT_MS:
        print(f"bench: the notifications.* family took {total:.0f} ms in-image, over {NOTIF_LIMIT_MS} ms", file=sys.stderr)
        over = True
timed = [c for c in r["cases"] if c.get("longest_call_us") is not None]
if timed:
    top = max(timed, key=lambda c: c["longest_call_us"])
    print(f"longest FF-A call:         {top['longest_call_us']} us, {top['longest_call']} in {top['id']} "
          f"(the hang monitor reports a call after {r.get('call_limit_ms') or '-'} ms)")
print("slowest cases:")
for u, cid in us[-5:][::-1]:
    print(f"  {u:>8} us  {cid}")
sys.exit(1 if over else 0)
PY
