//! `ffa-cts matrix`: the compatibility matrix (SPMC stack × FF-A version × case) in Markdown
//! and, from the same runs, as an HTML page (`matrix_html`),
//! from the newest complete run of each stack and version (see `run_set`): the runs it was
//! made from, a legend, a summary per column, a roll-up per FF-A ABI, every case, and why each
//! failed case failed. The text depends on the runs only (sorted, no time but the runs'), so
//! `--check` can tell whether the committed file still matches them.

use crate::atomic_write::write_atomically;
use crate::baseline::{self, Baseline};
use crate::cli::MatrixOptions;
use crate::markdown::{cell, code, Table};
use crate::matrix_html;
use crate::results::CaseRecord;
use crate::run_set::{self, ChosenRun};
use ffa_harness::Outcome;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// Runs `ffa-cts matrix`; returns the exit code (0 written or up to date, 1 `--check` found
/// the file out of date).
pub fn matrix(options: &MatrixOptions) -> Result<u8, String> {
    let set = run_set::collect(&options.runs)?;
    eprintln!("matrix: {} under {}", set.describe(), options.runs.display());
    for problem in &set.unreadable {
        eprintln!("  passed over {problem}");
    }
    if set.runs.is_empty() {
        return Err(format!(
            "no complete run of the normal image under {}; run `make run STACK=...` first or pass --runs DIR",
            options.runs.display()
        ));
    }
    let text = render(&set.runs);
    let baselines: Vec<Option<Baseline>> = set
        .runs
        .iter()
        .map(|r| Baseline::load(&baseline::path(&options.baselines, &r.results.stack, &r.results.requested_version)))
        .collect::<Result<_, _>>()?;
    let html = matrix_html::render(&set.runs, &baselines);
    let outputs = [(&options.out, text), (&options.html, html)];
    let columns: Vec<String> = set.runs.iter().map(ChosenRun::title).collect();
    let mut stale = false;
    for (path, text) in outputs {
        let on_disk = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        if options.check {
            match check(path, on_disk.as_deref(), &text) {
                Ok(()) => println!("{} is up to date ({})", path.display(), columns.join(", ")),
                Err(hint) => {
                    println!("{hint}");
                    stale = true;
                }
            }
            continue;
        }
        if on_disk.as_deref() == Some(text.as_str()) {
            println!("{} is up to date ({})", path.display(), columns.join(", "));
            continue;
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_atomically(path, &text)?;
        println!("wrote {} ({})", path.display(), columns.join(", "));
    }
    Ok(u8::from(stale))
}

/// `Err` with a short hint (the first line that differs) when `on_disk` is not `expected`.
pub fn check(path: &Path, on_disk: Option<&str>, expected: &str) -> Result<(), String> {
    let fix = format!("run `make matrix` (ffa-cts matrix) and commit {}", path.display());
    let Some(on_disk) = on_disk else {
        return Err(format!("{} does not exist; {fix}", path.display()));
    };
    if on_disk == expected {
        return Ok(());
    }
    let (old, new): (Vec<&str>, Vec<&str>) = (on_disk.lines().collect(), expected.lines().collect());
    let at = old.iter().zip(&new).position(|(a, b)| a != b).unwrap_or(old.len().min(new.len()));
    let differing = (0..old.len().max(new.len())).filter(|&i| old.get(i) != new.get(i)).count();
    let shown = |line: Option<&&str>| match line {
        None => "(end of file)".to_owned(),
        Some(line) if line.chars().count() > 120 => format!("{}...", line.chars().take(120).collect::<String>()),
        Some(line) => (*line).to_owned(),
    };
    Err(format!(
        "{} is out of date: {differing} line(s) differ, the first at line {}\n  on disk: {}\n  runs say: {}\n{fix}",
        path.display(),
        at + 1,
        shown(old.get(at)),
        shown(new.get(at))
    ))
}

/// The icon of an outcome in the matrix.
pub fn icon(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✅",
        Outcome::Fail => "❌",
        Outcome::NotSupported => "➖",
        Outcome::Skip => "·",
        Outcome::Timeout => "⏱\u{FE0F}",
        Outcome::Crash => "💥",
        Outcome::NotRun => "⛔",
    }
}

/// Outcomes that need an explanation: the case did not hold up.
fn is_failure(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Fail | Outcome::Timeout | Outcome::Crash | Outcome::NotRun)
}

/// How bad a failure is, for the icon of an ABI's roll-up.
fn severity(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Crash => 4,
        Outcome::Timeout => 3,
        Outcome::Fail => 2,
        Outcome::NotRun => 1,
        _ => 0,
    }
}

/// The cases of one ABI in one column, rolled up.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RollUp {
    pub passed: u32,
    /// pass, fail, timeout and crash: the cases that ran against the ABI.
    pub applicable: u32,
    pub not_supported: u32,
    /// The worst failure, if any.
    pub worst: Option<Outcome>,
}

impl RollUp {
    pub fn of<'a>(cases: impl IntoIterator<Item = &'a CaseRecord>) -> Self {
        let mut r = Self::default();
        for outcome in cases.into_iter().filter_map(|c| c.outcome) {
            match outcome {
                Outcome::Pass => {
                    r.passed += 1;
                    r.applicable += 1;
                }
                Outcome::NotSupported => r.not_supported += 1,
                Outcome::Skip => {}
                failure => {
                    r.applicable += 1;
                    if r.worst.is_none_or(|w| severity(failure) > severity(w)) {
                        r.worst = Some(failure);
                    }
                }
            }
        }
        r
    }

    /// `✅ 12/12`, `❌ 3/12`, `💥 3/12 +1➖`, `➖`, `·`.
    pub fn text(&self) -> String {
        if self.applicable == 0 {
            return icon(if self.not_supported > 0 { Outcome::NotSupported } else { Outcome::Skip }).to_owned();
        }
        let mut text = format!("{} {}/{}", icon(self.worst.unwrap_or(Outcome::Pass)), self.passed, self.applicable);
        if self.not_supported > 0 {
            let _ = write!(text, " +{}{}", self.not_supported, icon(Outcome::NotSupported));
        }
        text
    }
}

/// The family of cases that check a partition's own protocol over FF-A, not FF-A's rules:
/// the matrix shows them apart, and they count for no ABI.
pub const INTEROP: &str = "interop.";

fn is_interop(id: &str) -> bool {
    id.starts_with(INTEROP)
}

/// A column: a run, and the number of each of its failures (1, 2, ... in case id order).
struct Column<'a> {
    title: String,
    run: &'a ChosenRun,
    cases: BTreeMap<&'a str, &'a CaseRecord>,
    failures: Vec<&'a CaseRecord>,
}

impl<'a> Column<'a> {
    fn new(run: &'a ChosenRun) -> Self {
        let cases: BTreeMap<&str, &CaseRecord> = run.results.cases.iter().map(|c| (c.id.as_str(), c)).collect();
        let failures = cases.values().copied().filter(|c| c.outcome.is_some_and(is_failure)).collect();
        Self { title: run.title(), run, cases, failures }
    }

    /// `✅`, or `❌ F3` for the column's third failure; empty when the run has no such case.
    fn case_cell(&self, id: &str) -> String {
        let Some(case) = self.cases.get(id) else {
            return String::new();
        };
        let Some(outcome) = case.outcome else {
            return String::new();
        };
        match self.failures.iter().position(|f| f.id == id) {
            Some(n) => format!("{} F{}", icon(outcome), n + 1),
            None => icon(outcome).to_owned(),
        }
    }

    /// The roll-up of `abi`, or empty when no case of the run lists it.
    fn abi_cell(&self, abi: &str) -> String {
        let mut cases =
            self.cases.values().copied().filter(|c| !is_interop(&c.id) && c.abis.iter().any(|a| a == abi)).peekable();
        if cases.peek().is_none() {
            return String::new();
        }
        RollUp::of(cases).text()
    }
}

const LEGEND: [(Outcome, &str); Outcome::ALL.len()] = [
    (Outcome::Pass, "every check held"),
    (Outcome::Fail, "a check did not hold; `F3` is the column's third failure, listed under Failures"),
    (Outcome::NotSupported, "the SPMC says (FFA_FEATURES) it does not implement an ABI the case needs: green"),
    (Outcome::Skip, "the case does not apply (a version below its minimum, a partition absent)"),
    (Outcome::Timeout, "the case ran past its timeout, or the firmware stopped answering; listed under Failures"),
    (Outcome::Crash, "the case faulted or panicked; listed under Failures"),
    (Outcome::NotRun, "the run stopped before the case (such runs are passed over, so it shows only here)"),
];

/// The whole matrix of `runs` (in column order).
pub fn render(runs: &[ChosenRun]) -> String {
    let columns: Vec<Column> = runs.iter().map(Column::new).collect();
    let mut text = String::new();
    introduction(&mut text, &columns);
    summary(&mut text, &columns);
    abi_table(&mut text, &columns);
    case_table(&mut text, &columns);
    failures(&mut text, &columns);
    text
}

/// The title, where the columns come from, and the legend.
fn introduction(text: &mut String, columns: &[Column]) {
    let _ = writeln!(text, "# FF-A compatibility matrix\n");
    let _ = writeln!(
        text,
        "Generated by `ffa-cts matrix` (ffa-cts {}) from the newest complete run of each SPMC stack\n\
         and requested FF-A version; regenerate it with `make matrix` rather than editing it.\n\
         Columns:\n",
        env!("CARGO_PKG_VERSION")
    );
    for column in columns {
        let r = &column.run.results;
        let b = &r.build;
        let _ = writeln!(
            text,
            "- `{}`: run `{}`, started {}, {}, suite {}; firmware sha256 {}, stack key {}; {}",
            column.title,
            column.run.folder,
            r.started,
            r.tool,
            code(&b.suite_commit),
            code(b.firmware_sha256.get(..16).unwrap_or(&b.firmware_sha256)),
            code(b.stack_key.as_deref().unwrap_or("?")),
            b.qemu_version.as_deref().unwrap_or("QEMU version unknown")
        );
    }
    text.push('\n');
    let legend = Table {
        header: vec!["icon".into(), "outcome".into(), "meaning".into()],
        rows: LEGEND.iter().map(|(o, meaning)| vec![icon(*o).into(), o.as_str().into(), (*meaning).into()]).collect(),
    };
    text.push_str(&legend.render());
    text.push_str("\nAn empty cell: the run has no such case (it predates it).\n");
}

/// One row per column: what ran, and how many cases ended each way.
fn summary(text: &mut String, columns: &[Column]) {
    let _ = writeln!(text, "\n## Summary\n");
    let _ = writeln!(
        text,
        "Counts are of the conformance cases; `interop` rolls up the `interop.*` cases, which check a\n\
         partition's own protocol over FF-A (OP-TEE's), not FF-A's rules.\n"
    );
    let mut header: Vec<String> =
        ["column", "stack", "platform", "SPMC ID", "FFA_VERSION returned", "negotiated", "cases"]
            .map(String::from)
            .into();
    header.extend(Outcome::ALL.iter().map(|&o| icon(o).to_owned()));
    header.push("interop".into());
    let unknown = |v: &Option<String>| cell(v.as_deref().unwrap_or("?"));
    let rows = columns
        .iter()
        .map(|c| {
            let r = &c.run.results;
            let mut counts = ffa_harness::Counts::default();
            for outcome in r.cases.iter().filter(|c| !is_interop(&c.id)).filter_map(|c| c.outcome) {
                counts.add(outcome);
            }
            let interop = RollUp::of(c.cases.values().copied().filter(|c| is_interop(&c.id)));
            let mut row = vec![
                c.title.clone(),
                unknown(&r.stack_description),
                cell(&r.platform),
                unknown(&r.spmc_id),
                unknown(&r.returned_version),
                unknown(&r.negotiated_version),
                counts.total().to_string(),
            ];
            row.extend(Outcome::ALL.iter().map(|&o| counts.get(o).to_string()));
            row.push(interop.text());
            row
        })
        .collect();
    text.push_str(&Table { header, rows }.render());
}

/// The header of a table with one column per run, after `first`.
fn column_header(first: &str, columns: &[Column]) -> Vec<String> {
    std::iter::once(first.to_owned()).chain(columns.iter().map(|c| c.title.clone())).collect()
}

/// One row per ABI some case lists, rolled up per column.
fn abi_table(text: &mut String, columns: &[Column]) {
    let _ = writeln!(text, "\n## ABIs\n");
    let _ = writeln!(
        text,
        "A case counts for every ABI it lists. `✅ 12/12`: every case that ran passed; `❌ 3/12`:\n\
         3 of the 12 that ran passed, with the icon of the worst outcome (fail, ⏱\u{FE0F} timeout,\n\
         💥 crash); `+2➖`: 2 more were not-supported; `➖`: all were not-supported; `·`: none applied.\n"
    );
    let abis: BTreeSet<&str> =
        columns.iter().flat_map(|c| c.cases.values()).flat_map(|c| c.abis.iter().map(String::as_str)).collect();
    let rows = abis
        .iter()
        .map(|abi| std::iter::once((*abi).to_owned()).chain(columns.iter().map(|c| c.abi_cell(abi))).collect())
        .collect();
    text.push_str(&Table { header: column_header("ABI", columns), rows }.render());
}

/// One row per case id of any column.
fn case_table(text: &mut String, columns: &[Column]) {
    let ids: BTreeSet<&str> = columns.iter().flat_map(|c| c.cases.keys().copied()).collect();
    let (interop, conformance): (Vec<&str>, Vec<&str>) = ids.into_iter().partition(|id| is_interop(id));
    for (title, ids) in [("Cases", conformance), ("Interoperability (not FF-A rules)", interop)] {
        if ids.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n## {title}\n");
        let rows = ids
            .iter()
            .map(|id| std::iter::once((*id).to_owned()).chain(columns.iter().map(|c| c.case_cell(id))).collect())
            .collect();
        text.push_str(&Table { header: column_header("case", columns), rows }.render());
    }
}

/// Per column, each failure's marker, case and message.
fn failures(text: &mut String, columns: &[Column]) {
    let _ = writeln!(text, "\n## Failures");
    for column in columns {
        let _ = writeln!(text, "\n### {} ({})\n", column.title, column.failures.len());
        if column.failures.is_empty() {
            let _ = writeln!(text, "No case failed.");
        }
        for (n, case) in column.failures.iter().enumerate() {
            let outcome = case.outcome.map_or("", icon);
            let why = match (case.message.is_empty(), case.at.is_empty()) {
                (false, _) => code(&case.message),
                (true, false) => format!("at {}", code(&case.at)),
                (true, true) => "(no message)".to_owned(),
            };
            let _ = writeln!(text, "- F{} {outcome} `{}`: {why}", n + 1, case.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::MatrixOptions;
    use crate::results::CaseRecord;
    use crate::run_set::tests::{results, temp_dir, write_run};

    const PASS: Option<Outcome> = Some(Outcome::Pass);
    const FAIL: Option<Outcome> = Some(Outcome::Fail);
    const NS: Option<Outcome> = Some(Outcome::NotSupported);
    const SKIP: Option<Outcome> = Some(Outcome::Skip);

    fn case(abis: &str, outcome: Outcome) -> CaseRecord {
        let mut c = CaseRecord::planned("x", "1", abis, "1.0");
        c.outcome = Some(outcome);
        c
    }

    #[test]
    fn abi_roll_up() {
        use Outcome::*;
        let roll = |outcomes: &[Outcome]| {
            let cases: Vec<CaseRecord> = outcomes.iter().map(|&o| case("FFA_X", o)).collect();
            RollUp::of(&cases).text()
        };
        assert_eq!(roll(&[Pass, Pass, Skip]), "✅ 2/2");
        assert_eq!(roll(&[Pass, Fail, Fail, Skip]), "❌ 1/3");
        assert_eq!(roll(&[Pass, Fail, Crash, Timeout]), "💥 1/4");
        assert_eq!(roll(&[Timeout, Fail]), "⏱\u{FE0F} 0/2");
        assert_eq!(roll(&[Pass, NotSupported]), "✅ 1/1 +1➖");
        assert_eq!(roll(&[NotSupported, NotSupported, Skip]), "➖");
        assert_eq!(roll(&[Skip]), "·");
        let cases = [case("FFA_X", Pass), case("FFA_X", Fail), case("FFA_X", NotSupported)];
        assert_eq!(RollUp::of(&cases), RollUp { passed: 1, applicable: 2, not_supported: 1, worst: Some(Fail) });
    }

    /// Two stacks: `a` at 1.0 and 1.1, `b` at 1.1.
    fn write_runs(runs: &std::path::Path) {
        let a11 = [
            ("mem.share", "FFA_MEM_SHARE_64,FFA_FEATURES", FAIL, "want SUCCESS | got DENIED"),
            ("setup.features.x", "FFA_FEATURES", PASS, ""),
            ("setup.version.y", "FFA_VERSION", PASS, ""),
            ("setup.version.z", "FFA_VERSION", FAIL, "w0 `0x1`"),
            ("notif.bind", "FFA_NOTIFICATION_BIND", NS, ""),
        ];
        write_run(runs, "20260102-000000-a-ffa1.1", &results("a", "1.1", "2026-01-02T00:00:00Z", &a11));
        let a10 = [
            ("mem.share", "FFA_MEM_SHARE_64,FFA_FEATURES", SKIP, ""),
            ("setup.features.x", "FFA_FEATURES", PASS, ""),
            ("setup.version.y", "FFA_VERSION", PASS, ""),
            ("setup.version.z", "FFA_VERSION", PASS, ""),
            ("notif.bind", "FFA_NOTIFICATION_BIND", SKIP, ""),
        ];
        write_run(runs, "20260102-000001-a-ffa1.0", &results("a", "1.0", "2026-01-02T00:00:01Z", &a10));
        let b11 = [
            ("interop.optee.x", "FFA_FEATURES", PASS, ""),
            ("setup.features.x", "FFA_FEATURES", Some(Outcome::Crash), "data abort"),
            ("setup.version.y", "FFA_VERSION", PASS, ""),
            ("setup.version.z", "FFA_VERSION", PASS, ""),
        ];
        write_run(runs, "20260102-000002-b-ffa1.1", &results("b", "1.1", "2026-01-02T00:00:02Z", &b11));
    }

    #[test]
    fn renders_columns_rollups_cases_and_failures() {
        let runs = temp_dir("matrix-render");
        write_runs(&runs);
        let set = run_set::collect(&runs).unwrap();
        let text = render(&set.runs);
        assert!(
            text.contains("- `a 1.0`: run `20260102-000001-a-ffa1.0`, started 2026-01-02T00:00:01Z, ffa-cts"),
            "{text}"
        );
        let summary = "| a 1.1  | a \\| described | qemu-virt | 0x8000  | 0x10002              | ?          | 5     | 2   | 2   | 1   | 0   | 0   | 0   |";
        assert!(text.contains(summary), "{text}");
        // FFA_FEATURES: a 1.0 has 1 pass (mem.share skipped); a 1.1 1 of 2 (mem.share failed).
        assert!(text.contains("| FFA_FEATURES          | ✅ 1/1 | ❌ 1/2 | 💥 0/1 |"), "{text}");
        assert!(text.contains("| FFA_NOTIFICATION_BIND | ·      | ➖     |        |"), "{text}");
        assert!(text.contains("| FFA_VERSION           | ✅ 2/2 | ❌ 1/2 | ✅ 2/2 |"), "{text}");
        assert!(text.contains("| mem.share        | ·     | ❌ F1 |       |"), "{text}");
        assert!(text.contains("| setup.version.z  | ✅    | ❌ F2 | ✅    |"), "{text}");
        assert!(text.contains("| setup.features.x | ✅    | ✅    | 💥 F1 |"), "{text}");
        // interop.* counts for no ABI (b's FFA_FEATURES is still 0/1) and has its own table.
        let interop = &text[text.find("## Interoperability").unwrap()..text.find("## Failures").unwrap()];
        assert!(interop.contains("| interop.optee.x |"), "{text}");
        assert!(!text[..text.find("## Interoperability").unwrap()].contains("| interop.optee.x"), "{text}");
        let failures = &text[text.find("## Failures").unwrap()..];
        assert_eq!(
            failures,
            "## Failures\n\n### a 1.0 (0)\n\nNo case failed.\n\n### a 1.1 (2)\n\n\
             - F1 ❌ `mem.share`: `want SUCCESS | got DENIED`\n- F2 ❌ `setup.version.z`: `` w0 `0x1` ``\n\n\
             ### b 1.1 (1)\n\n- F1 💥 `setup.features.x`: `data abort`\n"
        );
        assert_eq!(render(&run_set::collect(&runs).unwrap().runs), text, "the same runs give the same text");
        std::fs::remove_dir_all(&runs).unwrap();
    }

    #[test]
    fn writes_then_checks() {
        let runs = temp_dir("matrix-check");
        write_runs(&runs);
        let out = runs.with_extension("out").join("MATRIX.md");
        let _ = std::fs::remove_dir_all(out.parent().unwrap());
        let html = out.with_file_name("matrix.html");
        let options = |check| MatrixOptions {
            runs: runs.clone(),
            out: out.clone(),
            html: html.clone(),
            baselines: runs.clone(),
            check,
        };
        assert_eq!(matrix(&options(true)), Ok(1), "no file yet");
        assert_eq!(matrix(&options(false)), Ok(0));
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(written.starts_with("# FF-A compatibility matrix\n"));
        assert!(std::fs::read_to_string(&html).unwrap().starts_with("<!DOCTYPE html>\n"));
        assert_eq!(matrix(&options(true)), Ok(0));
        // A newer run of `b 1.1` where the crash is gone: the committed file is stale.
        let b11 = [
            ("setup.features.x", "FFA_FEATURES", PASS, ""),
            ("setup.version.y", "FFA_VERSION", PASS, ""),
            ("setup.version.z", "FFA_VERSION", PASS, ""),
        ];
        write_run(&runs, "20260103-000000-b-ffa1.1", &results("b", "1.1", "2026-01-03T00:00:00Z", &b11));
        assert_eq!(matrix(&options(true)), Ok(1));
        let hint = check(&out, Some(&written), &render(&run_set::collect(&runs).unwrap().runs)).unwrap_err();
        assert!(hint.contains("line(s) differ, the first at line 9\n"), "{hint}");
        assert!(hint.contains("  on disk: - `b 1.1`: run `20260102-000002-b-ffa1.1`"), "{hint}");
        assert!(hint.contains("  runs say: - `b 1.1`: run `20260103-000000-b-ffa1.1`"), "{hint}");
        assert!(hint.ends_with(&format!("run `make matrix` (ffa-cts matrix) and commit {}", out.display())));
        assert_eq!(matrix(&options(false)), Ok(0));
        assert_eq!(matrix(&options(true)), Ok(0));
        assert!(check(&out, None, "x").unwrap_err().contains("does not exist"));
        std::fs::remove_dir_all(&runs).unwrap();
        std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
    }
}
