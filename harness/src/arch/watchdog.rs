//! The per-case watchdog: the EL1 virtual timer (CNTV, PPI 11 = INTID 27), routed as a
//! Group 1 non-secure interrupt through the GICv3 by the `arm-gic` driver, taken at the
//! image's own exception level. Not the physical timer: TF-A + OP-TEE on QEMU configure its
//! PPI 30 as secure, so it arrives as an FIQ at EL3 and never reaches the normal world.

use aarch64_cpu::registers::{
    ReadWriteable, Readable, Writeable, CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0, HCR_EL2,
};
use arm_gic::gicv3::registers::GicdCtlr;
use arm_gic::gicv3::{GicCpuInterface, GicV3, Group};
use arm_gic::{IntId, UniqueMmioPointer};
use core::ptr::NonNull;

/// The timer's interrupt.
pub const TIMER_INTID: IntId = IntId::ppi(11);

/// Sets up the CPU interface and the timer interrupt on core 0. The firmware has already
/// initialised the distributor and woken this core's redistributor; only the timer's own
/// PPI configuration is touched.
pub fn init(gicd: usize, gicr: usize, at_el2: bool) {
    let (Some(d), Some(r)) = (NonNull::new(gicd as *mut _), NonNull::new(gicr as *mut _)) else {
        return;
    };
    // SAFETY: `gicd` and `gicr` are the platform's GICv3 distributor and redistributor bases,
    // mapped as Device memory, and this is the only driver instance in the image.
    let gicd = unsafe { UniqueMmioPointer::new(d) };
    // SAFETY: as above, for the redistributor frames.
    let Ok(mut gic) = (unsafe { GicV3::new(gicd, r, 1) }) else {
        return;
    };
    if at_el2 {
        GicCpuInterface::enable_system_register_el2(true);
        // Physical IRQs target EL1 unless HCR_EL2.IMO is set, and an interrupt that targets
        // a lower EL is never taken while running at EL2.
        HCR_EL2.modify(HCR_EL2::IMO::SET);
        // TF-A enables only Group 0 and Group 1 Secure at the distributor and leaves Group 1
        // NS to the normal world (GICD_CTLR reads 0x10 from NS after boot), as Linux does.
        // In the non-secure view with affinity routing, bit 1 is EnableGrp1A, which is the
        // bit `arm-gic` names after the secure view's EnableGrp1NS.
        gic.gicd_set_control(GicdCtlr::EnableGrp1NS);
    }
    GicCpuInterface::enable_system_register_el1();
    let _ = gic.set_group(TIMER_INTID, Some(0), Group::Group1NS);
    let _ = gic.set_interrupt_priority(TIMER_INTID, Some(0), 0x80);
    let _ = gic.enable_interrupt(TIMER_INTID, Some(0), true);
    GicCpuInterface::set_priority_mask(0xff);
    GicCpuInterface::enable_group1(true);
}

/// Fires the timer interrupt `ms` milliseconds from now and unmasks IRQs. The deadline is
/// a 64-bit compare value, so no timeout is cut short (TVAL is 32 bits: 2.1 s at 1 GHz).
pub fn arm(ms: u32) {
    let ticks = CNTFRQ_EL0.get() * u64::from(ms) / 1000;
    CNTV_CVAL_EL0.set(CNTVCT_EL0.get().saturating_add(ticks));
    CNTV_CTL_EL0.set(1);
    arm_gic::irq_enable();
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

/// Acknowledges a pending Group 1 interrupt. Returns true when it was the watchdog.
pub fn acknowledge() -> bool {
    use arm_gic::InterruptGroup;
    match GicCpuInterface::get_and_acknowledge_interrupt(InterruptGroup::Group1) {
        Some(id) => {
            GicCpuInterface::end_interrupt(id, InterruptGroup::Group1);
            if id == TIMER_INTID {
                CNTV_CTL_EL0.set(0);
                true
            } else {
                false
            }
        }
        None => false,
    }
}
