//! `ffa-cts gate`: compares a run's outcomes with the stack's baseline, so CI fails on any
//! change (a regression, a newly passing case, a case added or removed). `--update` rewrites
//! the baseline from the run, keeping the reasons of unchanged expectations.

use crate::baseline::{Baseline, Expectation, SCHEMA};
use crate::cli::GateOptions;
use crate::results::{CaseRecord, RunResults};
use crate::run_dir;
use ffa_harness::Outcome;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs `ffa-cts gate`; returns the exit code (0 as expected, 1 some outcome differs).
pub fn gate(options: &GateOptions) -> Result<u8, String> {
    let dir = run_dir::resolve(&options.run)?;
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}; pass --run DIR of a finished run", path.display()))?;
    let run = RunResults::from_json(&text).map_err(|e| format!("{} is not valid results: {e}", path.display()))?;
    if run.stack != options.stack {
        return Err(format!(
            "{} is a run of stack `{}`, not `{}`; pass --run DIR of a `{}` run",
            path.display(),
            run.stack,
            options.stack,
            options.stack
        ));
    }
    let baseline_path = &options.baseline;
    let old = Baseline::load(baseline_path)?;
    println!("gate: {} against {}", path.display(), baseline_path.display());
    if options.update {
        if !run.is_complete() {
            return Err(format!(
                "{} is incomplete ({}); run again before --update",
                path.display(),
                run.stopped.as_deref().unwrap_or("a case has no outcome")
            ));
        }
        if let Some(old) = old.as_ref().filter(|b| b.stack != run.stack || b.ffa_version != run.requested_version) {
            return Err(format!(
                "the baseline {} is for stack `{}` at FF-A {}, the run is of `{}` at FF-A {}; --update keeps baselines to their own stack and version",
                baseline_path.display(),
                old.stack,
                old.ffa_version,
                run.stack,
                run.requested_version
            ));
        }
        let (new, changes) = updated(old.as_ref(), &run);
        if old.is_some() && changes.is_empty() {
            println!("the baseline already expects what the run did");
        } else {
            for change in &changes {
                println!("  {change}");
            }
            new.save(baseline_path)?;
            println!("wrote {}; explain every \"TODO: explain\" reason before committing it", baseline_path.display());
        }
        println!("{}", compare(&run, &new).totals_line());
        return Ok(0);
    }
    let Some(baseline) = old else {
        return Err(format!(
            "no baseline at {}; create it from this run with `ffa-cts gate --stack {} --update` and explain each expected deviation",
            baseline_path.display(),
            options.stack
        ));
    };
    check_matches(&run, &baseline, baseline_path)?;
    let comparison = compare(&run, &baseline);
    for mismatch in &comparison.mismatches {
        println!("  {mismatch}");
    }
    println!("{}", comparison.totals_line());
    Ok(if comparison.mismatches.is_empty() { 0 } else { 1 })
}

/// How a run compares with a baseline.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Cases whose outcome is the expected one.
    pub matched: usize,
    /// One line per mismatch: changed outcomes, new cases, missing cases.
    pub mismatches: Vec<String>,
}

impl Comparison {
    /// The gate's last line.
    pub fn totals_line(&self) -> String {
        format!("{} passed, {} failed", self.matched, self.mismatches.len())
    }
}

fn outcome_name(case: &CaseRecord) -> &'static str {
    case.outcome.map_or("no outcome", Outcome::as_str)
}

/// ` (at file:line: message)`, or less when the case has less.
fn detail(case: &CaseRecord) -> String {
    match (case.at.is_empty(), case.message.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!(" ({})", case.message),
        (false, true) => format!(" (at {})", case.at),
        (false, false) => format!(" (at {}: {})", case.at, case.message),
    }
}

/// What the gate makes of one case of a run: the verdict the CI views (junit.xml, the LAVA
/// lines the runner prints, the terminal summary) show when the run is gated, so that they
/// are green exactly when the gate is. The raw outcome stays in results.json.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// The expected outcome, and one that is no failure (pass, not-supported, skip): shown
    /// as it is.
    AsExpected,
    /// A failure (fail, timeout, crash, not-run) the baseline expects, with its reason: shown
    /// the way pytest shows an xfail, skipped.
    ExpectedFailure(&'a str),
    /// Not what the baseline expects, or a case it does not know: the gate's mismatch line.
    /// An expected failure that passes lands here, so a known-issue list cannot rot.
    Unexpected(String),
}

/// The verdict on `case` against `baseline`.
pub fn judge<'a>(case: &CaseRecord, baseline: &'a Baseline) -> Verdict<'a> {
    match baseline.cases.get(&case.id) {
        Some(expected) if case.outcome == Some(expected.outcome) => {
            if matches!(expected.outcome, Outcome::Pass | Outcome::NotSupported | Outcome::Skip) {
                Verdict::AsExpected
            } else {
                Verdict::ExpectedFailure(expected.reason.as_deref().unwrap_or("the baseline gives no reason"))
            }
        }
        Some(expected) => Verdict::Unexpected(format!(
            "{}: expected {}, got {}{}",
            case.id,
            expected.outcome,
            outcome_name(case),
            detail(case)
        )),
        None => Verdict::Unexpected(format!(
            "{}: new case, not in the baseline; got {}{}",
            case.id,
            outcome_name(case),
            detail(case)
        )),
    }
}

/// The cases `baseline` expects that `run` does not have, with the gate's mismatch line.
pub fn missing<'a>(run: &RunResults, baseline: &'a Baseline) -> Vec<(&'a str, String)> {
    baseline
        .cases
        .iter()
        .filter(|(id, _)| run.cases.binary_search_by(|c| c.id.as_str().cmp(id)).is_err())
        .map(|(id, expected)| (id.as_str(), format!("{id}: missing from the run; expected {}", expected.outcome)))
        .collect()
}

/// Compares every case of `run` with `baseline`.
pub fn compare(run: &RunResults, baseline: &Baseline) -> Comparison {
    let mut comparison = Comparison::default();
    for case in &run.cases {
        match judge(case, baseline) {
            Verdict::AsExpected | Verdict::ExpectedFailure(_) => comparison.matched += 1,
            Verdict::Unexpected(line) => comparison.mismatches.push(line),
        }
    }
    comparison.mismatches.extend(missing(run, baseline).into_iter().map(|(_, line)| line));
    comparison
}

/// The baseline a run is gated by while it runs (`ffa-cts run --baseline FILE`), and its file.
#[derive(Debug)]
pub struct Gating {
    pub baseline: Baseline,
    pub file: PathBuf,
}

impl Gating {
    /// Loads the baseline `file` for a run of `stack` at FF-A `version`; an error when there
    /// is none or it is for another stack or version.
    pub fn load(file: &Path, stack: &str, version: &str) -> Result<Self, String> {
        let baseline = Baseline::load(file)?.ok_or_else(|| {
            format!("no baseline at {}; run without --baseline, then `ffa-cts gate --update`", file.display())
        })?;
        if baseline.stack != stack || baseline.ffa_version != version {
            return Err(format!(
                "the baseline {} is for stack `{}` at FF-A {}, the run is of `{stack}` at FF-A {version}",
                file.display(),
                baseline.stack,
                baseline.ffa_version
            ));
        }
        Ok(Self { baseline, file: file.to_owned() })
    }
}

/// Checks that `baseline` is for the stack and FF-A version of `run`.
pub fn check_matches(run: &RunResults, baseline: &Baseline, path: &Path) -> Result<(), String> {
    if baseline.stack != run.stack || baseline.ffa_version != run.requested_version {
        return Err(format!(
            "the baseline {} is for stack `{}` at FF-A {}, the run is of `{}` at FF-A {}; pass the matching baseline",
            path.display(),
            baseline.stack,
            baseline.ffa_version,
            run.stack,
            run.requested_version
        ));
    }
    Ok(())
}

/// The baseline that `run` matches, built from `old` (kept reasons), and what changed.
pub fn updated(old: Option<&Baseline>, run: &RunResults) -> (Baseline, Vec<String>) {
    let mut cases = BTreeMap::new();
    let mut changes = Vec::new();
    for case in run.cases.iter() {
        let Some(outcome) = case.outcome else {
            continue;
        };
        let previous = old.and_then(|b| b.cases.get(&case.id));
        let expectation = match previous {
            Some(p) if p.outcome == outcome => p.clone(),
            _ => {
                // A skip or not-supported says why itself (the precondition that did not
                // hold); an expected failure needs a person to name the deviation.
                let reason = match outcome {
                    Outcome::Pass => None,
                    Outcome::Skip | Outcome::NotSupported if !case.message.is_empty() => Some(case.message.clone()),
                    _ => Some("TODO: explain".to_owned()),
                };
                match previous {
                    Some(p) => changes.push(format!("{}: {} -> {outcome}", case.id, p.outcome)),
                    None => changes.push(format!("{}: added as {outcome}", case.id)),
                }
                Expectation { outcome, reason }
            }
        };
        cases.insert(case.id.clone(), expectation);
    }
    for (id, p) in old.map(|b| &b.cases).into_iter().flatten() {
        if !cases.contains_key(id) {
            changes.push(format!("{id}: removed (was {})", p.outcome));
        }
    }
    let baseline =
        Baseline { schema: SCHEMA, stack: run.stack.clone(), ffa_version: run.requested_version.clone(), cases };
    if let Some(old) = old.filter(|o| o.ffa_version != baseline.ffa_version) {
        changes.push(format!("ffa_version: {} -> {}", old.ffa_version, baseline.ffa_version));
    }
    (baseline, changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};

    fn run(cases: &[(&str, Outcome)]) -> RunResults {
        let mut r = RunResults::new(identity("optee", "1.1", "t"));
        for (id, _) in cases {
            r.plan(CaseRecord::planned(id, "1", "", "1.0"));
        }
        for (id, outcome) in cases {
            let index = r.index_of(id).unwrap();
            r.record(index, ending(*outcome, 1, "a.rs:3", "w0 0x1", 1));
        }
        r
    }

    fn baseline(cases: &[(&str, Outcome, Option<&str>)]) -> Baseline {
        let cases = cases
            .iter()
            .map(|(id, outcome, reason)| {
                (id.to_string(), Expectation { outcome: *outcome, reason: reason.map(str::to_owned) })
            })
            .collect();
        Baseline { schema: SCHEMA, stack: "optee".into(), ffa_version: "1.1".into(), cases }
    }

    #[test]
    fn a_matching_run_passes() {
        let c = compare(
            &run(&[("a.x", Outcome::Pass), ("b.y", Outcome::Fail)]),
            &baseline(&[("a.x", Outcome::Pass, None), ("b.y", Outcome::Fail, Some("SPMC bug"))]),
        );
        assert_eq!(c, Comparison { matched: 2, mismatches: vec![] });
        assert_eq!(c.totals_line(), "2 passed, 0 failed");
    }

    #[test]
    fn changed_new_and_missing_cases_fail() {
        let r = run(&[("a.x", Outcome::Fail), ("c.new", Outcome::Pass), ("d.same", Outcome::Pass)]);
        let b =
            baseline(&[("a.x", Outcome::Pass, None), ("b.gone", Outcome::Pass, None), ("d.same", Outcome::Pass, None)]);
        let c = compare(&r, &b);
        assert_eq!(
            c.mismatches,
            [
                "a.x: expected pass, got fail (at a.rs:3: w0 0x1)",
                "c.new: new case, not in the baseline; got pass (at a.rs:3: w0 0x1)",
                "b.gone: missing from the run; expected pass",
            ]
        );
        assert_eq!(c.totals_line(), "1 passed, 3 failed");
    }

    #[test]
    fn not_run_is_compared_like_any_outcome() {
        let r = run(&[("a.x", Outcome::NotRun)]);
        let c = compare(&r, &baseline(&[("a.x", Outcome::Pass, None)]));
        assert_eq!(c.mismatches, ["a.x: expected pass, got not-run (at a.rs:3: w0 0x1)"]);
        assert_eq!(compare(&r, &baseline(&[("a.x", Outcome::NotRun, None)])).matched, 1);
    }

    #[test]
    fn update_keeps_reasons_of_unchanged_cases() {
        let r = run(&[
            ("a.x", Outcome::Fail),
            ("b.y", Outcome::Pass),
            ("c.z", Outcome::NotSupported),
            ("d.w", Outcome::Timeout),
        ]);
        let old = baseline(&[
            ("a.x", Outcome::Fail, Some("SPMC returns DENIED")),
            ("b.y", Outcome::Fail, Some("fixed now")),
            ("d.w", Outcome::Pass, None),
            ("e.v", Outcome::Pass, None),
        ]);
        let (new, changes) = updated(Some(&old), &r);
        assert_eq!(new.cases["a.x"].reason.as_deref(), Some("SPMC returns DENIED"));
        assert_eq!(new.cases["b.y"], Expectation { outcome: Outcome::Pass, reason: None });
        assert_eq!(new.cases["c.z"].reason.as_deref(), Some("w0 0x1"), "a new not-supported keeps the run's reason");
        assert_eq!(new.cases["d.w"], Expectation { outcome: Outcome::Timeout, reason: Some("TODO: explain".into()) });
        assert!(!new.cases.contains_key("e.v"));
        assert_eq!(
            changes,
            ["b.y: fail -> pass", "c.z: added as not-supported", "d.w: pass -> timeout", "e.v: removed (was pass)"]
        );
        assert_eq!(compare(&r, &new).mismatches, Vec::<String>::new());
        let json = serde_json::to_string_pretty(&new).unwrap();
        assert!(
            json.contains("\"a.x\": {\n      \"outcome\": \"fail\",\n      \"reason\": \"SPMC returns DENIED\"\n    }"),
            "{json}"
        );
        assert!(json.contains("\"b.y\": {\n      \"outcome\": \"pass\"\n    }"), "{json}");
        let back: Baseline = serde_json::from_str(&json).unwrap();
        assert_eq!(back, new);
    }
}
