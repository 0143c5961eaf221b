//! `ffa-cts list`: the cases registered in this build (the same registry the image links),
//! in id order, with section, minimum version and ABIs; `run --jobs` splits the same
//! selection.

use ffa_harness::args::Args;
use ffa_harness::case::{sorted, Case};
use ffa_harness::ffa::Version;
use std::fmt::Write;

/// The cases `only` selects (every case when `None`), in the image's order, and how many
/// the registry has.
pub fn selected<'a>(cases: &'a [Case], only: Option<&str>) -> Result<(Vec<&'a Case>, usize), String> {
    let mut slots = vec![None; cases.len()];
    let count = sorted(cases, &mut slots)
        .map_err(|e| format!("the case registry is broken: {e:?}; fix the case registrations in cases/"))?;
    let selection = Args {
        version: Version::V1_1,
        only: only.unwrap_or(""),
        after: None,
        until: None,
        call_limit_ms: 0,
        unknown: None,
    };
    Ok((slots[..count].iter().flatten().copied().filter(|c| selection.selects(c.id)).collect(), count))
}

/// The listing of the cases `only` selects (every case when `None`), with a count line last.
pub fn render(cases: &[Case], only: Option<&str>) -> Result<String, String> {
    let (chosen, count) = selected(cases, only)?;
    let id_width = chosen.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let section_width = chosen.iter().map(|c| c.section.len()).max().unwrap_or(0);
    let mut text = String::new();
    for case in &chosen {
        let abis: Vec<String> = case.abis.iter().map(|a| a.to_string()).collect();
        let abis = if abis.is_empty() { "-".to_owned() } else { abis.join(",") };
        let _ = writeln!(text, "{:id_width$}  {:section_width$}  {}  {abis}", case.id, case.section, case.min_version);
    }
    match only {
        Some(only) => {
            let _ = write!(text, "{} of {count} cases selected by --only {only}", chosen.len());
        }
        None => {
            let _ = write!(text, "{count} {}", if count == 1 { "case" } else { "cases" });
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::ffa::FuncId;
    use ffa_harness::{CaseResult, Ctx};

    // The body signature is the harness's; its size is the harness's concern.
    #[allow(clippy::result_large_err)]
    fn body(_: &mut Ctx) -> CaseResult {
        Ok(())
    }

    #[test]
    fn lists_sorted_and_selected() {
        let cases = [
            Case::new("setup.version.b", "13.2", body).abis(&[FuncId::VERSION]),
            Case::new("messaging.x", "15.1", body).since(Version::V1_1),
        ];
        let all = render(&cases, None).unwrap();
        assert_eq!(all, "messaging.x      15.1  1.1  -\nsetup.version.b  13.2  1.0  FFA_VERSION\n2 cases");
        let some = render(&cases, Some("setup")).unwrap();
        assert_eq!(some, "setup.version.b  13.2  1.0  FFA_VERSION\n1 of 2 cases selected by --only setup");
        assert!(render(&[], None).unwrap_err().contains("Empty"));
    }
}
