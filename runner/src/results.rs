//! The results of one run, as written to `results.json` (schema 2): what ran (suite commit,
//! firmware and its hash, stack cache key, QEMU version, the selection), the FF-A session,
//! the boots (and the parts the run was split into), the notes (the image's, and the runner's
//! on its split), and one record per planned case in id order. `junit.xml`,
//! the terminal summary, the gate and the matrix are all derived from this.

use crate::outcome_serde;
use ffa_harness::platform::LongestCall;
use ffa_harness::{Counts, Outcome};
use serde::{Deserialize, Serialize};

/// The `schema` of `results.json`.
pub const SCHEMA: u32 = 2;

/// Everything known about a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunResults {
    pub schema: u32,
    /// `ffa-cts <version>`.
    pub tool: String,
    pub stack: String,
    pub stack_description: Option<String>,
    pub platform: String,
    /// What was booted and with what.
    pub build: Build,
    pub requested_version: String,
    pub selection: Selection,
    /// From the image's `session` event; `None` until one arrived.
    pub negotiated_version: Option<String>,
    /// FFA_VERSION's return value, `0x10002`.
    pub returned_version: Option<String>,
    pub own_id: Option<String>,
    pub spmc_id: Option<String>,
    /// RFC 3339 UTC.
    pub started: String,
    /// The machine the runner ran on.
    pub hostname: String,
    pub wall_s: f64,
    /// Boots of every part together.
    pub boots: u32,
    /// Milliseconds from spawn to `hello`, per boot (`None`: no `hello`), part after part.
    pub boot_ms: Vec<Option<u64>>,
    /// The `after=` of each boot: the case it resumed after, or the last case of the part before
    /// its own (`None`: it started from the first case).
    pub boot_after: Vec<Option<String>>,
    /// The snapshot of the firmware's boot each boot was restored from (`None`: it booted the
    /// firmware); its boot log is the run folder's `firmware-boot.log` (each part's folder's,
    /// in parts).
    #[serde(default)]
    pub boot_snapshot: Vec<Option<String>>,
    /// The parts the run was split into (`--jobs`), run by that many QEMUs at once, a part
    /// more than QEMUs in the first QEMU to be free; empty for a run of one part.
    #[serde(default)]
    pub parts: Vec<PartRecord>,
    /// How long one FF-A call could last before the image's hang monitor reported it
    /// (`None`: no monitor).
    #[serde(default)]
    pub call_limit_ms: Option<u32>,
    pub summary: Summary,
    pub notes: Vec<String>,
    /// Why the run ended before every selected case ran (those cases are `not-run`), or why
    /// some case is missing; `None` for a complete run. Baselines and the matrix take
    /// complete runs only.
    pub stopped: Option<String>,
    /// Sorted by id.
    pub cases: Vec<CaseRecord>,
}

/// Per-outcome counts, under the outcome names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: u32,
    pub pass: u32,
    pub fail: u32,
    #[serde(rename = "not-supported")]
    pub not_supported: u32,
    pub skip: u32,
    pub timeout: u32,
    pub crash: u32,
    #[serde(rename = "not-run")]
    pub not_run: u32,
}

impl From<Counts> for Summary {
    fn from(c: Counts) -> Self {
        Self {
            total: c.total(),
            pass: c.get(Outcome::Pass),
            fail: c.get(Outcome::Fail),
            not_supported: c.get(Outcome::NotSupported),
            skip: c.get(Outcome::Skip),
            timeout: c.get(Outcome::Timeout),
            crash: c.get(Outcome::Crash),
            not_run: c.get(Outcome::NotRun),
        }
    }
}

/// One part of a run split over several QEMUs: a contiguous range of the case list, booted
/// and resumed by a boot loop of its own, with its logs in `part-<part>/`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartRecord {
    pub part: u32,
    /// The range, as the image's `after=` and `until=`: ids after `after` (from the first when
    /// `None`) up to and including `until` (to the last when `None`).
    pub after: Option<String>,
    pub until: Option<String>,
    /// The runner's own count of the selected cases in the range (its registry is the
    /// image's, but for a self-test build's extra cases), and the time the split expected
    /// them to take.
    pub estimated_cases: u32,
    pub estimated_s: f64,
    /// What the part's boot loop did: wall time, boots, and as the run's fields of that name.
    pub wall_s: f64,
    pub boots: u32,
    pub boot_ms: Vec<Option<u64>>,
    pub boot_after: Vec<Option<String>>,
    pub stopped: Option<String>,
}

/// One planned case and, once it ended, how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub id: String,
    pub section: String,
    pub abis: Vec<String>,
    pub since: String,
    /// `None` until the case ended.
    #[serde(with = "outcome_serde::optional_name")]
    pub outcome: Option<Outcome>,
    /// As measured by the image; wall time for outcomes the runner made up.
    pub duration_us: u64,
    /// The FF-A calls the image made while the case ran (0 for outcomes the runner made up).
    #[serde(default)]
    pub ffa_calls: u64,
    /// The longest of those calls that returned, in microseconds, and its function (absent
    /// when the image measured none: outcomes the runner made up, older runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_call_us: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_call: Option<String>,
    pub message: String,
    /// Where a check failed (`file:line`), or empty.
    pub at: String,
    /// The boot the case ended in (0 while it has not), counted within its part.
    pub boot: u32,
    /// The part of the run it ran in (`parts`; 1 in a run of one part): its boot's logs are in
    /// the run folder, or in `part-<part>/` when the run had several.
    #[serde(default = "first_part")]
    pub part: u32,
    /// True when the runner gave the outcome (a hang, QEMU exiting, not-run), not the image.
    pub by_runner: bool,
    /// The console lines between the case's `start` and `end` (for junit.xml; events.log
    /// has them all).
    #[serde(skip)]
    pub console: Vec<String>,
}

impl CaseRecord {
    /// A case from a `plan` event; `abis` is comma-separated.
    pub fn planned(id: &str, section: &str, abis: &str, since: &str) -> Self {
        Self {
            id: id.to_owned(),
            section: section.to_owned(),
            abis: abis.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            since: since.to_owned(),
            outcome: None,
            duration_us: 0,
            ffa_calls: 0,
            longest_call_us: None,
            longest_call: None,
            message: String::new(),
            at: String::new(),
            boot: 0,
            part: 1,
            by_runner: false,
            console: Vec::new(),
        }
    }
}

fn first_part() -> u32 {
    1
}

/// How a case ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    pub outcome: Outcome,
    pub duration_us: u64,
    pub ffa_calls: u64,
    pub longest_call: Option<LongestCall>,
    pub at: String,
    pub message: String,
    pub boot: u32,
    pub by_runner: bool,
    pub console: Vec<String>,
}

/// What was booted: the suite's commit, the firmware and the tools.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// `git rev-parse HEAD` of the suite, `+dirty` when the tree has changes; `unknown`
    /// outside git.
    pub suite_commit: String,
    /// The flash image booted, and its SHA-256 (hex).
    pub firmware: String,
    pub firmware_sha256: String,
    /// The stack's cache key (`<cache>/stacks/<stack>/<key>`), when the caller gave it.
    pub stack_key: Option<String>,
    /// The first line of `qemu-system-aarch64 --version`.
    pub qemu_version: Option<String>,
}

/// Which cases the run was asked for, and what the image made of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// `--only` id prefixes; `None` for every case.
    pub only: Option<String>,
    /// From the first `hello`: the cases in the image, and how many the selection took.
    pub total: Option<u32>,
    pub selected: Option<u32>,
    /// Cases whose `plan` line never arrived, recorded from their `start` or `end` (their
    /// section and ABIs are unknown).
    pub unplanned: Vec<String>,
}

impl Selection {
    /// True when the selection took every case of the image (whatever `--only` said).
    pub fn is_whole(&self) -> bool {
        self.total.is_some() && self.total == self.selected
    }
}

/// What a run is of, known before it starts.
pub struct RunIdentity {
    pub stack: String,
    pub stack_description: Option<String>,
    pub platform: String,
    pub build: Build,
    pub requested_version: String,
    pub only: Option<String>,
    pub started: String,
    pub hostname: String,
}

impl RunResults {
    /// A run with nothing planned yet.
    pub fn new(identity: RunIdentity) -> Self {
        Self {
            schema: SCHEMA,
            tool: format!("ffa-cts {}", env!("CARGO_PKG_VERSION")),
            stack: identity.stack,
            stack_description: identity.stack_description,
            platform: identity.platform,
            build: identity.build,
            requested_version: identity.requested_version,
            selection: Selection { only: identity.only, ..Selection::default() },
            negotiated_version: None,
            returned_version: None,
            own_id: None,
            spmc_id: None,
            started: identity.started,
            hostname: identity.hostname,
            wall_s: 0.0,
            boots: 0,
            boot_ms: Vec::new(),
            boot_after: Vec::new(),
            boot_snapshot: Vec::new(),
            parts: Vec::new(),
            call_limit_ms: None,
            summary: Summary::default(),
            notes: Vec::new(),
            stopped: None,
            cases: Vec::new(),
        }
    }

    /// Adds a planned case, keeping id order; a second plan of the same id is ignored.
    pub fn plan(&mut self, case: CaseRecord) {
        if let Err(at) = self.cases.binary_search_by(|c| c.id.as_str().cmp(&case.id)) {
            self.cases.insert(at, case);
        }
    }

    /// The index of the planned case `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.cases.binary_search_by(|c| c.id.as_str().cmp(id)).ok()
    }

    /// Records how case `index` ended, unless it already has an outcome. Returns whether it
    /// was recorded.
    pub fn record(&mut self, index: usize, ending: Ending) -> bool {
        let case = &mut self.cases[index];
        if case.outcome.is_some() {
            return false;
        }
        case.outcome = Some(ending.outcome);
        case.duration_us = ending.duration_us;
        case.ffa_calls = ending.ffa_calls;
        case.longest_call_us = ending.longest_call.map(|l| l.micros);
        case.longest_call = ending.longest_call.map(|l| l.func.to_string());
        case.at = ending.at;
        case.message = ending.message;
        case.boot = ending.boot;
        case.by_runner = ending.by_runner;
        case.console = ending.console;
        self.summary = self.counts().into();
        true
    }

    /// The cases without an outcome, in id order.
    pub fn pending(&self) -> Vec<usize> {
        (0..self.cases.len()).filter(|&i| self.cases[i].outcome.is_none()).collect()
    }

    /// How many selected cases no `plan`, `start` or `end` ever named: lost without a trace.
    pub fn missing(&self) -> usize {
        self.selection.selected.map_or(0, |n| (n as usize).saturating_sub(self.cases.len()))
    }

    /// True when every selected case ran with its plan known (nothing stopped the run early,
    /// no event was lost).
    pub fn is_complete(&self) -> bool {
        self.stopped.is_none()
            && !self.cases.is_empty()
            && self.cases.iter().all(|c| c.outcome.is_some())
            && self.selection.unplanned.is_empty()
            && self.missing() == 0
    }

    /// The counts of the cases that ended.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for outcome in self.cases.iter().filter_map(|c| c.outcome) {
            counts.add(outcome);
        }
        counts
    }

    /// How many cases have an outcome.
    pub fn ended(&self) -> usize {
        self.cases.iter().filter(|c| c.outcome.is_some()).count()
    }

    /// The last case in id order that has an outcome: where the next boot resumes.
    pub fn last_ended_id(&self) -> Option<&str> {
        self.cases.iter().rev().find(|c| c.outcome.is_some()).map(|c| c.id.as_str())
    }

    /// Pretty `results.json` text.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("results serialize to JSON");
        text.push('\n');
        text
    }

    /// Parses `results.json` text.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let results: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if results.schema != SCHEMA {
            return Err(format!("schema {} is not the schema {SCHEMA} this ffa-cts reads", results.schema));
        }
        Ok(results)
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A run of `stack` at `version` started at `started`, of every case.
    pub fn identity(stack: &str, version: &str, started: &str) -> RunIdentity {
        RunIdentity {
            stack: stack.into(),
            stack_description: None,
            platform: "qemu-virt".into(),
            build: Build {
                suite_commit: "0123abc".into(),
                firmware: "/fw/flash.bin".into(),
                firmware_sha256: "00ff".into(),
                stack_key: Some("a75734ab0a0984c0".into()),
                qemu_version: Some("QEMU emulator version 10.0.2".into()),
            },
            requested_version: version.into(),
            only: None,
            started: started.into(),
            hostname: "host".into(),
        }
    }

    /// An ending the image reported.
    pub fn ending(outcome: Outcome, duration_us: u64, at: &str, message: &str, boot: u32) -> Ending {
        Ending {
            outcome,
            duration_us,
            ffa_calls: 0,
            longest_call: None,
            at: at.into(),
            message: message.into(),
            boot,
            by_runner: false,
            console: Vec::new(),
        }
    }

    #[test]
    fn keeps_id_order_first_outcome_and_round_trips() {
        let mut r = RunResults::new(identity("s", "1.1", "x"));
        r.selection.total = Some(2);
        r.selection.selected = Some(2);
        r.plan(CaseRecord::planned("b.x", "1", "FFA_VERSION,FFA_ID_GET", "1.0"));
        r.plan(CaseRecord::planned("a.y", "2", "", "1.1"));
        r.plan(CaseRecord::planned("a.y", "9", "", "1.1"));
        assert_eq!(r.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["a.y", "b.x"]);
        assert_eq!(r.cases[1].abis, ["FFA_VERSION", "FFA_ID_GET"]);
        assert!(r.cases[0].abis.is_empty());
        let pass = ending(Outcome::Pass, 3, "", "", 1);
        assert!(r.record(0, pass.clone()));
        assert!(!r.record(0, Ending { outcome: Outcome::Fail, ..pass }));
        assert_eq!(r.last_ended_id(), Some("a.y"));
        assert_eq!(r.pending(), [1]);
        assert!(!r.is_complete());
        r.record(1, ending(Outcome::NotRun, 0, "", "not run: test", 1));
        assert_eq!(r.summary, Summary { total: 2, pass: 1, not_run: 1, ..Summary::default() });
        let back = RunResults::from_json(&r.to_json()).unwrap();
        assert_eq!(back.cases, r.cases);
        assert_eq!((back.build, back.selection), (r.build.clone(), r.selection.clone()));
        assert!(r.to_json().contains("\"not-run\": 1"));
        assert!(r.is_complete(), "every case has an outcome; only `stopped` says the run was cut");
    }

    #[test]
    fn a_lost_plan_makes_the_run_incomplete() {
        let mut r = RunResults::new(identity("s", "1.1", "x"));
        r.selection.total = Some(3);
        r.selection.selected = Some(2);
        r.plan(CaseRecord::planned("a.x", "1", "", "1.0"));
        r.record(0, ending(Outcome::Pass, 1, "", "", 1));
        assert_eq!(r.missing(), 1);
        assert!(!r.is_complete());
        assert!(!r.selection.is_whole());
        r.selection.selected = Some(1);
        assert!(r.is_complete());
        r.selection.unplanned.push("a.x".into());
        assert!(!r.is_complete());
    }
}
