//! FFA_RXTX_UNMAP (DEN0077A v1.1 13.7): w1[31:16] names the endpoint whose pair to unmap (only
//! a hypervisor acting for a VM may name another; MBZ otherwise). Unmapping when nothing is
//! mapped is INVALID_PARAMETERS.

use crate::common::with_rxtx_unmapped;
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::spec::RXTX_UNMAP;
use ffa_harness::{case, check_eq, check_error, check_mbz};

const ABIS: &[FuncId] = &[FuncId::RXTX_UNMAP];

case! {
    /// Unmapping the caller's pair returns FFA_SUCCESS_32 with w1..w7 MBZ.
    "setup.rxtx_unmap.success_registers", RXTX_UNMAP, abis(ABIS);
    fn success(ctx) {
        let r = ctx.ffa.rxtx_unmap();
        let remap = ctx.remap_rxtx();
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_UNMAP");
        check_mbz!(r, 1, 7, "FFA_RXTX_UNMAP result");
        remap
    }
}

case! {
    /// With no pair mapped, FFA_RXTX_UNMAP is INVALID_PARAMETERS.
    "setup.rxtx_unmap.nothing_mapped_invalid", RXTX_UNMAP, abis(ABIS);
    fn not_mapped(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            check_error!(ctx.ffa.rxtx_unmap(), FfaError::InvalidParameters, "FFA_RXTX_UNMAP with nothing mapped");
            Ok(())
        })
    }
}

case! {
    /// The normal world cannot unmap a secure partition's buffers: w1 = 0x8001 << 16 is
    /// INVALID_PARAMETERS (TFTF `test_ffa_rxtx_unmap_fail_if_sp`), and the caller's own pair stays
    /// mapped. (OP-TEE 4.10 ignores w1 and unmaps the caller's pair.)
    "setup.rxtx_unmap.secure_endpoint_id_invalid", RXTX_UNMAP, abis(ABIS);
    fn foreign(ctx) {
        let r = ctx.ffa.call(Regs::call(FuncId::RXTX_UNMAP).with(1, 0x8001 << 16));
        check_error!(r, FfaError::InvalidParameters, "FFA_RXTX_UNMAP(w1 = 0x8001 << 16)");
        let again = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 1);
        check_error!(again, FfaError::Denied, "the caller's pair must still be mapped, so a new FFA_RXTX_MAP");
        Ok(())
    }
}
