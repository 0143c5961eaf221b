//! The terminal summary at the end of `run`: per-outcome counts, every case that is not
//! green with where and why, the run folder, and `N passed, N failed, N skipped`. A run gated
//! by a baseline marks each expected failure with the baseline's reason and ends with the
//! gate's mismatches and its line, `N passed, N failed`, so the summary's last word is the
//! gate's.

use crate::gate::{self, Gating, Verdict};
use crate::results::RunResults;
use ffa_harness::{Counts, Outcome};
use std::fmt::Write;
use std::path::Path;

/// The last line: passed = pass, failed = fail + timeout + crash, skipped = not-supported + skip.
pub fn totals_line(counts: &Counts) -> String {
    format!("{} passed, {} failed, {} skipped", counts.passed(), counts.failed(), counts.skipped())
}

/// A message on one terminal line (a panic message holds line breaks).
pub fn one_line(message: &str) -> String {
    message.split(['\n', '\r']).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" / ")
}

/// The whole summary; its last line is [`totals_line`], or with `gating` the gate's.
pub fn render(results: &RunResults, dir: &Path, gating: Option<&Gating>) -> String {
    let counts = results.counts();
    let mut text = String::new();
    let per_outcome: Vec<String> = Outcome::ALL.iter().map(|&o| format!("{o} {}", counts.get(o))).collect();
    let _ = writeln!(text, "{} cases: {}", counts.total(), per_outcome.join(", "));
    // Skips and not-runs are grouped by reason (a stack without a partition skips a whole
    // family, a run cut short leaves every later case not run); every other case that is not
    // green is listed with where and why.
    let mut groups: Vec<(Outcome, &str, usize)> = Vec::new();
    for case in results.cases.iter().filter(|c| !c.outcome.is_some_and(Outcome::is_green)) {
        if let Some(outcome @ (Outcome::Skip | Outcome::NotRun)) = case.outcome {
            match groups.iter_mut().find(|(o, m, _)| *o == outcome && *m == case.message) {
                Some((_, _, n)) => *n += 1,
                None => groups.push((outcome, &case.message, 1)),
            }
            continue;
        }
        let outcome = case.outcome.map_or("none", Outcome::as_str);
        let at = if case.at.is_empty() { String::new() } else { format!(" at {}", case.at) };
        let expected = match gating.map(|g| gate::judge(case, &g.baseline)) {
            Some(Verdict::ExpectedFailure(reason)) => format!(" [expected: {}]", one_line(reason)),
            _ => String::new(),
        };
        let _ = writeln!(text, "  {outcome:<8} {}{at}: {}{expected}", case.id, one_line(&case.message));
    }
    for (outcome, message, n) in groups {
        let plural = if n == 1 { "" } else { "s" };
        let _ = writeln!(text, "  {:<8} {n} case{plural}: {}", outcome.as_str(), one_line(message));
    }
    let _ = writeln!(text, "results: {}", dir.display());
    text.push_str(&totals_line(&counts));
    if let Some(g) = gating {
        let comparison = gate::compare(results, &g.baseline);
        let _ = write!(text, "\ngate: against {}\n", g.file.display());
        for mismatch in &comparison.mismatches {
            let _ = writeln!(text, "  {mismatch}");
        }
        text.push_str(&comparison.totals_line());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};
    use crate::results::{CaseRecord, Summary};

    fn results() -> RunResults {
        let mut r = RunResults::new(identity("optee", "1.1", "2025-11-26T11:56:00Z"));
        r.stack_description = Some("OP-TEE <S-EL1> & TF-A".into());
        let outcomes = [
            Outcome::Pass,
            Outcome::Pass,
            Outcome::Fail,
            Outcome::NotSupported,
            Outcome::Skip,
            Outcome::Timeout,
            Outcome::Crash,
            Outcome::Crash,
            Outcome::NotRun,
        ];
        for (i, outcome) in outcomes.into_iter().enumerate() {
            r.plan(CaseRecord::planned(&format!("setup.c{i}"), "13.2", "FFA_VERSION", "1.0"));
            let mut ending = ending(outcome, 5, "cases/src/a.rs:3", "got <1> & \"2\"", 1);
            if outcome == Outcome::Fail {
                ending.console = vec!["sp: answered <0x1>".into(), "I/TC: log & more".into()];
            }
            ending.by_runner = outcome == Outcome::NotRun;
            r.record(i, ending);
        }
        r
    }

    /// The number in `text` right after `key="`.
    fn attribute(text: &str, key: &str) -> u32 {
        let start = text.find(&format!(" {key}=\"")).unwrap() + key.len() + 3;
        text[start..].split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn summary_results_and_junit_agree() {
        let r = results();
        let summary = render(&r, Path::new("results/runs/x"), None);
        assert_eq!(summary.lines().last(), Some("2 passed, 5 failed, 2 skipped"));
        assert!(summary.contains("  fail     setup.c2 at cases/src/a.rs:3: got <1> & \"2\""), "{summary}");
        assert!(!summary.contains("setup.c3"), "not-supported is green: {summary}");

        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        let s = &json["summary"];
        assert_eq!(
            r.summary,
            Summary { total: 9, pass: 2, fail: 1, not_supported: 1, skip: 1, timeout: 1, crash: 2, not_run: 1 }
        );
        assert_eq!(
            (s["total"].as_u64(), s["not-supported"].as_u64(), s["crash"].as_u64(), s["not-run"].as_u64()),
            (Some(9), Some(1), Some(2), Some(1))
        );

        let xml = crate::junit::render(&r, None);
        let suites = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
        let suite = xml.lines().find(|l| l.contains("<testsuite ")).unwrap();
        for head in [suites, suite] {
            assert_eq!(attribute(head, "tests"), 9);
            assert_eq!(attribute(head, "failures"), 1);
            assert_eq!(attribute(head, "errors"), 4);
            assert_eq!(attribute(head, "skipped"), 2);
        }
        assert_eq!(xml.matches("<testcase ").count(), 9);
        assert_eq!(xml.matches("<failure ").count(), 1);
        assert_eq!(xml.matches("<error ").count(), 4);
        assert_eq!(xml.matches("<skipped ").count(), 2);
        let counts = r.counts();
        assert_eq!(attribute(suites, "failures") + attribute(suites, "errors"), counts.failed());
        assert_eq!(attribute(suites, "skipped"), counts.skipped());
    }

    #[test]
    fn a_gated_summary_ends_with_the_gate() {
        use crate::baseline::{Baseline, Expectation, SCHEMA};
        let r = results();
        let mut cases: std::collections::BTreeMap<String, Expectation> = r
            .cases
            .iter()
            .map(|c| (c.id.clone(), Expectation { outcome: c.outcome.unwrap(), reason: Some("known".into()) }))
            .collect();
        cases.insert("setup.c0".into(), Expectation { outcome: Outcome::Fail, reason: Some("was broken".into()) });
        let baseline = Baseline { schema: SCHEMA, stack: "optee".into(), ffa_version: "1.1".into(), cases };
        let gating = Gating { baseline, file: "b.json".into() };
        let summary = render(&r, Path::new("results/runs/x"), Some(&gating));
        assert!(
            summary.contains("  fail     setup.c2 at cases/src/a.rs:3: got <1> & \"2\" [expected: known]"),
            "{summary}"
        );
        assert!(summary.contains("gate: against b.json\n  setup.c0: expected fail, got pass"), "{summary}");
        assert_eq!(summary.lines().last(), Some("8 passed, 1 failed"));
    }

    #[test]
    fn golden_summary_and_junit() {
        let r = results();
        insta::assert_snapshot!("summary", render(&r, Path::new("results/runs/x"), None));
        insta::assert_snapshot!("junit", crate::junit::render(&r, None));
        assert_eq!(one_line("panicked at a.rs:3:\ndeliberate\r\n"), "panicked at a.rs:3: / deliberate");
    }
}
