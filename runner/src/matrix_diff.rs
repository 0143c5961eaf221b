//! `ffa-cts matrix --diff A B`: what changed between two runs (two builds of one SPMC, two
//! SPMC versions, two stacks), for release notes: every case whose outcome differs, with both
//! outcomes and B's message, as a Markdown table, and a line of counts. Cases only one run has
//! are listed as added or removed.

use crate::markdown::{cell, code, Table};
use crate::results::{CaseRecord, RunResults};
use crate::run_dir;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Reads the run in folder `dir` (or the folder a `latest` file names).
fn load(dir: &Path) -> Result<(String, RunResults), String> {
    let dir = run_dir::resolve(dir)?;
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let results = RunResults::from_json(&text).map_err(|e| format!("{} is not valid results: {e}", path.display()))?;
    let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok((name, results))
}

fn outcome(case: Option<&&CaseRecord>) -> String {
    match case {
        None => "(absent)".to_owned(),
        Some(c) => c.outcome.map_or("(none)", |o| o.as_str()).to_owned(),
    }
}

fn by_id(results: &RunResults) -> BTreeMap<&String, &CaseRecord> {
    results.cases.iter().map(|c| (&c.id, c)).collect()
}

/// The report on `a` → `b`.
pub fn render(a: (&str, &RunResults), b: (&str, &RunResults)) -> String {
    let (old, new) = (by_id(a.1), by_id(b.1));
    let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).copied().collect();
    let mut rows = Vec::new();
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for id in ids {
        let (before, after) = (old.get(id), new.get(id));
        if before.map(|c| c.outcome) == after.map(|c| c.outcome) {
            continue;
        }
        match (before, after) {
            (None, _) => added += 1,
            (_, None) => removed += 1,
            _ => changed += 1,
        }
        let why = after.map_or(String::new(), |c| if c.message.is_empty() { String::new() } else { code(&c.message) });
        rows.push(vec![id.clone(), outcome(before), outcome(after), cell(&why)]);
    }
    let title = |(name, r): (&str, &RunResults)| {
        format!(
            "`{name}` ({} FF-A {}, {})",
            r.stack,
            r.requested_version,
            r.stack_description.as_deref().unwrap_or("?")
        )
    };
    let mut text = format!("# Changes from {} to {}\n\n", title(a), title(b));
    let _ = writeln!(text, "{changed} cases changed outcome, {added} added, {removed} removed.\n");
    if !rows.is_empty() {
        let header = ["case", "before", "after", "after: message"].map(String::from).into();
        text.push_str(&Table { header, rows }.render());
    }
    text
}

/// Runs `ffa-cts matrix --diff A B`: prints the report; exit 0.
pub fn diff(a: &Path, b: &Path) -> Result<u8, String> {
    let (a_name, a_run) = load(a)?;
    let (b_name, b_run) = load(b)?;
    print!("{}", render((&a_name, &a_run), (&b_name, &b_run)));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_set::tests::results;
    use ffa_harness::Outcome;

    #[test]
    fn lists_changed_added_and_removed_cases() {
        let pass = Some(Outcome::Pass);
        let a = results(
            "hafnium-2.12",
            "1.1",
            "t",
            &[("a.same", "", pass, ""), ("b.fixed", "", Some(Outcome::Fail), "was | broken"), ("c.gone", "", pass, "")],
        );
        let b = results(
            "hafnium-2.15",
            "1.1",
            "t",
            &[
                ("a.same", "", pass, ""),
                ("b.fixed", "", pass, ""),
                ("d.new", "", Some(Outcome::NotSupported), "no | ABI"),
            ],
        );
        let text = render(("A", &a), ("B", &b));
        assert!(
            text.starts_with("# Changes from `A` (hafnium-2.12 FF-A 1.1, hafnium-2.12 | described) to `B`"),
            "{text}"
        );
        assert!(text.contains("1 cases changed outcome, 1 added, 1 removed.\n"), "{text}");
        assert!(text.contains("| b.fixed | fail     | pass          |"), "{text}");
        assert!(text.contains("| c.gone  | pass     | (absent)      |"), "{text}");
        assert!(text.contains("| d.new   | (absent) | not-supported | `no \\| ABI`    |"), "{text}");
        assert!(!text.contains("a.same"));
    }
}
