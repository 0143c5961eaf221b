//! The SMC conduit: one `smc #0` with the whole SMCCC v1.2 register file (x0..x17) in and out.

use crate::ffa::{Conduit, Regs};
use core::arch::asm;

/// Calls the EL3 firmware with `smc #0`.
pub struct Smc;

impl Conduit for Smc {
    fn call(&self, regs: Regs) -> Regs {
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
}
