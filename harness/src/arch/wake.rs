//! The wake-up SGI: a parked secondary core naps in WFI until the boot core posts it a job,
//! and the boot core sends it this SGI when it posts one to a core that naps, so that the job
//! starts at once instead of at the core's next look. Without it a parked core must look often
//! (every 100 us), and under QEMU's single-threaded TCG every one of those wake-ups takes the
//! host thread from the core at work: with three parked cores a loop of FF-A calls on the boot
//! core ran 1.5-2x slower on Hafnium. With it a parked core looks on its own only as a safety
//! net. A core that spins (it looks for a job a while before it naps) gets no SGI.
//!
//! SGI 0: TF-A keeps SGIs 8-15 secure on QEMU and the FVP, and the SPMCs raise the
//! schedule-receiver interrupt on SGI 8 (Hafnium `HF_SCHEDULE_RECEIVER_INTID`, OP-TEE
//! `CFG_CORE_ASYNC_NOTIF_GIC_INTID`). The IRQ vector ends it without counting it among the
//! interrupts cases read ([`crate::interrupts`]). A core takes its SGI before it leaves its
//! nap ([`nap`]), so none is pending when its job calls into the secure world, where a
//! non-secure interrupt would preempt a partition (our partitions' `ns-interrupts-action` is
//! "signaled": FFA_INTERRUPT).

use super::{gic, watchdog};
use crate::cores::MAX_CORES;
use arm_gic::IntId;
use core::sync::atomic::{fence, AtomicBool, Ordering};

/// The SGI.
const SGI: IntId = IntId::sgi(0);

/// How long a nap lasts when no SGI ends it: a safety net only (the hang monitor's watching
/// core naps shorter, to look).
pub const NAP_US: u32 = 10_000;

/// Whether core `i` has routed the SGI to itself (so that a nap of it ends when it is sent).
static ROUTED: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];

/// Whether core `i` naps or is about to, and no waker has claimed the nap yet.
static ASLEEP: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];

/// Whether core `i`'s IRQ vector ended its SGI since its nap was claimed.
static TAKEN: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];

/// How many [`NAP_US`] naps a core whose nap was claimed waits for the waker's SGI: a waker
/// whose host thread the host deschedules between its claim and its SGI (multi-threaded TCG)
/// is waited for up to a second; a lost SGI must not keep the core from its job for good.
const CLAIMED_NAPS: u32 = 100;

/// Routes the SGI of core `index`, the running core, to it.
pub fn init_core(index: usize) {
    if let Some(routed) = ROUTED.get(index) {
        routed.store(gic::route(index, SGI, true), Ordering::Release);
    }
}

/// Whether core `index` naps until it is woken ([`nap`]).
pub fn routed(index: usize) -> bool {
    ROUTED.get(index).is_some_and(|r| r.load(Ordering::Acquire))
}

/// Naps core `index`, the running core, while `waiting()` holds, until a [`wake`] (or `us`
/// microseconds). `waiting` must read with `Ordering::SeqCst` what the waker writes before its
/// `wake` (so that either the waker sees this core asleep or this core sees the write). Leaves
/// no SGI pending: when a waker claimed the nap, its SGI is taken before this returns.
pub fn nap(index: usize, us: u32, waiting: impl Fn() -> bool) {
    // An SGI of an earlier nap that came later than its wait is not this nap's.
    TAKEN[index].store(false, Ordering::Relaxed);
    ASLEEP[index].store(true, Ordering::SeqCst);
    // A DMB: AArch64 orders a store-release before a later load-acquire, but QEMU's
    // multi-threaded TCG puts its barrier for a store-release before the store, so on an x86
    // host the look may overtake the flag (and the wake-up be lost until NAP_US).
    fence(Ordering::SeqCst);
    if waiting() {
        watchdog::nap(us);
    }
    if ASLEEP[index].swap(false, Ordering::SeqCst) {
        take();
        return;
    }
    // Claimed: the waker's SGI is pending or about to be (a WFI ends when it is). Taken here,
    // so that it does not arrive during the job's first call into the secure world.
    for _ in 0..CLAIMED_NAPS {
        take();
        if TAKEN[index].swap(false, Ordering::AcqRel) {
            return;
        }
        watchdog::nap(NAP_US);
    }
}

/// The IRQ vector of core `index` ended its wake-up SGI.
pub fn taken(index: usize) {
    if let Some(taken) = TAKEN.get(index) {
        taken.store(true, Ordering::Release);
    }
}

/// Wakes core `index` (MPIDR `mpidr`) if it naps, after what this core wrote before (with
/// `Ordering::SeqCst`) that the napping core waits for.
pub fn wake(index: usize, mpidr: u64) {
    fence(Ordering::SeqCst);
    if ASLEEP.get(index).is_some_and(|a| a.swap(false, Ordering::SeqCst)) {
        gic::send_sgi(SGI, index, mpidr);
    }
}

/// Takes a pending SGI: unmasks IRQs for an instant, so that the IRQ vector ends it (and
/// counts any other interrupt that is pending, as it would have).
fn take() {
    arm_gic::irq_enable();
    aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
    arm_gic::irq_disable();
}

/// Whether `id`, an interrupt just acknowledged, is the SGI.
pub fn is(id: IntId) -> bool {
    gic::sgi_number(id) == Some(SGI)
}
