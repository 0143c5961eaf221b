//! The secure partition's message loop: after its own set-up the SP calls FFA_MSG_WAIT, and
//! every direct request that arrives runs the command its w3 names (see [`crate::command`]);
//! the response's SMC returns the next request. A fault inside a command lands in
//! [`resume_after_fault`], which answers the request with `Faulted` and goes on waiting.
//! The SP's log lines start with `sp: ` and are not events.

use crate::command::{self, Reply, Request, SpCtx, Status};
use crate::ctx::Session;
use crate::ffa::{Ffa, FuncId, Regs};
use crate::global::SetOnce;
use crate::platform::Platform;
use crate::text::FixedText;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

struct Server {
    platform: &'static dyn Platform,
    ffa: &'static Ffa,
    session: Session,
}

static SERVER: SetOnce<Server> = SetOnce::new();
static IN_REQUEST: AtomicBool = AtomicBool::new(false);
static HAS_PREVIOUS: AtomicBool = AtomicBool::new(false);

/// A register file kept across requests and faults.
struct SavedRegs([AtomicU64; 18]);

impl SavedRegs {
    const fn new() -> Self {
        Self([const { AtomicU64::new(0) }; 18])
    }

    fn store(&self, r: &Regs) {
        for (slot, v) in self.0.iter().zip(r.0) {
            slot.store(v, Ordering::Relaxed);
        }
    }

    fn load(&self) -> Regs {
        let mut r = Regs::default();
        for (v, slot) in r.0.iter_mut().zip(&self.0) {
            *v = slot.load(Ordering::Relaxed);
        }
        r
    }
}

static CURRENT: SavedRegs = SavedRegs::new();
static PREVIOUS: SavedRegs = SavedRegs::new();

/// Stops for good: the SP cannot serve.
fn halt() -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// Writes an `sp: ` log line.
pub fn log(platform: &dyn Platform, args: core::fmt::Arguments<'_>) {
    platform.emit(FixedText::<300>::format(format_args!("sp: {args}")).as_str());
}

#[cfg(target_os = "none")]
fn mmu_state() -> &'static str {
    use aarch64_cpu::registers::{Readable, SCTLR_EL1};
    if SCTLR_EL1.is_set(SCTLR_EL1::M) {
        ", MMU on"
    } else {
        ", MMU off"
    }
}

#[cfg(not(target_os = "none"))]
fn mmu_state() -> &'static str {
    ""
}

/// Starts serving: checks the command registry, then FFA_MSG_WAIT. Never returns.
pub fn start(platform: &'static dyn Platform, ffa: &'static Ffa, session: Session) -> ! {
    if let Some(id) = command::duplicate_id() {
        log(platform, format_args!("command ID {id} is registered twice: refusing to serve"));
        halt();
    }
    log(
        platform,
        format_args!(
            "serving {} commands as {:#x} (FF-A {}, SPMC {:#x}){}",
            command::COMMANDS.len(),
            session.own_id,
            session.negotiated,
            session.spmc_id,
            mmu_state()
        ),
    );
    SERVER.set(Server { platform, ffa, session });
    serve(ffa.call(Regs::call(FuncId::MSG_WAIT)))
}

fn serve(mut r: Regs) -> ! {
    let Some(s) = SERVER.get() else { panic!("serve before start") };
    loop {
        if !r.func().is_direct_request() {
            log(s.platform, format_args!("not a direct request: {}; waiting again", r.summary()));
            r = s.ffa.call(Regs::call(FuncId::MSG_WAIT));
            continue;
        }
        let req = Request { regs: r };
        CURRENT.store(&r);
        IN_REQUEST.store(true, Ordering::Relaxed);
        let (reply, next) = dispatch(s, &req);
        r = match next {
            Some(next) => {
                log(s.platform, format_args!("the SPMC took the command's own message; serving what came back"));
                PREVIOUS.store(&req.regs);
                HAS_PREVIOUS.store(true, Ordering::Relaxed);
                IN_REQUEST.store(false, Ordering::Relaxed);
                next
            }
            None => respond(&req, reply),
        };
    }
}

fn dispatch(s: &Server, req: &Request) -> (Reply, Option<Regs>) {
    let previous = HAS_PREVIOUS.load(Ordering::Relaxed).then(|| Request { regs: PREVIOUS.load() });
    let mut ctx = SpCtx { ffa: s.ffa, session: &s.session, previous, next: None };
    let reply = match command::id_of(req.word()).and_then(command::find) {
        Some(c) => (c.run)(&mut ctx, req),
        None => {
            log(s.platform, format_args!("unknown command word {:#x}", req.word()));
            Reply::status(Status::UnknownCommand)
        }
    };
    (reply, ctx.next)
}

/// Records `req` as the previous request and sends its response; returns the next request.
fn respond(req: &Request, reply: Reply) -> Regs {
    let Some(s) = SERVER.get() else { panic!("respond before start") };
    PREVIOUS.store(&req.regs);
    HAS_PREVIOUS.store(true, Ordering::Relaxed);
    IN_REQUEST.store(false, Ordering::Relaxed);
    s.ffa.call(req.response(reply))
}

/// Called on a fresh stack after a fault: answers the request that was running with
/// `Faulted` and serves on. A fault outside a request goes back to waiting.
pub fn resume_after_fault(_: usize) -> ! {
    // A fault during the SP's own set-up: there is nothing to answer and nowhere to go. The
    // normal world then sees no partition (or a boot that never finishes) and the runner's
    // watchdog reports it.
    let Some(s) = SERVER.get() else { halt() };
    if IN_REQUEST.load(Ordering::Relaxed) {
        let req = Request { regs: CURRENT.load() };
        serve(respond(&req, Reply::status(Status::Faulted)))
    }
    serve(s.ffa.call(Regs::call(FuncId::MSG_WAIT)))
}
