//! The secondary cores. In the ns image the boot core powers every core up as it starts,
//! before it reads its arguments ([`start_all`]; a core that did not come up then is powered
//! up on its first job), with PSCI CPU_ON (the `smccc` crate), at `ffa_secondary_entry` on a stack of its own; in the sp
//! the SPMC enters each further execution context at the entry the sp registered with
//! FFA_SECONDARY_EP_REGISTER. Either way the core turns its MMU on over the boot core's tables,
//! installs the vectors and runs the image's secondary main: the ns image's routes its own
//! watchdog interrupt and the wake-up SGI and parks until a job is posted, spinning a little
//! ([`pause`]) and then napping in WFI until the boot core's SGI says a job is there
//! ([`wake::nap`]); between its looks for a job it looks at the other cores' FF-A calls
//! ([`super::hang_monitor`], whose watching core also wakes on its own to look). The sp's
//! serves requests. The boot core waits for a core likewise, napping on a short timer; only
//! the barrier that releases a call's jobs together spins.
//! A job runs with the watchdog armed at the case's deadline; when it faults or its watchdog
//! fires, [`job_ended`] records the outcome and parks the core again on a fresh stack, and the
//! boot core ends the case as `crash` or `timeout` with the core named. Cores are known by
//! their MPIDR affinity, in the order the board lists them (index 0 is the boot core).

use super::{fault, hang_monitor, mmu, wake, watchdog};
use crate::cores::{CoreJob, CoreResults, CoreValue, MAX_CORES};
use crate::ctx::{Ctx, Session};
use crate::ffa::Ffa;
use crate::global::SetOnce;
use crate::outcome::Outcome;
use crate::platform::Platform;
use crate::text::FixedText;
use crate::Failure;
use aarch64_cpu::registers::{Readable, MPIDR_EL1};
use core::arch::global_asm;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use spin::Mutex;

/// Stack of each secondary core.
const STACK_SIZE: usize = 0x8000;

#[repr(C, align(16))]
struct SecondaryStacks(UnsafeCell<[[u8; STACK_SIZE]; MAX_CORES - 1]>);

// SAFETY: core i (1..) runs on stack i-1 and no Rust code references the stacks' bytes.
unsafe impl Sync for SecondaryStacks {}

#[export_name = "ffa_secondary_stacks"]
static SECONDARY_STACKS: SecondaryStacks = SecondaryStacks(UnsafeCell::new([[0; STACK_SIZE]; MAX_CORES - 1]));

// PSCI CPU_ON enters here with the MMU off and x0 = the core's index (the context ID): stack
// top = ffa_secondary_stacks + index * STACK_SIZE, kept in TPIDR_ELx as the reset stack.
// TF-A's EL3 SPMC enters an SP's secondary execution context with the MMU off and the linear
// core ID in x4 (spmc_el1_sp_setup, implementation defined), which is the index here.
global_asm!(
    ".section .text.ffa_spmc_secondary_entry, \"ax\"",
    ".global ffa_spmc_secondary_entry",
    "ffa_spmc_secondary_entry:",
    "mov x0, x4",
    "b ffa_secondary_entry",
);

global_asm!(
    ".section .text.ffa_secondary_entry, \"ax\"",
    ".global ffa_secondary_entry",
    "ffa_secondary_entry:",
    // Only cores 1..MAX_CORES have a stack: any other index parks here for good.
    "cbz x0, 3f",
    "cmp x0, #{max}",
    "b.hs 3f",
    "adrp x1, ffa_secondary_stacks",
    "add x1, x1, :lo12:ffa_secondary_stacks",
    "mov x2, #{size}",
    "madd x1, x0, x2, x1",
    "mov sp, x1",
    "mrs x2, CurrentEL",
    "cmp x2, #8",
    "b.ne 1f",
    "msr tpidr_el2, x1",
    "b 2f",
    "1: msr tpidr_el1, x1",
    "2: bl ffa_secondary_main",
    "3: wfe",
    "b 3b",
    size = const STACK_SIZE,
    max = const MAX_CORES,
);

extern "C" {
    fn ffa_secondary_entry();
    fn ffa_spmc_secondary_entry();
}

/// The entry point an sp registers with FFA_SECONDARY_EP_REGISTER.
pub fn spmc_secondary_entry() -> u64 {
    ffa_spmc_secondary_entry as *const () as u64
}

const OFF: u8 = 0;
const STARTING: u8 = 1;
const IDLE: u8 = 2;
const POSTED: u8 = 3;
const RUNNING: u8 = 4;
const DONE: u8 = 5;

/// How a job ended on its core.
enum JobEnd {
    Returned(Result<CoreValue, Failure>),
    Stopped(Outcome, FixedText<400>),
}

#[derive(Clone, Copy)]
struct Job {
    run: CoreJob,
    session: Session,
    deadline: u64,
}

struct Core {
    state: AtomicU8,
    job: Mutex<Option<Job>>,
    end: Mutex<Option<JobEnd>>,
}

static CORES: [Core; MAX_CORES] =
    [const { Core { state: AtomicU8::new(OFF), job: Mutex::new(None), end: Mutex::new(None) } }; MAX_CORES];

/// The cores' MPIDR affinities (index = core index) and what a secondary core runs.
struct CoreMap {
    mpidrs: &'static [u64],
    secondary_main: fn(usize) -> !,
}

static CORE_MAP: SetOnce<CoreMap> = SetOnce::new();
/// The platform jobs report to, once this image serves jobs (the ns image).
static JOBS: SetOnce<&'static dyn Platform> = SetOnce::new();
/// Cores that reached the barrier of the running call, and how many it waits for.
static ARRIVED: AtomicUsize = AtomicUsize::new(0);
static EXPECTED: AtomicUsize = AtomicUsize::new(0);
/// The secondaries' call layer: the conduit is stateless, so one serves every core.
static FFA: Ffa = Ffa::new(&super::Smc);

const AFFINITY: u64 = 0xff_00ff_ffff;

/// Records the cores (their MPIDR affinities, boot core first) and what a secondary core runs
/// once its MMU and vectors are on.
pub fn init(mpidrs: &'static [u64], secondary_main: fn(usize) -> !) {
    CORE_MAP.set(CoreMap { mpidrs: &mpidrs[..mpidrs.len().min(MAX_CORES)], secondary_main });
}

/// Makes this image serve jobs on its secondary cores (see [`serve_jobs`]), with `platform`
/// given to their contexts.
pub fn init_jobs(mpidrs: &'static [u64], platform: &'static dyn Platform) {
    JOBS.set(platform);
    init(mpidrs, serve_jobs);
}

/// Whether a fault on a secondary core ends a job (the ns image) rather than going to the
/// image's fault handler (the sp, whose contexts serve requests on every core).
pub(super) fn serves_jobs() -> bool {
    JOBS.get().is_some()
}

/// The platform jobs report to (the ns image's), where other reports from its cores go too.
pub(super) fn job_platform() -> Option<&'static dyn Platform> {
    JOBS.get().copied()
}

/// How many cores the board has (1 before [`init`]).
pub fn count() -> usize {
    CORE_MAP.get().map_or(1, |b| b.mpidrs.len().max(1))
}

/// The index of the running core; 0 (the boot core) before [`init`] or on an unlisted core.
pub fn this_core() -> usize {
    let me = MPIDR_EL1.get() & AFFINITY;
    CORE_MAP.get().and_then(|b| b.mpidrs.iter().position(|m| m & AFFINITY == me)).unwrap_or(0)
}

#[no_mangle]
extern "C" fn ffa_secondary_main(index: usize) -> ! {
    // SAFETY: PSCI entered this core with its MMU off, on its stack inside the boot core's
    // map of normal-world DRAM.
    if unsafe { mmu::enable_secondary() }.is_err() {
        park_forever();
    }
    fault::install_on_this_core();
    fault::unmask_serror();
    match CORE_MAP.get() {
        Some(board) => (board.secondary_main)(index),
        None => park_forever(),
    }
}

/// The ns image's secondary main: routes this core's watchdog interrupt and waits for jobs.
fn serve_jobs(index: usize) -> ! {
    watchdog::init_core(index);
    wake::init_core(index);
    CORES[index].state.store(IDLE, Ordering::Release);
    serve(index)
}

fn park_forever() -> ! {
    loop {
        aarch64_cpu::asm::wfe();
    }
}

/// How often a parked core that the wake-up SGI does not reach looks for a job: the longest it
/// adds to the start of a job.
const PARK_POLL_US: u32 = 100;

/// How often a core the wake-up SGI does not reach looks once it has been parked for
/// [`DOZE_AFTER_US`], and so how long a job may wait for it then (a fallback: every board the
/// suite boots routes the SGI). Every wake-up of an idle core takes QEMU's one TCG thread from
/// the cores at work (single-threaded TCG): three cores waking every 100 us made the boot
/// core's cases three times slower. A core that is called again soon keeps looking often.
const DOZE_POLL_US: u32 = 1000;
const DOZE_AFTER_US: u64 = 5000;

/// How often the boot core looks whether a core it waits for is up or done.
const WAIT_POLL_US: u32 = 50;

/// The park loop: waits for a job, runs it, reports, waits again.
fn serve(index: usize) -> ! {
    let core = &CORES[index];
    loop {
        let mut waited = 0;
        let waiting = || core.state.load(Ordering::SeqCst) != POSTED;
        let parked_at = watchdog::now_us();
        while waiting() {
            hang_monitor::look(index);
            if waited < SPINS_BEFORE_NAP || !wake::routed(index) {
                let dozing = watchdog::now_us().saturating_sub(parked_at) >= DOZE_AFTER_US;
                pause(&mut waited, if dozing { DOZE_POLL_US } else { PARK_POLL_US });
            } else {
                wake::nap(index, hang_monitor::nap_us(index), waiting);
            }
        }
        let Some(job) = core.job.lock().take() else {
            core.state.store(IDLE, Ordering::Release);
            continue;
        };
        core.state.store(RUNNING, Ordering::Release);
        watchdog::arm_at(job.deadline);
        arrive_and_wait();
        let Some(platform) = JOBS.get() else { park_forever() };
        let result = (job.run)(&mut Ctx::new(&FFA, &job.session, *platform));
        watchdog::disarm();
        finish(index, JobEnd::Returned(result));
    }
}

fn finish(index: usize, end: JobEnd) {
    *CORES[index].end.lock() = Some(end);
    CORES[index].state.store(DONE, Ordering::Release);
}

/// A busy-wait step. `yield` and not `core::hint::spin_loop` (an `isb` on AArch64): under
/// QEMU's single-threaded TCG a `yield` hands the host thread to the next core at once, where a
/// spinning core would keep it for its whole time slice.
fn relax() {
    // SAFETY: a hint instruction; no state changes.
    unsafe { core::arch::asm!("yield", options(nomem, nostack, preserves_flags)) };
}

/// How many busy-wait steps a waiting core takes before it naps.
const SPINS_BEFORE_NAP: u32 = 200;

/// One step of a wait for another core, `waited` the steps taken so far: a [`relax`] for the
/// first [`SPINS_BEFORE_NAP`], then naps of `poll_us` ([`watchdog::nap`]). Under QEMU's
/// single-threaded TCG the awaited core runs during the `yield`s, so the wait ends at once;
/// under multi-threaded TCG a wait that lasts naps, and its host thread leaves the host's
/// CPUs to the cores at work.
fn pause(waited: &mut u32, poll_us: u32) {
    if *waited < SPINS_BEFORE_NAP {
        *waited += 1;
        relax();
    } else {
        watchdog::nap(poll_us);
    }
}

/// The barrier: every core of the call waits here until all have arrived.
fn arrive_and_wait() {
    ARRIVED.fetch_add(1, Ordering::AcqRel);
    while ARRIVED.load(Ordering::Acquire) < EXPECTED.load(Ordering::Acquire) {
        relax();
    }
}

/// A job on secondary core `index` faulted or timed out: records it and parks the core on a
/// fresh stack.
pub(super) fn job_ended(index: usize, outcome: Outcome, what: core::fmt::Arguments<'_>) -> ! {
    watchdog::disarm();
    finish(index, JobEnd::Stopped(outcome, FixedText::format(what)));
    fault::recovered();
    fault::unmask_serror();
    let top = fault::reset_stack();
    // SAFETY: the job's stack is abandoned: nothing returns into it, and what survives is in
    // statics. ffa_secondary_park never returns.
    unsafe {
        core::arch::asm!("mov sp, {top}", "b {park}", top = in(reg) top, park = sym ffa_secondary_park, in("x0") index, options(noreturn))
    }
}

extern "C" fn ffa_secondary_park(index: usize) -> ! {
    serve(index)
}

/// Why a core cannot take a job.
fn unavailable(core: usize, why: core::fmt::Arguments<'_>) -> Failure {
    Failure::new(file!(), line!(), format_args!("core {core} {why}"))
}

/// Powers core `index` up if it is off and waits until it parks. Called on the boot core.
fn ensure_started(index: usize, mpidr: u64, deadline: u64) -> Result<(), Failure> {
    power_up(index, mpidr)?;
    wait_while(index, deadline, |s| s == STARTING, "did not come up after PSCI CPU_ON");
    Ok(())
}

/// PSCI CPU_ON of core `index` if it is off; does not wait for it.
fn power_up(index: usize, mpidr: u64) -> Result<(), Failure> {
    let core = &CORES[index];
    if core.state.compare_exchange(OFF, STARTING, Ordering::AcqRel, Ordering::Acquire).is_ok() {
        let entry = ffa_secondary_entry as *const () as u64;
        if let Err(e) = smccc::psci::cpu_on::<smccc::Smc>(mpidr, entry, index as u64) {
            core.state.store(OFF, Ordering::Release);
            return Err(unavailable(index, format_args!("did not start: PSCI CPU_ON({mpidr:#x}) gave {e:?}")));
        }
    }
    Ok(())
}

/// Whether a job of a call on several cores is posted, running or not yet collected on some
/// core.
pub(super) fn jobs_in_progress() -> bool {
    CORES[..count()].iter().any(|c| matches!(c.state.load(Ordering::Acquire), POSTED | RUNNING | DONE))
}

/// How long [`start_all`] waits for the cores it powered up to park.
const START_WAIT_MS: u64 = 2000;

/// Powers every secondary core up (the hang monitor watches from them) and waits, up to
/// [`START_WAIT_MS`], until they park: an SPMC boots its partitions' execution contexts on a
/// core as it comes up (Hafnium: "Finished bootstrapping all SPs on CPU1"), which must not
/// overlap a case, nor be caught half done in a runner's snapshot. A core still starting then
/// is waited for by its first job. Returns how many cores were started.
pub(super) fn start_all() -> usize {
    use aarch64_cpu::registers::{CNTFRQ_EL0, CNTVCT_EL0};
    let Some(board) = CORE_MAP.get() else { return 0 };
    let started = board.mpidrs.iter().enumerate().skip(1).filter(|&(i, &mpidr)| power_up(i, mpidr).is_ok()).count();
    let deadline = CNTVCT_EL0.get().saturating_add(CNTFRQ_EL0.get() * START_WAIT_MS / 1000);
    let mut waited = 0;
    while CORES[1..count()].iter().any(|c| c.state.load(Ordering::Acquire) == STARTING) && CNTVCT_EL0.get() < deadline {
        pause(&mut waited, WAIT_POLL_US);
    }
    started
}

/// Waits on the boot core while `busy(state)` holds, napping between looks; at the deadline ends the case as
/// `timeout`, naming the core.
fn wait_while(index: usize, deadline: u64, busy: impl Fn(u8) -> bool, what: &str) {
    use aarch64_cpu::registers::CNTVCT_EL0;
    arm_gic::irq_disable();
    let mut waited = 0;
    while busy(CORES[index].state.load(Ordering::Acquire)) {
        if watchdog::expired() || CNTVCT_EL0.get() >= deadline {
            fault::dispatch(Outcome::Timeout, format_args!("core {index} {what} before the case's timeout"));
        }
        pause(&mut waited, WAIT_POLL_US);
    }
    if deadline != u64::MAX {
        arm_gic::irq_enable();
    }
}

/// [`Platform::run_on_cores`] on bare metal.
pub fn run(ctx: &Ctx<'_>, cores: u32, job: CoreJob, out: &mut CoreResults) {
    let (Some(board), true) = (CORE_MAP.get(), serves_jobs()) else {
        if cores & 1 != 0 {
            out[0] = Some(job(&mut Ctx::new(ctx.ffa, ctx.session, ctx.platform)));
        }
        return;
    };
    let deadline = watchdog::deadline();
    // A job's own watchdog fires 10 ms before the boot core's, so that a hung job is stopped
    // and reported by its core, which is then free for the next case.
    let job_deadline = deadline.saturating_sub(aarch64_cpu::registers::CNTFRQ_EL0.get() / 100);
    let asked = |i: usize| cores & (1 << i) != 0;
    let mut posted = [false; MAX_CORES];
    let mut expected = usize::from(asked(0));
    for (i, &mpidr) in board.mpidrs.iter().enumerate().skip(1).filter(|(i, _)| asked(*i)) {
        if let Err(f) = ensure_started(i, mpidr, deadline) {
            out[i] = Some(Err(f));
            continue;
        }
        match CORES[i].state.load(Ordering::Acquire) {
            IDLE | DONE => {
                // A DONE core holds the end of a job an earlier case abandoned: drop it.
                CORES[i].end.lock().take();
                expected += 1;
                posted[i] = true;
            }
            _ => out[i] = Some(Err(unavailable(i, format_args!("is still running a job of an earlier case")))),
        }
    }
    ARRIVED.store(0, Ordering::Release);
    EXPECTED.store(expected, Ordering::Release);
    for i in (1..board.mpidrs.len()).filter(|&i| posted[i]) {
        *CORES[i].job.lock() = Some(Job { run: job, session: *ctx.session, deadline: job_deadline });
        CORES[i].state.store(POSTED, Ordering::SeqCst);
        wake::wake(i, board.mpidrs[i]);
    }
    if asked(0) {
        arrive_and_wait();
        out[0] = Some(job(&mut Ctx::new(ctx.ffa, ctx.session, ctx.platform)));
    }
    for i in (1..board.mpidrs.len()).filter(|&i| posted[i]) {
        wait_while(i, deadline, |s| s != DONE, "did not finish its job");
        // Taken out first: the guard of a match scrutinee would live on into `dispatch`,
        // which never returns, and keep the slot locked for good.
        let end = CORES[i].end.lock().take();
        match end {
            Some(JobEnd::Returned(r)) => out[i] = Some(r),
            Some(JobEnd::Stopped(outcome, what)) => {
                fault::dispatch(outcome, format_args!("on core {i}: {}", what.as_str()))
            }
            None => out[i] = Some(Err(unavailable(i, format_args!("finished without a result")))),
        }
        CORES[i].state.store(IDLE, Ordering::Release);
    }
}
