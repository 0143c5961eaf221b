//! The secure partition's message loop, one per execution context: after its set-up each
//! context (the boot one, and each one the SPMC enters on a further core at the SP's secondary
//! entry point) calls FFA_MSG_WAIT, and every direct request that arrives on that core runs
//! the command its w3 names (see [`crate::command`]); the response's SMC returns the next
//! request. What a context keeps across requests (the request it is serving, the previous one)
//! is its own, indexed by core. A fault inside a command lands in [`resume_after_fault`] on
//! that core, which relinquishes the memory the sp holds, answers the request with `Faulted`
//! and goes on waiting. The SP's log lines
//! start with `sp: ` and are not events.

use crate::command::{self, Reply, Request, SpCtx, Status};
use crate::cores::MAX_CORES;
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

/// What one execution context keeps across its requests and faults.
struct ExecContext {
    vcpu_id: AtomicU64,
    in_request: AtomicBool,
    has_previous: AtomicBool,
    current: SavedRegs,
    previous: SavedRegs,
}

static CONTEXTS: [ExecContext; MAX_CORES] = [const {
    ExecContext {
        vcpu_id: AtomicU64::new(0),
        in_request: AtomicBool::new(false),
        has_previous: AtomicBool::new(false),
        current: SavedRegs::new(),
        previous: SavedRegs::new(),
    }
}; MAX_CORES];

impl ExecContext {
    /// The context of the running core.
    fn here(s: &Server) -> (usize, &'static ExecContext) {
        let core = s.platform.this_core().min(MAX_CORES - 1);
        (core, &CONTEXTS[core])
    }

    fn previous(&self) -> Option<Request> {
        self.has_previous.load(Ordering::Relaxed).then(|| Request { regs: self.previous.load() })
    }

    /// `req` is done: it becomes the previous request.
    fn done(&self, req: &Request) {
        self.previous.store(&req.regs);
        self.has_previous.store(true, Ordering::Relaxed);
        self.in_request.store(false, Ordering::Relaxed);
    }
}

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

/// Starts serving on the boot execution context, which the SPMC entered with `vcpu_id`:
/// checks the command registry, then FFA_MSG_WAIT. Never returns.
pub fn start(platform: &'static dyn Platform, ffa: &'static Ffa, session: Session, vcpu_id: u64) -> ! {
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
    let Some(s) = SERVER.get() else { halt() };
    ExecContext::here(s).1.vcpu_id.store(vcpu_id, Ordering::Relaxed);
    serve(ffa.call(Regs::call(FuncId::MSG_WAIT)))
}

/// Starts serving on a further execution context, which the SPMC entered with `vcpu_id` (its
/// FFA_MSG_WAIT ends the context's initialisation). Never returns.
pub fn start_secondary(vcpu_id: usize) -> ! {
    let Some(s) = SERVER.get() else { halt() };
    let (core, here) = ExecContext::here(s);
    here.vcpu_id.store(vcpu_id as u64, Ordering::Relaxed);
    log(s.platform, format_args!("execution context {core} (SPMC ID {vcpu_id}) serving{}", mmu_state()));
    serve(s.ffa.call(Regs::call(FuncId::MSG_WAIT)))
}

/// How many answers in a row that are not direct requests the sp takes before it stops: an
/// SPMC that answers every FFA_MSG_WAIT with an error would otherwise have the sp flood the
/// console until the runner stops the boot.
const MAX_UNSERVABLE: u32 = 16;

fn serve(mut r: Regs) -> ! {
    let Some(s) = SERVER.get() else { panic!("serve before start") };
    let (core, here) = ExecContext::here(s);
    let mut unservable = 0;
    loop {
        if !r.func().is_direct_request() {
            unservable += 1;
            if unservable > MAX_UNSERVABLE {
                log(s.platform, format_args!("{MAX_UNSERVABLE} answers in a row were no direct request; stopping"));
                halt();
            }
            if r.func() == FuncId::INTERRUPT {
                take_virtual_interrupt(s);
            } else {
                log(s.platform, format_args!("not a direct request: {}; waiting again", r.summary()));
            }
            r = s.ffa.call(Regs::call(FuncId::MSG_WAIT));
            continue;
        }
        unservable = 0;
        let req = Request { regs: r };
        here.current.store(&r);
        here.in_request.store(true, Ordering::Relaxed);
        let (reply, next) = dispatch(s, core, here, &req);
        r = match next {
            Some(next) => {
                log(s.platform, format_args!("the SPMC took the command's own message; serving what came back"));
                here.done(&req);
                next
            }
            None => respond(s, here, &req, reply),
        };
    }
}

/// Hafnium's paravirtualised HF_INTERRUPT_GET (`inc/vmapi/hf/abi.h`).
const HF_INTERRUPT_GET: u64 = 0xff04;

/// Takes the virtual interrupt an FFA_INTERRUPT announced to the waiting sp: Hafnium signals
/// its notification pending interrupt (NPI, INTID 5) that way once a notification for the sp
/// is pending, and keeps answering FFA_MSG_WAIT with it until the sp reads it with
/// HF_INTERRUPT_GET (`api_interrupt_get`). The sp takes its bits when a command asks.
fn take_virtual_interrupt(s: &Server) {
    match s.platform.paravirtual_call([HF_INTERRUPT_GET, 0, 0, 0]) {
        Some(intid) => log(s.platform, format_args!("took virtual interrupt {intid:#x}")),
        None => log(s.platform, format_args!("FFA_INTERRUPT, and no way to take the interrupt; waiting again")),
    }
}

/// Runs the command a direct request names.
fn dispatch(s: &Server, core: usize, here: &ExecContext, req: &Request) -> (Reply, Option<Regs>) {
    let mut ctx = SpCtx {
        ffa: s.ffa,
        session: &s.session,
        core,
        mpidr: s.platform.mpidr(),
        vcpu_id: here.vcpu_id.load(Ordering::Relaxed),
        previous: here.previous(),
        next: None,
    };
    let reply = match command::id_of(req.word()).and_then(command::find) {
        Some(c) => (c.run)(&mut ctx, req),
        None => {
            log(s.platform, format_args!("unknown command word {:#x}", req.word()));
            Reply::status(Status::UnknownCommand)
        }
    };
    (reply, ctx.next)
}

/// Records `req` as the context's previous request and sends its response; returns the next
/// request.
fn respond(s: &Server, here: &ExecContext, req: &Request, reply: Reply) -> Regs {
    here.done(req);
    s.ffa.call(req.response(reply))
}

/// Called on a fresh stack of the faulting core: relinquishes the memory the sp holds, answers
/// the request that context was running with `Faulted` and serves on. A fault outside a request goes back to waiting.
pub fn resume_after_fault(_: usize) -> ! {
    // A fault during the SP's own set-up: there is nothing to answer and nowhere to go. The
    // normal world then sees no partition (or a boot that never finishes) and the runner's
    // watchdog reports it.
    let Some(s) = SERVER.get() else { halt() };
    let (_, here) = ExecContext::here(s);
    if here.in_request.load(Ordering::Relaxed) {
        // Memory the command retrieved goes back first, so that its owner can reclaim it.
        let released = crate::memory::relinquish_held(s.ffa, &crate::pages::PAGES.tx, s.session.own_id);
        if released > 0 {
            log(s.platform, format_args!("relinquished {released} transaction(s) the faulting command held"));
        }
        let req = Request { regs: here.current.load() };
        serve(respond(s, here, &req, Reply::status(Status::Faulted)))
    }
    serve(s.ffa.call(Regs::call(FuncId::MSG_WAIT)))
}
