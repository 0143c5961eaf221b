//! One run's results from the results of its parts (`run --jobs`): the cases of every part in
//! id order, each marked with its part; the boots of all parts counted together and listed
//! part after part, and per part in `parts`; the image's selection counts summed over the
//! parts' `hello`s; the run `stopped` when any part stopped, saying which. A run of one part
//! is that part's results as they are.

use crate::results::{PartRecord, RunResults};

/// The run made of `latest`, the newest results of each part of `split` (`None` for a part
/// that has reported nothing yet); `base` holds the run's identity and the runner's notes.
pub fn merge(base: &RunResults, split: &[PartRecord], latest: &[Option<&RunResults>]) -> RunResults {
    let several = split.len() > 1;
    let label = |part: usize, text: &str| if several { format!("part {}: {text}", part + 1) } else { text.to_owned() };
    let mut run = base.clone();
    let reported = || latest.iter().enumerate().filter_map(|(k, r)| r.map(|r| (k, r)));
    for (k, part) in reported() {
        for case in &part.cases {
            let mut case = case.clone();
            case.part = k as u32 + 1;
            run.plan(case);
        }
        let selection = &mut run.selection;
        selection.total = selection.total.or(part.selection.total);
        if let Some(n) = part.selection.selected {
            selection.selected = Some(selection.selected.unwrap_or(0) + n);
        }
        selection.unplanned.extend(part.selection.unplanned.iter().cloned());
        if run.negotiated_version.is_none() {
            run.negotiated_version.clone_from(&part.negotiated_version);
            run.returned_version.clone_from(&part.returned_version);
            run.own_id.clone_from(&part.own_id);
            run.spmc_id.clone_from(&part.spmc_id);
        }
        run.wall_s = run.wall_s.max(part.wall_s);
        run.boots += part.boots;
        run.boot_ms.extend(part.boot_ms.iter().copied());
        run.boot_after.extend(part.boot_after.iter().cloned());
        run.boot_snapshot.extend(part.boot_snapshot.iter().cloned());
        run.call_limit_ms = run.call_limit_ms.or(part.call_limit_ms);
        run.notes.extend(part.notes.iter().map(|n| label(k, n)));
    }
    let stopped: Vec<String> = reported().filter_map(|(k, r)| r.stopped.as_deref().map(|s| label(k, s))).collect();
    if !stopped.is_empty() {
        run.stopped = Some(stopped.join("; "));
    }
    if several {
        run.parts = split
            .iter()
            .zip(latest)
            .map(|(record, part)| match part {
                Some(r) => PartRecord {
                    wall_s: r.wall_s,
                    boots: r.boots,
                    boot_ms: r.boot_ms.clone(),
                    boot_after: r.boot_after.clone(),
                    stopped: r.stopped.clone(),
                    ..record.clone()
                },
                None => record.clone(),
            })
            .collect();
    }
    run.summary = run.counts().into();
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};
    use crate::results::CaseRecord;
    use ffa_harness::Outcome;

    /// A part's results: `hello` selected `ids`, each ended with `outcomes` in boot `boots`.
    fn part(ids: &[&str], outcomes: &[Outcome], boots: u32) -> RunResults {
        let mut r = RunResults::new(identity("s", "1.1", "t"));
        r.selection.total = Some(9);
        r.selection.selected = Some(ids.len() as u32);
        r.negotiated_version = Some("1.1".into());
        for id in ids {
            r.plan(CaseRecord::planned(id, "1", "", "1.0"));
        }
        for (i, &outcome) in outcomes.iter().enumerate() {
            r.record(i, ending(outcome, 10, "", "", boots));
        }
        r.boots = boots;
        r.boot_ms = (0..boots).map(|b| Some(100 + u64::from(b))).collect();
        r.boot_after = (0..boots).map(|b| (b > 0).then(|| ids[0].to_owned())).collect();
        r.wall_s = f64::from(boots);
        r
    }

    fn split() -> Vec<PartRecord> {
        let record = |part, after: Option<&str>, until: Option<&str>| PartRecord {
            part,
            after: after.map(str::to_owned),
            until: until.map(str::to_owned),
            estimated_cases: 2,
            estimated_s: 1.0,
            ..PartRecord::default()
        };
        vec![record(1, None, Some("a.2")), record(2, Some("a.2"), None)]
    }

    #[test]
    fn parts_merge_into_one_run_in_id_order() {
        let mut base = RunResults::new(identity("s", "1.1", "t"));
        base.notes.push("the run is split".into());
        let first = part(&["a.1", "a.2"], &[Outcome::Pass, Outcome::Crash], 2);
        let mut second = part(&["b.1", "b.2"], &[Outcome::Fail], 1);
        second.notes.push("from the image".into());
        let run = merge(&base, &split(), &[Some(&second), None]);
        // Only what has reported so far; the part is the one it came from, by position.
        assert_eq!(run.cases.iter().map(|c| (c.id.as_str(), c.part)).collect::<Vec<_>>(), [("b.1", 1), ("b.2", 1)]);
        let run = merge(&base, &split(), &[Some(&first), Some(&second)]);
        let cases: Vec<_> = run.cases.iter().map(|c| (c.id.as_str(), c.outcome, c.part, c.boot)).collect();
        assert_eq!(
            cases,
            [
                ("a.1", Some(Outcome::Pass), 1, 2),
                ("a.2", Some(Outcome::Crash), 1, 2),
                ("b.1", Some(Outcome::Fail), 2, 1),
                ("b.2", None, 2, 0)
            ]
        );
        assert_eq!(
            (run.selection.total, run.selection.selected, run.negotiated_version.as_deref()),
            (Some(9), Some(4), Some("1.1"))
        );
        assert_eq!((run.boots, run.boot_ms.clone()), (3, vec![Some(100), Some(101), Some(100)]));
        assert_eq!(run.boot_after, [None, Some("a.1".to_owned()), None]);
        assert_eq!(run.notes, ["the run is split", "part 2: from the image"]);
        assert_eq!((run.summary.pass, run.summary.fail, run.summary.crash, run.summary.total), (1, 1, 1, 3));
        assert_eq!(run.wall_s, 2.0, "the parts ran at the same time: the longest");
        let parts: Vec<_> = run.parts.iter().map(|p| (p.part, p.boots, p.wall_s, p.until.as_deref())).collect();
        assert_eq!(parts, [(1, 2, 2.0, Some("a.2")), (2, 1, 1.0, None)]);
        assert_eq!(run.stopped, None);
    }

    #[test]
    fn a_stopped_part_stops_the_run_and_says_which() {
        let base = RunResults::new(identity("s", "1.1", "t"));
        let first = part(&["a.1", "a.2"], &[Outcome::Pass, Outcome::Pass], 1);
        let mut second = part(&["b.1", "b.2"], &[Outcome::Timeout, Outcome::NotRun], 20);
        second.stopped = Some("the run stopped after 20 boots (--max-boots)".into());
        let run = merge(&base, &split(), &[Some(&first), Some(&second)]);
        assert_eq!(run.stopped.as_deref(), Some("part 2: the run stopped after 20 boots (--max-boots)"));
        assert_eq!(run.parts[1].stopped, second.stopped);
        assert!(!run.is_complete());

        // One part: its results as they are, without parts or labels.
        let one = merge(&base, &split()[..1], &[Some(&second)]);
        assert_eq!(one.stopped, second.stopped);
        assert!(one.parts.is_empty());
        assert_eq!((one.cases, one.boots, one.selection), (second.cases.clone(), 20, second.selection.clone()));
    }
}
