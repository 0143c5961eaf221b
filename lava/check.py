#!/usr/bin/python3
"""Checks the LAVA job templates in this folder with LAVA itself and on a real run.

1. Each template, its ${VARIABLES} filled with the example values below, must pass LAVA's own
   job schema (lava_common.schemas.validate, strict, from Debian's lava-common).
2. Every template's `monitors` must be the same, and replaying a run's console (events.log, or
   part-1/events.log of a run in parts, with that part's cases) the
   way LAVA's monitor action reads it (wait for `start`, then match `end` or `pattern`, case id
   lower-cased with each \\W+ run as '_', result one of pass|fail|skip|unknown) must record
   exactly the run's cases, each with the result its outcome has in LAVA's vocabulary
   (results.json beside events.log).

3. With --lava-log LOG (lava-run's output, lava/run-qemu.sh): the test cases LAVA's dispatcher
   itself recorded in suite `ffa-cts` must be exactly RUN_DIR's cases with their results, and
   the job must have passed.

Usage: lava/check.py [RUN_DIR...]          the schema check, and the monitor on each run
       lava/check.py --lava-log LOG RUN_DIR  what a real lava-run recorded, against the run
Ends with `N passed, N failed` like the other checks of `make test`.
"""

import json
import os
import re
import string
import sys

import yaml
from lava_common.schemas import validate
from voluptuous import Invalid

HERE = os.path.dirname(os.path.abspath(__file__))

# Example values for the templates' variables (lava/README.md lists what each one is).
EXAMPLES = {
    "FLASH_URL": "file:///srv/ffa-cts/optee-sel1.bin",
    "BL1_URL": "https://artifacts.example.org/ffa-cts/fvp/bl1.bin",
    "FIP_URL": "https://artifacts.example.org/ffa-cts/fvp/fip.bin",
    "FVP_DOCKER_IMAGE": "shrinkwraptool/base-slim",
    "FVP_MODEL": "/opt/model/Base_RevC_AEMvA_pkg/models/Linux64_GCC-9.3/FVP_Base_RevC-2xAEMvA",
    "RECOVERY_ZIP_URL": "https://artifacts.example.org/ffa-cts/juno/recovery.zip",
    "JUNO_REVISION": "juno-r2",
}

# LAVA's result vocabulary per ffa-cts outcome (harness Outcome::lava).
LAVA_RESULT = {
    "pass": "pass",
    "fail": "fail",
    "not-supported": "skip",
    "skip": "skip",
    "timeout": "unknown",
    "crash": "unknown",
    "not-run": "unknown",
}


def templates():
    return sorted(f for f in os.listdir(HERE) if f.endswith(".yaml"))


def load(name):
    with open(os.path.join(HERE, name)) as f:
        text = string.Template(f.read()).substitute(EXAMPLES)
    return yaml.safe_load(text)


def monitors(job):
    found = []
    for action in job["actions"]:
        found.extend(action.get("test", {}).get("monitors", []))
    return found


def replay(monitor, console):
    """The test cases LAVA's monitor action records from `console` (a list of lines)."""
    text = "\n".join(console)
    start = text.find(monitor["start"])
    if start < 0:
        return None
    recorded = {}
    end = re.compile(re.escape(monitor["end"]))
    pattern = re.compile(monitor["pattern"])
    at = start + len(monitor["start"])
    while True:
        # pexpect tries the end before the pattern at each position, like monitor.py's list.
        m_end, m_case = end.search(text, at), pattern.search(text, at)
        if m_case is None or (m_end is not None and m_end.start() <= m_case.start()):
            break
        case_id = re.sub(r"\W+", "_", m_case.group("test_case_id").strip().lower())
        result = monitor.get("fixupdict", {}).get(m_case.group("result"), m_case.group("result"))
        assert result in ("pass", "fail", "skip", "unknown"), result
        recorded[case_id] = (result, m_case.groupdict().get("measurement"))
        at = m_case.end()
    return recorded


def expected(run_dir, boot=None):
    """The LAVA test cases a run's image printed (in boot `boot` of the run's first part only,
    when given): id with '.' as '__', and LAVA result."""
    with open(os.path.join(run_dir, "results.json")) as f:
        results = json.load(f)
    return {
        case["id"].replace(".", "__"): LAVA_RESULT[case["outcome"]]
        for case in results["cases"]
        if not case["by_runner"] and (boot is None or (case.get("boot") == boot and case.get("part", 1) == 1))
    }


def split(run_dir):
    """True when the run ran in parts (`ffa-cts run --jobs`), each with its console in part-<k>/."""
    with open(os.path.join(run_dir, "results.json")) as f:
        return bool(json.load(f).get("parts"))


def difference(got, want):
    missing = sorted(set(want) - set(got))[:5]
    extra = sorted(set(got) - set(want))[:5]
    wrong = sorted(k for k in set(got) & set(want) if got[k] != want[k])[:5]
    return "LAVA records %d cases, the run has %d (missing %s, extra %s, other result %s)" % (
        len(got), len(want), missing, extra, wrong)


def check_lava_log(log, run_dir):
    """What lava-run recorded (its JSON log lines of level `results`), against the run."""
    got, job = {}, None
    with open(log, errors="replace") as f:
        for line in f:
            try:
                entry = yaml.safe_load(line)
            except yaml.YAMLError:
                continue
            if not isinstance(entry, dict) or entry.get("lvl") != "results":
                continue
            msg = entry["msg"]
            if msg.get("definition") == "ffa-cts":
                got[msg["case"]] = msg["result"]
            elif msg.get("definition") == "lava" and msg.get("case") == "job":
                job = msg
    if job is None or job.get("result") != "pass":
        return "the LAVA job did not pass: %s" % job
    want = expected(run_dir)
    return None if got == want else difference(got, want)


def check_run(monitor, run_dir):
    # A run in parts: the first part's console, which holds only that part's cases.
    parts = split(run_dir)
    log = os.path.join(run_dir, "part-1", "events.log") if parts else os.path.join(run_dir, "events.log")
    with open(log, errors="replace") as f:
        console = [line.rstrip("\n") for line in f]
    # One boot, as a LAVA job has: the first boot's lines (a resumed run's later boots start
    # with `# boot N:`), and the cases that ended in it.
    boots = [i for i, line in enumerate(console) if line.startswith("# boot ")]
    if len(boots) > 1:
        console = console[: boots[1]]
    recorded = replay(monitor, console)
    if recorded is None:
        return "no `%s` line in %s" % (monitor["start"], log)
    want = expected(run_dir, 1 if len(boots) > 1 or parts else None)
    got = {case_id: result for case_id, (result, _) in recorded.items()}
    return None if got == want else difference(got, want)


def main(runs):
    passed = failed = 0
    patterns = set()
    for name in templates():
        try:
            job = load(name)
            validate(job, strict=True)
            patterns.update(json.dumps(m, sort_keys=True) for m in monitors(job))
            print("lava: %s is a valid LAVA job (lava_common.schemas)" % name)
            passed += 1
        except (Invalid, KeyError, ValueError, yaml.YAMLError) as e:
            print("lava: %s: %s" % (name, e))
            failed += 1
    if len(patterns) != 1:
        print("lava: the templates' monitors differ (%d kinds); keep one" % len(patterns))
        failed += 1
    monitor = json.loads(sorted(patterns)[0]) if patterns else None
    for run_dir in runs:
        problem = check_run(monitor, run_dir) if monitor else "no monitor"
        if problem:
            print("lava: monitor on %s: %s" % (run_dir, problem))
            failed += 1
        else:
            print("lava: the monitor records every case of %s with its result" % run_dir)
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main_lava_log(log, run_dir):
    problem = check_lava_log(log, run_dir)
    if problem:
        print("lava-run: %s" % problem)
        print("0 passed, 1 failed")
        return 1
    print("lava-run: LAVA's dispatcher recorded every case of %s with its result" % run_dir)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--lava-log"] and len(sys.argv) == 4:
        sys.exit(main_lava_log(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1:]))
