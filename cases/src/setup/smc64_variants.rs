//! ABIs defined only in the SMC32 convention have no SMC64 function ID (DEN0077A v1.1 Table
//! "Function IDs"): their SMC64 counterpart is not an FF-A function, and the callee answers
//! it as not implemented (FFA_ERROR NOT_SUPPORTED, or SMCCC's unknown-function value).

use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::{check, Case, CaseResult, Ctx, CASES};

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
    check!(r.is_not_supported(), "{:#010x} (SMC64 form of {smc32}) returned {}", smc64.0, r.summary());
    Ok(())
}

macro_rules! smc64_case {
    ($name:ident, $id:literal, $section:expr, $fid:expr) => {
        #[distributed_slice(CASES)]
        #[linkme(crate = ffa_harness::linkme)]
        static $name: Case = Case::new($id, $section, |ctx| rejected(ctx, $fid)).abis(&[$fid]);
    };
}

smc64_case!(VERSION, "setup.smc64_form.version_not_supported", ffa_harness::spec::VERSION, FuncId::VERSION);
smc64_case!(FEATURES, "setup.smc64_form.features_not_supported", ffa_harness::spec::FEATURES, FuncId::FEATURES);
smc64_case!(ID_GET, "setup.smc64_form.id_get_not_supported", ffa_harness::spec::ID_GET, FuncId::ID_GET);
smc64_case!(RX_RELEASE, "setup.smc64_form.rx_release_not_supported", ffa_harness::spec::RX_RELEASE, FuncId::RX_RELEASE);
smc64_case!(
    PARTITION_INFO_GET,
    "setup.smc64_form.partition_info_get_not_supported",
    ffa_harness::spec::PARTITION_INFO_GET,
    FuncId::PARTITION_INFO_GET
);
