//! The FF-A version lock (v1.2): once a caller has made its first FF-A call other than
//! FFA_VERSION, the version in force is settled, and a later FFA_VERSION for another version
//! must not change it. Hafnium refuses such a request with NOT_SUPPORTED (`api_ffa_version`,
//! "Cannot change FF-A version ... after other FF-A calls have been made"; the handler sets
//! `ffa_version_negotiated` on the first other call), and so does Arm's FF-A ACS
//! (`ffa_version_negotiation`: "Relayer Must Return Error For Version Re-Negotiation");
//! TFTF's EL3-SPMC test (`test_el3_spmc_nwd_ffa_version`: "A later compatible request must
//! not change the negotiated version") expects the callee's own version in w0. The cases
//! accept either answer and observe what is in force instead: the v1.0 partition information
//! layout (8-byte descriptors, no size in w3) tells a v1.0 caller from a v1.1+ one.
//! Re-requesting the version in force is not a change and stays accepted (ACS: "Relayer
//! Must Not Return Error For Negotiated Version").

use super::version::NOT_SUPPORTED;
use ffa_harness::desc::{PartitionInfo, Uuid};
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::spec::VERSION;
use ffa_harness::{case, check, check_eq, check_success};

const ABIS: &[FuncId] = &[FuncId::VERSION, FuncId::PARTITION_INFO_GET];

case! {
    /// After FFA_ID_GET, FFA_VERSION(1.0) is answered with NOT_SUPPORTED or the callee's own
    /// version, and the version in force stays the negotiated one: FFA_PARTITION_INFO_GET still
    /// reports the v1.1+ descriptor size in w3, not the v1.0 layout.
    "setup.version_lock.other_version_not_taken", VERSION, abis(ABIS), since(Version::V1_2);
    fn other_version(ctx) {
        check_success!(ctx.ffa.id_get(), "FFA_ID_GET (a non-VERSION call before the request)");
        let probe = ctx.ffa.version(Version::V1_0);
        let listing = ctx.ffa.partition_info_get(Uuid::NIL, 0);
        if listing.is_success() {
            ctx.ffa.rx_release();
        }
        // Put the version back first: a callee without the lock has just switched to v1.0.
        let restore = ctx.ffa.version(ctx.version());
        check!(restore.w(0) != NOT_SUPPORTED, "FFA_VERSION({}) to restore the session was refused", ctx.version());
        let w0 = probe.w(0);
        check!(
            w0 == NOT_SUPPORTED || w0 == ctx.session.returned,
            "FFA_VERSION(1.0) after FFA_ID_GET returned {w0:#x}: neither NOT_SUPPORTED nor the callee's own version {:#x}",
            ctx.session.returned
        );
        check_success!(listing, "FFA_PARTITION_INFO_GET after FFA_VERSION(1.0)");
        check!(
            listing.w(3) as usize >= PartitionInfo::size_for(ctx.version()),
            "FFA_PARTITION_INFO_GET after FFA_VERSION(1.0) reports w3 = {}: the v1.0 layout, so the request changed the \
             version in force from {}",
            listing.w(3),
            ctx.version()
        );
        Ok(())
    }
}

case! {
    /// After other FF-A calls, FFA_VERSION of the version in force is no change: it is answered
    /// with the callee's own version, as at boot, never with NOT_SUPPORTED.
    "setup.version_lock.version_in_force_accepted", VERSION,
    abis(&[FuncId::VERSION]), since(Version::V1_2);
    fn version_in_force(ctx) {
        check_success!(ctx.ffa.id_get(), "FFA_ID_GET (a non-VERSION call before the request)");
        let r = ctx.ffa.version(ctx.version());
        check_eq!(r.w(0), ctx.session.returned, "FFA_VERSION({}) after FFA_ID_GET w0", ctx.version());
        Ok(())
    }
}
