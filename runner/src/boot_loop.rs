//! The restart/resume state machine of `run`. It boots the image, follows its events, stops
//! a wedged firmware (at once when the image's hang monitor reports a call that did not
//! return, event `stuck`; after a silence watchdog when nothing in the image can report),
//! records the case that hung (`timeout`) or took QEMU down (`crash`), and boots again after
//! that case, until a boot reaches `done`, every
//! planned case has an outcome, or the boot budget is spent. Every planned case ends up with
//! exactly one outcome (`not-run` when the run stopped before it). It also keeps each case's
//! console lines, and checks the plans against the `hello` count, so that a lost `plan` line
//! neither drops a case nor goes unnoticed.

use crate::boot::{BootSession, Booter, Output, Spawned};
use crate::host_cpu::{self, CpuLog};
use crate::image_args::ImageArgs;
use crate::results::{CaseRecord, Ending, RunResults};
use ffa_harness::event::{Event, SCHEMA};
use ffa_harness::ffa::FuncId;
use ffa_harness::Outcome;
use std::time::{Duration, Instant};

#[cfg(test)]
mod tests;

/// The watchdog and the boot budget.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Added to a case's own timeout; also the least a running case gets.
    pub case_margin: Duration,
    /// How long to wait for `hello`, and for the next case between cases.
    pub boot: Duration,
    /// How long QEMU may take to exit after `done`.
    pub exit_grace: Duration,
    /// The most boots in one run.
    pub max_boots: u32,
}

/// The most console lines kept per case for junit.xml; events.log keeps every line.
const MAX_CASE_LINES: usize = 1000;

/// Where the loop reports what happens, as it happens.
pub trait RunObserver {
    /// A boot started with this command line.
    fn boot_started(&mut self, boot: u32, command: &str) -> Result<(), String>;
    /// One raw console line of the current boot.
    fn line(&mut self, line: &str) -> Result<(), String>;
    /// `results.cases[index]` just got its outcome (from the image or from the runner).
    fn case_ended(&mut self, results: &RunResults, index: usize) -> Result<(), String>;
    /// The image's `note` event.
    fn note(&mut self, message: &str);
    /// Something the runner itself wants the user to know.
    fn warn(&mut self, message: &str);
}

/// The end of a run: its results (every planned case has an outcome), and the infrastructure
/// error that stopped it early, if any.
pub struct LoopEnd {
    pub results: RunResults,
    pub error: Option<String>,
}

/// Boots until the run is complete. `results` holds the run's identity; the loop fills in
/// the rest.
pub fn run_boots(
    booter: &mut dyn Booter,
    observer: &mut dyn RunObserver,
    limits: Limits,
    args: ImageArgs,
    results: RunResults,
) -> LoopEnd {
    let mut run = BootLoop { booter, observer, limits, results, started: Instant::now(), plan_boot: None };
    run.results.call_limit_ms = (args.call_limit_ms > 0).then_some(args.call_limit_ms);
    let (not_run_because, mut error) = match run.boot_until_complete(&args) {
        Ok(Stop::Complete) => (String::from("the image reported `done` without running it"), None),
        Ok(Stop::OutOfBoots) => (format!("the run stopped after {} boots (--max-boots)", limits.max_boots), None),
        Err(error) => (error.clone(), Some(error)),
    };
    let pending = run.results.pending();
    if !pending.is_empty() || error.is_some() {
        run.results.stopped = Some(not_run_because.clone());
    }
    for index in pending {
        let ending = Ending {
            outcome: Outcome::NotRun,
            duration_us: 0,
            ffa_calls: 0,
            longest_call: None,
            at: String::new(),
            message: format!("not run: {not_run_because}"),
            boot: run.results.boots,
            by_runner: true,
            console: Vec::new(),
        };
        run.results.record(index, ending);
        if let Err(e) = run.observer.case_ended(&run.results, index) {
            error.get_or_insert(e);
        }
    }
    run.check_plans();
    run.results.wall_s = run.started.elapsed().as_secs_f64();
    LoopEnd { results: run.results, error }
}

/// Why the loop stopped booting, when no error stopped it.
enum Stop {
    /// A boot reached `done`, or every planned case has an outcome.
    Complete,
    /// `max_boots` boots did not finish the run.
    OutOfBoots,
}

/// How one boot ended.
#[derive(Clone, Copy, Debug)]
enum BootEnd {
    /// The image reported `done`.
    Done,
    /// QEMU exited before `done`.
    Exited(Option<i32>),
    /// The watchdog expired after this long without an event; QEMU was killed.
    Silent(Duration),
    /// The firmware printed that it panicked; QEMU was killed at once.
    Panicked,
    /// The image's hang monitor reported that core `core` did not return from a call; QEMU
    /// was killed at once.
    Stuck { core: u32 },
}

/// How firmware on the shared console says it stopped for good: Hafnium's `panic()`
/// ("Panic: ..."), TF-A's `assert()` in a DEBUG build ("ASSERT: file:line"). Waiting for the
/// silence timeout after such a line would only cost the boot its watchdog time.
const FIRMWARE_PANIC_MARKERS: [&str; 2] = ["Panic: ", "ASSERT: "];

fn is_firmware_panic(line: &str) -> bool {
    FIRMWARE_PANIC_MARKERS.iter().any(|m| line.trim_start().starts_with(m))
}

impl BootEnd {
    fn describe(self) -> String {
        match self {
            BootEnd::Done => "reached done".into(),
            BootEnd::Exited(code) => exited(code),
            BootEnd::Silent(limit) => {
                format!("printed no event for {} s and was killed", seconds(limit))
            }
            BootEnd::Panicked => "saw the firmware panic and was killed".into(),
            BootEnd::Stuck { core } => format!("reported core {core} stuck in an FF-A call and was killed"),
        }
    }
}

/// What one boot achieved.
struct BootReport {
    end: BootEnd,
    hello: bool,
    /// Some case got its outcome in this boot.
    progress: bool,
}

/// The case a boot is running.
struct Running {
    id: String,
    timeout: Duration,
    started: Instant,
    /// Its console lines so far (at most `MAX_CASE_LINES`), and how many more there were.
    console: Vec<String>,
    dropped: usize,
}

impl Running {
    fn keep(&mut self, line: &str) {
        if self.console.len() < MAX_CASE_LINES {
            self.console.push(line.trim_end_matches('\r').to_owned());
        } else {
            self.dropped += 1;
        }
    }

    /// The kept lines, with a last line saying how many were left out.
    fn take_console(&mut self) -> Vec<String> {
        let mut console = std::mem::take(&mut self.console);
        if self.dropped > 0 {
            console.push(format!("[... {} more lines in events.log]", self.dropped));
        }
        console
    }
}

/// The state of the boot in progress.
struct BootState {
    boot: u32,
    spawned: Instant,
    last_event: Instant,
    hello: bool,
    current: Option<Running>,
    progress: bool,
}

struct BootLoop<'a> {
    booter: &'a mut dyn Booter,
    observer: &'a mut dyn RunObserver,
    limits: Limits,
    results: RunResults,
    started: Instant,
    /// The boot whose `plan` events define the run: the first that printed any.
    plan_boot: Option<u32>,
}

impl BootLoop<'_> {
    fn boot_until_complete(&mut self, first: &ImageArgs) -> Result<Stop, String> {
        let mut args = first.clone();
        let mut boots_without_hello = 0;
        for boot in 1..=self.limits.max_boots {
            let report = self.boot_once(boot, &args)?;
            let log = format!("boot {boot} in events.log");
            if let BootEnd::Exited(Some(code @ 2..=4)) = report.end {
                return Err(format!(
                    "the image stopped with exit code {code} ({}) before `done`; see its notes and {log}",
                    harness_error(code)
                ));
            }
            if !report.hello {
                boots_without_hello += 1;
                if boots_without_hello == 2 {
                    return Err(format!(
                        "boot {boot} printed no `hello` event, the second boot in a row to do so: the image did not start; \
                         see {log} (check --firmware, the stack build and FFA_CTS_QEMU_ARGS)"
                    ));
                }
                self.observer.warn(&format!(
                    "boot {boot} {} without a `hello` event; see {log}; booting once more",
                    report.end.describe()
                ));
                continue;
            }
            boots_without_hello = 0;
            if matches!(report.end, BootEnd::Done) || self.all_planned_ended() {
                return Ok(Stop::Complete);
            }
            let resume = match self.results.last_ended_id() {
                Some(id) if report.progress => id.to_owned(),
                _ => {
                    return Err(format!(
                        "boot {boot} {} before any case ended, so booting again would do the same; see {log} and uart1-{boot}.log",
                        report.end.describe()
                    ))
                }
            };
            self.observer.warn(&format!("boot {boot} {}; booting again after {resume}", report.end.describe()));
            args = first.resumed_after(&resume);
        }
        Ok(Stop::OutOfBoots)
    }

    fn all_planned_ended(&self) -> bool {
        self.plan_boot.is_some() && self.results.ended() == self.results.cases.len()
    }

    fn boot_once(&mut self, boot: u32, args: &ImageArgs) -> Result<BootReport, String> {
        let Spawned { command, mut session, snapshot, spawned } = self.booter.boot(args, boot)?;
        self.observer.boot_started(boot, &command)?;
        self.results.boots = boot;
        self.results.boot_ms.push(None);
        self.results.boot_after.push(args.after.clone());
        self.results.boot_snapshot.push(snapshot);
        let now = Instant::now();
        let mut state = BootState { boot, spawned, last_event: now, hello: false, current: None, progress: false };
        let mut cpu = CpuLog::default();
        let mut sampled: Option<Instant> = None;
        let end = loop {
            if sampled.is_none_or(|t| t.elapsed() >= host_cpu::SAMPLE_EVERY) {
                if let Some(used) = session.cpu_time() {
                    let now = Instant::now();
                    cpu.sample(now, used);
                    sampled = Some(now);
                }
            }
            let limit = self.watchdog(&state);
            let remaining = limit.saturating_sub(state.last_event.elapsed());
            // While the CPU time can be sampled, wake for it too.
            let wait = if sampled.is_some() { remaining.min(host_cpu::SAMPLE_EVERY) } else { remaining };
            let output = match if remaining.is_zero() { Output::Silent } else { session.next(wait) } {
                Output::Silent if wait < remaining => continue,
                output => output,
            };
            match output {
                Output::Line(line) => {
                    self.observer.line(&line)?;
                    let event = Event::parse(&line);
                    if !matches!(event, Some(Event::Start { .. } | Event::End { .. })) {
                        if let Some(case) = &mut state.current {
                            case.keep(&line);
                        }
                    }
                    let Some(event) = event else {
                        if is_firmware_panic(&line) {
                            session.kill();
                            if let Some(case) = state.current.take() {
                                let message =
                                    format!("the firmware panicked: {} (see boot {boot} in events.log)", line.trim());
                                self.record_runner_outcome(&mut state, case, Outcome::Crash, message)?;
                            }
                            break BootEnd::Panicked;
                        }
                        continue;
                    };
                    // A report is no sign of life: a call the firmware never returns from, on
                    // a QEMU that the host does not run, still ends at the silence watchdog.
                    if let Event::Stuck { core, func, ms, limit_ms, by } = event {
                        let Some(on_cpu) = hung(&mut *session, &mut cpu, ms, limit_ms) else { continue };
                        session.kill();
                        if let Some(case) = state.current.take() {
                            let message = stuck_message(core, func, ms, limit_ms, by, on_cpu);
                            self.record_runner_outcome(&mut state, case, Outcome::Timeout, message)?;
                        }
                        break BootEnd::Stuck { core };
                    }
                    state.last_event = Instant::now();
                    if event == Event::SecureUartInput {
                        if let Err(e) = session.secure_uart_input() {
                            self.observer.warn(&format!("the image asked for input on the secure UART: {e}"));
                        }
                    }
                    if self.on_event(&mut state, event)? {
                        self.wait_for_exit(&mut *session, boot)?;
                        break BootEnd::Done;
                    }
                }
                Output::Silent => {
                    session.kill();
                    if let Some(case) = state.current.take() {
                        let message = format!(
                            "no end event within {} s; the firmware stopped responding (see uart1-{boot}.log)",
                            seconds(limit)
                        );
                        self.record_runner_outcome(&mut state, case, Outcome::Timeout, message)?;
                    }
                    break BootEnd::Silent(limit);
                }
                Output::Exited(code) => {
                    if let Some(case) = state.current.take() {
                        let message = format!(
                            "{} before the case ended (see boot {boot} in events.log and uart1-{boot}.log)",
                            exited(code)
                        );
                        self.record_runner_outcome(&mut state, case, Outcome::Crash, message)?;
                    }
                    break BootEnd::Exited(code);
                }
            }
        };
        Ok(BootReport { end, hello: state.hello, progress: state.progress })
    }

    /// How long the boot may stay without an event in its current state.
    fn watchdog(&self, state: &BootState) -> Duration {
        match &state.current {
            Some(case) => case.timeout + self.limits.case_margin,
            None => self.limits.boot,
        }
    }

    /// Follows one event. Returns true on `done`.
    fn on_event(&mut self, state: &mut BootState, event: Event<'_>) -> Result<bool, String> {
        match event {
            Event::Hello { schema, total, selected, .. } => {
                if schema != SCHEMA {
                    return Err(format!(
                        "the image speaks event schema {schema} and this runner schema {SCHEMA}: build the image and ffa-cts from the same commit"
                    ));
                }
                state.hello = true;
                let selection = &mut self.results.selection;
                if selection.selected.is_none() {
                    selection.total = Some(total);
                    selection.selected = Some(selected);
                }
                if let Some(ms) = self.results.boot_ms.last_mut() {
                    *ms = Some(state.spawned.elapsed().as_millis() as u64);
                }
            }
            Event::Session { returned, negotiated, own_id, spmc_id, .. } => {
                if self.results.negotiated_version.is_none() {
                    self.results.negotiated_version = Some(negotiated.to_string());
                    self.results.returned_version = Some(format!("{returned:#x}"));
                    self.results.own_id = Some(format!("{own_id:#x}"));
                    self.results.spmc_id = Some(format!("{spmc_id:#x}"));
                }
            }
            Event::Plan { id, section, abis, since } => {
                if *self.plan_boot.get_or_insert(state.boot) == state.boot {
                    let (id, section, abis) = (id.to_string(), section.to_string(), abis.to_string());
                    self.results.plan(CaseRecord::planned(&id, &section, &abis, &since.to_string()));
                }
            }
            Event::Start { id, timeout_ms } => {
                let timeout = Duration::from_millis(timeout_ms.into());
                let id = id.to_string();
                state.current = Some(Running { id, timeout, started: Instant::now(), console: Vec::new(), dropped: 0 });
            }
            Event::End { id, outcome, micros, calls, longest, at, msg } => {
                let console = state.current.take().map(|mut case| case.take_console()).unwrap_or_default();
                let ending = Ending {
                    outcome,
                    duration_us: micros,
                    ffa_calls: calls,
                    longest_call: longest,
                    at: at.to_string(),
                    message: msg.to_string(),
                    boot: state.boot,
                    by_runner: false,
                    console,
                };
                self.record(state, &id.to_string(), ending)?;
            }
            Event::Note { msg } => {
                let msg = msg.to_string();
                self.observer.note(&msg);
                self.results.notes.push(msg);
            }
            Event::Done { .. } => return Ok(true),
            // Answered by the boot loop, which holds the session.
            Event::SecureUartInput | Event::Stuck { .. } => {}
            // Seen only by a booter making a snapshot, which never passes the boot on.
            Event::Held => {}
        }
        Ok(false)
    }

    fn record_runner_outcome(
        &mut self,
        state: &mut BootState,
        mut case: Running,
        outcome: Outcome,
        message: String,
    ) -> Result<(), String> {
        let duration_us = case.started.elapsed().as_micros() as u64;
        let console = case.take_console();
        let ending = Ending {
            outcome,
            duration_us,
            ffa_calls: 0,
            longest_call: None,
            at: String::new(),
            message,
            boot: state.boot,
            by_runner: true,
            console,
        };
        self.record(state, &case.id, ending)
    }

    fn record(&mut self, state: &mut BootState, id: &str, ending: Ending) -> Result<(), String> {
        let index = match self.results.index_of(id) {
            Some(index) => index,
            // `hello` announced more cases than plans arrived: this is one whose plan was lost.
            None if self.results.missing() > 0 => {
                self.observer.warn(&format!("`{id}` ended without a `plan` line; recorded it without section or ABIs"));
                self.results.plan(CaseRecord::planned(id, "", "", ""));
                self.results.selection.unplanned.push(id.to_owned());
                match self.results.index_of(id) {
                    Some(index) => index,
                    None => return Ok(()),
                }
            }
            None => {
                self.observer.warn(&format!("ignored the end of `{id}`: no boot planned it"));
                return Ok(());
            }
        };
        if !self.results.record(index, ending) {
            self.observer.warn(&format!("ignored a second end of `{id}`; kept the first"));
            return Ok(());
        }
        state.progress = true;
        self.results.wall_s = self.started.elapsed().as_secs_f64();
        self.observer.case_ended(&self.results, index)
    }

    /// Says when the plans did not match `hello`'s count; a case lost without a trace makes
    /// the run incomplete.
    fn check_plans(&mut self) {
        let results = &mut self.results;
        if !results.selection.unplanned.is_empty() {
            let ids = results.selection.unplanned.join(", ");
            self.observer.warn(&format!("the `plan` line of {ids} was lost; the run is not complete"));
        }
        let missing = results.missing();
        if missing > 0 {
            let why = format!(
                "`hello` selected {} cases, but {missing} of them never appeared in a `plan`, `start` or `end` line (see events.log)",
                results.selection.selected.unwrap_or_default()
            );
            self.observer.warn(&why);
            results.stopped.get_or_insert(why);
        }
    }

    /// After `done` the image exits QEMU itself; give it `exit_grace`, then kill it.
    fn wait_for_exit(&mut self, session: &mut dyn BootSession, boot: u32) -> Result<(), String> {
        let deadline = Instant::now() + self.limits.exit_grace;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match if remaining.is_zero() { Output::Silent } else { session.next(remaining) } {
                Output::Line(line) => self.observer.line(&line)?,
                Output::Exited(_) => return Ok(()),
                Output::Silent => {
                    session.kill();
                    self.observer.warn(&format!(
                        "boot {boot} did not exit within {} s of `done`; killed it",
                        seconds(self.limits.exit_grace)
                    ));
                    return Ok(());
                }
            }
        }
    }
}

/// Of QEMU's CPU time, how much of a call the hang monitor reports must have run on a host
/// CPU before the call counts as hung: most of its limit (a spinning firmware keeps QEMU's
/// TCG thread busy all along, but the host's other work and QEMU's start-up blur the count).
const ON_CPU_SHARE: (u32, u32) = (3, 4);

/// How many times its limit a call must last to count as hung where the boot's CPU time is
/// not known (a board, a QEMU behind a wrapper script): 1.5 s under QEMU, what the limit was
/// before the CPU check, measured safe.
const UNMETERED_FACTOR: u64 = 15;

/// Whether a call the monitor reports in flight for `ms` ms (its limit `limit_ms`) is hung:
/// QEMU ran on a host CPU for most of the limit since the call began (`Some`: how long). A
/// session that cannot say how much CPU it had needs the call to last [`UNMETERED_FACTOR`]
/// times the limit.
fn hung(session: &mut dyn BootSession, cpu: &mut CpuLog, ms: u64, limit_ms: u32) -> Option<Option<Duration>> {
    let Some(used) = session.cpu_time() else {
        return (ms >= u64::from(limit_ms) * UNMETERED_FACTOR).then_some(None);
    };
    let now = Instant::now();
    cpu.sample(now, used);
    let began = now.checked_sub(Duration::from_millis(ms)).unwrap_or(now);
    let on_cpu = cpu.used_since(began);
    let needed = Duration::from_millis(u64::from(limit_ms)) * ON_CPU_SHARE.0 / ON_CPU_SHARE.1;
    (on_cpu >= needed).then_some(Some(on_cpu))
}

/// The outcome message of a case whose call the hang monitor reported.
fn stuck_message(core: u32, func: u32, ms: u64, limit_ms: u32, by: u32, on_cpu: Option<Duration>) -> String {
    let busy = on_cpu.map_or(String::new(), |d| format!(", QEMU on a host CPU for {} ms of it", d.as_millis()));
    format!(
        "core {core} did not return from {} within {ms} ms (the limit: {limit_ms} ms{busy}): the firmware hung; seen by core {by}",
        FuncId(func)
    )
}

/// What the image's harness-error exit codes mean.
fn harness_error(code: i32) -> &'static str {
    match code {
        2 => "bad case registry or image arguments",
        3 => "FFA_VERSION or the FF-A setup failed",
        _ => "a fault outside any case",
    }
}

fn exited(code: Option<i32>) -> String {
    match code {
        Some(code) => format!("QEMU exited with status {code}"),
        None => "QEMU was killed by a signal".into(),
    }
}

/// `10`, `0.05`: seconds without trailing zeros.
fn seconds(d: Duration) -> String {
    d.as_secs_f64().to_string()
}
