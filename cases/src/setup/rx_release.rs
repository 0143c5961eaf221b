//! FFA_RX_RELEASE (DEN0077A v1.1 13.5): the caller hands its RX buffer back to the producer
//! after reading what the SPMC wrote there. Releasing a buffer the caller does not own is
//! DENIED.

use crate::common::with_rxtx_unmapped;
use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::spec::RX_RELEASE;
use ffa_harness::{case, check_eq, check_error, check_mbz, check_success};

const ABIS: &[FuncId] = &[FuncId::RX_RELEASE, FuncId::PARTITION_INFO_GET];

case! {
    /// Nothing was written to RX since the last release, so the caller does not own it: DENIED.
    "setup.rx_release.not_owned_denied", RX_RELEASE, abis(ABIS);
    fn not_owned(ctx) {
        check_error!(ctx.ffa.rx_release(), FfaError::Denied, "FFA_RX_RELEASE without ownership");
        Ok(())
    }
}

case! {
    /// After FFA_PARTITION_INFO_GET filled RX, releasing it succeeds once (FFA_SUCCESS_32, w1..w7
    /// MBZ) and a second release is DENIED.
    "setup.rx_release.after_partition_info_get", RX_RELEASE, abis(ABIS);
    fn after_info(ctx) {
        check_success!(ctx.ffa.partition_info_get(Uuid::NIL, 0), "FFA_PARTITION_INFO_GET(nil)");
        let r = ctx.ffa.rx_release();
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RX_RELEASE after the RX buffer was filled");
        check_mbz!(r, 1, 7, "FFA_RX_RELEASE result");
        check_error!(ctx.ffa.rx_release(), FfaError::Denied, "a second FFA_RX_RELEASE");
        Ok(())
    }
}

case! {
    /// With no RX buffer mapped there is nothing to release: DENIED.
    "setup.rx_release.without_buffers_denied", RX_RELEASE, abis(ABIS);
    fn unmapped(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            check_error!(ctx.ffa.rx_release(), FfaError::Denied, "FFA_RX_RELEASE with no buffers mapped");
            Ok(())
        })
    }
}
