//! Exception vectors. Every synchronous exception and SError (unmasked once the vectors are
//! in place; FIQs stay masked: none is routed to the normal world), and every panic, becomes a
//! call to the image's fault handler (the ns image reports the running case as `crash` and
//! goes on); an IRQ from the watchdog becomes a `timeout`, any other IRQ is counted. A fault handler runs on a reset
//! stack, since the faulting stack may be what broke: the top of the running core's own stack,
//! which TPIDR_ELx holds on every core. A fault inside the fault handler ends the run at once
//! instead of looping. A job on a secondary core that faults or times out is handed to
//! [`super::cores`], which reports it to the boot core and parks the core again.

use super::{calls_in_flight, cores, gic, wake, watchdog};
use crate::cores::MAX_CORES;
use crate::global::SetOnce;
use crate::interrupts;
use crate::outcome::Outcome;
use aarch64_cpu::registers::{CurrentEL, Readable};
use core::arch::{asm, global_asm};
use core::sync::atomic::{AtomicBool, Ordering};

/// What an image does with a fault: report it and never return.
pub type FaultHandler = fn(Outcome, core::fmt::Arguments<'_>) -> !;

static HANDLER: SetOnce<FaultHandler> = SetOnce::new();
static IN_FAULT: [AtomicBool; MAX_CORES] = [const { AtomicBool::new(false) }; MAX_CORES];

macro_rules! vector_table {
    ($el:literal) => {
        global_asm!(
            concat!(".section .text.ffa_vectors_el", $el, ", \"ax\""),
            ".balign 0x800",
            concat!(".global ffa_vectors_el", $el),
            concat!("ffa_vectors_el", $el, ":"),
            ".irp kind, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
            ".balign 0x80",
            ".if (\\kind == 1) || (\\kind == 5)",
            concat!("b ffa_irq_el", $el),
            ".else",
            "mov x3, #\\kind",
            concat!("b ffa_fault_el", $el),
            ".endif",
            ".endr",
            concat!("ffa_fault_el", $el, ":"),
            concat!("mrs x0, esr_el", $el),
            concat!("mrs x1, elr_el", $el),
            concat!("mrs x2, far_el", $el),
            concat!("mrs x4, tpidr_el", $el),
            "mov sp, x4",
            "bl ffa_fault_entry",
            "b .",
            concat!("ffa_irq_el", $el, ":"),
            "sub sp, sp, #192",
            "stp x0, x1, [sp, #0]",
            "stp x2, x3, [sp, #16]",
            "stp x4, x5, [sp, #32]",
            "stp x6, x7, [sp, #48]",
            "stp x8, x9, [sp, #64]",
            "stp x10, x11, [sp, #80]",
            "stp x12, x13, [sp, #96]",
            "stp x14, x15, [sp, #112]",
            "stp x16, x17, [sp, #128]",
            "stp x18, x29, [sp, #144]",
            "str x30, [sp, #160]",
            concat!("mrs x0, elr_el", $el),
            concat!("mrs x1, spsr_el", $el),
            "stp x0, x1, [sp, #176]",
            "bl ffa_irq_entry",
            "ldp x0, x1, [sp, #176]",
            concat!("msr elr_el", $el, ", x0"),
            concat!("msr spsr_el", $el, ", x1"),
            "ldr x30, [sp, #160]",
            "ldp x18, x29, [sp, #144]",
            "ldp x16, x17, [sp, #128]",
            "ldp x14, x15, [sp, #112]",
            "ldp x12, x13, [sp, #96]",
            "ldp x10, x11, [sp, #80]",
            "ldp x8, x9, [sp, #64]",
            "ldp x6, x7, [sp, #48]",
            "ldp x4, x5, [sp, #32]",
            "ldp x2, x3, [sp, #16]",
            "ldp x0, x1, [sp, #0]",
            "add sp, sp, #192",
            "eret",
        );
    };
}

vector_table!("2");
vector_table!("1");

extern "C" {
    /// Top of the boot core's stack, from the linker script.
    static __stack_top: u8;
}

/// Sets the fault handler and installs the vectors on the boot core, whose reset stack is the
/// linker script's.
pub fn install_vectors(handler: FaultHandler) {
    HANDLER.set(handler);
    // Only the address of the linker-script symbol is taken, never its contents.
    set_reset_stack(core::ptr::addr_of!(__stack_top) as u64);
    install_on_this_core();
}

/// Records `top` as this core's reset stack (TPIDR_ELx), where fault handlers and restarts run.
pub(super) fn set_reset_stack(top: u64) {
    if CurrentEL.read(CurrentEL::EL) == 2 {
        // SAFETY: TPIDR_EL2 is a software thread-ID register: only this harness reads it.
        unsafe { asm!("msr tpidr_el2, {t}", t = in(reg) top, options(nomem, nostack)) };
    } else {
        // SAFETY: as above, for TPIDR_EL1.
        unsafe { asm!("msr tpidr_el1, {t}", t = in(reg) top, options(nomem, nostack)) };
    }
}

/// This core's reset stack.
pub(super) fn reset_stack() -> u64 {
    let top: u64;
    if CurrentEL.read(CurrentEL::EL) == 2 {
        // SAFETY: reads a software thread-ID register.
        unsafe { asm!("mrs {t}, tpidr_el2", t = out(reg) top, options(nomem, nostack)) };
    } else {
        // SAFETY: as above.
        unsafe { asm!("mrs {t}, tpidr_el1", t = out(reg) top, options(nomem, nostack)) };
    }
    top
}

/// Points VBAR of the current exception level of this core at the vectors.
pub(super) fn install_on_this_core() {
    if CurrentEL.read(CurrentEL::EL) == 2 {
        // SAFETY: ffa_vectors_el2 is the 2 KiB-aligned EL2 vector table above; installing it
        // only changes where exceptions at EL2 go.
        unsafe {
            asm!("adrp {t}, ffa_vectors_el2", "add {t}, {t}, :lo12:ffa_vectors_el2", "msr vbar_el2, {t}", "isb", t = out(reg) _)
        };
    } else {
        // SAFETY: as above, for the EL1 table.
        unsafe {
            asm!("adrp {t}, ffa_vectors_el1", "add {t}, {t}, :lo12:ffa_vectors_el1", "msr vbar_el1, {t}", "isb", t = out(reg) _)
        };
    }
    unmask_serror();
}

/// Unmasks SError (PSTATE.A): the firmware enters the images with every exception masked, and
/// taking any exception masks them again, so this runs at boot and after every fault.
pub(super) fn unmask_serror() {
    // SAFETY: only PSTATE.A changes; the vectors that take an SError are installed.
    unsafe { asm!("msr daifclr, #4", options(nomem, nostack)) };
}

/// Called by the platform once a fault has been handled and execution goes on.
pub(super) fn recovered() {
    IN_FAULT[cores::this_core()].store(false, Ordering::Relaxed);
}

/// Ends what this core is running with `outcome`: the image's handler on the boot core, the
/// job's end on a secondary core.
pub(super) fn dispatch(outcome: Outcome, what: core::fmt::Arguments<'_>) -> ! {
    let core = cores::this_core();
    // Whatever call this core was in is over: the case that made it ends here.
    calls_in_flight::abandon();
    if IN_FAULT[core].swap(true, Ordering::Relaxed) {
        // A fault while handling a fault: nothing sensible is left to do.
        semihosting::process::exit(5);
    }
    if core != 0 && cores::serves_jobs() {
        cores::job_ended(core, outcome, what)
    }
    match HANDLER.get() {
        Some(handler) => handler(outcome, what),
        None => semihosting::process::exit(5),
    }
}

const KINDS: [&str; 16] = [
    "sync (SP_EL0)",
    "irq (SP_EL0)",
    "fiq (SP_EL0)",
    "serror (SP_EL0)",
    "sync",
    "irq",
    "fiq",
    "serror",
    "sync from lower EL (AArch64)",
    "irq from lower EL",
    "fiq from lower EL",
    "serror from lower EL",
    "sync from lower EL (AArch32)",
    "irq from lower EL (AArch32)",
    "fiq from lower EL (AArch32)",
    "serror from lower EL (AArch32)",
];

fn class_name(ec: u64) -> &'static str {
    match ec {
        0x00 => "unknown reason (undefined instruction)",
        0x07 => "FP/SIMD access trapped",
        0x0e => "illegal execution state",
        0x16 | 0x17 => "HVC/SMC",
        0x18 => "system register access trapped",
        0x20 | 0x21 => "instruction abort",
        0x22 => "PC alignment fault",
        0x24 | 0x25 => "data abort",
        0x26 => "SP alignment fault",
        0x2f => "SError",
        0x3c => "BRK",
        _ => "other",
    }
}

#[no_mangle]
extern "C" fn ffa_fault_entry(esr: u64, elr: u64, far: u64, kind: u64) -> ! {
    let ec = (esr >> 26) & 0x3f;
    dispatch(
        Outcome::Crash,
        format_args!(
            "{} exception: EC={ec:#x} {} ESR={esr:#x} ELR={elr:#x} FAR={far:#x}",
            KINDS[kind as usize & 15],
            class_name(ec)
        ),
    )
}

/// An IRQ: acknowledged and ended at once; the watchdog's ends the running case as `timeout`,
/// the wake-up SGI of a parked core ([`wake`]) has done its work, any other is counted for the cases that wait for it ([`crate::interrupts`]).
#[no_mangle]
extern "C" fn ffa_irq_entry() {
    let Some(id) = gic::acknowledge() else { return };
    gic::end(id);
    if wake::is(id) {
        wake::taken(cores::this_core());
        return;
    }
    if watchdog::fired(id) {
        dispatch(Outcome::Timeout, format_args!("the watchdog fired: the case ran past its timeout"));
    }
    interrupts::record(cores::this_core(), id.into());
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    dispatch(Outcome::Crash, format_args!("panic: {info}"))
}
