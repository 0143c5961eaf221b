//! FFA_FEATURES (DEN0077A v1.1 13.3): w1 names a function ID (bit 31 set) or a feature ID
//! (bit 31 clear, bits [30:8] MBZ). A supported one returns FFA_SUCCESS with its properties
//! in w2; anything else returns FFA_ERROR(NOT_SUPPORTED).

use crate::common::UPPER_JUNK;
use ffa_harness::ffa::{FeatureId, FfaError, FuncId, Regs};
use ffa_harness::spec::{FEATURES, SMC32_UPPER_BITS};
use ffa_harness::{
    case, check, check_eq, check_error, check_mbz, check_success, expect, CaseResult, Ctx, Expectations, Need,
};

const ABIS: &[FuncId] = &[FuncId::FEATURES];

case! {
    "setup.features.reports_itself", FEATURES, abis(ABIS);
    run: reports_itself
}

/// FFA_FEATURES is mandatory, so it reports itself: FFA_SUCCESS_32 with w2 (interface
/// properties) 0, as it defines none.
fn reports_itself(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.features(FuncId::FEATURES, 0);
    check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_FEATURES(FFA_FEATURES) function");
    check_eq!(r.w(2), 0, "w2 (no properties defined)");
    Ok(())
}

case! {
    /// In FFA_SUCCESS of FFA_FEATURES w1 and w3..w7 are reserved (MBZ).
    "setup.features.result_registers_mbz", FEATURES, abis(ABIS);
    fn result_mbz(ctx) {
        let r = ctx.ffa.features(FuncId::FEATURES, 0);
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_FEATURES(FFA_FEATURES) function");
        check_eq!(r.w(1), 0, "w1 (MBZ)");
        check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_FEATURES)");
        Ok(())
    }
}

case! {
    /// A function ID inside the FF-A range that no version assigns is not supported: the SMC64
    /// forms of SMC32-only ABIs (0xC4000067 for FFA_RXTX_UNMAP, 0xC400007F for
    /// FFA_NOTIFICATION_BIND).
    "setup.features.unassigned_function_id_not_supported", FEATURES, abis(ABIS);
    fn unused_fid(ctx) {
        for fid in [FuncId(0xC400_0067), FuncId(0xC400_007F)] {
            check!(fid.name().is_none(), "{fid} is assigned");
            check_error!(ctx.ffa.features(fid, 0), FfaError::NotSupported, "FFA_FEATURES({fid})");
        }
        Ok(())
    }
}

case! {
    /// A function ID that is not an FF-A one (PSCI_VERSION 0x84000000, a vendor SiP call) is not
    /// an FF-A interface: NOT_SUPPORTED.
    "setup.features.function_id_outside_ffa_not_supported", FEATURES, abis(ABIS);
    fn outside_range(ctx) {
        for fid in [FuncId(0x8400_0000), FuncId(0x8200_0000)] {
            check_error!(ctx.ffa.features(fid, 0), FfaError::NotSupported, "FFA_FEATURES({fid})");
        }
        Ok(())
    }
}

case! {
    /// Feature IDs above the defined ones (0x7f) are not supported.
    "setup.features.unknown_feature_id_not_supported", FEATURES, abis(ABIS);
    fn unknown_feature(ctx) {
        check_error!(ctx.ffa.feature_id(FeatureId(0x7f)), FfaError::NotSupported, "FFA_FEATURES(feature 0x7f)");
        check_error!(ctx.ffa.feature_id(FeatureId(0)), FfaError::NotSupported, "FFA_FEATURES(feature 0)");
        Ok(())
    }
}

case! {
    "setup.features.feature_id_reserved_bits_rejected", FEATURES,
    abis(ABIS), since(ffa_harness::ffa::Version::V1_1), needs(&[Need::Feature(FeatureId::SRI)]);
    run: feature_mbz
}

/// Bits [30:8] of a feature ID are MBZ: the SRI feature ID with bit 8 set is not a feature the
/// callee may report (Hafnium `ffa_features_feature` answers NOT_SUPPORTED). It runs only
/// where SRI itself is reported, so that the refusal can only come from the reserved bit.
fn feature_mbz(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.feature_id(FeatureId(FeatureId::SRI.0 | 1 << 8));
    check!(r.error().is_some(), "FFA_FEATURES(0x102) must fail, got {}", r.summary());
    Ok(())
}

case! {
    "setup.features.feature_id_input_properties_refused_or_ignored", FEATURES,
    abis(ABIS), since(ffa_harness::ffa::Version::V1_1), needs(&[Need::Feature(FeatureId::SRI)]);
    run: feature_input
}

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

case! {
    /// FFA_FEATURES(FFA_MEM_RETRIEVE_REQ) takes an input property from v1.1 on: w2 bit 1 says the
    /// caller understands the NS bit of memory attributes. With it set the answer is SUCCESS or
    /// NOT_SUPPORTED (Hafnium reports retrieve to v1.1 callers only when the bit is set, TF-A's
    /// tests set it and expect SUCCESS where retrieve exists); a SUCCESS carries in w2 bit 0
    /// (buffer support), bit 1 (NS bit supported) and bit 2 (hypervisor retrieve), and bits
    /// [31:3] are MBZ, as are w3..w7.
    "setup.features.mem_retrieve_req_ns_bit_input", FEATURES,
    abis(&[FuncId::FEATURES, FuncId::MEM_RETRIEVE_REQ_64]), since(ffa_harness::ffa::Version::V1_1);
    fn retrieve_ns_bit(ctx) {
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
}

case! {
    /// The notification pending interrupt is signalled to SP vCPUs: at the non-secure physical
    /// instance FFA_FEATURES(NPI) is NOT_SUPPORTED (Hafnium `ffa_features_feature`).
    "setup.features.npi_not_reported_to_normal_world", FEATURES,
    abis(ABIS), since(ffa_harness::ffa::Version::V1_1);
    fn npi(ctx) {
        check_error!(ctx.ffa.feature_id(FeatureId::NPI), FfaError::NotSupported, "FFA_FEATURES(NPI) from the normal world");
        Ok(())
    }
}

case! {
    /// The managed exit interrupt is for SPs that support managed exit: at the non-secure physical
    /// instance FFA_FEATURES(MEI) is NOT_SUPPORTED (Hafnium reports it only at the secure virtual
    /// instance; TF-A's tests expect an error for MEI and NPI from the normal world).
    "setup.features.mei_not_reported_to_normal_world", FEATURES,
    abis(ABIS), since(ffa_harness::ffa::Version::V1_1);
    fn mei(ctx) {
        check_error!(ctx.ffa.feature_id(FeatureId::MEI), FfaError::NotSupported, "FFA_FEATURES(MEI) from the normal world");
        Ok(())
    }
}

case! {
    /// When notifications are supported the normal world learns the schedule receiver interrupt
    /// from FFA_FEATURES(SRI): w2 is an interrupt ID the GIC can deliver, i.e. not one of the
    /// special INTIDs 1020-1023 nor above them (GIC architecture; the implementations read all
    /// use an SGI, Hafnium 8 and OP-TEE 8, but no rule read forbids a PPI or SPI), and w1 and
    /// w3..w7 are MBZ.
    "setup.features.sri_is_a_valid_interrupt", FEATURES,
    abis(ABIS), since(ffa_harness::ffa::Version::V1_1), needs(&[Need::Feature(FeatureId::SRI)]);
    fn sri(ctx) {
        let r = ctx.ffa.feature_id(FeatureId::SRI);
        check_success!(r, "FFA_FEATURES(SRI)");
        check!(r.w(2) < 1020, "SRI interrupt ID {} is not one the GIC can deliver", r.w(2));
        check_eq!(r.w(1), 0, "w1 (MBZ)");
        check_mbz!(r, 3, 7, "FFA_FEATURES(SRI)");
        Ok(())
    }
}

case! {
    /// FFA_FEATURES(FFA_RXTX_MAP) w2[1:0] is the minimum buffer size and alignment: 0b00 4K, 0b01
    /// 64K, 0b10 16K, 0b11 reserved. Bits [15:2] are MBZ; so are bits [31:16] before v1.2, which
    /// gives them to the maximum buffer size.
    "setup.features.rxtx_map_properties_valid", FEATURES,
    abis(&[FuncId::FEATURES, FuncId::RXTX_MAP_64]), needs(&[Need::Abi(FuncId::RXTX_MAP_64)]);
    fn rxtx_props(ctx) {
        let r = ctx.ffa.features(FuncId::RXTX_MAP_64, 0);
        check_success!(r, "FFA_FEATURES(FFA_RXTX_MAP_64)");
        check!(r.w(2) & 3 != 3, "w2[1:0] = 0b11 is reserved");
        let reserved = if ctx.version() >= ffa_harness::ffa::Version::V1_2 { 0xfffc } else { !3 };
        check_eq!(r.w(2) & reserved, 0, "reserved bits of w2 for a v{} caller", ctx.version());
        check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_RXTX_MAP_64)");
        Ok(())
    }
}

case! {
    /// FFA_FEATURES(FFA_MEM_SHARE) w2 bit 0 says whether the transaction descriptor may be sent
    /// in a buffer the endpoint allocated; bits [31:1] are MBZ, as are w3..w7.
    "setup.features.mem_share_properties_valid", FEATURES,
    abis(&[FuncId::FEATURES, FuncId::MEM_SHARE_64]), needs(&[Need::Abi(FuncId::MEM_SHARE_64)]);
    fn share_props(ctx) {
        let r = ctx.ffa.features(FuncId::MEM_SHARE_64, 0);
        check_success!(r, "FFA_FEATURES(FFA_MEM_SHARE_64)");
        check_eq!(r.w(2) & !1, 0, "w2[31:1] (MBZ)");
        check_mbz!(r, 3, 7, "FFA_FEATURES(FFA_MEM_SHARE_64)");
        Ok(())
    }
}

case! {
    /// FFA_FEATURES is an SMC32 call, so the callee ignores bits [63:32] of x1 and x2 (SMCCC):
    /// asking for FFA_FEATURES with junk in the upper half of x1 answers as without it.
    "setup.features.smc32_upper_bits_ignored", SMC32_UPPER_BITS, abis(ABIS);
    fn upper_bits(ctx) {
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
}

case! {
    /// FFA_FEATURES answers every function ID of v1.0, v1.1 and v1.2 with FFA_SUCCESS_32 or
    /// FFA_ERROR(NOT_SUPPORTED), nothing else. (Whether an ABI newer than the caller's version
    /// must be hidden from it is not settled by the implementations read: OP-TEE 4.10 and TF-A's
    /// EL3 SPMC report v1.1 ABIs to a v1.0 caller; the suite does not assert either way.)
    "setup.features.every_function_id_answered", FEATURES, abis(ABIS);
    fn every_fid(ctx) {
        let mut e = Expectations::new();
        for &(fid, name, _) in FuncId::ALL {
            let r = ctx.ffa.features(fid, 0);
            let ok = r.func() == FuncId::SUCCESS_32 || r.error() == Some(FfaError::NotSupported);
            expect!(e, ok, "FFA_FEATURES({name}) gave {}", r.summary());
        }
        e.done()
    }
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
