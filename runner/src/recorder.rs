//! What `run` keeps of the run as a whole while its boot loops work: `results.json` and
//! `junit.xml` rewritten as cases end (one recorder for every part of the run, so each write
//! holds every case that has ended in any part; crate::parts says how often), a progress
//! line on stderr per case,
//! and on stdout a LAVA line for each outcome the runner decided (the image prints its own on
//! the console). A run gated by a baseline writes the gate's view into `junit.xml` and prints
//! the gate's LAVA lines (an expected failure as `skip`, an unexpected outcome as `fail`), for
//! every case when stdout is no terminal, and at the end one `fail` for each expected case the
//! run lacks; `results.json` keeps the raw outcomes. Each part's console goes to its own
//! `events.log` (crate::parts).

use crate::atomic_write::write_atomically;
use crate::gate::{self, Gating, Verdict};
use crate::junit;
use crate::results::{CaseRecord, RunResults};
use ffa_harness::event::{LavaLine, Text};
use ffa_harness::Outcome;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Writes a run's results into its folder.
pub struct Recorder {
    dir: PathBuf,
    gating: Option<Gating>,
}

impl Recorder {
    /// Writes into the run folder `dir`; `gating` is the baseline the views show.
    pub fn new(dir: &Path, gating: Option<Gating>) -> Self {
        Self { dir: dir.to_owned(), gating }
    }

    /// Rewrites `results.json` and `junit.xml`.
    pub fn write_results(&self, results: &RunResults) -> Result<(), String> {
        write_atomically(&self.dir.join("results.json"), &results.to_json())?;
        write_atomically(&self.dir.join("junit.xml"), &junit::render(results, self.gating.as_ref()))
    }

    /// The baseline the views show, if any.
    pub fn gating(&self) -> Option<&Gating> {
        self.gating.as_ref()
    }

    /// `case` just got its outcome, the `ended`-th of `planned` cases the run expects so far:
    /// says so (the progress line, and its LAVA line where the runner prints one).
    pub fn case_ended(&self, case: &CaseRecord, ended: usize, planned: usize) {
        eprintln!("{}", progress_line(case, ended, planned));
        // A gated run's stdout read by a machine (a LAVA test shell running the runner sees no
        // image console) gets every case; a terminal only the runner's own outcomes.
        let every = self.gating.is_some() && !std::io::stdout().is_terminal();
        if let Some(line) = runner_lava_line(case, self.gating.as_ref(), every) {
            println!("{line}");
        }
    }

    /// The gate's LAVA `fail` line for each case the baseline expects and the run lacks.
    pub fn missing_lava_lines(&self, results: &RunResults) -> Vec<String> {
        let Some(g) = &self.gating else { return Vec::new() };
        gate::missing(results, &g.baseline)
            .into_iter()
            .map(|(id, _)| LavaLine { id: Text::new(id), outcome: Outcome::Fail, micros: 0 }.to_string())
            .collect()
    }
}

/// `[ 12/70] setup.version.bit31 ... pass (41 us)`: `case`, the `ended`-th of the `planned`.
pub fn progress_line(case: &CaseRecord, ended: usize, planned: usize) -> String {
    let total = planned.max(ended).to_string();
    let outcome = case.outcome.map_or("none", |o| o.as_str());
    let mut line = format!(
        "[{:>w$}/{total}] {} ... {outcome} ({})",
        ended,
        case.id,
        duration_text(case.duration_us),
        w = total.len()
    );
    if !case.message.is_empty() {
        line.push_str(": ");
        line.push_str(&crate::summary::one_line(&case.message));
    }
    line
}

/// The LAVA line the runner prints for a case: for an outcome the runner decided (the image
/// printed the others on its console), and with `every` for every case; gated, with the
/// gate's result.
fn runner_lava_line(case: &CaseRecord, gating: Option<&Gating>, every: bool) -> Option<String> {
    case.outcome.filter(|_| case.by_runner || every)?;
    let outcome = match gating {
        None => case.outcome?,
        Some(g) => match gate::judge(case, &g.baseline) {
            Verdict::AsExpected => case.outcome?,
            // LAVA has no xfail: an expected failure is a skip, as in junit.xml.
            Verdict::ExpectedFailure(_) => Outcome::Skip,
            Verdict::Unexpected(_) => Outcome::Fail,
        },
    };
    Some(LavaLine { id: Text::new(&case.id), outcome, micros: case.duration_us }.to_string())
}

/// `41 us`, `12 ms`, `10.3 s`.
fn duration_text(us: u64) -> String {
    match us {
        0..10_000 => format!("{us} us"),
        10_000..10_000_000 => format!("{} ms", us / 1000),
        _ => format!("{:.1} s", us as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};
    use ffa_harness::Outcome;

    #[test]
    fn progress() {
        let mut r = RunResults::new(identity("s", "1.1", "t"));
        for i in 0..12 {
            r.plan(CaseRecord::planned(&format!("c.{i:02}"), "1", "", "1.0"));
        }
        r.record(3, ending(Outcome::Pass, 41, "", "", 1));
        assert_eq!(progress_line(&r.cases[3], 1, 12), "[ 1/12] c.03 ... pass (41 us)");
        assert_eq!(progress_line(&r.cases[3], 1, 20), "[ 1/20] c.03 ... pass (41 us)", "a part not planned yet");
        r.record(4, ending(Outcome::Timeout, 10_300_000, "", "no end", 1));
        assert_eq!(progress_line(&r.cases[4], 2, 12), "[ 2/12] c.04 ... timeout (10.3 s): no end");
        assert_eq!(duration_text(12_345), "12 ms");
        assert_eq!(runner_lava_line(&r.cases[4], None, false), None, "the image printed its own");
        let mut hung = ending(Outcome::Timeout, 10_300_000, "", "no end", 1);
        hung.by_runner = true;
        r.record(5, hung);
        assert_eq!(
            runner_lava_line(&r.cases[5], None, false).as_deref(),
            Some("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=c__05 RESULT=unknown UNITS=us MEASUREMENT=10300000>")
        );
        // Gated: every case gets a line, an expected hang is a skip, a changed outcome a fail.
        let expect = |outcome| crate::baseline::Expectation { outcome, reason: None };
        let cases = [("c.03".to_owned(), expect(Outcome::Fail)), ("c.05".to_owned(), expect(Outcome::Timeout))];
        let baseline = crate::baseline::Baseline {
            schema: crate::baseline::SCHEMA,
            stack: "s".into(),
            ffa_version: "1.1".into(),
            cases: cases.into_iter().collect(),
        };
        let g = Gating { baseline, file: "b.json".into() };
        let line = |i: usize| runner_lava_line(&r.cases[i], Some(&g), true).unwrap();
        assert_eq!(runner_lava_line(&r.cases[3], Some(&g), false), None, "on a terminal, only the runner's own");
        assert!(line(3).contains("TEST_CASE_ID=c__03 RESULT=fail "), "{}", line(3));
        assert!(line(4).contains("TEST_CASE_ID=c__04 RESULT=fail "), "not in the baseline");
        assert!(line(5).contains("TEST_CASE_ID=c__05 RESULT=skip "));
    }
}
