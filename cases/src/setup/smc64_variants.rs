//! ABIs defined only in the SMC32 convention have no SMC64 function ID (DEN0077A v1.1 Table
//! "Function IDs"): their SMC64 counterpart is not an FF-A function, and the callee answers
//! it as not implemented (FFA_ERROR NOT_SUPPORTED, or SMCCC's unknown-function value).

use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::{case, check, spec, CaseResult, Ctx};

/// Sends the SMC64 form of `smc32` with the arguments a valid call of `smc32` would carry, so
/// that a callee that wrongly served it as `smc32` would answer with success.
fn rejected(ctx: &mut Ctx, smc32: FuncId) -> CaseResult {
    let smc64 = FuncId(smc32.0 | 1 << 30);
    let w1 = match smc32 {
        FuncId::VERSION => ctx.version().to_u32(),
        FuncId::FEATURES => FuncId::VERSION.0,
        _ => 0,
    };
    let r = ctx.ffa.call(Regs::call(smc64).with(1, w1.into()));
    if smc32 == FuncId::VERSION {
        // Should it have been taken as FFA_VERSION, negotiate ours again.
        ctx.ffa.version(ctx.version());
    }
    if smc32 == FuncId::RXTX_UNMAP && r.is_success() {
        // Should it have been taken as FFA_RXTX_UNMAP, map the harness's pair again.
        ctx.remap_rxtx()?;
    }
    check!(r.is_not_supported(), "{:#010x} (SMC64 form of {smc32}) returned {}", smc64.0, r.summary());
    Ok(())
}

case! {
    "setup.smc64_form.version_not_supported", spec::VERSION, abis(&[FuncId::VERSION]);
    run: |ctx| rejected(ctx, FuncId::VERSION)
}

case! {
    "setup.smc64_form.features_not_supported", spec::FEATURES, abis(&[FuncId::FEATURES]);
    run: |ctx| rejected(ctx, FuncId::FEATURES)
}

case! {
    "setup.smc64_form.id_get_not_supported", spec::ID_GET, abis(&[FuncId::ID_GET]);
    run: |ctx| rejected(ctx, FuncId::ID_GET)
}

case! {
    "setup.smc64_form.rx_release_not_supported", spec::RX_RELEASE, abis(&[FuncId::RX_RELEASE]);
    run: |ctx| rejected(ctx, FuncId::RX_RELEASE)
}

case! {
    "setup.smc64_form.partition_info_get_not_supported", spec::PARTITION_INFO_GET, abis(&[FuncId::PARTITION_INFO_GET]);
    run: |ctx| rejected(ctx, FuncId::PARTITION_INFO_GET)
}

case! {
    "setup.smc64_form.rxtx_unmap_not_supported", spec::RXTX_UNMAP, abis(&[FuncId::RXTX_UNMAP]);
    run: |ctx| rejected(ctx, FuncId::RXTX_UNMAP)
}

case! {
    "setup.smc64_form.spm_id_get_not_supported", spec::SPM_ID_GET, abis(&[FuncId::SPM_ID_GET]), since(Version::V1_1);
    run: |ctx| rejected(ctx, FuncId::SPM_ID_GET)
}

case! {
    "setup.smc64_form.msg_wait_not_supported", spec::MSG_WAIT, abis(&[FuncId::MSG_WAIT]);
    run: |ctx| rejected(ctx, FuncId::MSG_WAIT)
}
