//! `junit.xml`, derived from the run results for CI viewers: one suite per platform and
//! stack, one test case per FF-A case with its console lines in `<system-out>`. `fail` is a
//! failure; `timeout`, `crash` and `not-run` are errors (the last: the run stopped before the
//! case, which is no verdict on it but must not look green); `not-supported` and `skip` are
//! skipped. The `timestamp` has the Ant schema's form (local time without a zone; here
//! UTC).

use crate::results::{CaseRecord, RunResults};
use ffa_harness::{Counts, Outcome};
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

/// The `tests failures errors skipped` attributes of `counts`.
fn count_attributes(counts: &Counts) -> String {
    let errors = counts.get(Outcome::Timeout) + counts.get(Outcome::Crash) + counts.get(Outcome::NotRun);
    format!(
        r#"tests="{}" failures="{}" errors="{errors}" skipped="{}""#,
        counts.total(),
        counts.get(Outcome::Fail),
        counts.skipped()
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

fn testcase(xml: &mut String, results: &RunResults, case: &CaseRecord) {
    let family = case.id.split('.').next().unwrap_or_default();
    let classname = format!("ffa_cts.{}_{}.{family}", results.platform, results.stack);
    let time = case.duration_us as f64 / 1e6;
    let _ =
        write!(xml, r#"    <testcase classname="{}" name="{}" time="{time:.6}""#, escape(&classname), escape(&case.id));
    let detail = escape(&location_and_message(case));
    let message = attribute(&case.message);
    let verdict = match case.outcome {
        Some(Outcome::Pass) => String::new(),
        Some(Outcome::Fail) => format!("      <failure message=\"{message}\" type=\"fail\">{detail}</failure>\n"),
        Some(o @ (Outcome::Timeout | Outcome::Crash | Outcome::NotRun)) => {
            format!("      <error message=\"{message}\" type=\"{o}\">{detail}</error>\n")
        }
        Some(Outcome::NotSupported) => {
            let text = format!("NOT_SUPPORTED: {}", case.message);
            format!(
                "      <skipped type=\"not-supported\" message=\"{}\">{}</skipped>\n",
                attribute(&text),
                escape(&text)
            )
        }
        Some(Outcome::Skip) => format!("      <skipped type=\"skip\" message=\"{message}\">{detail}</skipped>\n"),
        None => "      <error message=\"the case has no outcome yet\" type=\"none\"/>\n".to_owned(),
    };
    if verdict.is_empty() && case.console.is_empty() {
        let _ = writeln!(xml, "/>");
        return;
    }
    let _ = write!(xml, ">\n{verdict}");
    if !case.console.is_empty() {
        let _ = writeln!(xml, "      <system-out>{}</system-out>", escape(&(case.console.join("\n") + "\n")));
    }
    let _ = writeln!(xml, "    </testcase>");
}

/// The whole `junit.xml`.
pub fn render(results: &RunResults) -> String {
    let counts = results.counts();
    let attributes = count_attributes(&counts);
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
    ];
    for (name, value) in properties {
        if let Some(value) = value {
            let _ = writeln!(xml, r#"      <property name="{name}" value="{}"/>"#, attribute(value));
        }
    }
    xml.push_str("    </properties>\n");
    for case in &results.cases {
        testcase(&mut xml, results, case);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(escape(r#"a<b>&"c" 'd'"#), "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;");
        assert_eq!(escape("x\u{1}y\tz"), "x\u{fffd}y\tz");
        assert_eq!(attribute("a\nb\t<"), "a&#10;b&#9;&lt;");
    }
}
