//! The executor: runs the selected cases in id order, one at a time, and reports each as an
//! event. Before a body runs it checks the case's preconditions (version, FFA_FEATURES,
//! partitions). A fault or a watchdog expiry inside a body lands in [`abort`], which reports
//! the case as `crash` or `timeout`, restores the FF-A state every case starts from (version,
//! RX/TX mapping) and restarts the loop after that case on a fresh stack. The state that must
//! survive such a restart lives in statics.

use crate::args::Args;
use crate::case::{sorted, Case, Need, CASES};
use crate::check::FailureKind;
use crate::ctx::{Ctx, Session};
use crate::event::{Event, LavaLine, SCHEMA};
use crate::ffa::{Ffa, FfaError, Version};
use crate::global::SetOnce;
use crate::outcome::{Counts, Outcome};
use crate::pages::PAGES;
use crate::platform::Platform;
use crate::text::FixedText;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The most cases one image can hold.
pub const MAX_CASES: usize = 1024;

/// Everything the executor keeps for the whole run.
struct Env {
    platform: &'static dyn Platform,
    ffa: &'static Ffa,
    session: Session,
    args: Args<'static>,
    cases: [Option<&'static Case>; MAX_CASES],
    count: usize,
}

static ENV: SetOnce<Env> = SetOnce::new();
const NONE: usize = usize::MAX;
static CURRENT: AtomicUsize = AtomicUsize::new(NONE);
static STARTED_US: AtomicU64 = AtomicU64::new(0);
/// The image's FF-A call count when the running case started.
static STARTED_CALLS: AtomicU64 = AtomicU64::new(0);
static COUNTS: [AtomicU32; Outcome::ALL.len()] = [const { AtomicU32::new(0) }; Outcome::ALL.len()];

type Message = FixedText<400>;

/// Writes one event line to the console.
pub fn emit(platform: &dyn Platform, event: impl fmt::Display) {
    let mut line = FixedText::<600>::new();
    let _ = write!(line, "{event}");
    platform.emit(line.as_str());
}

/// Boots the driver: parses the command line, checks the registry, negotiates the FF-A
/// session, announces the plan and runs every selected case. Never returns.
pub fn start(platform: &'static dyn Platform, ffa: &'static Ffa, cmdline: &'static str, image: &str) -> ! {
    let args = Args::parse(cmdline);
    let mut cases = [None; MAX_CASES];
    let count = match sorted(&CASES, &mut cases) {
        Ok(n) => n,
        Err(e) => {
            emit(
                platform,
                Event::Note {
                    msg: FixedText::<200>::format(format_args!("case registry is broken: {e:?}")).as_str().into(),
                },
            );
            platform.exit(2)
        }
    };
    let selected = cases[..count].iter().flatten().filter(|c| args.selects(c.id)).count();
    emit(
        platform,
        Event::Hello { schema: SCHEMA, image: image.into(), total: count as u32, selected: selected as u32 },
    );
    if let Some(word) = args.unknown {
        emit(
            platform,
            Event::Note {
                msg: FixedText::<200>::format(format_args!(
                    "unknown argument '{word}' (known: version= only= after= until= call_limit_ms=)"
                ))
                .as_str()
                .into(),
            },
        );
        platform.exit(2);
    }
    let session = match negotiate(ffa, args.version) {
        Ok(s) => s,
        Err(why) => {
            emit(platform, Event::Note { msg: why.as_str().into() });
            platform.exit(3)
        }
    };
    emit(
        platform,
        Event::Session {
            requested: session.requested,
            returned: session.returned,
            negotiated: session.negotiated,
            own_id: session.own_id,
            spmc_id: session.spmc_id,
        },
    );
    for case in cases[..count].iter().flatten().filter(|c| args.selects(c.id)) {
        let mut abis = FixedText::<300>::new();
        for (i, f) in case.abis.iter().enumerate() {
            let _ = write!(abis, "{}{f}", if i == 0 { "" } else { "," });
        }
        emit(
            platform,
            Event::Plan {
                id: case.id.into(),
                section: case.section.into(),
                abis: abis.as_str().into(),
                since: case.min_version,
            },
        );
    }
    if args.call_limit_ms > 0 && platform.core_count() > 1 && platform.watch_calls(args.call_limit_ms) == 0 {
        emit(
            platform,
            Event::Note { msg: "no secondary core started: nothing watches for FF-A calls that hang".into() },
        );
    }
    ENV.set(Env { platform, ffa, session, args, cases, count });
    run_from(0)
}

/// FFA_VERSION, FFA_ID_GET, FFA_SPM_ID_GET and FFA_RXTX_MAP of the harness's buffers.
fn negotiate(ffa: &Ffa, requested: Version) -> Result<Session, Message> {
    let r = ffa.version(requested);
    let returned = r.w(0);
    let Some(spmc) = Version::from_u32(returned) else {
        return Err(Message::format(format_args!(
            "FFA_VERSION({requested}) returned {returned:#x}: no FF-A SPMC answered, or it refuses {requested} (Hafnium \
             refuses a minor above its own: ask for a lower version)"
        )));
    };
    let negotiated = if spmc.serves(requested) {
        requested
    } else if spmc.major == requested.major {
        // The SPMC is older: speak its version (DEN0077A v1.1 section 13.2.1).
        ffa.version(spmc);
        spmc
    } else {
        return Err(Message::format(format_args!(
            "FFA_VERSION({requested}) returned {spmc}: incompatible major version"
        )));
    };
    let id = ffa.id_get();
    if !id.is_success() {
        return Err(Message::format(format_args!("FFA_ID_GET failed: {}", id.summary())));
    }
    let spm = ffa.spm_id_get();
    let spmc_id = if spm.is_success() { spm.w(2) as u16 } else { 0xffff };
    // FFA_FEATURES(FFA_RXTX_MAP) w2[1:0] is the minimum buffer size (13.3): the harness's
    // buffers are one 4 KiB page each, so an SPMC that needs more is named, not mis-failed.
    let props = ffa.features(crate::ffa::FuncId::RXTX_MAP_64, 0);
    if props.is_success() && props.w(2) & 3 != 0 {
        let min = match props.w(2) & 3 {
            1 => "64 KiB",
            2 => "16 KiB",
            _ => "the reserved encoding 0b11",
        };
        return Err(Message::format(format_args!(
            "the SPMC's minimum RX/TX buffer is {min} (FFA_FEATURES(FFA_RXTX_MAP_64) w2 = {:#x}); the harness's buffers are 4 KiB",
            props.w(2)
        )));
    }
    let map = ffa.rxtx_map(PAGES.tx.addr(), PAGES.rx.addr(), 1);
    if !map.is_success() {
        return Err(Message::format(format_args!("FFA_RXTX_MAP_64 of the harness buffers failed: {}", map.summary())));
    }
    Ok(Session { requested, returned, negotiated, own_id: id.w(2) as u16, spmc_id })
}

/// Runs the selected cases from index `next` of the sorted registry to the end, then reports
/// the totals and exits. Called at boot and after every fault, on a fresh stack.
pub fn run_from(next: usize) -> ! {
    let Some(env) = ENV.get() else {
        // Only `start` leads here before ENV is set, and it sets ENV first.
        loop {
            core::hint::spin_loop();
        }
    };
    for i in next..env.count {
        let Some(case) = env.cases[i] else { continue };
        if env.args.selects(case.id) {
            run_one(env, i, case);
        }
    }
    let counts = Counts(core::array::from_fn(|i| COUNTS[i].load(Ordering::Relaxed)));
    emit(env.platform, Event::Done { counts });
    env.platform.exit(if counts.failed() == 0 { 0 } else { 1 })
}

fn run_one(env: &Env, index: usize, case: &'static Case) {
    CURRENT.store(index, Ordering::Relaxed);
    emit(env.platform, Event::Start { id: case.id.into(), timeout_ms: case.timeout_ms });
    STARTED_US.store(env.platform.now_us(), Ordering::Relaxed);
    STARTED_CALLS.store(env.ffa.calls(), Ordering::Relaxed);
    env.platform.begin_case_calls(case.calls_until_timeout);
    if let Some((outcome, why)) = unmet_need(env, case) {
        finish(env, case, outcome, "", why.as_str(), false);
        return;
    }
    let mut ctx = Ctx::new(env.ffa, &env.session, env.platform);
    env.platform.arm_watchdog(case.timeout_ms);
    let result = (case.run)(&mut ctx);
    env.platform.disarm_watchdog();
    match result {
        Ok(()) => match check_left_state(env) {
            None => finish(env, case, Outcome::Pass, "", "", true),
            Some(why) => {
                let msg = Message::format(format_args!("its checks held, but {}", why.as_str().trim_end_matches("; ")));
                finish(env, case, Outcome::Fail, "", msg.as_str(), true)
            }
        },
        Err(f) if f.kind == FailureKind::NotApplicable => {
            finish(env, case, Outcome::Skip, "", f.message.as_str(), true)
        }
        Err(f) if f.kind == FailureKind::NotSupported => {
            finish(env, case, Outcome::NotSupported, "", f.message.as_str(), true)
        }
        Err(f) => {
            let at = FixedText::<120>::format(format_args!("{}:{}", f.file, f.line));
            finish(env, case, Outcome::Fail, at.as_str(), f.message.as_str(), true);
        }
    }
}

/// The first precondition of `case` that does not hold, as the outcome it gives.
fn unmet_need(env: &Env, case: &Case) -> Option<(Outcome, Message)> {
    let negotiated = env.session.negotiated;
    if negotiated < case.min_version {
        return Some((
            Outcome::Skip,
            Message::format(format_args!("needs FF-A {}, negotiated {negotiated}", case.min_version)),
        ));
    }
    for need in case.needs {
        let verdict = match *need {
            Need::Abi(f) => feature_verdict(env.ffa.features(f, 0), format_args!("{f}")),
            Need::Feature(id) => feature_verdict(env.ffa.feature_id(id), format_args!("feature {}", id.0)),
            Need::Partition(uuid) => match Ctx::new(env.ffa, &env.session, env.platform).find_partition(uuid) {
                Ok(Some(_)) => None,
                Ok(None) => {
                    Some((Outcome::Skip, Message::format(format_args!("no partition with UUID {uuid} on this stack"))))
                }
                Err(f) => {
                    Some((Outcome::Fail, Message::format(format_args!("looking up partition {uuid}: {}", f.message))))
                }
            },
        };
        if verdict.is_some() {
            return verdict;
        }
    }
    None
}

fn feature_verdict(r: crate::ffa::Regs, what: fmt::Arguments<'_>) -> Option<(Outcome, Message)> {
    if r.is_success() {
        None
    } else if r.error() == Some(FfaError::NotSupported) {
        Some((Outcome::NotSupported, Message::format(format_args!("FFA_FEATURES({what}) = NOT_SUPPORTED"))))
    } else {
        Some((
            Outcome::Fail,
            Message::format(format_args!(
                "FFA_FEATURES({what}) gave {}, neither SUCCESS nor NOT_SUPPORTED",
                r.summary()
            )),
        ))
    }
}

fn finish(env: &Env, case: &Case, outcome: Outcome, at: &str, msg: &str, ran_body: bool) {
    let micros = env.platform.now_us().saturating_sub(STARTED_US.load(Ordering::Relaxed));
    let calls = env.ffa.calls().saturating_sub(STARTED_CALLS.load(Ordering::Relaxed));
    let longest = env.platform.longest_call();
    emit(
        env.platform,
        Event::End { id: case.id.into(), outcome, micros, calls, longest, at: at.into(), msg: msg.into() },
    );
    emit(env.platform, LavaLine { id: case.id.into(), outcome, micros });
    let slot = &COUNTS[outcome as usize];
    slot.store(slot.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    if ran_body && outcome != Outcome::Pass {
        restore_baseline(env);
    }
    CURRENT.store(NONE, Ordering::Relaxed);
}

/// The state every case must leave as it found it: the harness's RX/TX pair mapped, RX owned
/// by the producer, and the negotiated version the last one asked for. The call ledger says
/// what the case's own calls did (no call is made when it shows nothing changed); a change it
/// shows is confirmed with the SPMC and undone, and reported. `None` when the case left the
/// state alone.
fn check_left_state(env: &Env) -> Option<Message> {
    let state = env.ffa.state();
    let negotiated = env.session.negotiated.to_u32();
    let harness_pair = (PAGES.tx.addr(), PAGES.rx.addr());
    let mut why = Message::new();
    if state.last_version != Some(negotiated) {
        let asked = state.last_version.unwrap_or(0);
        let _ = write!(why, "its last FFA_VERSION asked for {asked:#x}, not the negotiated {negotiated:#x}; ");
        env.ffa.version(env.session.negotiated);
    }
    if state.mapped != Some(harness_pair) {
        match state.mapped {
            Some((tx, rx)) => {
                let _ = write!(why, "it left the pair TX {tx:#x} / RX {rx:#x} mapped instead of the harness's; ");
            }
            None => {
                let _ = write!(why, "it left the harness's RX/TX pair unmapped; ");
            }
        }
        if state.rx_owned {
            let _ = write!(why, "and its RX buffer owned; ");
        }
        env.ffa.rxtx_unmap();
        let map = env.ffa.rxtx_map(harness_pair.0, harness_pair.1, 1);
        if !map.is_success() {
            note_restore_failed(env, map);
        }
    } else if state.rx_owned && env.ffa.rx_release().is_success() {
        let _ = write!(why, "it left the RX buffer owned by the caller (a release after it succeeded); ");
    }
    reclaim_open(env, &mut why);
    (!why.as_str().is_empty()).then_some(why)
}

/// Reclaims every memory transaction the case left open (the call layer tracks each handle
/// from the FFA_SUCCESS of its send to its reclaim) and says what it did in `why`. A handle
/// the SPMC will not give back (a borrower still holds it) is reported and no longer tracked,
/// and the pool is given up for a spare one (`pages::retire_pool`): the SPMC keeps those pages
/// with the borrower and would refuse every case after that lends them.
fn reclaim_open(env: &Env, why: &mut Message) {
    for handle in env.ffa.open_handles().into_iter().flatten() {
        let r = env.ffa.mem_reclaim(handle, 0);
        if r.is_success() {
            let _ = write!(why, "it left memory transaction {:#x} open (reclaimed now); ", handle.0);
        } else {
            let _ = write!(
                why,
                "it left memory transaction {:#x} open and FFA_MEM_RECLAIM gave {}; ",
                handle.0,
                r.summary()
            );
            env.ffa.forget_handle(handle);
            match crate::pages::retire_pool() {
                Some(next) => {
                    let _ = write!(why, "the cases after this one lend from pool {next}; ");
                }
                None => {
                    let _ = write!(why, "no spare pool is left; ");
                }
            }
        }
    }
}

/// Destroys every notification bitmap a case that did not pass left created (the call layer
/// tracks each from the FFA_SUCCESS of its create to its destroy) and says what it did in
/// `why`: the next case's create of it would be DENIED. One the SPMC will not destroy (bits
/// still bound) is reported and no longer tracked. A case that passes may leave one on
/// purpose (`notifications.via_sri.optee_async_notif_taken_info_get_get` leaves OP-TEE's
/// asynchronous notifications running on it until the next boot), so the state check after a
/// pass leaves bitmaps alone.
fn destroy_created(env: &Env, why: &mut Message) {
    for vm in env.ffa.created_bitmaps().into_iter().flatten() {
        let r = env.ffa.notification_bitmap_destroy(vm);
        if r.is_success() {
            let _ = write!(why, "it left the notification bitmap of VM {vm:#x} created (destroyed now); ");
        } else {
            let _ = write!(
                why,
                "it left the notification bitmap of VM {vm:#x} created and FFA_NOTIFICATION_BITMAP_DESTROY gave {}; ",
                r.summary()
            );
            env.ffa.forget_bitmap(vm);
        }
    }
}

/// Puts the FF-A state back to what every case starts from: the negotiated version, RX owned
/// by the producer, and the harness's RX/TX pair mapped. Run after a case that did not pass,
/// since it may have stopped half-way through changing that state.
fn restore_baseline(env: &Env) {
    // Re-requesting the version in force: a callee that locks the version after the first
    // other call (v1.2, Hafnium) accepts it, one that lets callers renegotiate goes back to it.
    env.ffa.version(env.session.negotiated);
    let mut undone = Message::new();
    reclaim_open(env, &mut undone);
    destroy_created(env, &mut undone);
    if !undone.as_str().is_empty() {
        emit(env.platform, Event::Note { msg: undone.as_str().into() });
    }
    env.ffa.rx_release();
    env.ffa.rxtx_unmap();
    let map = env.ffa.rxtx_map(PAGES.tx.addr(), PAGES.rx.addr(), 1);
    if !map.is_success() {
        note_restore_failed(env, map);
    }
}

/// Says that mapping the harness's pair again failed: the cases after this one run without it.
fn note_restore_failed(env: &Env, map: crate::ffa::Regs) {
    let msg = FixedText::<200>::format(format_args!("could not restore the RX/TX mapping: {}", map.summary()));
    emit(env.platform, Event::Note { msg: msg.as_str().into() });
}

/// Ends the running case with `outcome` (crash or timeout) and `what` happened, and goes on
/// with the next case on a fresh stack. A fault outside any case ends the run.
pub fn abort(platform: &'static dyn Platform, outcome: Outcome, what: fmt::Arguments<'_>) -> ! {
    platform.disarm_watchdog();
    let msg = Message::format(what);
    let index = CURRENT.load(Ordering::Relaxed);
    match (ENV.get(), index) {
        (Some(env), i) if i != NONE => {
            if let Some(case) = env.cases[i] {
                finish(env, case, outcome, "", msg.as_str(), true);
            }
            platform.restart(i + 1)
        }
        _ => {
            emit(
                platform,
                Event::Note {
                    msg: FixedText::<460>::format(format_args!("{outcome} outside any case: {}", msg.as_str()))
                        .as_str()
                        .into(),
                },
            );
            platform.exit(4)
        }
    }
}
