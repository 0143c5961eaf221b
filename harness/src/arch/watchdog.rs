//! The per-case watchdog: the EL1 virtual timer (CNTV, PPI 11 = INTID 27), routed as a
//! Group 1 non-secure interrupt through the GICv3 by the `arm-gic` driver, taken at the
//! image's own exception level. Not the physical timer: TF-A + OP-TEE on QEMU configure its
//! PPI 30 as secure, so it arrives as an FIQ at EL3 and never reaches the normal world. Each
//! core has its own timer and redistributor: the boot core sets the driver up, and every core
//! configures its own PPI and CPU interface.

use aarch64_cpu::registers::{
    ReadWriteable, Readable, Writeable, CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0, HCR_EL2,
};
use arm_gic::gicv3::registers::GicdCtlr;
use arm_gic::gicv3::{GicCpuInterface, GicV3, Group};
use arm_gic::{IntId, UniqueMmioPointer};
use core::ptr::NonNull;
use spin::Mutex;

/// The driver, shared by the cores (each touches only its own redistributor).
static GIC: Mutex<Option<GicV3<'static>>> = Mutex::new(None);

/// The timer's interrupt.
pub const TIMER_INTID: IntId = IntId::ppi(11);

/// Sets the driver up for `cores` cores and the timer interrupt on the boot core. The
/// firmware has already initialised the distributor and woken each core's redistributor (TF-A
/// does it on CPU_ON); only the timer's own PPI configuration is touched.
pub fn init(gicd: usize, gicr: usize, cores: usize) {
    let (Some(d), Some(r)) = (NonNull::new(gicd as *mut _), NonNull::new(gicr as *mut _)) else {
        return;
    };
    // SAFETY: `gicd` and `gicr` are the platform's GICv3 distributor and redistributor bases,
    // mapped as Device memory, and this is the only driver instance in the image.
    let gicd = unsafe { UniqueMmioPointer::new(d) };
    // SAFETY: as above, for the redistributor frames of `cores` cores.
    let Ok(mut gic) = (unsafe { GicV3::new(gicd, r, cores) }) else {
        return;
    };
    if at_el2() {
        // TF-A enables only Group 0 and Group 1 Secure at the distributor and leaves Group 1
        // NS to the normal world (GICD_CTLR reads 0x10 from NS after boot), as Linux does.
        // In the non-secure view with affinity routing, bit 1 is EnableGrp1A, which is the
        // bit `arm-gic` names after the secure view's EnableGrp1NS.
        gic.gicd_set_control(GicdCtlr::EnableGrp1NS);
    }
    *GIC.lock() = Some(gic);
    init_core(0);
}

fn at_el2() -> bool {
    use aarch64_cpu::registers::CurrentEL;
    CurrentEL.read(CurrentEL::EL) == 2
}

/// Routes the timer interrupt of core `core` (its redistributor index) to this core's CPU
/// interface, at the image's exception level.
pub fn init_core(core: usize) {
    if at_el2() {
        GicCpuInterface::enable_system_register_el2(true);
        // Physical IRQs target EL1 unless HCR_EL2.IMO is set, and an interrupt that targets
        // a lower EL is never taken while running at EL2.
        HCR_EL2.modify(HCR_EL2::IMO::SET);
    }
    GicCpuInterface::enable_system_register_el1();
    if let Some(gic) = GIC.lock().as_mut() {
        let _ = gic.set_group(TIMER_INTID, Some(core), Group::Group1NS);
        let _ = gic.set_interrupt_priority(TIMER_INTID, Some(core), 0x80);
        let _ = gic.enable_interrupt(TIMER_INTID, Some(core), true);
    }
    GicCpuInterface::set_priority_mask(0xff);
    GicCpuInterface::enable_group1(true);
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
