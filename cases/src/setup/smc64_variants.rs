//! ABIs defined only in the SMC32 convention have no SMC64 function ID (DEN0077A v1.1 Table
//! "Function IDs"): their SMC64 counterpart is not an FF-A function, and the callee answers
//! it as not implemented (FFA_ERROR NOT_SUPPORTED, or SMCCC's unknown-function value).

use crate::common::is_not_supported;
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::{check, Case, CaseResult, Ctx, CASES};

fn rejected(ctx: &mut Ctx, smc32: FuncId) -> CaseResult {
    let smc64 = FuncId(smc32.0 | 1 << 30);
    let r = ctx.ffa.call(Regs::call(smc64));
    check!(is_not_supported(&r), "{:#010x} (SMC64 form of {smc32}) returned {}", smc64.0, r.summary());
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
