//! Where `run --jobs N` cuts the case list: into at most N contiguous parts of about equal
//! time (for two QEMUs, one more part when a third that starts in the first QEMU to finish
//! ends the run sooner), each a range of ids the image takes as `after=` and `until=`. A case's time is
//! estimated from the newest complete run of the same stack and FF-A version: its duration,
//! the run's time per case outside any case (events over semihosting, the executor's checks:
//! on the EL3 SPMC most of a run), and a boot for each case that ended its boot (a crash or a
//! timeout makes the runner boot again); without such a run every case counts the same. The ranges cover every id, so a
//! case the runner's registry lacks (the self-test build's) still runs, in the part its id
//! sorts into. A cut is a reboot between two neighbours, which the suite already does after
//! every crash.

use crate::results::{PartRecord, RunResults};
use ffa_harness::Outcome;
use std::collections::BTreeMap;
use std::ops::Range;

/// What one case is expected to cost, in microseconds.
pub struct Costs {
    /// Per selected id, in id order.
    pub us: Vec<u64>,
    /// The run folder the estimate came from, or `None` for equal counts.
    pub source: Option<String>,
    /// What a boot costs by that run (0 without one): the price of one more part.
    pub boot_us: u64,
}

/// The cost of each of `ids` (sorted) by the run `previous` (its folder name and results):
/// the case's duration, plus the run's wall time that neither a case nor a boot took, shared
/// out over its cases, plus the run's mean boot time for a case after which the runner booted
/// again; a case that run lacks costs the mean of those it has. Without a run every case
/// costs 1.
pub fn costs(ids: &[&str], previous: Option<(&str, &RunResults)>) -> Costs {
    let Some((folder, run)) = previous else {
        return Costs { us: vec![1; ids.len()], source: None, boot_us: 0 };
    };
    let hellos: Vec<u64> = run.boot_ms.iter().flatten().copied().collect();
    let boot_us = 1000 * hellos.iter().sum::<u64>() / (hellos.len().max(1) as u64);
    // The parts of a split run ran at the same time: the time spent is the sum of theirs.
    let wall_s = if run.parts.is_empty() { run.wall_s } else { run.parts.iter().map(|p| p.wall_s).sum() };
    let in_cases_and_boots = run.cases.iter().map(|c| c.duration_us).sum::<u64>() + 1000 * hellos.iter().sum::<u64>();
    let between_us = ((wall_s * 1e6) as u64).saturating_sub(in_cases_and_boots) / (run.cases.len().max(1) as u64);
    let known: BTreeMap<&str, u64> = run
        .cases
        .iter()
        .map(|c| {
            let reboot = matches!(c.outcome, Some(Outcome::Crash | Outcome::Timeout));
            (c.id.as_str(), c.duration_us + between_us + if reboot { boot_us } else { 0 })
        })
        .collect();
    let mean = known.values().sum::<u64>() / (known.len().max(1) as u64);
    let us = ids.iter().map(|id| known.get(id).copied().unwrap_or(mean).max(1)).collect();
    Costs { us, source: Some(folder.to_owned()), boot_us }
}

/// Cuts `costs` into at most `jobs` contiguous ranges whose largest sum is as small as it
/// can be (the run takes as long as its longest part). Fewer ranges when there are fewer
/// cases, or when one case outweighs the rest; one empty range for no case.
pub fn cut(costs: &[u64], jobs: usize) -> Vec<Range<usize>> {
    if jobs <= 1 {
        return greedy(costs, u64::MAX);
    }
    // The smallest cap that `jobs` greedy ranges can keep to, by bisection.
    let (mut low, mut high) = (costs.iter().copied().max().unwrap_or(0), costs.iter().sum::<u64>());
    while low < high {
        let cap = low + (high - low) / 2;
        if greedy(costs, cap).len() <= jobs {
            high = cap;
        } else {
            low = cap + 1;
        }
    }
    greedy(costs, low)
}

/// Cuts `costs` into the contiguous ranges that `jobs` QEMUs at once finish soonest: the
/// ranges of [`cut`], or for two QEMUs one range more when that is sooner. The third range
/// runs in whichever QEMU is free first, after a boot of its own (`boot_us`): a long case near
/// the best cut between two ranges (a race case, on hafnium-2.12) otherwise leaves one QEMU
/// idle while the other finishes it.
pub fn cut_for_pool(costs: &[u64], jobs: usize, boot_us: u64) -> Vec<Range<usize>> {
    let two = cut(costs, jobs);
    if jobs != 2 || costs.len() < 3 {
        return two;
    }
    let sum = |r: &Range<usize>| costs[r.clone()].iter().sum::<u64>();
    let longest = two.iter().map(sum).max().unwrap_or(0);
    let mut prefix = vec![0u64];
    for &c in costs {
        prefix.push(prefix.last().copied().unwrap_or(0) + c);
    }
    let n = costs.len();
    let mut best: Option<(u64, usize, usize)> = None;
    for i in 1..n - 1 {
        for j in i + 1..n {
            let (a, b, c) = (prefix[i], prefix[j] - prefix[i], prefix[n] - prefix[j]);
            let finish = a.max(b).max(a.min(b) + boot_us + c);
            if best.is_none_or(|(f, _, _)| finish < f) {
                best = Some((finish, i, j));
            }
        }
    }
    match best {
        Some((finish, i, j)) if finish < longest => vec![0..i, i..j, j..n],
        _ => two,
    }
}

/// Ranges filled from the front, each as long as it stays within `cap`.
fn greedy(costs: &[u64], cap: u64) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut sum) = (0, 0u64);
    for (i, &cost) in costs.iter().enumerate() {
        if sum.saturating_add(cost) > cap && i > start {
            ranges.push(start..i);
            (start, sum) = (i, 0);
        }
        sum = sum.saturating_add(cost);
    }
    ranges.push(start..costs.len());
    ranges
}

/// The parts for `ranges` of the sorted `ids`: part k runs after the last id of part k-1 up to
/// its own last id; the first has no `after`, the last no `until`.
pub fn parts(ids: &[&str], costs: &[u64], ranges: &[Range<usize>]) -> Vec<PartRecord> {
    let last_of = |r: &Range<usize>| r.end.checked_sub(1).and_then(|i| ids.get(i)).map(|id| id.to_string());
    ranges
        .iter()
        .enumerate()
        .map(|(k, range)| PartRecord {
            part: k as u32 + 1,
            after: k.checked_sub(1).and_then(|p| last_of(&ranges[p])),
            until: if k + 1 < ranges.len() { last_of(range) } else { None },
            estimated_cases: range.len() as u32,
            estimated_s: costs[range.clone()].iter().sum::<u64>() as f64 / 1e6,
            ..PartRecord::default()
        })
        .collect()
}

/// The note that says how the run was split, and by what.
pub fn describe(parts: &[PartRecord], source: Option<&str>) -> String {
    let by = match source {
        Some(folder) => format!("by the case times of run {folder}"),
        None => "into equal counts (no complete run of this stack and version to time the cases by)".to_owned(),
    };
    let each: Vec<String> = parts
        .iter()
        .map(|p| {
            let from = p.after.as_deref().map_or("from the first case".to_owned(), |a| format!("after {a}"));
            let to = p.until.as_deref().map_or("to the last".to_owned(), |u| format!("up to {u}"));
            let estimate = if source.is_some() { format!(", about {:.1} s", p.estimated_s) } else { String::new() };
            let cases = if p.estimated_cases == 1 { "case" } else { "cases" };
            format!("part {}: {from} {to} ({} {cases}{estimate})", p.part, p.estimated_cases)
        })
        .collect();
    format!("the run is split into {} parts, {by}; {}", parts.len(), each.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{ending, identity};
    use crate::results::CaseRecord;

    /// Where each range ends.
    fn ends(ranges: Vec<Range<usize>>) -> Vec<usize> {
        ranges.iter().map(|r| r.end).collect()
    }

    #[test]
    fn cuts_so_that_the_longest_part_is_shortest() {
        assert_eq!(ends(cut(&[1; 10], 2)), [5, 10]);
        assert_eq!(ends(cut(&[1; 3], 2)), [2, 3]);
        assert_eq!(ends(cut(&[1; 7], 3)), [3, 6, 7]);
        // One long case: the part it is in is the run's length; the cut keeps the other parts short.
        assert_eq!(ends(cut(&[1, 1, 10, 1, 1, 1], 2)), [3, 6]);
        assert_eq!(ends(cut(&[3, 1, 1, 1, 3], 2)), [3, 5]);
        // More jobs than cases, one job, no case.
        assert_eq!(ends(cut(&[5], 4)), [1]);
        assert_eq!(ends(cut(&[1, 2, 3], 1)), [3]);
        assert_eq!(cut(&[], 2).first(), Some(&(0..0)));
        // The three 5 s hangs of hafnium-2.12 among short cases.
        let mut hafnium = vec![10_000; 200];
        for at in [100, 101, 102] {
            hafnium[at] = 5_000_000;
        }
        let ranges = cut(&hafnium, 2);
        let sums: Vec<u64> = ranges.iter().map(|r| hafnium[r.clone()].iter().sum()).collect();
        assert_eq!(ranges.len(), 2);
        assert!(sums.iter().max().unwrap() - sums.iter().min().unwrap() <= 5_000_000, "{sums:?}");
    }

    #[test]
    fn two_qemus_take_a_third_range_when_a_long_case_sits_at_the_cut() {
        // A long case in the middle: two ranges end at 8 at best (1,1,1,1,4 | 1,1,1,1); a
        // third range after the first QEMU's 2 ends both at 6.
        let costs = [1, 1, 1, 1, 4, 1, 1, 1, 1];
        assert_eq!(ends(cut_for_pool(&costs, 2, 0)), [2, 5, 9]);
        assert_eq!(cut_for_pool(&costs, 2, 1).len(), 3, "a boot of 1 still gains");
        // A boot that costs more than the third range gains: two ranges.
        assert_eq!(ends(cut_for_pool(&costs, 2, 4)), ends(cut(&costs, 2)));
        // Even cases: two ranges; other pools: as cut.
        assert_eq!(ends(cut_for_pool(&[1; 10], 2, 0)), [5, 10]);
        assert_eq!(ends(cut_for_pool(&[1; 7], 3, 0)), [3, 6, 7]);
    }

    #[test]
    fn costs_come_from_the_previous_run_with_a_boot_per_reboot() {
        let mut run = RunResults::new(identity("s", "1.1", "t"));
        for id in ["a", "b", "c"] {
            run.plan(CaseRecord::planned(id, "1", "", "1.0"));
        }
        run.record(0, ending(Outcome::Pass, 100, "", "", 1));
        run.record(1, ending(Outcome::Crash, 200, "", "", 1));
        run.record(2, ending(Outcome::Timeout, 5_000_000, "", "", 2));
        run.boot_ms = vec![Some(150), Some(250), None];
        // 300 ms outside cases and boots: 100 ms per case.
        run.wall_s = 5.7003;
        let c = costs(&["a", "b", "c", "d"], Some(("folder", &run)));
        // A boot is 200 ms on average; `d` is new and costs the mean of the others.
        let known = [100_100, 300_200, 5_300_000];
        assert_eq!(c.us, [known[0], known[1], known[2], known.iter().sum::<u64>() / 3]);
        assert_eq!(c.source.as_deref(), Some("folder"));
        let equal = costs(&["a", "b"], None);
        assert_eq!((equal.us, equal.source), (vec![1, 1], None));
    }

    #[test]
    fn parts_cover_every_id_once() {
        let ids = ["a.1", "a.2", "b.1", "b.2", "c.1"];
        let costs = [1_000_000, 1_000_000, 500_000, 500_000, 1_000_000];
        let parts = parts(&ids, &costs, &cut(&costs, 2));
        let ranges: Vec<_> = parts.iter().map(|p| (p.part, p.after.as_deref(), p.until.as_deref())).collect();
        assert_eq!(ranges, [(1, None, Some("a.2")), (2, Some("a.2"), None)]);
        assert_eq!((parts[0].estimated_cases, parts[1].estimated_s), (2, 2.0));
        let three = super::parts(&ids, &[1; 5], &cut(&[1; 5], 3));
        let ranges: Vec<_> = three.iter().map(|p| (p.after.as_deref(), p.until.as_deref())).collect();
        assert_eq!(ranges, [(None, Some("a.2")), (Some("a.2"), Some("b.2")), (Some("b.2"), None)]);
        assert_eq!(
            describe(&parts, Some("r1")),
            "the run is split into 2 parts, by the case times of run r1; part 1: from the first case up \
             to a.2 (2 cases, about 2.0 s); part 2: after a.2 to the last (3 cases, about 2.0 s)"
        );
    }
}
