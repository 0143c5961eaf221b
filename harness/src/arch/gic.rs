//! The interrupt controller, one interface over `arm-gic`'s GICv3 and GICv2 drivers for what
//! the harness needs: the boot core sets the driver up, each core routes a private interrupt
//! (PPI) to its own CPU interface, and the IRQ vector acknowledges and ends an interrupt. The
//! firmware has already initialised the distributor and woken each core's redistributor (TF-A
//! does it on CPU_ON); only the harness's own PPI configuration is touched.
//!
//! GICv3 (QEMU virt, FVP) runs the CPU interface through system registers and affinity
//! routing. GICv2 (GIC-400 on Juno) is memory mapped, with the per-core PPI registers and the
//! CPU interface banked per core; its non-secure side acknowledges through GICC_IAR, which
//! `arm-gic` names Group 0 (the Group 1 alias registers are the secure view's). The GICv2 path
//! runs on QEMU virt with gic-version=2 (the tfa-el3-gicv2 stack); a Juno's GIC-400 is not
//! booted here.

use crate::cores::MAX_CORES;
use aarch64_cpu::registers::{CurrentEL, ReadWriteable, Readable, Writeable, DAIF, HCR_EL2};
use arm_gic::gicv2::{self, GicV2, SgiTargetListFilter};
use arm_gic::gicv3::registers::GicdCtlr;
use arm_gic::gicv3::{GicCpuInterface, GicV3, Group, SgiTarget, SgiTargetGroup};
use arm_gic::{IntId, InterruptGroup, UniqueMmioPointer};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use spin::Mutex;

/// Which GIC a board has, and where.
#[derive(Clone, Copy, Debug)]
pub enum GicKind {
    /// GICv3: distributor and the first core's redistributor.
    V3 {
        /// GICD.
        gicd: usize,
        /// GICR of the first core (the frames of the others follow it).
        gicr: usize,
    },
    /// GICv2: distributor and CPU interface.
    V2 {
        /// GICD.
        gicd: usize,
        /// GICC.
        gicc: usize,
    },
}

enum Driver {
    V3(GicV3<'static>),
    V2(GicV2<'static>),
}

/// The driver, shared by the cores: each touches only its own redistributor (GICv3) or its
/// banked registers (GICv2).
static DRIVER: Mutex<Option<Driver>> = Mutex::new(None);

/// Whether the driver is GICv3's, whose CPU interface is system registers: acknowledging,
/// ending and sending an interrupt then need no lock, which another core may hold (under
/// QEMU's multi-threaded TCG a host thread can be descheduled holding it).
static V3: AtomicBool = AtomicBool::new(false);

/// Runs `f` on the driver with this core's IRQs masked: the IRQ handler takes the same lock
/// (`acknowledge`, `end`), so an interrupt taken while this core held it would spin forever.
fn with_irqs_masked<R>(f: impl FnOnce(&mut Option<Driver>) -> R) -> R {
    let daif = DAIF.get();
    DAIF.modify(DAIF::I::Masked);
    let r = f(&mut DRIVER.lock());
    DAIF.set(daif);
    r
}

fn at_el2() -> bool {
    CurrentEL.read(CurrentEL::EL) == 2
}

/// Sets the driver up on the boot core for a board with `cores` cores.
pub fn init(kind: GicKind, cores: usize) {
    let driver = match kind {
        GicKind::V3 { gicd, gicr } => {
            let (Some(d), Some(r)) = (NonNull::new(gicd as *mut _), NonNull::new(gicr as *mut _)) else {
                return;
            };
            // SAFETY: `gicd` and `gicr` are the board's GICv3 distributor and redistributor
            // bases, mapped as Device memory, and this is the only driver instance.
            let gicd = unsafe { UniqueMmioPointer::new(d) };
            // SAFETY: as above, for the redistributor frames of `cores` cores.
            let Ok(mut gic) = (unsafe { GicV3::new(gicd, r, cores) }) else {
                return;
            };
            if at_el2() {
                // TF-A enables only Group 0 and Group 1 Secure at the distributor and leaves
                // Group 1 NS to the normal world (GICD_CTLR reads 0x10 from NS after boot), as
                // Linux does. In the non-secure view with affinity routing, bit 1 is
                // EnableGrp1A, which is the bit `arm-gic` names after the secure view's
                // EnableGrp1NS.
                gic.gicd_set_control(GicdCtlr::EnableGrp1NS);
            }
            Driver::V3(gic)
        }
        GicKind::V2 { gicd, gicc } => {
            GICD_V2.store(gicd, Ordering::Release);
            // SAFETY: `gicd` and `gicc` are the board's GICv2 distributor and CPU interface,
            // mapped as Device memory, and this is the only driver instance.
            let mut gic = unsafe { GicV2::new(gicd as *mut _, gicc as *mut _) };
            // In the non-secure view GICD_CTLR bit 0 enables (non-secure) Group 1, the bit
            // `arm-gic` names after the secure view's EnableGrp0.
            gic.enable_group0(true);
            Driver::V2(gic)
        }
    };
    V3.store(matches!(driver, Driver::V3(_)), Ordering::Release);
    with_irqs_masked(|d| *d = Some(driver));
}

/// Routes `intid`, a PPI, of core `core` (its redistributor index) to this core's CPU
/// interface as a non-secure Group 1 interrupt taken at the image's exception level.
pub fn init_core(core: usize, intid: IntId) {
    with_irqs_masked(|driver| match driver.as_mut() {
        Some(Driver::V3(gic)) => {
            if at_el2() {
                GicCpuInterface::enable_system_register_el2(true);
                // Physical IRQs target EL1 unless HCR_EL2.IMO is set, and an interrupt that
                // targets a lower EL is never taken while running at EL2.
                HCR_EL2.modify(HCR_EL2::IMO::SET);
            }
            GicCpuInterface::enable_system_register_el1();
            let _ = gic.set_group(intid, Some(core), Group::Group1NS);
            let _ = gic.set_interrupt_priority(intid, Some(core), 0x80);
            let _ = gic.enable_interrupt(intid, Some(core), true);
            GicCpuInterface::set_priority_mask(0xff);
            GicCpuInterface::enable_group1(true);
        }
        Some(Driver::V2(gic)) => {
            if at_el2() {
                HCR_EL2.modify(HCR_EL2::IMO::SET);
            }
            if let Some(slot) = CPU_INTERFACE.get(core) {
                slot.store(own_cpu_interface(), Ordering::Release);
            }
            // `setup` enables this core's (banked) CPU interface and opens its priority mask;
            // its IGROUPR writes are RAZ/WI from the non-secure side.
            gic.setup();
            gic.set_interrupt_priority(intid, 0x80);
            let _ = gic.enable_interrupt(intid, true);
        }
        None => {}
    })
}

/// Enables (`on`) or disables `intid`, an SGI or PPI of core `core` (its redistributor
/// index), as a non-secure Group 1 interrupt at priority 0x80; this core's CPU interface was
/// set up by [`init_core`]. False without a driver, or when the driver refused.
pub fn route(core: usize, intid: IntId, on: bool) -> bool {
    with_irqs_masked(|driver| match driver.as_mut() {
        Some(Driver::V3(gic)) => {
            if on {
                let _ = gic.set_group(intid, Some(core), Group::Group1NS);
                let _ = gic.set_interrupt_priority(intid, Some(core), 0x80);
            }
            gic.enable_interrupt(intid, Some(core), on).is_ok()
        }
        Some(Driver::V2(gic)) => {
            if on {
                gic.set_interrupt_priority(intid, 0x80);
            }
            gic.enable_interrupt(intid, on).is_ok()
        }
        None => false,
    })
}

/// The GICv2 distributor's base (0 on GICv3), for [`own_cpu_interface`].
static GICD_V2: AtomicUsize = AtomicUsize::new(0);

/// Each core's GICv2 CPU interface, as the mask SGIs target it by (0: not known yet).
static CPU_INTERFACE: [AtomicU8; MAX_CORES] = [const { AtomicU8::new(0) }; MAX_CORES];

/// The running core's GICv2 CPU interface mask: GICD_ITARGETSR0 is banked per CPU and each of
/// its fields reads as the reading CPU's own bit (GICv2 architecture, 4.3.12). Which interface
/// a core is need not follow the board's order of its cores (a Juno's GIC-400 serves two
/// clusters).
fn own_cpu_interface() -> u8 {
    const GICD_ITARGETSR0: usize = 0x800;
    let gicd = GICD_V2.load(Ordering::Acquire);
    if gicd == 0 {
        return 0;
    }
    // SAFETY: `gicd` is the board's GICv2 distributor, mapped as Device memory; GICD_ITARGETSR0
    // is a read-only 32-bit register, and reading it has no side effect.
    let targets = unsafe { core::ptr::read_volatile((gicd + GICD_ITARGETSR0) as *const u32) };
    targets as u8
}

/// Sends SGI `intid` to core `core` (its index in board order, MPIDR `mpidr`) as a non-secure
/// Group 1 interrupt. GICv3 targets the core by affinity (Aff0 below 16: no range selector);
/// GICv2 by the CPU interface the core read as its own when it routed its interrupts
/// ([`init_core`]), else by its index (QEMU numbers the interfaces in CPU order).
pub fn send_sgi(intid: IntId, core: usize, mpidr: u64) {
    if V3.load(Ordering::Acquire) {
        if mpidr & 0xff < 16 {
            let target = SgiTarget::List {
                affinity3: (mpidr >> 32) as u8,
                affinity2: (mpidr >> 16) as u8,
                affinity1: (mpidr >> 8) as u8,
                target_list: 1 << (mpidr & 0xff),
            };
            let _ = GicCpuInterface::send_sgi(intid, target, SgiTargetGroup::CurrentGroup1);
        }
        return;
    }
    with_irqs_masked(|driver| match driver.as_mut() {
        Some(Driver::V2(gic)) if core < 8 => {
            let known = CPU_INTERFACE[core].load(Ordering::Acquire);
            let target_list = if known != 0 { u16::from(known) } else { 1 << core };
            gic.send_sgi(
                intid,
                gicv2::SgiTarget::List { target_list_filter: SgiTargetListFilter::CPUTargetList, target_list },
            )
        }
        _ => {}
    })
}

/// The SGI an interrupt [`acknowledge`] returned is, if it is one: GICv2's GICC_IAR carries the
/// sending CPU in bits [12:10] beside an SGI's ID.
pub fn sgi_number(id: IntId) -> Option<IntId> {
    let raw = u32::from(id);
    let number = if V3.load(Ordering::Acquire) { raw } else { raw & 0x3ff };
    (number < 16).then(|| IntId::sgi(number))
}

/// Acknowledges the highest-priority pending interrupt of this core, if any.
pub fn acknowledge() -> Option<IntId> {
    if V3.load(Ordering::Acquire) {
        return GicCpuInterface::get_and_acknowledge_interrupt(InterruptGroup::Group1);
    }
    match DRIVER.lock().as_mut()? {
        Driver::V3(_) => GicCpuInterface::get_and_acknowledge_interrupt(InterruptGroup::Group1),
        Driver::V2(gic) => gic.get_and_acknowledge_interrupt(InterruptGroup::Group0),
    }
}

/// Ends an interrupt [`acknowledge`] returned.
pub fn end(intid: IntId) {
    if V3.load(Ordering::Acquire) {
        return GicCpuInterface::end_interrupt(intid, InterruptGroup::Group1);
    }
    match DRIVER.lock().as_mut() {
        Some(Driver::V3(_)) => GicCpuInterface::end_interrupt(intid, InterruptGroup::Group1),
        Some(Driver::V2(gic)) => gic.end_interrupt(intid, InterruptGroup::Group0),
        None => {}
    }
}
