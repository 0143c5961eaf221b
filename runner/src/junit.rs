//! `junit.xml`, derived from the run results for CI viewers: one suite per platform and
//! stack, one test case per FF-A case with its console lines in `<system-out>`. `fail` is a
//! failure; `timeout`, `crash` and `not-run` are errors (the last: the run stopped before the
//! case, which is no verdict on it but must not look green); `not-supported` and `skip` are
//! skipped. A run gated by a baseline shows the gate's view instead, so a CI system's JUnit
//! view is green exactly when `ffa-cts gate` is: an expected failure is `<skipped
//! type="xfail">` with the baseline's reason (pytest's xfail), an outcome the baseline does not
//! expect (an expected failure that passes, too) is a `<failure>`, and a case the baseline
//! expects but the run lacks is a failed test case of its own. The `timestamp` has the Ant
//! schema's form (local time without a zone; here UTC).

use crate::baseline::Baseline;
use crate::gate::{self, Gating, Verdict};
use crate::results::{CaseRecord, RunResults};
use ffa_harness::Outcome;
use std::fmt::Write;

/// Text with `&`, `<`, `>`, `"`, `'` escaped and characters XML 1.0 cannot hold replaced.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for an attribute value: [`escape`], and line breaks and tabs as character
/// references, which attribute-value normalisation would otherwise turn into spaces.
pub fn attribute(text: &str) -> String {
    escape(text).replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
}

/// How one test case shows in the view.
enum Element {
    Pass,
    /// `<failure>`, `<error>` or `<skipped>`: the element, its `type`, `message` and text.
    Marked {
        element: &'static str,
        kind: &'static str,
        message: String,
        text: String,
    },
}

impl Element {
    fn marked(element: &'static str, kind: &'static str, message: &str, text: &str) -> Self {
        Self::Marked { element, kind, message: message.to_owned(), text: text.to_owned() }
    }

    fn is(&self, name: &str) -> bool {
        matches!(self, Self::Marked { element, .. } if *element == name)
    }
}

/// The `tests failures errors skipped` attributes of the elements.
fn count_attributes_of(elements: &[&Element]) -> String {
    let count = |name| elements.iter().filter(|e| e.is(name)).count();
    format!(
        r#"tests="{}" failures="{}" errors="{}" skipped="{}""#,
        elements.len(),
        count("failure"),
        count("error"),
        count("skipped")
    )
}

/// `at: message`, or whichever of the two is there.
fn location_and_message(case: &CaseRecord) -> String {
    match (case.at.is_empty(), case.message.is_empty()) {
        (false, false) => format!("{}: {}", case.at, case.message),
        (false, true) => case.at.clone(),
        _ => case.message.clone(),
    }
}

/// The case's raw outcome as an element.
fn raw(case: &CaseRecord) -> Element {
    let detail = location_and_message(case);
    match case.outcome {
        Some(Outcome::Pass) => Element::Pass,
        Some(Outcome::Fail) => Element::marked("failure", "fail", &case.message, &detail),
        Some(o @ (Outcome::Timeout | Outcome::Crash | Outcome::NotRun)) => {
            Element::marked("error", o.as_str(), &case.message, &detail)
        }
        Some(Outcome::NotSupported) => {
            let text = format!("NOT_SUPPORTED: {}", case.message);
            Element::marked("skipped", "not-supported", &text, &text)
        }
        Some(Outcome::Skip) => Element::marked("skipped", "skip", &case.message, &detail),
        None => Element::marked("error", "none", "the case has no outcome yet", ""),
    }
}

/// The case as the gate sees it: an expected failure is skipped as an xfail with the
/// baseline's reason (the case's own message in the text), anything the gate fails on is a
/// failure with the gate's line (an error stays an error), the rest as it is.
fn gated(case: &CaseRecord, baseline: &Baseline) -> Element {
    match gate::judge(case, baseline) {
        Verdict::AsExpected => raw(case),
        Verdict::ExpectedFailure(reason) => {
            let message = format!("expected {}: {reason}", case.outcome.map_or("none", Outcome::as_str));
            Element::marked("skipped", "xfail", &message, &format!("{message}\n{}", location_and_message(case)))
        }
        Verdict::Unexpected(line) => match raw(case) {
            Element::Marked { element: "error", kind, text, .. } => {
                Element::Marked { element: "error", kind, message: line, text }
            }
            Element::Marked { element: "failure", text, .. } => {
                Element::Marked { element: "failure", kind: "unexpected", message: line, text }
            }
            _ => {
                let kind = match (baseline.cases.contains_key(&case.id), case.outcome) {
                    (false, _) => "new",
                    (true, Some(Outcome::Pass)) => "xpass",
                    _ => "unexpected",
                };
                Element::marked("failure", kind, &line, &line)
            }
        },
    }
}

fn testcase(xml: &mut String, classname: &str, id: &str, time: f64, element: &Element, console: &[String]) {
    let _ = write!(xml, r#"    <testcase classname="{}" name="{}" time="{time:.6}""#, escape(classname), escape(id));
    if matches!(element, Element::Pass) && console.is_empty() {
        let _ = writeln!(xml, "/>");
        return;
    }
    let _ = writeln!(xml, ">");
    if let Element::Marked { element, kind, message, text } = element {
        let _ = writeln!(
            xml,
            "      <{element} message=\"{}\" type=\"{kind}\">{}</{element}>",
            attribute(message),
            escape(text)
        );
    }
    if !console.is_empty() {
        let _ = writeln!(xml, "      <system-out>{}</system-out>", escape(&(console.join("\n") + "\n")));
    }
    let _ = writeln!(xml, "    </testcase>");
}

/// The whole `junit.xml`: the raw outcomes, or with `gating` the gate's view of them (and a
/// failed test case for each case the baseline expects that the run lacks).
pub fn render(results: &RunResults, gating: Option<&Gating>) -> String {
    let family = |id: &str| id.split('.').next().unwrap_or_default().to_owned();
    let class = |id: &str| format!("ffa_cts.{}_{}.{}", results.platform, results.stack, family(id));
    let mut cases: Vec<(String, &str, f64, Element, &[String])> = results
        .cases
        .iter()
        .map(|case| {
            let element = match gating {
                Some(g) => gated(case, &g.baseline),
                None => raw(case),
            };
            (class(&case.id), case.id.as_str(), case.duration_us as f64 / 1e6, element, case.console.as_slice())
        })
        .collect();
    if let Some(g) = gating {
        for (id, line) in gate::missing(results, &g.baseline) {
            cases.push((class(id), id, 0.0, Element::marked("failure", "missing", &line, &line), &[]));
        }
    }
    let elements: Vec<&Element> = cases.iter().map(|c| &c.3).collect();
    let attributes = count_attributes_of(&elements);
    let time = format!("{:.3}", results.wall_s);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, r#"<testsuites name="ffa-cts" {attributes} time="{time}">"#);
    let suite = format!("{}.{}", results.platform, results.stack);
    let _ = writeln!(
        xml,
        r#"  <testsuite name="{}" {attributes} time="{time}" timestamp="{}" hostname="{}">"#,
        escape(&suite),
        escape(results.started.trim_end_matches('Z')),
        escape(&results.hostname)
    );
    xml.push_str("    <properties>\n");
    let gated_by = gating.map(|g| g.file.display().to_string());
    let properties = [
        ("stack", Some(&results.stack)),
        ("stack_description", results.stack_description.as_ref()),
        ("platform", Some(&results.platform)),
        ("suite_commit", Some(&results.build.suite_commit)),
        ("firmware_sha256", Some(&results.build.firmware_sha256)),
        ("stack_key", results.build.stack_key.as_ref()),
        ("qemu_version", results.build.qemu_version.as_ref()),
        ("only", results.selection.only.as_ref()),
        ("requested_version", Some(&results.requested_version)),
        ("negotiated_version", results.negotiated_version.as_ref()),
        ("returned_version", results.returned_version.as_ref()),
        ("own_id", results.own_id.as_ref()),
        ("spmc_id", results.spmc_id.as_ref()),
        ("gated_by", gated_by.as_ref()),
    ];
    for (name, value) in properties {
        if let Some(value) = value {
            let _ = writeln!(xml, r#"      <property name="{name}" value="{}"/>"#, attribute(value));
        }
    }
    xml.push_str("    </properties>\n");
    for (classname, id, time, element, console) in &cases {
        testcase(&mut xml, classname, id, *time, element, console);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::{Expectation, SCHEMA};
    use crate::results::tests::{ending, identity};

    fn run(cases: &[(&str, Outcome)]) -> RunResults {
        let mut r = RunResults::new(identity("optee", "1.1", "t"));
        for (id, _) in cases {
            r.plan(CaseRecord::planned(id, "1", "", "1.0"));
        }
        for (i, (_, outcome)) in cases.iter().enumerate() {
            r.record(i, ending(*outcome, 1, "a.rs:3", "w0 0x1", 1));
        }
        r
    }

    fn gating(cases: &[(&str, Outcome, Option<&str>)]) -> Gating {
        let cases = cases
            .iter()
            .map(|(id, outcome, reason)| {
                (id.to_string(), Expectation { outcome: *outcome, reason: reason.map(str::to_owned) })
            })
            .collect();
        let baseline = Baseline { schema: SCHEMA, stack: "optee".into(), ffa_version: "1.1".into(), cases };
        Gating { baseline, file: "results/baselines/optee.json".into() }
    }

    /// The `failures` plus `errors` of the `<testsuites>` line.
    fn red(xml: &str) -> u32 {
        let head = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
        ["failures", "errors"]
            .iter()
            .map(|key| {
                let start = head.find(&format!(" {key}=\"")).unwrap() + key.len() + 3;
                head[start..].split('"').next().unwrap().parse::<u32>().unwrap()
            })
            .sum()
    }

    #[test]
    fn gated_view_is_green_exactly_when_the_gate_is() {
        let g = gating(&[
            ("a.pass", Outcome::Pass, None),
            ("b.known", Outcome::Fail, Some("SPMC returns DENIED")),
            ("c.hang", Outcome::Timeout, Some("the SPMC never answers")),
            ("d.ns", Outcome::NotSupported, Some("no notifications")),
        ]);
        let as_expected = run(&[
            ("a.pass", Outcome::Pass),
            ("b.known", Outcome::Fail),
            ("c.hang", Outcome::Timeout),
            ("d.ns", Outcome::NotSupported),
        ]);
        let xml = render(&as_expected, Some(&g));
        assert_eq!(red(&xml), 0, "{xml}");
        assert!(gate::compare(&as_expected, &g.baseline).mismatches.is_empty());
        assert!(xml.contains(r#"<skipped message="expected fail: SPMC returns DENIED" type="xfail">"#), "{xml}");
        assert!(xml.contains(r#"<skipped message="expected timeout: the SPMC never answers" type="xfail">"#));
        assert!(xml.contains(r#"<property name="gated_by" value="results/baselines/optee.json"/>"#));
        assert!(red(&render(&as_expected, None)) == 2, "ungated, the raw fail and timeout are red");

        // A known failure that passes, a regression, a new case and a missing one: each is red.
        let changed = run(&[
            ("a.pass", Outcome::Crash),
            ("b.known", Outcome::Pass),
            ("c.hang", Outcome::Timeout),
            ("e.new", Outcome::Skip),
        ]);
        let xml = render(&changed, Some(&g));
        assert_eq!(red(&xml) as usize, gate::compare(&changed, &g.baseline).mismatches.len());
        assert_eq!(red(&xml), 4, "{xml}");
        assert!(
            xml.contains(r#"<failure message="b.known: expected fail, got pass (at a.rs:3: w0 0x1)" type="xpass">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"<error message="a.pass: expected pass, got crash (at a.rs:3: w0 0x1)" type="crash">"#));
        assert!(xml.contains(r#"type="new">e.new: new case"#));
        assert!(xml.contains(r#"name="d.ns" time="0.000000">"#) && xml.contains(r#"type="missing">"#));
        assert_eq!(xml.matches("<testcase ").count(), 5);
    }

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(escape(r#"a<b>&"c" 'd'"#), "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;");
        assert_eq!(escape("x\u{1}y\tz"), "x\u{fffd}y\tz");
        assert_eq!(attribute("a\nb\t<"), "a&#10;b&#9;&lt;");
    }
}
