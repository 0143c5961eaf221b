//! The runs a compatibility matrix is made of: for each (stack, requested FF-A version) the
//! newest complete run of the normal image under a results folder. Self-test runs (a case id
//! starting with `selftest.`), runs cut short or with a lost event (see
//! `RunResults::is_complete`) and `--only` runs (a selection that did not take every case of
//! the image, as `results.json` records it) are passed over, and so are folders without a
//! readable `results.json`. `run --jobs` takes the newest such run of its own stack and version.

use crate::results::RunResults;
use ffa_harness::ffa::Version;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

/// One chosen run: a column of the matrix.
pub struct ChosenRun {
    /// The run folder's name (under the runs folder).
    pub folder: String,
    pub results: RunResults,
}

impl ChosenRun {
    /// `optee-sel1 1.1`: the column's title.
    pub fn title(&self) -> String {
        format!("{} {}", self.results.stack, self.results.requested_version)
    }
}

/// What `collect` found: the chosen runs in column order, and how many folders it passed over.
#[derive(Default)]
pub struct RunSet {
    /// Sorted by stack, then FF-A version.
    pub runs: Vec<ChosenRun>,
    pub self_test: usize,
    pub incomplete: usize,
    pub partial: usize,
    /// One line per folder that could not be read.
    pub unreadable: Vec<String>,
    /// Complete runs of a (stack, version) that a newer one replaced.
    pub older: usize,
}

impl RunSet {
    /// `chose 4 runs from 35 folders (passed over: 9 self-test, ...)`.
    pub fn describe(&self) -> String {
        let passed_over = [
            (self.older, "older"),
            (self.self_test, "self-test"),
            (self.partial, "--only"),
            (self.incomplete, "incomplete"),
            (self.unreadable.len(), "unreadable"),
        ];
        let parts: Vec<String> =
            passed_over.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
        let total = self.runs.len() + passed_over.iter().map(|(n, _)| n).sum::<usize>();
        let mut text = format!("chose {} of {total} run folders", self.runs.len());
        if !parts.is_empty() {
            text.push_str(&format!(" (passed over: {})", parts.join(", ")));
        }
        text
    }
}

/// Why a run is not a candidate, or `None` when it is one.
fn pass_over(results: &RunResults) -> Option<Skipped> {
    if results.cases.iter().any(|c| c.id.starts_with("selftest.")) {
        return Some(Skipped::SelfTest);
    }
    if !results.is_complete() {
        return Some(Skipped::Incomplete);
    }
    if !results.selection.is_whole() {
        return Some(Skipped::Partial);
    }
    None
}

enum Skipped {
    SelfTest,
    Incomplete,
    Partial,
}

/// Orders FF-A versions numerically (`1.10` after `1.9`), text that is no version last.
fn version_order(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// Reads every run folder under `runs` and keeps the newest candidate per (stack, version).
/// Newest is by `started`, then by folder name (`-2` folders of the same second come later).
pub fn collect(runs: &Path) -> Result<RunSet, String> {
    let entries = std::fs::read_dir(runs).map_err(|e| {
        format!("cannot read the runs folder {}: {e}; run `make run` first or pass --runs DIR", runs.display())
    })?;
    let mut folders: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read the runs folder {}: {e}", runs.display()))?;
        // `latest` is a link to (or a file naming) a run that is listed anyway.
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_dir && !name.starts_with('.') {
            folders.push(name);
        }
    }
    folders.sort();

    let mut set = RunSet::default();
    let mut newest: BTreeMap<(String, String), ChosenRun> = BTreeMap::new();
    for folder in folders {
        let dir = runs.join(&folder);
        let path = dir.join("results.json");
        let results = match std::fs::read_to_string(&path) {
            Ok(text) => match RunResults::from_json(&text) {
                Ok(results) => results,
                Err(e) => {
                    set.unreadable.push(format!("{}: {e}", path.display()));
                    continue;
                }
            },
            Err(e) => {
                set.unreadable.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        match pass_over(&results) {
            Some(Skipped::SelfTest) => set.self_test += 1,
            Some(Skipped::Incomplete) => set.incomplete += 1,
            Some(Skipped::Partial) => set.partial += 1,
            None => {
                let key = (results.stack.clone(), results.requested_version.clone());
                let candidate = ChosenRun { folder, results };
                match newest.get(&key) {
                    Some(kept)
                        if (kept.results.started.as_str(), kept.folder.as_str())
                            >= (candidate.results.started.as_str(), candidate.folder.as_str()) =>
                    {
                        set.older += 1
                    }
                    Some(_) => {
                        set.older += 1;
                        newest.insert(key, candidate);
                    }
                    None => {
                        newest.insert(key, candidate);
                    }
                }
            }
        }
    }
    set.runs = newest.into_values().collect();
    set.runs.sort_by(|a, b| {
        a.results
            .stack
            .cmp(&b.results.stack)
            .then_with(|| version_order(&a.results.requested_version, &b.results.requested_version))
    });
    Ok(set)
}

/// The newest candidate run of `stack` at `version` under `runs` (what the matrix would
/// choose), reading only the folders named for them (`<time>-<stack>-ffa<version>[-N]`,
/// crate::run_dir), newest first: `run --jobs` times its cases by it.
pub fn newest_of(runs: &Path, stack: &str, version: &str) -> Option<ChosenRun> {
    let suffix = format!("-{stack}-ffa{version}");
    let named = |name: &str| {
        name.ends_with(&suffix)
            || name.rsplit_once('-').is_some_and(|(head, n)| head.ends_with(&suffix) && n.parse::<u32>().is_ok())
    };
    let mut folders: Vec<String> = std::fs::read_dir(runs)
        .ok()?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| named(name))
        .collect();
    folders.sort();
    folders.into_iter().rev().find_map(|folder| {
        let text = std::fs::read_to_string(runs.join(&folder).join("results.json")).ok()?;
        let results = RunResults::from_json(&text).ok()?;
        let candidate = pass_over(&results).is_none() && results.stack == stack && results.requested_version == version;
        candidate.then_some(ChosenRun { folder, results })
    })
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};
    use crate::results::CaseRecord;
    use ffa_harness::Outcome;
    use std::path::PathBuf;

    /// A fresh, empty folder under the system temp folder.
    pub fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ffa-cts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A run of `stack` at `version` with one case per `(id, abis, outcome, message)`;
    /// `None` leaves the case without an outcome.
    pub fn results(
        stack: &str,
        version: &str,
        started: &str,
        cases: &[(&str, &str, Option<Outcome>, &str)],
    ) -> RunResults {
        let mut r = RunResults::new(identity(stack, version, started));
        r.stack_description = Some(format!("{stack} | described"));
        r.selection.total = Some(cases.len() as u32);
        r.selection.selected = Some(cases.len() as u32);
        r.returned_version = Some("0x10002".into());
        r.spmc_id = Some("0x8000".into());
        for (id, abis, _, _) in cases {
            r.plan(CaseRecord::planned(id, "13.2", abis, "1.0"));
        }
        for (id, _, outcome, message) in cases {
            if let Some(outcome) = outcome {
                let index = r.index_of(id).unwrap();
                r.record(index, ending(*outcome, 1, "cases/src/x.rs:1", message, 1));
            }
        }
        r
    }

    /// Writes `results` into `runs/folder`.
    pub fn write_run(runs: &Path, folder: &str, results: &RunResults) {
        let dir = runs.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("results.json"), results.to_json()).unwrap();
    }

    #[test]
    fn the_newest_complete_run_of_one_stack_and_version() {
        let runs = temp_dir("newest-of");
        let complete = |started| results("tfa-el3", "1.1", started, &[("a.x", "", Some(Outcome::Pass), "")]);
        write_run(&runs, "20261201-100000-tfa-el3-ffa1.1", &complete("1"));
        write_run(&runs, "20261201-100000-tfa-el3-ffa1.1-2", &complete("2"));
        write_run(&runs, "20261201-110000-tfa-el3-ffa1.1", &results("tfa-el3", "1.1", "3", &[("a.x", "", None, "")]));
        write_run(&runs, "20261201-120000-tfa-el3-gicv2-ffa1.1", &complete("4"));
        write_run(&runs, "20261201-120000-tfa-el3-ffa1.2", &complete("5"));
        // The incomplete newer run, the other stack and the other version are passed over.
        let chosen = newest_of(&runs, "tfa-el3", "1.1").map(|r| r.folder);
        assert_eq!(chosen.as_deref(), Some("20261201-100000-tfa-el3-ffa1.1-2"));
        assert!(newest_of(&runs, "optee-sel1", "1.1").is_none());
        assert!(newest_of(&runs.join("none"), "tfa-el3", "1.1").is_none());
        std::fs::remove_dir_all(&runs).unwrap();
    }

    #[test]
    fn newest_complete_normal_run_per_stack_and_version() {
        let runs = temp_dir("run-set");
        let pass = Some(Outcome::Pass);
        let fail = Some(Outcome::Fail);
        let a = [("setup.a", "FFA_VERSION", pass, "")];
        // optee 1.1: an old complete run, a newer one, then a newer self-test, a newer
        // incomplete run and a newer --only run: the newer complete one is chosen.
        write_run(&runs, "20260101-000000-optee-ffa1.1", &results("optee", "1.1", "2026-01-01T00:00:00Z", &a));
        let newer = [("setup.a", "FFA_VERSION", fail, "w0 0x1")];
        write_run(&runs, "20260102-000000-optee-ffa1.1", &results("optee", "1.1", "2026-01-02T00:00:00Z", &newer));
        let selftest = [("selftest.crash", "", Some(Outcome::Crash), "boom"), ("setup.a", "FFA_VERSION", pass, "")];
        write_run(&runs, "20260103-000000-optee-ffa1.1", &results("optee", "1.1", "2026-01-03T00:00:00Z", &selftest));
        let cut = [("setup.a", "FFA_VERSION", pass, ""), ("setup.b", "FFA_VERSION", None, "")];
        write_run(&runs, "20260104-000000-optee-ffa1.1", &results("optee", "1.1", "2026-01-04T00:00:00Z", &cut));
        let mut only = results("optee", "1.1", "2026-01-05T00:00:00Z", &a);
        only.selection.total = Some(2);
        write_run(&runs, "20260105-000000-optee-ffa1.1", &only);
        // Other columns, and things that are no run.
        write_run(&runs, "20260101-000000-optee-ffa1.0", &results("optee", "1.0", "2026-01-01T00:00:00Z", &a));
        write_run(&runs, "20260101-000000-hafnium-ffa1.2", &results("hafnium", "1.2", "2026-01-01T00:00:00Z", &a));
        std::fs::create_dir_all(runs.join("20260106-000000-optee-ffa1.1")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("20260105-000000-optee-ffa1.1", runs.join("latest")).unwrap();

        let set = collect(&runs).unwrap();
        let chosen: Vec<(String, &str)> = set.runs.iter().map(|r| (r.title(), r.folder.as_str())).collect();
        assert_eq!(
            chosen,
            [
                ("hafnium 1.2".to_owned(), "20260101-000000-hafnium-ffa1.2"),
                ("optee 1.0".to_owned(), "20260101-000000-optee-ffa1.0"),
                ("optee 1.1".to_owned(), "20260102-000000-optee-ffa1.1"),
            ]
        );
        assert_eq!((set.older, set.self_test, set.incomplete, set.partial, set.unreadable.len()), (1, 1, 1, 1, 1));
        assert_eq!(
            set.describe(),
            "chose 3 of 8 run folders (passed over: 1 older, 1 self-test, 1 --only, 1 incomplete, 1 unreadable)"
        );
        std::fs::remove_dir_all(&runs).unwrap();
    }

    #[test]
    fn versions_order_numerically() {
        assert_eq!(version_order("1.10", "1.9"), Ordering::Greater);
        assert_eq!(version_order("1.0", "1.1"), Ordering::Less);
        assert_eq!(version_order("x", "1.1"), Ordering::Greater);
    }
}
