//! The parts of a run (`run --jobs`): a worker per QEMU takes the parts in order and drives a
//! boot loop for each over the part's range of ids (`after=`/`until=`), with its own booter,
//! boot numbering and logs (`events.log`, `uart1-N.log`: in the run folder for a run of one
//! part, in `part-<k>/` for several). Every case that ends in any part goes through one lock
//! to the run's recorder, which prints its progress line and rewrites the results merged
//! from the newest results of every part (crate::merge): at most every [`WRITE_EVERY`], and
//! at once for an outcome the runner decided (a crash, a hang) and when a part ends.
//! Rewriting both files after each of some 500 cases cost the runner about 1 s of CPU per run,
//! taken from the QEMUs; what a runner killed in between leaves out of results.json is in the
//! parts' `events.log`, which gets every line as it comes.

use crate::boot::Booter;
use crate::boot_loop::{run_boots, Limits, LoopEnd, RunObserver};
use crate::image_args::ImageArgs;
use crate::merge::merge;
use crate::recorder::Recorder;
use crate::results::{PartRecord, RunResults};
use ffa_harness::Outcome;
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the merged results are rewritten while cases end.
const WRITE_EVERY: Duration = Duration::from_millis(250);

/// One part to run: its range, where its logs go, and what boots it.
pub struct PartSetup {
    pub record: PartRecord,
    /// The folder of its `events.log` and boot logs.
    pub dir: PathBuf,
    pub booter: Box<dyn Booter + Send>,
}

/// The folder of part `part`'s logs in the run folder `run_dir`, of a run of `parts` parts.
pub fn part_dir(run_dir: &Path, part: u32, parts: usize) -> PathBuf {
    if parts > 1 {
        run_dir.join(format!("part-{part}"))
    } else {
        run_dir.to_owned()
    }
}

/// What the parts share: the run's recorder and the newest results of each part.
struct Shared {
    recorder: Recorder,
    base: RunResults,
    split: Vec<PartRecord>,
    latest: Vec<Option<RunResults>>,
    /// Each part's planned and ended cases, as its newest case end left them.
    counts: Vec<Option<(usize, usize)>>,
    /// When the merged results were last written.
    written: Option<Instant>,
}

impl Shared {
    fn merged(&self) -> RunResults {
        let latest: Vec<Option<&RunResults>> = self.latest.iter().map(Option::as_ref).collect();
        merge(&self.base, &self.split, &latest)
    }

    /// The cases the run expects so far: each part's plans, or before they arrived, the
    /// runner's own count for its range.
    fn planned(&self) -> usize {
        let part = |(record, counts): (&PartRecord, &Option<(usize, usize)>)| {
            counts.map_or(record.estimated_cases as usize, |(planned, _)| planned)
        };
        self.split.iter().zip(&self.counts).map(part).sum()
    }

    /// The cases that have ended in every part.
    fn ended(&self) -> usize {
        self.counts.iter().flatten().map(|&(_, ended)| ended).sum()
    }
}

/// The observer of one part's boot loop: its console into its own `events.log`, its messages
/// labelled with the part when there are several, its case ends to the run's recorder.
struct PartObserver<'a> {
    /// 0-based.
    index: usize,
    label: String,
    events: File,
    events_path: PathBuf,
    shared: &'a Mutex<Shared>,
}

impl PartObserver<'_> {
    fn append(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.events, "{line}").map_err(|e| format!("cannot write {}: {e}", self.events_path.display()))
    }
}

impl RunObserver for PartObserver<'_> {
    fn boot_started(&mut self, boot: u32, command: &str) -> Result<(), String> {
        eprintln!("{}boot {boot}: {command}", self.label);
        self.append(&format!("# boot {boot}: {command}"))
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        self.append(line)
    }

    fn case_ended(&mut self, results: &RunResults, index: usize) -> Result<(), String> {
        let mut shared = self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.counts[self.index] = Some((results.cases.len(), results.ended()));
        let case = &results.cases[index];
        shared.recorder.case_ended(case, shared.ended(), shared.planned());
        let decided = case.by_runner && matches!(case.outcome, Some(Outcome::Crash | Outcome::Timeout));
        if decided || shared.written.is_none_or(|t| t.elapsed() >= WRITE_EVERY) {
            shared.latest[self.index] = Some(results.clone());
            shared.written = Some(Instant::now());
            shared.recorder.write_results(&shared.merged())?;
        }
        Ok(())
    }

    fn note(&mut self, message: &str) {
        eprintln!("{}note: {message}", self.label);
    }

    fn warn(&mut self, message: &str) {
        eprintln!("runner: {}{message}", self.label);
    }
}

/// The end of every part: the run's merged results, the first error of any part (naming the
/// part when there are several), and the recorder back.
pub struct PartsEnd {
    pub results: RunResults,
    pub error: Option<String>,
    pub recorder: Recorder,
}

/// Runs `parts`, `jobs` at a time, each with `args` bounded to its range; `base` holds the
/// run's identity and the runner's own notes.
pub fn run_parts(
    parts: Vec<PartSetup>,
    jobs: usize,
    recorder: Recorder,
    limits: Limits,
    args: &ImageArgs,
    base: RunResults,
) -> Result<PartsEnd, String> {
    let count = parts.len();
    let split: Vec<PartRecord> = parts.iter().map(|p| p.record.clone()).collect();
    let shared = Mutex::new(Shared {
        recorder,
        base: base.clone(),
        split,
        latest: vec![None; count],
        counts: vec![None; count],
        written: None,
    });
    let mut observers = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        std::fs::create_dir_all(&part.dir).map_err(|e| format!("cannot create {}: {e}", part.dir.display()))?;
        let events_path = part.dir.join("events.log");
        let events = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&events_path)
            .map_err(|e| format!("cannot open {}: {e}", events_path.display()))?;
        let label = if count > 1 { format!("part {}: ", part.record.part) } else { String::new() };
        observers.push(PartObserver { index, label, events, events_path, shared: &shared });
    }
    // The parts in order, each taken by the first of `jobs` QEMUs to be free: a part more than
    // QEMUs starts when the first of them finishes its own.
    let queue = Mutex::new(parts.into_iter().zip(observers).enumerate().collect::<VecDeque<_>>());
    let mut ends: Vec<Option<LoopEnd>> = (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.clamp(1, count.max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop_front();
                        let Some((k, (mut part, mut observer))) = next else { break done };
                        let args = ImageArgs {
                            after: part.record.after.clone(),
                            until: part.record.until.clone(),
                            ..args.clone()
                        };
                        let end = run_boots(part.booter.as_mut(), &mut observer, limits, args, base.clone());
                        // The part's every case into results.json now, not when the last part ends.
                        let mut shared = observer.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                        shared.latest[k] = Some(end.results.clone());
                        shared.written = Some(Instant::now());
                        if let Err(e) = shared.recorder.write_results(&shared.merged()) {
                            eprintln!("runner: {e}");
                        }
                        drop(shared);
                        done.push((k, end));
                    }
                })
            })
            .collect();
        for worker in workers {
            for (k, end) in worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
                ends[k] = Some(end);
            }
        }
    });
    let mut shared = shared.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut errors = Vec::new();
    for (k, end) in ends.into_iter().enumerate() {
        let Some(end) = end else { continue };
        if let Some(error) = end.error {
            errors.push(if count > 1 { format!("part {}: {error}", k + 1) } else { error });
        }
        shared.latest[k] = Some(end.results);
    }
    let results = shared.merged();
    shared.recorder.write_results(&results)?;
    Ok(PartsEnd { results, error: (!errors.is_empty()).then(|| errors.join("; ")), recorder: shared.recorder })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boot::{Output, Script, Spawned};
    use crate::results::tests::identity;
    use ffa_harness::args::Args;
    use ffa_harness::ffa::Version;
    use std::time::Duration;

    const IDS: [&str; 6] = ["a.1", "a.2", "a.3", "b.1", "b.2", "b.3"];

    /// A QEMU stand-in that plays the image over `IDS` for the arguments it is booted with:
    /// `crash` ends its boot (QEMU exits), every other case passes.
    struct FakeImage {
        crash: &'static str,
    }

    impl Booter for FakeImage {
        fn boot(&mut self, args: &ImageArgs, _boot: u32) -> Result<Spawned, String> {
            let line = args.words().join(" ");
            let parsed = Args::parse(&line);
            let chosen: Vec<&str> = IDS.into_iter().filter(|id| parsed.selects(id)).collect();
            let l = |text: String| Output::Line(text);
            let mut out = vec![
                l(format!("ffa-cts: hello schema=2 image=ns total={} selected={}", IDS.len(), chosen.len())),
                l("ffa-cts: session requested=1.1 returned=0x10002 negotiated=1.1 own_id=0x0 spmc_id=0x8000".into()),
            ];
            out.extend(chosen.iter().map(|id| l(format!("ffa-cts: plan id={id} section=1 since=1.0 abis="))));
            for id in &chosen {
                out.push(l(format!("ffa-cts: start id={id} timeout_ms=1")));
                if *id == self.crash {
                    out.push(Output::Exited(Some(1)));
                    return Ok(Spawned::booted(line, Box::new(Script::new(out))));
                }
                out.push(l(format!("ffa-cts: end id={id} outcome=pass us=5")));
            }
            out.push(l("ffa-cts: done".into()));
            out.push(Output::Exited(Some(0)));
            Ok(Spawned::booted(line, Box::new(Script::new(out))))
        }
    }

    /// A booter that cannot start anything.
    struct Broken;

    impl Booter for Broken {
        fn boot(&mut self, _args: &ImageArgs, _boot: u32) -> Result<Spawned, String> {
            Err("no QEMU".into())
        }
    }

    /// Runs `IDS` in two parts, booted by what `booter` makes for each part, in `dir`.
    fn run_two(dir: &Path, booter: impl Fn(u32) -> Box<dyn Booter + Send>) -> PartsEnd {
        let split = crate::split::parts(&IDS, &[1; 6], &crate::split::cut(&[1; 6], 2));
        let parts = split
            .into_iter()
            .map(|record| PartSetup { dir: part_dir(dir, record.part, 2), booter: booter(record.part), record })
            .collect();
        // Generous: the scripted boots never wait, and two threads on a loaded host must not
        // see a watchdog expire between two lines.
        let limits = Limits {
            case_margin: Duration::from_secs(10),
            boot: Duration::from_secs(10),
            exit_grace: Duration::from_secs(10),
            max_boots: 5,
        };
        let base = RunResults::new(identity("s", "1.1", "t"));
        let args = ImageArgs::new(Version::V1_1, None);
        run_parts(parts, 2, Recorder::new(dir, None), limits, &args, base).unwrap()
    }

    #[test]
    fn a_part_that_cannot_boot_stops_the_run_and_loses_nothing_of_the_other() {
        let dir = tempfile::tempdir().unwrap();
        let end =
            run_two(dir.path(), |part| if part == 1 { Box::new(Broken) } else { Box::new(FakeImage { crash: "" }) });
        assert_eq!(end.error.as_deref(), Some("part 1: no QEMU"));
        assert_eq!(end.results.stopped.as_deref(), Some("part 1: no QEMU"));
        assert_eq!(end.results.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["b.1", "b.2", "b.3"]);
        let written =
            RunResults::from_json(&std::fs::read_to_string(dir.path().join("results.json")).unwrap()).unwrap();
        assert_eq!(written.ended(), 3, "part 2's cases are in results.json");
    }

    #[test]
    fn parts_run_their_ranges_and_merge_with_their_own_boots() {
        let dir = tempfile::tempdir().unwrap();
        let end = run_two(dir.path(), |_| Box::new(FakeImage { crash: "b.1" }));
        assert_eq!(end.error, None);
        let r = &end.results;
        let cases: Vec<_> =
            r.cases.iter().map(|c| (c.id.as_str(), c.outcome.unwrap().as_str(), c.part, c.boot)).collect();
        assert_eq!(
            cases,
            [
                ("a.1", "pass", 1, 1),
                ("a.2", "pass", 1, 1),
                ("a.3", "pass", 1, 1),
                ("b.1", "crash", 2, 1),
                ("b.2", "pass", 2, 2),
                ("b.3", "pass", 2, 2)
            ]
        );
        assert!(r.is_complete(), "{:?}", r.stopped);
        assert!(r.selection.is_whole());
        assert_eq!((r.boots, r.boot_after.clone()), (3, vec![None, Some("a.3".into()), Some("b.1".into())]));
        assert_eq!(r.parts.iter().map(|p| p.boots).collect::<Vec<_>>(), [1, 2]);
        // Each part logs its own boots; results.json on disk is the merged run.
        let second = std::fs::read_to_string(dir.path().join("part-2/events.log")).unwrap();
        assert!(second.starts_with("# boot 1: ns version=1.1 after=a.3\n"), "{second}");
        assert!(second.contains("# boot 2: ns version=1.1 after=b.1\n"), "{second}");
        let first = std::fs::read_to_string(dir.path().join("part-1/events.log")).unwrap();
        assert!(first.starts_with("# boot 1: ns version=1.1 until=a.3\n"), "{first}");
        let written =
            RunResults::from_json(&std::fs::read_to_string(dir.path().join("results.json")).unwrap()).unwrap();
        assert_eq!(written.ended(), 6);
    }
}
