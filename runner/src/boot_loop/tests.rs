//! Event streams replayed through the boot loop with a scripted booter: no QEMU involved.

use super::*;
use crate::boot::Script;
use crate::results::tests::identity;
use std::collections::VecDeque;

/// Hands out the scripted boots in order and remembers the arguments of each.
struct FakeBooter {
    boots: VecDeque<Script>,
    args: Vec<ImageArgs>,
}

impl Booter for FakeBooter {
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        self.args.push(args.clone());
        let script = self.boots.pop_front().ok_or_else(|| format!("boot {boot} was not scripted"))?;
        Ok(Spawned::booted(format!("fake {}", args.words().join(" ")), Box::new(script)))
    }
}

#[derive(Default)]
struct Recording {
    lines: usize,
    ended: Vec<String>,
    notes: Vec<String>,
    warnings: Vec<String>,
}

impl RunObserver for Recording {
    fn boot_started(&mut self, _boot: u32, _command: &str) -> Result<(), String> {
        Ok(())
    }
    fn line(&mut self, _line: &str) -> Result<(), String> {
        self.lines += 1;
        Ok(())
    }
    fn case_ended(&mut self, results: &RunResults, index: usize) -> Result<(), String> {
        self.ended.push(results.cases[index].id.clone());
        Ok(())
    }
    fn note(&mut self, message: &str) {
        self.notes.push(message.to_owned());
    }
    fn warn(&mut self, message: &str) {
        self.warnings.push(message.to_owned());
    }
}

const IDS: [&str; 3] = ["a.one", "b.two", "c.three"];

fn line(text: &str) -> Output {
    Output::Line(text.to_owned())
}

/// `hello`, `session` and the plans of `ids`.
fn preamble(ids: &[&str]) -> Vec<Output> {
    let mut out = vec![
        line("NOTICE:  Booting Trusted Firmware"),
        line(&format!("ffa-cts: hello schema=2 image=ns total=3 selected={}", ids.len())),
        line("ffa-cts: session requested=1.1 returned=0x10002 negotiated=1.1 own_id=0x0 spmc_id=0x8000"),
    ];
    for id in ids {
        out.push(line(&format!("ffa-cts: plan id={id} section=13.2+FFA_VERSION since=1.0 abis=FFA_VERSION")));
    }
    out
}

fn case(id: &str, outcome: &str) -> Vec<Output> {
    vec![
        line(&format!("ffa-cts: start id={id} timeout_ms=1")),
        line(&format!("ffa-cts: end id={id} outcome={outcome} us=41")),
        line(&format!("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID={id} RESULT={outcome} UNITS=us MEASUREMENT=41>")),
    ]
}

fn done(exit: i32) -> Vec<Output> {
    vec![
        line("ffa-cts: done pass=3 fail=0 not-supported=0 skip=0 timeout=0 crash=0 not-run=0"),
        Output::Exited(Some(exit)),
    ]
}

fn run(boots: Vec<Vec<Output>>) -> (LoopEnd, FakeBooter, Recording) {
    run_with(5, boots)
}

fn run_with(max_boots: u32, boots: Vec<Vec<Output>>) -> (LoopEnd, FakeBooter, Recording) {
    let mut booter = FakeBooter { boots: boots.into_iter().map(Script::new).collect(), args: Vec::new() };
    let mut observer = Recording::default();
    let limits = Limits {
        case_margin: Duration::from_millis(5),
        boot: Duration::from_millis(5),
        exit_grace: Duration::from_millis(5),
        max_boots,
    };
    let args = ImageArgs { call_limit_ms: 300, ..ImageArgs::new(ffa_harness::ffa::Version::V1_1, None) };
    let end = run_boots(&mut booter, &mut observer, limits, args, RunResults::new(identity("fake", "1.1", "now")));
    (end, booter, observer)
}

fn outcomes(end: &LoopEnd) -> Vec<(&str, Option<Outcome>)> {
    end.results.cases.iter().map(|c| (c.id.as_str(), c.outcome)).collect()
}

#[test]
fn clean_run() {
    let boot = [preamble(&IDS), case(IDS[0], "pass"), case(IDS[1], "pass"), case(IDS[2], "pass"), done(0)].concat();
    let (end, booter, observer) = run(vec![boot]);
    assert_eq!(end.error, None);
    assert_eq!(outcomes(&end), IDS.map(|id| (id, Some(Outcome::Pass))));
    assert_eq!(booter.args.len(), 1);
    assert_eq!(end.results.boots, 1);
    assert_eq!(end.results.negotiated_version.as_deref(), Some("1.1"));
    assert_eq!(end.results.returned_version.as_deref(), Some("0x10002"));
    assert_eq!(end.results.spmc_id.as_deref(), Some("0x8000"));
    assert!(end.results.boot_ms[0].is_some());
    assert_eq!(end.results.cases[0].duration_us, 41);
    assert_eq!(end.results.cases[0].section, "13.2 FFA_VERSION");
    assert_eq!((end.results.selection.total, end.results.selection.selected), (Some(3), Some(3)));
    assert_eq!(end.results.boot_after, [None]);
    assert_eq!(observer.ended, IDS);
    assert!(observer.warnings.is_empty(), "{:?}", observer.warnings);
    assert!(end.results.is_complete());
}

#[test]
fn a_crash_reported_by_the_image_does_not_stop_the_run() {
    let crash = vec![
        line("ffa-cts: start id=b.two timeout_ms=1"),
        line("ffa-cts: note msg=synchronous+exception+at+0x1234"),
        line("ffa-cts: end id=b.two outcome=crash us=9 msg=data+abort+ESR%3D0x96000045"),
    ];
    let boot = [preamble(&IDS), case(IDS[0], "pass"), crash, case(IDS[2], "pass"), done(1)].concat();
    let (end, booter, observer) = run(vec![boot]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::Crash)), ("c.three", Some(Outcome::Pass))]
    );
    assert_eq!(end.results.cases[1].message, "data abort ESR=0x96000045");
    assert_eq!(end.results.cases[1].console, ["ffa-cts: note msg=synchronous+exception+at+0x1234"]);
    assert!(!end.results.cases[1].by_runner);
    assert_eq!(booter.args.len(), 1);
    assert_eq!(observer.notes, ["synchronous exception at 0x1234"]);
    assert_eq!(end.results.notes, observer.notes);
}

/// A run whose boot 1 ends in `b.two` with `ending` (a hang the runner ends), resumed after it:
/// checks what every such run gives and returns it.
fn second_case_hangs(ending: Vec<Output>) -> (LoopEnd, FakeBooter, Recording) {
    let first = [preamble(&IDS), case(IDS[0], "pass"), ending].concat();
    let second = [preamble(&IDS[2..]), case(IDS[2], "pass"), done(0)].concat();
    let (end, booter, observer) = run(vec![first, second]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::Timeout)), ("c.three", Some(Outcome::Pass))]
    );
    (end, booter, observer)
}

#[test]
fn a_hang_is_killed_recorded_as_timeout_and_resumed_after() {
    let hang = vec![line("ffa-cts: start id=b.two timeout_ms=1"), line("sp: serving\r")];
    let (end, booter, observer) = second_case_hangs(hang);
    let hung = &end.results.cases[1];
    assert!(
        hung.message.starts_with("no end event within 0.006 s; the firmware stopped responding (see uart1-1.log)"),
        "{}",
        hung.message
    );
    assert_eq!(hung.boot, 1);
    assert!(hung.by_runner);
    assert_eq!(hung.console, ["sp: serving"]);
    assert_eq!(end.results.boot_after, [None, Some("b.two".into())]);
    assert_eq!(end.results.cases[2].boot, 2);
    assert_eq!(booter.args[1].after.as_deref(), Some("b.two"));
    assert_eq!(end.results.boots, 2);
    // Every planned case has exactly one outcome, reported once.
    assert_eq!(observer.ended, ["a.one", "b.two", "c.three"]);
}

#[test]
fn qemu_exiting_mid_case_is_a_crash_and_the_run_resumes() {
    let first = [preamble(&IDS), vec![line("ffa-cts: start id=a.one timeout_ms=1"), Output::Exited(Some(1))]].concat();
    let second = [preamble(&IDS[1..]), case(IDS[1], "pass"), case(IDS[2], "fail"), done(1)].concat();
    let (end, booter, _) = run(vec![first, second]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Crash)), ("b.two", Some(Outcome::Pass)), ("c.three", Some(Outcome::Fail))]
    );
    assert!(end.results.cases[0].message.starts_with("QEMU exited with status 1 before the case ended"));
    assert_eq!(booter.args[1].after.as_deref(), Some("a.one"));
}

#[test]
fn no_hello_twice_is_an_infrastructure_error() {
    let silent = vec![line("ERROR:   BL2: Failed to load image")];
    let exits = vec![line("qemu-system-aarch64: -bios x: could not load"), Output::Exited(Some(1))];
    let (end, booter, observer) = run(vec![silent, exits]);
    let error = end.error.expect("an infrastructure error");
    assert!(error.contains("boot 2 printed no `hello`") && error.contains("boot 2 in events.log"), "{error}");
    assert_eq!(booter.args.len(), 2);
    assert_eq!(observer.warnings.len(), 1);
    assert!(end.results.cases.is_empty());
}

#[test]
fn one_boot_without_hello_is_retried() {
    let good = [preamble(&IDS), case(IDS[0], "pass"), case(IDS[1], "pass"), case(IDS[2], "pass"), done(0)].concat();
    let (end, booter, _) = run(vec![vec![Output::Exited(Some(1))], good]);
    assert_eq!(end.error, None);
    assert_eq!(booter.args[1].after, None);
    assert_eq!(end.results.boot_ms.len(), 2);
    assert!(end.results.boot_ms[0].is_none());
}

#[test]
fn harness_error_exit_stops_the_run_and_marks_the_rest_not_run() {
    let boot = vec![
        line("ffa-cts: hello schema=2 image=ns total=3 selected=3"),
        line("ffa-cts: note msg=FFA_VERSION+returned+NOT_SUPPORTED"),
        Output::Exited(Some(3)),
    ];
    let (end, _, _) = run(vec![boot]);
    let error = end.error.expect("an infrastructure error");
    assert!(error.contains("exit code 3 (FFA_VERSION or the FF-A setup failed)"), "{error}");
    assert_eq!(end.results.notes, ["FFA_VERSION returned NOT_SUPPORTED"]);
}

#[test]
fn out_of_boots_marks_the_rest_not_run() {
    let first = [preamble(&IDS), vec![line("ffa-cts: start id=a.one timeout_ms=1")]].concat();
    let second = [preamble(&IDS[1..]), vec![line("ffa-cts: start id=b.two timeout_ms=1")]].concat();
    let (end, booter, _) = run_with(2, vec![first, second]);
    assert_eq!(end.error, None);
    assert_eq!(booter.args.len(), 2);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Timeout)), ("b.two", Some(Outcome::Timeout)), ("c.three", Some(Outcome::NotRun))]
    );
    assert!(end.results.cases[2].by_runner);
    assert_eq!(end.results.cases[2].message, "not run: the run stopped after 2 boots (--max-boots)");
    // Every case has an outcome, yet the run is not complete: baselines and the matrix skip it.
    assert_eq!(end.results.stopped.as_deref(), Some("the run stopped after 2 boots (--max-boots)"));
    assert!(!end.results.is_complete());
}

#[test]
fn a_boot_without_progress_stops_the_run() {
    let first = [preamble(&IDS), case(IDS[0], "pass"), vec![line("ffa-cts: start id=b.two timeout_ms=1")]].concat();
    // The resumed boot hangs before its first case: booting again would change nothing.
    let second = preamble(&IDS[2..]);
    let (end, booter, _) = run(vec![first, second]);
    let error = end.error.expect("an infrastructure error");
    assert_eq!(error, "boot 2 printed no event for 0.005 s and was killed before any case ended, so booting again would do the same; see boot 2 in events.log and uart1-2.log");
    assert_eq!(booter.args.len(), 2);
    let third = &end.results.cases[2];
    assert_eq!(third.outcome, Some(Outcome::NotRun));
    assert_eq!(third.message, format!("not run: {error}"));
}

#[test]
fn noise_partial_lines_and_duplicates_are_tolerated() {
    let boot = [
        vec![line("NOTICE:  BL31: v2.12 ffa-cts: hello schema=2 image=ns total=3 selected=3\r")],
        vec![line("ffa-cts: session requested=1.1 returned=0x10002 negotiated=1.1 own_id=0x0 spmc_id=0x8000")],
        IDS.iter().map(|id| line(&format!("I/TC: SPMC ffa-cts: plan id={id} section=5 since=1.1 abis=\r"))).collect(),
        vec![line("ffa-cts: sta"), line("rt id=a.one timeout_ms=1"), line("\u{fffd}\u{fffd}garbage"), line("")],
        case(IDS[0], "pass"),
        vec![line("ffa-cts: end id=a.one outcome=fail us=1 msg=late+duplicate")],
        vec![line("ffa-cts: end id=zzz.unplanned outcome=pass us=1")],
        case(IDS[1], "not-supported"),
        vec![
            line("VERBOSE: ffa-cts: start id=c.three timeout_ms=1"),
            line("xxffa-cts: ffa-cts: end id=c.three outcome=skip us=0 msg=needs+a+partition\r"),
        ],
        done(0),
    ]
    .concat();
    let (end, _, observer) = run(vec![boot]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::NotSupported)), ("c.three", Some(Outcome::Skip))]
    );
    assert_eq!(end.results.cases[2].message, "needs a partition");
    assert!(end.results.cases[0].abis.is_empty());
    assert_eq!(observer.warnings.len(), 2, "{:?}", observer.warnings);
    assert!(observer.lines > 15);
}

#[test]
fn done_with_cases_missing_marks_them_not_run() {
    let boot = [preamble(&IDS), case(IDS[0], "pass"), done(0)].concat();
    let (end, _, _) = run(vec![boot]);
    assert_eq!(end.error, None);
    assert_eq!(end.results.cases[1].outcome, Some(Outcome::NotRun));
    assert_eq!(end.results.cases[1].message, "not run: the image reported `done` without running it");
    assert_eq!(end.results.stopped.as_deref(), Some("the image reported `done` without running it"));
}

#[test]
fn an_image_of_another_schema_is_refused() {
    let boot = vec![line("ffa-cts: hello schema=1 image=ns total=3 selected=3"), Output::Exited(Some(0))];
    let (end, _, _) = run(vec![boot]);
    let error = end.error.expect("a schema error");
    assert!(error.contains("event schema 1 and this runner schema 2"), "{error}");
}

#[test]
fn a_lost_plan_line_keeps_the_case_and_marks_the_run_incomplete() {
    // The plan of b.two is lost; its start and end still arrive.
    let mut boot = preamble(&IDS);
    boot.retain(|o| !matches!(o, Output::Line(l) if l.contains("plan id=b.two")));
    let boot = [boot, case(IDS[0], "pass"), case(IDS[1], "fail"), case(IDS[2], "pass"), done(1)].concat();
    let (end, _, observer) = run(vec![boot]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::Fail)), ("c.three", Some(Outcome::Pass))]
    );
    assert_eq!(end.results.selection.unplanned, ["b.two"]);
    assert_eq!(end.results.cases[1].section, "");
    assert!(!end.results.is_complete());
    assert!(observer.warnings.iter().any(|w| w.contains("`plan` line of b.two was lost")), "{:?}", observer.warnings);

    // Plan, start and end of b.two all lost: the run says a case is missing.
    let mut boot = preamble(&IDS);
    boot.retain(|o| !matches!(o, Output::Line(l) if l.contains("plan id=b.two")));
    let boot = [boot, case(IDS[0], "pass"), case(IDS[2], "pass"), done(0)].concat();
    let (end, _, _) = run(vec![boot]);
    assert_eq!(end.results.cases.len(), 2);
    assert_eq!(
        end.results.stopped.as_deref(),
        Some("`hello` selected 3 cases, but 1 of them never appeared in a `plan`, `start` or `end` line (see events.log)")
    );
    assert!(!end.results.is_complete());
}

#[test]
fn a_case_keeps_a_bounded_console() {
    let mut case =
        Running { id: "a".into(), timeout: Duration::ZERO, started: Instant::now(), console: Vec::new(), dropped: 0 };
    for i in 0..MAX_CASE_LINES + 5 {
        case.keep(&format!("line {i}\r"));
    }
    let console = case.take_console();
    assert_eq!(console.len(), MAX_CASE_LINES + 1);
    assert_eq!(console[0], "line 0");
    assert_eq!(console[MAX_CASE_LINES], "[... 5 more lines in events.log]");
}

#[test]
fn a_firmware_panic_ends_the_boot_at_once_as_a_crash_and_the_run_resumes() {
    // The panic line would be followed by silence: the scripted boot then has nothing left,
    // so a loop that waited for the watchdog would record a timeout instead.
    let panic = vec![line("ffa-cts: start id=b.two timeout_ms=1"), line("Panic: EL2 exception\r")];
    let first = [preamble(&IDS), case(IDS[0], "pass"), panic].concat();
    let second = [preamble(&IDS[2..]), case(IDS[2], "pass"), done(0)].concat();
    let (end, booter, observer) = run(vec![first, second]);
    assert_eq!(end.error, None);
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::Crash)), ("c.three", Some(Outcome::Pass))]
    );
    let crashed = &end.results.cases[1];
    assert_eq!(crashed.message, "the firmware panicked: Panic: EL2 exception (see boot 1 in events.log)");
    assert!(crashed.by_runner);
    assert_eq!(booter.args[1].after.as_deref(), Some("b.two"));
    assert!(observer.warnings[0].contains("saw the firmware panic and was killed"), "{:?}", observer.warnings);
}

#[test]
fn secure_uart_input_is_asked_of_the_session_and_a_refusal_is_a_warning() {
    let mut asking = case(IDS[0], "pass");
    asking.insert(1, line("ffa-cts: secure-uart-input"));
    let boot = [preamble(&IDS[..1]), asking, done(0)].concat();
    let (end, _, observer) = run(vec![boot]);
    assert_eq!(outcomes(&end), [(IDS[0], Some(Outcome::Pass))]);
    assert_eq!(observer.warnings.len(), 1, "{:?}", observer.warnings);
    assert!(observer.warnings[0].contains("secure UART is not the runner's"), "{:?}", observer.warnings);
}

#[test]
fn a_stuck_call_ends_the_boot_at_once_as_a_timeout_and_the_run_resumes() {
    let stuck = vec![
        line("ffa-cts: start id=b.two timeout_ms=2000"),
        line("ffa-cts: stuck core=0 fid=0x84000086 ms=200 limit_ms=300 by=1"),
        // Where the CPU time is not known, a call is hung at 15 times its limit.
        line("ffa-cts: stuck core=0 fid=0x84000086 ms=4501 limit_ms=300 by=1"),
        // Killed at once: what the boot would have printed later is not read.
        line("ffa-cts: end id=b.two outcome=pass us=1"),
    ];
    let (end, booter, observer) = second_case_hangs(stuck);
    let hung = &end.results.cases[1];
    assert_eq!(
        hung.message,
        "core 0 did not return from FFA_MSG_SEND2 within 4501 ms (the limit: 300 ms): the firmware hung; seen by core 1"
    );
    assert!(hung.by_runner);
    assert_eq!(hung.boot, 1);
    assert_eq!(booter.args[1].after.as_deref(), Some("b.two"));
    assert_eq!(booter.args[1].call_limit_ms, 300, "the resumed boot is watched as the first");
    assert_eq!(
        observer.warnings,
        ["boot 1 reported core 0 stuck in an FF-A call and was killed; booting again after b.two"]
    );
}

#[test]
fn a_stuck_call_between_cases_resumes_after_the_last_that_ended() {
    let stuck = vec![line("ffa-cts: stuck core=2 fid=0x8400006f ms=4500 limit_ms=300 by=3")];
    let first = [preamble(&IDS), case(IDS[0], "pass"), stuck].concat();
    let second = [preamble(&IDS[1..]), case(IDS[1], "pass"), case(IDS[2], "pass"), done(0)].concat();
    let (end, booter, _) = run(vec![first, second]);
    assert_eq!(end.error, None);
    assert_eq!(outcomes(&end), IDS.map(|id| (id, Some(Outcome::Pass))));
    assert_eq!(booter.args[1].after.as_deref(), Some("a.one"));
}

#[test]
fn the_longest_call_of_a_case_is_recorded() {
    let timed = vec![
        line("ffa-cts: start id=a.one timeout_ms=1"),
        line("ffa-cts: end id=a.one outcome=pass us=900 calls=3 longest_us=640 longest_fid=0x8400006f"),
    ];
    let boot = [preamble(&IDS), timed, case(IDS[1], "pass"), case(IDS[2], "pass"), done(0)].concat();
    let (end, _, _) = run(vec![boot]);
    let first = &end.results.cases[0];
    assert_eq!((first.longest_call_us, first.longest_call.as_deref()), (Some(640), Some("FFA_MSG_SEND_DIRECT_REQ_32")));
    assert_eq!((end.results.cases[1].longest_call_us, end.results.cases[1].longest_call.as_deref()), (None, None));
}

#[test]
fn a_stuck_call_is_a_hang_only_once_qemu_had_the_cpu_for_most_of_its_limit() {
    // The boot runs in microseconds here, so every report's call began before the boot: the
    // CPU counted is all the boot's (which window of the log counts is host_cpu's test).
    let ms = Duration::from_millis;
    let at = |cpu: u64, outputs: Vec<Output>| outputs.into_iter().map(move |o| (o, ms(cpu))).collect::<Vec<_>>();
    let report = |ms: u32| line(&format!("ffa-cts: stuck core=0 fid=0x84000086 ms={ms} limit_ms=300 by=1"));
    let first = [
        at(10, [preamble(&IDS), case(IDS[0], "pass")].concat()),
        // The host starved QEMU: 70 ms of CPU in 300 ms, then the call returned: slow, not hung.
        at(10, vec![line("ffa-cts: start id=b.two timeout_ms=2000")]),
        at(70, vec![report(300)]),
        at(80, case(IDS[1], "pass")[1..].to_vec()),
        // QEMU on a CPU for 200 ms, less than three quarters of the limit; then for 320 ms: hung.
        at(80, vec![line("ffa-cts: start id=c.three timeout_ms=2000")]),
        at(200, vec![report(300)]),
        at(320, vec![report(320), line("ffa-cts: end id=c.three outcome=pass us=1")]),
    ]
    .concat();
    let mut booter = FakeBooter { boots: [Script::metered(first)].into(), args: Vec::new() };
    let mut observer = Recording::default();
    let limits = Limits { case_margin: ms(5), boot: ms(5), exit_grace: ms(5), max_boots: 1 };
    let args = ImageArgs { call_limit_ms: 300, ..ImageArgs::new(ffa_harness::ffa::Version::V1_1, None) };
    let end = run_boots(&mut booter, &mut observer, limits, args, RunResults::new(identity("fake", "1.1", "now")));
    assert_eq!(
        outcomes(&end),
        [("a.one", Some(Outcome::Pass)), ("b.two", Some(Outcome::Pass)), ("c.three", Some(Outcome::Timeout))]
    );
    assert_eq!(
        end.results.cases[2].message,
        "core 0 did not return from FFA_MSG_SEND2 within 320 ms (the limit: 300 ms, QEMU on a host CPU for 320 ms of it): \
         the firmware hung; seen by core 1"
    );
}
