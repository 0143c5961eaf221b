//! `results/matrix.html`: the compatibility matrix as one self-contained page, from the same
//! runs as `MATRIX.md` (no network: inline CSS and a little inline script, no fonts, images
//! or links out). Columns are stack × FF-A version with the pinned SPMC and TF-A versions (the
//! stack's description) in the header; a summary per column; the ABI roll-up; cases grouped by
//! family, each family collapsible, with the `interop.*` family apart as in `MATRIX.md`. A
//! failed cell opens to the failure's message and, when the stack's baseline expects it, the
//! reason it is expected; every cell's message is its tooltip. A search box and an outcome
//! filter hide rows. On load the page checks itself: per column, the cells of each outcome
//! must add up to the counts taken from results.json (written into the summary), and the
//! result lands in `<html data-check="ok">` (or `fail: ...`) and the page's footer, so a
//! browser test can read it. The text depends on the runs and baselines only.

use crate::baseline::Baseline;
use crate::junit::{attribute, escape};
use crate::matrix::{RollUp, INTEROP};
use crate::results::CaseRecord;
use crate::run_set::ChosenRun;
use ffa_harness::{Counts, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const STYLE: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:1em;color:#222}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
thead th{background:#f0f0f0;position:sticky;top:0}
td.c{text-align:center;min-width:5.5em}td.stack{min-width:22em}th{white-space:nowrap}
.o-pass{background:#e6f6e6}.o-fail{background:#fbe3e3}.o-not-supported{background:#eef2f7}
.o-skip{background:#f7f7f7;color:#888}.o-timeout,.o-crash{background:#f9d0d0}.o-not-run{background:#eee}
.xfail{outline:2px dashed #c90;outline-offset:-3px}
details.cell summary{cursor:pointer;list-style:none}
details.cell p{margin:.2em 0;max-width:28em;font:12px monospace;white-space:pre-wrap;text-align:left}
details.family>summary{cursor:pointer;font-weight:bold;margin:.4em 0}
.why{color:#950}.meta{color:#555;font-size:12px}
#controls{margin:.6em 0;display:flex;gap:1em;align-items:center}
footer{margin-top:1.5em;color:#555}
html[data-check^=fail] footer{color:#b00;font-weight:bold}
";

const SCRIPT: &str = "\
(function(){
var q=document.getElementById('q'),f=document.getElementById('f');
function apply(){var s=q.value.toLowerCase(),o=f.value;
document.querySelectorAll('tr.case').forEach(function(r){
var ok=(!s||r.dataset.id.indexOf(s)>=0||r.dataset.abis.indexOf(s)>=0)&&(!o||(' '+r.dataset.outcomes+' ').indexOf(' '+o+' ')>=0);
r.hidden=!ok;});}
q.addEventListener('input',apply);f.addEventListener('change',apply);
var bad=[];document.querySelectorAll('tr.col').forEach(function(row){
var j=row.dataset.col;row.querySelectorAll('td[data-outcome]').forEach(function(td){
var o=td.dataset.outcome,want=+td.dataset.count,got=document.querySelectorAll('tr.case:not(.interop) td[data-col=\"'+j+'\"][data-outcome=\"'+o+'\"]').length;
if(want!==got)bad.push('column '+j+' '+o+': '+got+' cells, results.json says '+want);});});
var v=bad.length?'fail: '+bad.join('; '):'ok';
document.documentElement.dataset.check=v;
document.getElementById('check').textContent='Consistency check (cells per column against results.json): '+v;
})();
";

/// An outcome's word in a cell: text, not the Markdown's emoji, which a machine without an
/// emoji font (and the page loads none) shows as empty boxes; the cell's colour is its class.
fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "pass",
        Outcome::Fail => "FAIL",
        Outcome::NotSupported => "n/s",
        Outcome::Skip => "skip",
        Outcome::Timeout => "TIMEOUT",
        Outcome::Crash => "CRASH",
        Outcome::NotRun => "not run",
    }
}

/// A roll-up cell: `12/12`, `3/12 +2 n/s`, `n/s`, `skip`, coloured by its worst outcome.
fn roll_up_cell(r: &RollUp) -> String {
    if r.applicable == 0 {
        let o = if r.not_supported > 0 { Outcome::NotSupported } else { Outcome::Skip };
        return format!("<td class=\"c o-{o}\">{}</td>", label(o));
    }
    let worst = r.worst.unwrap_or(Outcome::Pass);
    let more = if r.not_supported > 0 { format!(" +{} n/s", r.not_supported) } else { String::new() };
    format!(
        "<td class=\"c o-{worst}\" title=\"{} of {} passed\">{}/{}{more}</td>",
        r.passed, r.applicable, r.passed, r.applicable
    )
}

/// The reason `baseline` gives for expecting `case`'s failure, when it expects exactly it.
fn expected_reason<'a>(case: &CaseRecord, baseline: Option<&'a Baseline>) -> Option<&'a str> {
    let expected = baseline?.cases.get(&case.id)?;
    (Some(expected.outcome) == case.outcome).then_some(expected.reason.as_deref()?)
}

fn is_failure(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Fail | Outcome::Timeout | Outcome::Crash | Outcome::NotRun)
}

/// One column: its run, its cases by id, and its baseline (for the expected reasons).
struct Column<'a> {
    run: &'a ChosenRun,
    cases: BTreeMap<&'a str, &'a CaseRecord>,
    baseline: Option<&'a Baseline>,
}

impl Column<'_> {
    /// The `<td>` of case `id` in column `index`.
    fn cell(&self, index: usize, id: &str) -> String {
        let Some((case, outcome)) = self.cases.get(id).and_then(|c| Some((*c, c.outcome?))) else {
            return format!("<td class=\"c\" data-col=\"{index}\"></td>");
        };
        let detail = match (case.at.is_empty(), case.message.is_empty()) {
            (false, false) => format!("{}: {}", case.at, case.message),
            (false, true) => case.at.clone(),
            _ => case.message.clone(),
        };
        let reason = expected_reason(case, self.baseline).filter(|_| is_failure(outcome));
        let mut title = detail.clone();
        if let Some(reason) = reason {
            let _ = write!(title, "\nexpected by the baseline: {reason}");
        }
        let class = format!("c o-{outcome}{}", if reason.is_some() { " xfail" } else { "" });
        let head = format!(
            "<td class=\"{class}\" data-col=\"{index}\" data-outcome=\"{outcome}\" title=\"{}\">",
            attribute(&title)
        );
        if !is_failure(outcome) {
            return format!("{head}{}</td>", label(outcome));
        }
        let mut body =
            format!("<details class=\"cell\"><summary>{}</summary><p>{}</p>", label(outcome), escape(&detail));
        if let Some(reason) = reason {
            let _ = write!(body, "<p class=\"why\">expected: {}</p>", escape(reason));
        }
        format!("{head}{body}</details></td>")
    }
}

/// The whole page; `baselines[i]` is the baseline of `runs[i]`, if it has one.
pub fn render(runs: &[ChosenRun], baselines: &[Option<Baseline>]) -> String {
    let columns: Vec<Column> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| Column {
            run,
            cases: run.results.cases.iter().map(|c| (c.id.as_str(), c)).collect(),
            baseline: baselines.get(i).and_then(Option::as_ref),
        })
        .collect();
    let mut html =
        String::from("<!DOCTYPE html>\n<html lang=\"en\" data-check=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(html, "<title>FF-A compatibility matrix</title>\n<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        html,
        "<h1>FF-A compatibility matrix</h1>\n<p class=\"meta\">Generated by <code>ffa-cts matrix</code> (ffa-cts {}) \
         from the newest complete run of each SPMC stack and requested FF-A version, beside MATRIX.md. \
         n/s: not supported (green); skip: does not apply. A dashed outline marks a failure the stack's baseline expects; open a failed cell for its message (every cell's message is its tooltip).</p>",
        env!("CARGO_PKG_VERSION")
    );
    summary(&mut html, &columns);
    let _ = writeln!(
        html,
        "<div id=\"controls\"><label>Search <input id=\"q\" type=\"search\" placeholder=\"case id or ABI\"></label>\
         <label>Rows with <select id=\"f\"><option value=\"\">any outcome</option>{}</select></label></div>",
        Outcome::ALL.iter().map(|o| format!("<option value=\"{o}\">{o}</option>")).collect::<String>()
    );
    abis(&mut html, &columns);
    cases(&mut html, &columns);
    let _ = writeln!(html, "<footer id=\"check\">Consistency check: needs the page's script</footer>");
    let _ = writeln!(html, "<script>\n{SCRIPT}</script>\n</body>\n</html>");
    html
}

/// The header row of the tables with one column per run.
fn column_heads(first: &str, columns: &[Column]) -> String {
    let mut row = format!("<thead><tr><th>{first}</th>");
    for c in columns {
        let r = &c.run.results;
        let _ = write!(
            row,
            "<th title=\"{}\">{}<br><span class=\"meta\">FF-A {}</span></th>",
            attribute(r.stack_description.as_deref().unwrap_or("")),
            escape(&r.stack),
            escape(&r.requested_version)
        );
    }
    row.push_str("</tr></thead>");
    row
}

/// One row per column: what ran (the pinned stack), and per outcome the count from results.json.
fn summary(html: &mut String, columns: &[Column]) {
    let _ = writeln!(
        html,
        "<h2>Columns</h2>\n<table id=\"summary\"><thead><tr><th>column</th><th>stack (pinned versions)</th>\
        <th>platform</th><th>SPMC ID</th><th>negotiated</th><th>cases</th>"
    );
    for o in Outcome::ALL {
        let _ = write!(html, "<th class=\"o-{o}\">{o}</th>");
    }
    let _ = writeln!(html, "<th>interop</th></tr></thead><tbody>");
    for (j, c) in columns.iter().enumerate() {
        let r = &c.run.results;
        let mut counts = Counts::default();
        for outcome in c.cases.values().filter(|c| !c.id.starts_with(INTEROP)).filter_map(|c| c.outcome) {
            counts.add(outcome);
        }
        let interop = RollUp::of(c.cases.values().copied().filter(|c| c.id.starts_with(INTEROP)));
        let unknown = |v: &Option<String>| escape(v.as_deref().unwrap_or("?"));
        let _ = write!(
            html,
            "<tr class=\"col\" data-col=\"{j}\"><th title=\"{}\">{}</th><td class=\"stack\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td>",
            attribute(&format!(
                "run {}, started {}\nsuite {}\nfirmware sha256 {}",
                c.run.folder, r.started, r.build.suite_commit, r.build.firmware_sha256
            )),
            escape(&c.run.title()),
            unknown(&r.stack_description),
            escape(&r.platform),
            unknown(&r.spmc_id),
            unknown(&r.negotiated_version),
            counts.total()
        );
        for o in Outcome::ALL {
            let n = counts.get(o);
            let _ = write!(html, "<td class=\"c\" data-outcome=\"{o}\" data-count=\"{n}\">{n}</td>");
        }
        let _ = writeln!(html, "{}</tr>", roll_up_cell(&interop));
    }
    let _ = writeln!(html, "</tbody></table>");
}

/// One row per ABI some case lists, rolled up per column (interop cases count for none).
fn abis(html: &mut String, columns: &[Column]) {
    let names: BTreeSet<&str> = columns
        .iter()
        .flat_map(|c| c.cases.values())
        .filter(|c| !c.id.starts_with(INTEROP))
        .flat_map(|c| c.abis.iter().map(String::as_str))
        .collect();
    let _ = writeln!(
        html,
        "<details class=\"family\"><summary>ABIs ({} ABIs; a case counts for every ABI it lists)</summary>\n<table>{}<tbody>",
        names.len(),
        column_heads("ABI", columns)
    );
    for abi in names {
        let _ = write!(html, "<tr><th>{abi}</th>");
        for c in columns {
            let mut cases = c
                .cases
                .values()
                .copied()
                .filter(|c| !c.id.starts_with(INTEROP) && c.abis.iter().any(|a| a == abi))
                .peekable();
            let cell = if cases.peek().is_none() {
                "<td class=\"c\"></td>".to_owned()
            } else {
                roll_up_cell(&RollUp::of(cases))
            };
            html.push_str(&cell);
        }
        let _ = writeln!(html, "</tr>");
    }
    let _ = writeln!(html, "</tbody></table></details>");
}

/// The cases, one collapsible table per family; `interop.*` in a section of its own.
fn cases(html: &mut String, columns: &[Column]) {
    let ids: BTreeSet<&str> = columns.iter().flat_map(|c| c.cases.keys().copied()).collect();
    let (interop, conformance): (Vec<&str>, Vec<&str>) = ids.into_iter().partition(|id| id.starts_with(INTEROP));
    for (title, ids, class) in [
        ("Cases", conformance, "case"),
        ("Interoperability (a partition's own protocol, not FF-A rules)", interop, "case interop"),
    ] {
        if ids.is_empty() {
            continue;
        }
        let _ = writeln!(html, "<h2>{title}</h2>");
        let mut families: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for id in ids {
            families.entry(id.split('.').next().unwrap_or(id)).or_default().push(id);
        }
        for (family, ids) in families {
            let failed: Vec<String> = columns
                .iter()
                .map(|c| {
                    let n = ids
                        .iter()
                        .filter(|id| c.cases.get(*id).and_then(|c| c.outcome).is_some_and(is_failure))
                        .count();
                    format!("{n}")
                })
                .collect();
            let _ = writeln!(
                html,
                "<details class=\"family\" open><summary>{family} ({} cases; failed per column: {})</summary>\n<table>{}<tbody>",
                ids.len(),
                failed.join(" / "),
                column_heads("case", columns)
            );
            for id in ids {
                let outcomes: BTreeSet<&str> =
                    columns.iter().filter_map(|c| c.cases.get(id)?.outcome).map(Outcome::as_str).collect();
                let case = columns.iter().find_map(|c| c.cases.get(id)).expect("the id comes from a column");
                let _ = write!(
                    html,
                    "<tr class=\"{class}\" data-id=\"{}\" data-abis=\"{}\" data-outcomes=\"{}\"><th title=\"DEN0077A {}\">{}</th>",
                    attribute(id),
                    attribute(&case.abis.join(" ").to_lowercase()),
                    outcomes.into_iter().collect::<Vec<_>>().join(" "),
                    attribute(&case.section),
                    escape(id)
                );
                for (j, c) in columns.iter().enumerate() {
                    html.push_str(&c.cell(j, id));
                }
                let _ = writeln!(html, "</tr>");
            }
            let _ = writeln!(html, "</tbody></table></details>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::{Expectation, SCHEMA};
    use crate::run_set::tests::{results, temp_dir, write_run};

    /// Two runs, written under a folder of the test's own (`name`: tests run in parallel).
    fn runs(name: &str) -> Vec<ChosenRun> {
        let dir = temp_dir(name);
        let pass = Some(Outcome::Pass);
        let a = [
            ("interop.optee.x", "FFA_FEATURES", pass, ""),
            ("mem.share", "FFA_MEM_SHARE_64", Some(Outcome::Fail), "want SUCCESS <got> DENIED"),
            ("setup.version.y", "FFA_VERSION", pass, ""),
            ("setup.version.z", "FFA_VERSION", Some(Outcome::NotSupported), "no such ABI"),
        ];
        write_run(&dir, "20260102-000000-a-ffa1.1", &results("a", "1.1", "2026-01-02T00:00:00Z", &a));
        let b = [
            ("setup.version.y", "FFA_VERSION", Some(Outcome::Crash), "data abort"),
            ("setup.version.z", "FFA_VERSION", pass, ""),
        ];
        write_run(&dir, "20260102-000001-b-ffa1.2", &results("b", "1.2", "2026-01-02T00:00:01Z", &b));
        let set = crate::run_set::collect(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        set.runs
    }

    fn baseline_of_a() -> Baseline {
        let cases =
            [("mem.share".to_owned(), Expectation { outcome: Outcome::Fail, reason: Some("SPMC says DENIED".into()) })];
        Baseline { schema: SCHEMA, stack: "a".into(), ffa_version: "1.1".into(), cases: cases.into_iter().collect() }
    }

    #[test]
    fn one_self_contained_page_with_every_case_once() {
        let runs = runs("matrix-html-structure");
        let html = render(&runs, &[Some(baseline_of_a()), None]);
        for outside in ["http:", "https:", "src=", "<link", "@import", "url("] {
            assert!(!html.contains(outside), "the page reaches outside with {outside}");
        }
        // Columns carry the pinned stack; the summary's counts come from results.json.
        assert!(html.contains("<td class=\"stack\">a | described</td>"), "{html}");
        assert!(html.contains("data-col=\"0\"><th title=\"run 20260102-000000-a-ffa1.1"), "{html}");
        assert!(html.contains("<td class=\"c\" data-outcome=\"fail\" data-count=\"1\">1</td>"));
        // Every case id is one row; interop apart, after the conformance cases.
        assert_eq!(html.matches("<tr class=\"case").count(), 4);
        let interop = html.find("<h2>Interoperability").unwrap();
        assert!(html.find("data-id=\"setup.version.y\"").unwrap() < interop);
        assert!(html[interop..].contains("<tr class=\"case interop\" data-id=\"interop.optee.x\""));
        // A failure opens to its message and the baseline's reason; a crash without a baseline
        // has no reason; a case a column lacks is an empty cell.
        assert!(html.contains(
            "<td class=\"c o-fail xfail\" data-col=\"0\" data-outcome=\"fail\" title=\"cases/src/x.rs:1: want SUCCESS &lt;got&gt; DENIED&#10;expected by the baseline: SPMC says DENIED\"><details class=\"cell\"><summary>FAIL</summary><p>cases/src/x.rs:1: want SUCCESS &lt;got&gt; DENIED</p><p class=\"why\">expected: SPMC says DENIED</p></details></td>"
        ), "{html}");
        assert!(html.contains("<td class=\"c o-crash\" data-col=\"1\" data-outcome=\"crash\" title=\"cases/src/x.rs:1: data abort\"><details"));
        assert!(html.contains("<td class=\"c\" data-col=\"1\"></td>"));
        assert!(html.contains("<details class=\"family\" open><summary>setup (2 cases; failed per column: 0 / 1)"));
        assert_eq!(render(&runs, &[Some(baseline_of_a()), None]), html, "the same runs give the same page");
    }

    #[test]
    fn golden_page() {
        insta::assert_snapshot!("matrix_html", render(&runs("matrix-html-golden"), &[Some(baseline_of_a()), None]));
    }
}
