//! Setup and discovery from every core. An endpoint is one endpoint whatever PE it runs on:
//! its ID, the version the SPMC speaks, what FFA_FEATURES reports and the partitions
//! FFA_PARTITION_INFO_GET lists are properties of the endpoints and the SPMC, not of a core
//! (DEN0077A v1.1 13.9: FFA_ID_GET returns "the ID of the caller"; 13.2, 13.3 and 13.8 carry
//! no per-PE qualification). Each case asks every core at once, released together, and
//! compares the answers with the boot core's.

use ffa_harness::cores::{CoreValue, PerCore};
use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::spec::{FEATURES, ID_GET, PARTITION_INFO_GET, SPM_ID_GET, VERSION};
use ffa_harness::{case, check_eq, check_success, CaseResult, Ctx, Failure, Need};

/// Every core's values equal the boot core's.
fn same_everywhere(all: &PerCore, what: &str) -> CaseResult {
    let first = all.values[0];
    for (core, v) in all.iter() {
        check_eq!(*v, first, "{what} on core {core} against core 0");
    }
    Ok(())
}

case! {
    "setup.id_get.same_on_every_core", ID_GET, abis(&[FuncId::ID_GET]);
    run: id
}

/// FFA_ID_GET returns the caller's endpoint ID on every core, and it is the one the boot
/// core's session has.
fn id(ctx: &mut Ctx) -> CaseResult {
    let all = ctx.on_all_cores(|ctx| {
        let r = ctx.ffa.id_get();
        check_success!(r, "FFA_ID_GET");
        Ok([r.w(2).into(), 0, 0, 0])
    })?;
    same_everywhere(&all, "FFA_ID_GET w2")?;
    check_eq!(all.values[0][0], u64::from(ctx.session.own_id), "FFA_ID_GET w2 against the session's ID");
    Ok(())
}

case! {
    "setup.version.same_on_every_core", VERSION, abis(&[FuncId::VERSION]);
    run: version
}

/// FFA_VERSION with the negotiated version answers the same on every core.
fn version(ctx: &mut Ctx) -> CaseResult {
    let all = ctx.on_all_cores(|ctx| Ok([ctx.ffa.version(ctx.version()).w(0).into(), 0, 0, 0]))?;
    same_everywhere(&all, "FFA_VERSION w0")?;
    check_eq!(all.values[0][0], u64::from(ctx.session.returned), "FFA_VERSION w0 against the boot session's");
    Ok(())
}

/// The functions whose FFA_FEATURES answers are compared: one of each family.
const PROBED: [FuncId; 4] =
    [FuncId::ID_GET, FuncId::RXTX_MAP_64, FuncId::PARTITION_INFO_GET, FuncId::MSG_SEND_DIRECT_REQ_32];

case! {
    "setup.features.same_on_every_core", FEATURES, abis(&[FuncId::FEATURES]);
    run: features
}

/// FFA_FEATURES gives the same w0 and w2 for each probed function on every core.
fn features(ctx: &mut Ctx) -> CaseResult {
    let all = ctx.on_all_cores(|ctx| {
        Ok(PROBED.map(|f| {
            let r = ctx.ffa.features(f, 0);
            u64::from(r.w(0)) << 32 | u64::from(r.w(2))
        }))
    })?;
    same_everywhere(&all, "FFA_FEATURES (w0 << 32 | w2) of ID_GET, RXTX_MAP_64, PARTITION_INFO_GET, DIRECT_REQ_32")
}

case! {
    /// FFA_SPM_ID_GET names the same SPMC on every core.
    "setup.spm_id_get.same_on_every_core", SPM_ID_GET,
    abis(&[FuncId::SPM_ID_GET]), since(Version::V1_1), needs(&[Need::Abi(FuncId::SPM_ID_GET)]);
    fn spm_id(ctx) {
        let all = ctx.on_all_cores(|ctx| {
            let r = ctx.ffa.spm_id_get();
            check_success!(r, "FFA_SPM_ID_GET");
            Ok([r.w(2).into(), 0, 0, 0])
        })?;
        same_everywhere(&all, "FFA_SPM_ID_GET w2")
    }
}

case! {
    "setup.partition_info_get.same_count_on_every_core", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET]), since(Version::V1_1);
    run: count
}

/// The count-only form (w5 bit 0, which leaves RX alone, so every core can ask at once) gives
/// the same count and descriptor size on every core. The flag exists from v1.1: at v1.0 w5 is
/// reserved, so the case starts at v1.1.
fn count(ctx: &mut Ctx) -> CaseResult {
    let all = ctx.on_all_cores(|ctx| {
        let r = ctx.ffa.partition_info_get(Uuid::NIL, 1);
        check_success!(r, "FFA_PARTITION_INFO_GET(nil, count only)");
        Ok([r.w(2).into(), if ctx.version() >= Version::V1_1 { r.w(3).into() } else { 0 }, 0, 0])
    })?;
    same_everywhere(&all, "FFA_PARTITION_INFO_GET count (w2) and size (w3)")
}

case! {
    "setup.partition_info_get.same_on_every_core", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE]);
    run: listing
}

/// The full listing, read through the one RX buffer and so from one core after the other, is
/// the same on every core: the same partitions with the same IDs, execution-context counts,
/// properties and UUIDs.
fn listing(ctx: &mut Ctx) -> CaseResult {
    let first = ctx.on_core(0, digest)?;
    for core in 1..ctx.core_count() {
        check_eq!(
            ctx.on_core(core, digest)?,
            first,
            "listing digest (count, FNV-1a of the descriptors) on core {core}"
        );
    }
    Ok(())
}

/// The listing's count and an FNV-1a digest of every descriptor field.
fn digest(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let l = ctx.partitions(Uuid::NIL)?;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |x: u64| {
        for b in x.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in l.iter() {
        mix(u64::from(p.id) << 16 | u64::from(p.exec_ctx_count));
        mix(p.properties.0.into());
        if let Some(u) = p.uuid {
            let w = u.to_regs();
            mix(u64::from(w[0]) << 32 | u64::from(w[1]));
            mix(u64::from(w[2]) << 32 | u64::from(w[3]));
        }
    }
    Ok([l.count as u64, h, 0, 0])
}
