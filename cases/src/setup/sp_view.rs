//! Partition discovery seen from both sides (DEN0077A v1.1 13.8-13.10): what the normal world
//! learns about our secure partition matches its manifest and what the partition reports of
//! itself, and the partition's own view of the SPMC (its IDs, FFA_FEATURES from the secure
//! side, its RX/TX buffers) agrees with the normal world's.

use crate::sp::{command, identify, Width, FFA_CALL, NEEDS_SP, SP_UUID, WHOAMI};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::desc::Uuid;
use ffa_harness::discovery::{list_partitions, ListingError};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::pages::PAGES;
use ffa_harness::spec::{FEATURES, ID_GET, PARTITION_INFO_GET, RXTX_MAP, SPM_ID_GET};
use ffa_harness::{case, check, check_eq, check_success, command, fail, Ctx, Failure};

/// PARTITION_INFO(uuid x4..x5 as two u64 halves): the sp's FFA_PARTITION_INFO_GET into its own
/// RX buffer; x4 = count, x5 = w3 (size), x6 = first descriptor's ID | contexts << 16 |
/// properties << 32, x7 = w0 of the result. RX is released again.
const PARTITION_INFO: u16 = 10;

command!(PARTITION_INFO, "partition-info", partition_info);

fn partition_info(ctx: &mut SpCtx, req: &Request) -> Reply {
    let (lo, hi) = (req.arg(0), req.arg(1));
    let uuid = Uuid::from_u64_pair([lo, hi]);
    match list_partitions(ctx.ffa, &PAGES.rx, ctx.session.negotiated, uuid) {
        Ok(l) => {
            let first = l
                .iter()
                .next()
                .map(|p| u64::from(p.id) | u64::from(p.exec_ctx_count) << 16 | u64::from(p.properties.0) << 32)
                .unwrap_or(0);
            Reply::ok([l.count as u64, l.regs.w(3).into(), first, l.regs.w(0).into()])
        }
        Err(ListingError::Call(r) | ListingError::Release(r)) => Reply::call_failed(&r),
        Err(ListingError::Undecodable { .. }) => Reply::status(Status::BadArguments),
    }
}

/// FFA_CALL from the sp: x0..x3 of the result.
fn sp_call(ctx: &Ctx, fid: FuncId, args: [u64; 3]) -> Result<Regs, Failure> {
    let v = command(ctx, Width::W64, FFA_CALL, [fid.0.into(), args[0], args[1], args[2]])?;
    Ok(Regs::default().with(0, v[0]).with(1, v[1]).with(2, v[2]).with(3, v[3]))
}

case! {
    /// The normal world's descriptor of the sp carries its manifest's ID, execution-context
    /// count and properties (messaging method, notification receipt, AArch64): the manifest of
    /// the instance the sp says it is (tfa-el3's, or Hafnium's primary partition).
    "setup.sp_view.ns_descriptor_matches_manifest", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET]), since(Version::V1_1), needs(NEEDS_SP);
    fn ns_matches_manifest(ctx) {
        let Some(p) = ctx.find_partition(SP_UUID)? else { fail!("the sp is not listed") };
        let manifest = identify(ctx, p.id)?;
        check_eq!(p.id, manifest.id, "partition ID");
        check_eq!(p.exec_ctx_count, manifest.exec_ctx_count, "execution contexts");
        check_eq!(p.properties.0, manifest.properties(), "partition properties");
        Ok(())
    }
}

case! {
    /// FFA_ID_GET in the sp returns the ID the normal world sees it by.
    "setup.sp_view.self_reported_id_matches", ID_GET,
    abis(&[FuncId::ID_GET, FuncId::PARTITION_INFO_GET]), needs(NEEDS_SP);
    fn self_id(ctx) {
        let ns_view = ctx.partition_id(SP_UUID)?;
        let who = command(ctx, Width::W64, WHOAMI, [0; 4])?;
        check_eq!(who[0], u64::from(ns_view), "the sp's FFA_ID_GET vs its ID in FFA_PARTITION_INFO_GET");
        Ok(())
    }
}

case! {
    /// FFA_ID_GET at the secure virtual instance: FFA_SUCCESS_32, a secure ID (bit 15) in w2, and
    /// w1, w3 MBZ.
    "setup.sp_view.id_get_result_registers", ID_GET, abis(&[FuncId::ID_GET]), needs(NEEDS_SP);
    fn sp_id_get(ctx) {
        let r = sp_call(ctx, FuncId::ID_GET, [0; 3])?;
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_ID_GET from the sp");
        check!(r.w(2) & 0x8000 != 0, "the sp's ID {:#x} lacks bit 15", r.w(2));
        check_eq!(r.w(1), 0, "w1 (MBZ)");
        check_eq!(r.x(3), 0, "x3 (MBZ)");
        Ok(())
    }
}

case! {
    /// FFA_SPM_ID_GET names the same SPMC from the secure side as from the normal world.
    "setup.sp_view.spmc_id_agrees_across_worlds", SPM_ID_GET,
    abis(&[FuncId::SPM_ID_GET]), since(Version::V1_1), needs(NEEDS_SP);
    fn spmc_id(ctx) {
        let ns = ctx.ffa.spm_id_get();
        check_success!(ns, "FFA_SPM_ID_GET from the normal world");
        let r = sp_call(ctx, FuncId::SPM_ID_GET, [0; 3])?;
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_SPM_ID_GET from the sp");
        check_eq!(r.w(2), ns.w(2), "SPMC ID seen by the sp vs the normal world");
        Ok(())
    }
}

case! {
    /// The SPMC answered the sp's FFA_VERSION (its manifest's 1.1) with a compatible version:
    /// major 1, minor at least 1. A smoke check more than a rule that can fail here: TF-A's EL3
    /// SPMC asserts that an SP asks exactly its manifest's version, and the sp stops before
    /// serving when the answer is not a version, so a serving sp has always passed it.
    "setup.sp_view.sp_version_compatible", ffa_harness::spec::VERSION,
    abis(&[FuncId::VERSION]), needs(NEEDS_SP);
    fn sp_version(ctx) {
        let who = command(ctx, Width::W64, WHOAMI, [0; 4])?;
        let Some(v) = Version::from_u32(who[3] as u32) else { fail!("FFA_VERSION returned {:#x} to the sp", who[3]) };
        check!(v.serves(Version::V1_1), "the SPMC's version {v} cannot serve the sp's 1.1");
        Ok(())
    }
}

case! {
    /// The sp's own FFA_PARTITION_INFO_GET(its UUID) into its RX buffer describes it as the normal
    /// world sees it: same ID, execution contexts and properties, 24-byte v1.1 descriptors.
    "setup.sp_view.sp_partition_info_lists_itself", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE]), needs(NEEDS_SP);
    fn sp_listing(ctx) {
        let Some(ns) = ctx.find_partition(SP_UUID)? else { fail!("the sp is not listed") };
        let [lo, hi] = SP_UUID.to_u64_pair();
        let args = [lo, hi, 0, 0];
        let v = command(ctx, Width::W64, PARTITION_INFO, args)?;
        check_eq!(v[0], 1, "partitions listed for the sp's own UUID");
        check_eq!(v[1], 24, "descriptor size (w3) for the v1.1 sp");
        check_eq!(v[2] as u16, ns.id, "ID in the sp's own listing");
        check_eq!((v[2] >> 16) as u16, ns.exec_ctx_count, "execution contexts in the sp's own listing");
        // The sp speaks v1.1 (its manifest); a v1.0 normal world sees only the v1.0 property bits.
        let sp_props = (v[2] >> 32) as u32;
        let comparable = if ctx.version() >= Version::V1_1 { sp_props } else { sp_props & 0x7 };
        check_eq!(
            comparable,
            ns.properties.0,
            "properties in the sp's own listing (as the normal world's version sees them)"
        );
        Ok(())
    }
}

macro_rules! sp_features_case {
    ($id:literal, $fid:expr, $supported:expr, $doc:literal) => {
        case! {
            #[doc = $doc]
            $id, FEATURES, abis(&[FuncId::FEATURES, $fid]), needs(NEEDS_SP);
            run: |ctx| {
                let r = sp_call(ctx, FuncId::FEATURES, [u64::from($fid.0), 0, 0])?;
                if $supported {
                    check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_FEATURES({}) from the sp", $fid);
                } else {
                    ffa_harness::check_error!(r, FfaError::NotSupported, "FFA_FEATURES({}) from the sp", $fid);
                }
                Ok(())
            }
        }
    };
}

sp_features_case!(
    "setup.sp_view.features_msg_wait_supported",
    FuncId::MSG_WAIT,
    true,
    "A partition gives its CPU back with FFA_MSG_WAIT: the SPMC reports it to the sp."
);
sp_features_case!(
    "setup.sp_view.features_direct_resp_32_supported",
    FuncId::MSG_SEND_DIRECT_RESP_32,
    true,
    "A partition that receives direct requests answers with FFA_MSG_SEND_DIRECT_RESP_32."
);
sp_features_case!(
    "setup.sp_view.features_direct_resp_64_supported",
    FuncId::MSG_SEND_DIRECT_RESP_64,
    true,
    "As for the 32-bit response, for 64-bit requests."
);
sp_features_case!(
    "setup.sp_view.features_rx_release_supported",
    FuncId::RX_RELEASE,
    true,
    "FFA_RX_RELEASE is mandatory at every instance."
);
sp_features_case!(
    "setup.sp_view.features_unassigned_id_not_supported",
    FuncId(0xC400_007F),
    false,
    "An unassigned function ID is NOT_SUPPORTED at the secure instance too."
);

case! {
    /// The sp mapped its RX/TX pair at boot: a second FFA_RXTX_MAP from it, of two spare pages of
    /// its own image, is DENIED. Should the SPMC take the second pair, the sp maps its own again
    /// before the case fails.
    "setup.sp_view.sp_second_rxtx_pair_denied", RXTX_MAP,
    abis(&[FuncId::RXTX_MAP_64]), needs(NEEDS_SP);
    fn sp_map_twice(ctx) {
        let reply = command(ctx, Width::W64, MAP_SECOND_PAIR, [0; 4])?;
        let r = Regs::call(FuncId(reply[0] as u32)).with(2, reply[1]);
        ffa_harness::check_error!(r, FfaError::Denied, "FFA_RXTX_MAP_64 from the sp, which has a pair");
        Ok(())
    }
}

/// MAP_SECOND_PAIR: the sp maps two of its spare pages as a second RX/TX pair; x4 = w0 and
/// x5 = w2 of the answer. When that succeeded it unmaps them and maps its own pair again.
const MAP_SECOND_PAIR: u16 = 11;

command!(MAP_SECOND_PAIR, "map-second-pair", |ctx, _| {
    let r = ctx.ffa.rxtx_map(PAGES.spare[0].addr(), PAGES.spare[1].addr(), 1);
    if r.is_success() {
        ctx.ffa.rxtx_unmap();
        let own = ctx.ffa.rxtx_map(PAGES.tx.addr(), PAGES.rx.addr(), 1);
        if !own.is_success() {
            return Reply::call_failed(&own);
        }
    }
    Reply::ok([r.w(0).into(), r.w(2).into(), 0, 0])
});
