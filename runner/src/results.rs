//! The results of one run, as written to `results.json` (schema 1): the stack and FF-A
//! session, the boots, the image's notes, and one record per planned case in id order.
//! `junit.xml`, the terminal summary and the gate are all derived from this.

use crate::outcome_serde;
use ffa_harness::{Counts, Outcome};
use serde::{Deserialize, Serialize};

/// The `schema` of `results.json`.
pub const SCHEMA: u32 = 1;

/// Everything known about a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunResults {
    pub schema: u32,
    /// `ffa-cts <version>`.
    pub tool: String,
    pub stack: String,
    pub stack_description: Option<String>,
    pub platform: String,
    pub requested_version: String,
    /// From the image's `session` event; `None` until one arrived.
    pub negotiated_version: Option<String>,
    /// FFA_VERSION's return value, `0x10002`.
    pub returned_version: Option<String>,
    pub own_id: Option<String>,
    pub spmc_id: Option<String>,
    /// RFC 3339 UTC.
    pub started: String,
    pub wall_s: f64,
    pub boots: u32,
    /// Milliseconds from spawn to `hello`, per boot (`None`: no `hello`).
    pub boot_ms: Vec<Option<u64>>,
    pub summary: Summary,
    pub notes: Vec<String>,
    /// Why the run ended before every planned case ran (those cases are `timeout` with a
    /// "not run" message); `None` for a complete run. Baselines and the matrix take complete
    /// runs only.
    #[serde(default)]
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
        }
    }
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
    pub message: String,
    /// Where a check failed (`file:line`), or empty.
    pub at: String,
    /// The boot the case ended in (0 while it has not).
    pub boot: u32,
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
            message: String::new(),
            at: String::new(),
            boot: 0,
        }
    }
}

/// How a case ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    pub outcome: Outcome,
    pub duration_us: u64,
    pub at: String,
    pub message: String,
    pub boot: u32,
}

/// What a run is of, known before it starts.
pub struct RunIdentity {
    pub stack: String,
    pub stack_description: Option<String>,
    pub platform: String,
    pub requested_version: String,
    pub started: String,
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
            requested_version: identity.requested_version,
            negotiated_version: None,
            returned_version: None,
            own_id: None,
            spmc_id: None,
            started: identity.started,
            wall_s: 0.0,
            boots: 0,
            boot_ms: Vec::new(),
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
        case.at = ending.at;
        case.message = ending.message;
        case.boot = ending.boot;
        self.summary = self.counts().into();
        true
    }

    /// Gives every case without an outcome the outcome `timeout` with `message`.
    /// Returns how many cases it marked.
    pub fn mark_not_run(&mut self, message: &str) -> usize {
        let boot = self.boots;
        let marked = self.cases.iter().filter(|c| c.outcome.is_none()).count();
        for index in 0..self.cases.len() {
            let ending = Ending {
                outcome: Outcome::Timeout,
                duration_us: 0,
                at: String::new(),
                message: message.to_owned(),
                boot,
            };
            self.record(index, ending);
        }
        marked
    }

    /// True when every planned case ran (nothing stopped the run early).
    pub fn is_complete(&self) -> bool {
        self.stopped.is_none() && !self.cases.is_empty() && self.cases.iter().all(|c| c.outcome.is_some())
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
mod tests {
    use super::*;

    #[test]
    fn keeps_id_order_first_outcome_and_round_trips() {
        let identity = RunIdentity {
            stack: "s".into(),
            stack_description: None,
            platform: "qemu-virt".into(),
            requested_version: "1.1".into(),
            started: "x".into(),
        };
        let mut r = RunResults::new(identity);
        r.plan(CaseRecord::planned("b.x", "1", "FFA_VERSION,FFA_ID_GET", "1.0"));
        r.plan(CaseRecord::planned("a.y", "2", "", "1.1"));
        r.plan(CaseRecord::planned("a.y", "9", "", "1.1"));
        assert_eq!(r.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["a.y", "b.x"]);
        assert_eq!(r.cases[1].abis, ["FFA_VERSION", "FFA_ID_GET"]);
        assert!(r.cases[0].abis.is_empty());
        let pass =
            Ending { outcome: Outcome::Pass, duration_us: 3, at: String::new(), message: String::new(), boot: 1 };
        assert!(r.record(0, pass.clone()));
        assert!(!r.record(0, Ending { outcome: Outcome::Fail, ..pass }));
        assert_eq!(r.last_ended_id(), Some("a.y"));
        r.mark_not_run("not run: test");
        assert_eq!(r.summary, Summary { total: 2, pass: 1, timeout: 1, ..Summary::default() });
        let back = RunResults::from_json(&r.to_json()).unwrap();
        assert_eq!(back.cases, r.cases);
        assert!(r.to_json().contains("\"not-supported\": 0"));
    }
}
