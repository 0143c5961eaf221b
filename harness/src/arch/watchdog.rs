//! The per-case watchdog: the EL1 virtual timer (CNTV, PPI 11 = INTID 27), routed as a
//! Group 1 non-secure interrupt through the board's GIC ([`super::gic`]), taken at the
//! image's own exception level. Not the physical timer: TF-A + OP-TEE on QEMU configure its
//! PPI 30 as secure, so it arrives as an FIQ at EL3 and never reaches the normal world. Each
//! core has its own timer, and routes its own PPI.

use super::gic::{self, GicKind};
use aarch64_cpu::registers::{Readable, Writeable, CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0};
use arm_gic::IntId;

/// The timer's interrupt.
pub const TIMER_INTID: IntId = IntId::ppi(11);

/// Sets the interrupt controller up for `cores` cores and routes the boot core's timer.
pub fn init(kind: GicKind, cores: usize) {
    gic::init(kind, cores);
    init_core(0);
}

/// Routes the timer interrupt of core `core` to this core.
pub fn init_core(core: usize) {
    gic::init_core(core, TIMER_INTID);
}

/// Fires the timer interrupt `ms` milliseconds from now and unmasks IRQs. The deadline is
/// a 64-bit compare value, so no timeout is cut short (TVAL is 32 bits: 2.1 s at 1 GHz).
pub fn arm(ms: u32) {
    let ticks = CNTFRQ_EL0.get() * u64::from(ms) / 1000;
    arm_at(CNTVCT_EL0.get().saturating_add(ticks));
}

/// Fires the timer interrupt when the virtual count reaches `deadline` and unmasks IRQs.
pub fn arm_at(deadline: u64) {
    CNTV_CVAL_EL0.set(deadline);
    CNTV_CTL_EL0.set(1);
    arm_gic::irq_enable();
}

/// The virtual count at which this core's armed watchdog fires (`u64::MAX` when disarmed).
/// The count is the same on every core, so another core can be held to the same deadline.
pub fn deadline() -> u64 {
    if CNTV_CTL_EL0.get() & 1 != 0 {
        CNTV_CVAL_EL0.get()
    } else {
        u64::MAX
    }
}

/// Whether this core's watchdog has fired (its condition holds), whether or not its
/// interrupt was taken.
pub fn expired() -> bool {
    CNTV_CTL_EL0.get() & 0b101 == 0b101
}

/// Sleeps this core in WFI for up to `us` microseconds (until its timer fires then, at its
/// armed deadline if that is sooner, or when any other interrupt is pending), with IRQs masked
/// so that the wake-up is not taken, and leaves the watchdog as it was (masking IRQs). For a
/// core that waits for another: under QEMU's multi-threaded TCG, WFE and YIELD are no-ops
/// (target/arm/tcg/translate-a64.c, trans_WFE and trans_YIELD) and only WFI lets an idle
/// core's host thread sleep, which leaves the host's CPUs to the cores at work.
pub fn nap(us: u32) {
    arm_gic::irq_disable();
    let deadline = deadline();
    let wake = CNTVCT_EL0.get().saturating_add(CNTFRQ_EL0.get() * u64::from(us) / 1_000_000);
    CNTV_CVAL_EL0.set(wake.min(deadline));
    CNTV_CTL_EL0.set(1);
    aarch64_cpu::asm::wfi();
    if deadline == u64::MAX {
        CNTV_CTL_EL0.set(0);
    } else {
        CNTV_CVAL_EL0.set(deadline);
    }
}

/// Masks IRQs and stops the timer.
pub fn disarm() {
    arm_gic::irq_disable();
    CNTV_CTL_EL0.set(0);
}

/// Microseconds since the counter started.
pub fn now_us() -> u64 {
    let freq = CNTFRQ_EL0.get().max(1);
    (u128::from(CNTPCT_EL0.get()) * 1_000_000 / u128::from(freq)) as u64
}

/// Whether `id`, an interrupt just taken, is the watchdog's; stops the timer when it is.
pub fn fired(id: IntId) -> bool {
    if id == TIMER_INTID {
        CNTV_CTL_EL0.set(0);
    }
    id == TIMER_INTID
}
