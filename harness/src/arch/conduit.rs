//! The SMC conduit: one `smc #0` with the whole SMCCC v1.2 register file (x0..x17) in and out.
//! Every FF-A call of the images goes through it, so it is where a core's call in flight is
//! recorded ([`super::calls_in_flight`]) for the hang monitor and the longest-call figure.

use super::calls_in_flight;
use crate::ffa::{Conduit, Regs};
use core::arch::asm;

/// Calls the EL3 firmware with `smc #0`.
pub struct Smc;

impl Conduit for Smc {
    fn call(&self, regs: Regs) -> Regs {
        let since = calls_in_flight::entered(regs.0[0]);
        let answer = Self::smc(regs);
        calls_in_flight::returned(since, regs.0[0]);
        answer
    }

    fn call_probing_callee_saved(&self, regs: Regs) -> (Regs, [u64; 13]) {
        let since = calls_in_flight::entered(regs.0[0]);
        let answer = self.probe_callee_saved(regs);
        calls_in_flight::returned(since, regs.0[0]);
        answer
    }
}

impl Smc {
    /// The call itself.
    fn smc(regs: Regs) -> Regs {
        let mut r = regs.0;
        // SAFETY: SMCCC v1.2 `smc #0`: x0..x17 carry arguments and results, and every one of
        // them is declared inout. The asm is not `nomem`: the SPMC writes our RX buffer and
        // shared pages, so the compiler must assume memory changed. The callee preserves
        // x18..x30 and SP (SMCCC), and the secure world does not return into our stack.
        unsafe {
            asm!(
                "smc #0",
                inout("x0") r[0], inout("x1") r[1], inout("x2") r[2], inout("x3") r[3],
                inout("x4") r[4], inout("x5") r[5], inout("x6") r[6], inout("x7") r[7],
                inout("x8") r[8], inout("x9") r[9], inout("x10") r[10], inout("x11") r[11],
                inout("x12") r[12], inout("x13") r[13], inout("x14") r[14], inout("x15") r[15],
                inout("x16") r[16], inout("x17") r[17],
                options(nostack)
            );
        }
        Regs(r)
    }

    /// The probe behind [`Conduit::call_probing_callee_saved`]: x18..x30 hold
    /// `CALLEE_SAVED_CANARY | n` during the call; the caller's own x18..x30 are saved on the
    /// stack around it and restored.
    fn probe_callee_saved(&self, regs: Regs) -> (Regs, [u64; 13]) {
        let mut r = regs.0;
        let mut after = [0u64; 13];
        let out = after.as_mut_ptr();
        // SAFETY: as for `call`, plus: x18..x30 are saved to a 224-byte frame below SP before
        // the canaries go in and restored from it afterwards, so the compiler's values in them
        // (frame pointer, link register, platform register) survive. `out` is read into the
        // frame before any register is overwritten, and points at `after`, 13 u64s, which
        // the post-call copy fills. A callee that corrupted SP itself would make these stores
        // fault, which the vectors report as a crash of the case.
        unsafe {
            asm!(
                "sub sp, sp, #224",
                "stp x18, x19, [sp, #0]",
                "stp x20, x21, [sp, #16]",
                "stp x22, x23, [sp, #32]",
                "stp x24, x25, [sp, #48]",
                "stp x26, x27, [sp, #64]",
                "stp x28, x29, [sp, #80]",
                "str x30, [sp, #96]",
                "str {out}, [sp, #104]",
                "movz x18, #18", "movk x18, #{lo}, lsl #32", "movk x18, #{hi}, lsl #48",
                "movz x19, #19", "movk x19, #{lo}, lsl #32", "movk x19, #{hi}, lsl #48",
                "movz x20, #20", "movk x20, #{lo}, lsl #32", "movk x20, #{hi}, lsl #48",
                "movz x21, #21", "movk x21, #{lo}, lsl #32", "movk x21, #{hi}, lsl #48",
                "movz x22, #22", "movk x22, #{lo}, lsl #32", "movk x22, #{hi}, lsl #48",
                "movz x23, #23", "movk x23, #{lo}, lsl #32", "movk x23, #{hi}, lsl #48",
                "movz x24, #24", "movk x24, #{lo}, lsl #32", "movk x24, #{hi}, lsl #48",
                "movz x25, #25", "movk x25, #{lo}, lsl #32", "movk x25, #{hi}, lsl #48",
                "movz x26, #26", "movk x26, #{lo}, lsl #32", "movk x26, #{hi}, lsl #48",
                "movz x27, #27", "movk x27, #{lo}, lsl #32", "movk x27, #{hi}, lsl #48",
                "movz x28, #28", "movk x28, #{lo}, lsl #32", "movk x28, #{hi}, lsl #48",
                "movz x29, #29", "movk x29, #{lo}, lsl #32", "movk x29, #{hi}, lsl #48",
                "movz x30, #30", "movk x30, #{lo}, lsl #32", "movk x30, #{hi}, lsl #48",
                "smc #0",
                "stp x18, x19, [sp, #112]",
                "stp x20, x21, [sp, #128]",
                "stp x22, x23, [sp, #144]",
                "stp x24, x25, [sp, #160]",
                "stp x26, x27, [sp, #176]",
                "stp x28, x29, [sp, #192]",
                "str x30, [sp, #208]",
                "ldr x30, [sp, #104]",
                "ldp x18, x19, [sp, #112]", "stp x18, x19, [x30, #0]",
                "ldp x18, x19, [sp, #128]", "stp x18, x19, [x30, #16]",
                "ldp x18, x19, [sp, #144]", "stp x18, x19, [x30, #32]",
                "ldp x18, x19, [sp, #160]", "stp x18, x19, [x30, #48]",
                "ldp x18, x19, [sp, #176]", "stp x18, x19, [x30, #64]",
                "ldp x18, x19, [sp, #192]", "stp x18, x19, [x30, #80]",
                "ldr x18, [sp, #208]", "str x18, [x30, #96]",
                "ldp x18, x19, [sp, #0]",
                "ldp x20, x21, [sp, #16]",
                "ldp x22, x23, [sp, #32]",
                "ldp x24, x25, [sp, #48]",
                "ldp x26, x27, [sp, #64]",
                "ldp x28, x29, [sp, #80]",
                "ldr x30, [sp, #96]",
                "add sp, sp, #224",
                out = in(reg) out,
                lo = const (crate::ffa::CALLEE_SAVED_CANARY >> 32) & 0xffff,
                hi = const crate::ffa::CALLEE_SAVED_CANARY >> 48,
                inout("x0") r[0], inout("x1") r[1], inout("x2") r[2], inout("x3") r[3],
                inout("x4") r[4], inout("x5") r[5], inout("x6") r[6], inout("x7") r[7],
                inout("x8") r[8], inout("x9") r[9], inout("x10") r[10], inout("x11") r[11],
                inout("x12") r[12], inout("x13") r[13], inout("x14") r[14], inout("x15") r[15],
                inout("x16") r[16], inout("x17") r[17],
            );
        }
        (Regs(r), after)
    }
}
