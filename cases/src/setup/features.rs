//! FFA_FEATURES (DEN0077A v1.1 13.3): w1 names a function ID (bit 31 set) or a feature ID
//! (bit 31 clear, bits [30:8] MBZ). A supported one returns FFA_SUCCESS with its properties
//! in w2; anything else returns FFA_ERROR(NOT_SUPPORTED).

use crate::common::UPPER_JUNK;
use ffa_harness::ffa::{FeatureId, FfaError, FuncId, Regs};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::spec::{FEATURES, SMC32_UPPER_BITS};
use ffa_harness::{
    check, check_eq, check_error, check_mbz, check_success, expect, Case, CaseResult, Ctx, Expectations, Need, CASES,
};

const ABIS: &[FuncId] = &[FuncId::FEATURES];

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SELF: Case = Case::new("setup.features.reports_itself", FEATURES, reports_itself).abis(ABIS);

/// FFA_FEATURES is mandatory, so it reports itself: FFA_SUCCESS_32 with w2 (interface
/// properties) 0, as it defines none.
fn reports_itself(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.features(FuncId::FEATURES, 0);
    check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_FEATURES(FFA_FEATURES) function");
    check_eq!(r.w(2), 0, "w2 (no properties defined)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static RESULT_MBZ: Case = Case::new("setup.features.result_registers_mbz", FEATURES, result_mbz).abis(ABIS);

/// In FFA_SUCCESS of FFA_FEATURES w1 and w3..w7 are reserved (MBZ).
fn result_mbz(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.features(FuncId::FEATURES, 0);
    check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_FEATURES(FFA_FEATURES) function");
    check_eq!(r.w(1), 0, "w1 (MBZ)");
    check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_FEATURES)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UNUSED_FID: Case =
    Case::new("setup.features.unassigned_function_id_not_supported", FEATURES, unused_fid).abis(ABIS);

/// A function ID inside the FF-A range that no version assigns is not supported: the SMC64
/// forms of SMC32-only ABIs (0xC4000067 for FFA_RXTX_UNMAP, 0xC400007F for
/// FFA_NOTIFICATION_BIND).
fn unused_fid(ctx: &mut Ctx) -> CaseResult {
    for fid in [FuncId(0xC400_0067), FuncId(0xC400_007F)] {
        check!(fid.name().is_none(), "{fid} is assigned");
        check_error!(ctx.ffa.features(fid, 0), FfaError::NotSupported, "FFA_FEATURES({fid})");
    }
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static OUTSIDE_RANGE: Case =
    Case::new("setup.features.function_id_outside_ffa_not_supported", FEATURES, outside_range).abis(ABIS);

/// A function ID that is not an FF-A one (PSCI_VERSION 0x84000000, a vendor SiP call) is not
/// an FF-A interface: NOT_SUPPORTED.
fn outside_range(ctx: &mut Ctx) -> CaseResult {
    for fid in [FuncId(0x8400_0000), FuncId(0x8200_0000)] {
        check_error!(ctx.ffa.features(fid, 0), FfaError::NotSupported, "FFA_FEATURES({fid})");
    }
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UNKNOWN_FEATURE: Case =
    Case::new("setup.features.unknown_feature_id_not_supported", FEATURES, unknown_feature).abis(ABIS);

/// Feature IDs above the defined ones (0x7f) are not supported.
fn unknown_feature(ctx: &mut Ctx) -> CaseResult {
    check_error!(ctx.ffa.feature_id(FeatureId(0x7f)), FfaError::NotSupported, "FFA_FEATURES(feature 0x7f)");
    check_error!(ctx.ffa.feature_id(FeatureId(0)), FfaError::NotSupported, "FFA_FEATURES(feature 0)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static FEATURE_MBZ: Case = Case::new("setup.features.feature_id_reserved_bits_rejected", FEATURES, feature_mbz)
    .abis(ABIS)
    .since(ffa_harness::ffa::Version::V1_1)
    .needs(&[Need::Feature(FeatureId::SRI)]);

/// Bits [30:8] of a feature ID are MBZ: the SRI feature ID with bit 8 set is not a feature the
/// callee may report (Hafnium `ffa_features_feature` answers NOT_SUPPORTED). It runs only
/// where SRI itself is reported, so that the refusal can only come from the reserved bit.
fn feature_mbz(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.feature_id(FeatureId(FeatureId::SRI.0 | 1 << 8));
    check!(r.error().is_some(), "FFA_FEATURES(0x102) must fail, got {}", r.summary());
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static FEATURE_INPUT: Case =
    Case::new("setup.features.feature_id_input_properties_refused_or_ignored", FEATURES, feature_input)
        .abis(ABIS)
        .since(ffa_harness::ffa::Version::V1_1)
        .needs(&[Need::Feature(FeatureId::SRI)]);

/// A feature ID defines no input properties (w2). Implementations differ on a query with
/// w2 != 0 and no DEN0077A sentence read settles it: Hafnium (`ffa_features_feature`)
/// answers NOT_SUPPORTED, OP-TEE 4.10 ignores w2. Both pass; anything else fails: an error
/// other than NOT_SUPPORTED, or a SUCCESS that differs from the answer to w2 = 0. Runs only
/// where SRI is reported, so a refusal can only come from w2.
fn feature_input(ctx: &mut Ctx) -> CaseResult {
    let plain = ctx.ffa.feature_id(FeatureId::SRI);
    let r = ctx.ffa.call(Regs::call(FuncId::FEATURES).with(1, FeatureId::SRI.0.into()).with(2, 1));
    if r.error().is_some() {
        check_error!(r, FfaError::NotSupported, "FFA_FEATURES(SRI, w2 = 1)");
        return Ok(());
    }
    check_eq!(r, plain, "FFA_FEATURES(SRI, w2 = 1), answered, vs FFA_FEATURES(SRI)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static RETRIEVE_NS_BIT: Case = Case::new("setup.features.mem_retrieve_req_ns_bit_input", FEATURES, retrieve_ns_bit)
    .abis(&[FuncId::FEATURES, FuncId::MEM_RETRIEVE_REQ_64])
    .since(ffa_harness::ffa::Version::V1_1);

/// FFA_FEATURES(FFA_MEM_RETRIEVE_REQ) takes an input property from v1.1 on: w2 bit 1 says the
/// caller understands the NS bit of memory attributes. With it set the answer is SUCCESS or
/// NOT_SUPPORTED (Hafnium reports retrieve to v1.1 callers only when the bit is set, TF-A's
/// tests set it and expect SUCCESS where retrieve exists); a SUCCESS carries in w2 bit 0
/// (buffer support), bit 1 (NS bit supported) and bit 2 (hypervisor retrieve), and bits
/// [31:3] are MBZ, as are w3..w7.
fn retrieve_ns_bit(ctx: &mut Ctx) -> CaseResult {
    const NS_BIT_INPUT: u32 = 1 << 1;
    let r = ctx.ffa.features(FuncId::MEM_RETRIEVE_REQ_64, NS_BIT_INPUT);
    if r.is_not_supported() {
        check_error!(r, FfaError::NotSupported, "FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_64, NS bit)");
        return Ok(());
    }
    check_success!(r, "FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_64, NS bit)");
    check_eq!(r.w(2) & !0x7, 0, "w2[31:3] of the answer (MBZ)");
    check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_64, NS bit)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static NPI: Case = Case::new("setup.features.npi_not_reported_to_normal_world", FEATURES, npi)
    .abis(ABIS)
    .since(ffa_harness::ffa::Version::V1_1);

/// The notification pending interrupt is signalled to SP vCPUs: at the non-secure physical
/// instance FFA_FEATURES(NPI) is NOT_SUPPORTED (Hafnium `ffa_features_feature`).
fn npi(ctx: &mut Ctx) -> CaseResult {
    check_error!(ctx.ffa.feature_id(FeatureId::NPI), FfaError::NotSupported, "FFA_FEATURES(NPI) from the normal world");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static MEI: Case = Case::new("setup.features.mei_not_reported_to_normal_world", FEATURES, mei)
    .abis(ABIS)
    .since(ffa_harness::ffa::Version::V1_1);

/// The managed exit interrupt is for SPs that support managed exit: at the non-secure physical
/// instance FFA_FEATURES(MEI) is NOT_SUPPORTED (Hafnium reports it only at the secure virtual
/// instance; TF-A's tests expect an error for MEI and NPI from the normal world).
fn mei(ctx: &mut Ctx) -> CaseResult {
    check_error!(ctx.ffa.feature_id(FeatureId::MEI), FfaError::NotSupported, "FFA_FEATURES(MEI) from the normal world");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SRI: Case = Case::new("setup.features.sri_is_a_valid_interrupt", FEATURES, sri)
    .abis(ABIS)
    .since(ffa_harness::ffa::Version::V1_1)
    .needs(&[Need::Feature(FeatureId::SRI)]);

/// When notifications are supported the normal world learns the schedule receiver interrupt
/// from FFA_FEATURES(SRI): w2 is an interrupt ID the GIC can deliver, i.e. not one of the
/// special INTIDs 1020-1023 nor above them (GIC architecture; the implementations read all
/// use an SGI, Hafnium 8 and OP-TEE 8, but no rule read forbids a PPI or SPI), and w1 and
/// w3..w7 are MBZ.
fn sri(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.feature_id(FeatureId::SRI);
    check_success!(r, "FFA_FEATURES(SRI)");
    check!(r.w(2) < 1020, "SRI interrupt ID {} is not one the GIC can deliver", r.w(2));
    check_eq!(r.w(1), 0, "w1 (MBZ)");
    check_mbz!(r, 3, 7, "FFA_FEATURES(SRI)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static RXTX_PROPS: Case = Case::new("setup.features.rxtx_map_properties_valid", FEATURES, rxtx_props)
    .abis(&[FuncId::FEATURES, FuncId::RXTX_MAP_64])
    .needs(&[Need::Abi(FuncId::RXTX_MAP_64)]);

/// FFA_FEATURES(FFA_RXTX_MAP) w2[1:0] is the minimum buffer size and alignment: 0b00 4K, 0b01
/// 64K, 0b10 16K, 0b11 reserved. Bits [15:2] are MBZ; so are bits [31:16] before v1.2, which
/// gives them to the maximum buffer size.
fn rxtx_props(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.features(FuncId::RXTX_MAP_64, 0);
    check_success!(r, "FFA_FEATURES(FFA_RXTX_MAP_64)");
    check!(r.w(2) & 3 != 3, "w2[1:0] = 0b11 is reserved");
    let reserved = if ctx.version() >= ffa_harness::ffa::Version::V1_2 { 0xfffc } else { !3 };
    check_eq!(r.w(2) & reserved, 0, "reserved bits of w2 for a v{} caller", ctx.version());
    check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_RXTX_MAP_64)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SHARE_PROPS: Case = Case::new("setup.features.mem_share_properties_valid", FEATURES, share_props)
    .abis(&[FuncId::FEATURES, FuncId::MEM_SHARE_64])
    .needs(&[Need::Abi(FuncId::MEM_SHARE_64)]);

/// FFA_FEATURES(FFA_MEM_SHARE) w2 bit 0 says whether the transaction descriptor may be sent
/// in a buffer the endpoint allocated; bits [31:1] are MBZ, as are w3..w7.
fn share_props(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.features(FuncId::MEM_SHARE_64, 0);
    check_success!(r, "FFA_FEATURES(FFA_MEM_SHARE_64)");
    check_eq!(r.w(2) & !1, 0, "w2[31:1] (MBZ)");
    check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_MEM_SHARE_64)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UPPER_BITS: Case = Case::new("setup.features.smc32_upper_bits_ignored", SMC32_UPPER_BITS, upper_bits).abis(ABIS);

/// FFA_FEATURES is an SMC32 call, so the callee ignores bits [63:32] of x1 and x2 (SMCCC):
/// asking for FFA_FEATURES with junk in the upper half of x1 answers as without it.
fn upper_bits(ctx: &mut Ctx) -> CaseResult {
    let clean = ctx.ffa.features(FuncId::FEATURES, 0);
    let junk = ctx
        .ffa
        .call(Regs::call(FuncId::FEATURES).with(1, UPPER_JUNK | u64::from(FuncId::FEATURES.0)).with(2, UPPER_JUNK));
    check!(
        !junk.is_not_supported() || clean.is_not_supported(),
        "junk in x1[63:32] changed the answer: {}",
        junk.summary()
    );
    check_eq!(junk.w(0), clean.w(0), "w0 with junk upper halves vs without");
    check_eq!(junk.w(2), clean.w(2), "w2 with junk upper halves vs without");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static EVERY_FID: Case = Case::new("setup.features.every_function_id_answered", FEATURES, every_fid).abis(ABIS);

/// FFA_FEATURES answers every function ID of v1.0, v1.1 and v1.2 with FFA_SUCCESS_32 or
/// FFA_ERROR(NOT_SUPPORTED), nothing else. (Whether an ABI newer than the caller's version
/// must be hidden from it is not settled by the implementations read: OP-TEE 4.10 and TF-A's
/// EL3 SPMC report v1.1 ABIs to a v1.0 caller; the suite does not assert either way.)
fn every_fid(ctx: &mut Ctx) -> CaseResult {
    let mut e = Expectations::new();
    for &(fid, name, _) in FuncId::ALL {
        let r = ctx.ffa.features(fid, 0);
        let ok = r.func() == FuncId::SUCCESS_32 || r.error() == Some(FfaError::NotSupported);
        expect!(e, ok, "FFA_FEATURES({name}) gave {}", r.summary());
    }
    e.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, success, Script};
    use ffa_harness::ffa::Version;

    #[test]
    fn reserved_feature_bits_fail_when_the_spmc_reports_them() {
        let checks = Script {
            answer: |r| if r.w(1) == FeatureId::SRI.0 { success().with(2, 8) } else { error(FfaError::NotSupported) },
            callee_saved: preserved,
        };
        assert!(run(checks, Version::V1_1, 0x8000, feature_mbz).is_ok());
        let ignores = Script { answer: |_| success().with(2, 8), callee_saved: preserved };
        assert!(run(ignores, Version::V1_1, 0x8000, feature_mbz).is_err());
    }

    #[test]
    fn feature_input_properties_pass_either_reading_and_fail_a_third() {
        let refuses = Script {
            answer: |r| if r.w(2) == 0 { success().with(2, 8) } else { error(FfaError::NotSupported) },
            callee_saved: preserved,
        };
        assert!(run(refuses, Version::V1_1, 0x8000, feature_input).is_ok());
        let ignores = Script { answer: |_| success().with(2, 8), callee_saved: preserved };
        assert!(run(ignores, Version::V1_1, 0x8000, feature_input).is_ok());
        let other = Script {
            answer: |r| if r.w(2) == 0 { success().with(2, 8) } else { error(FfaError::InvalidParameters) },
            callee_saved: preserved,
        };
        assert!(run(other, Version::V1_1, 0x8000, feature_input).is_err());
    }
}
