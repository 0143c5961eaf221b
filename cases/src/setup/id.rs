//! FFA_ID_GET and FFA_SPM_ID_GET.

use ffa_harness::ffa::FuncId;
use ffa_harness::linkme::distributed_slice;
use ffa_harness::{check_eq, check_mbz, check_success, Case, CaseResult, Ctx, CASES};

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static ID_GET_NS_IS_ZERO: Case =
    Case::new("setup.id_get.ns_caller_is_zero", "13.8", id_get_ns_is_zero).abis(&[FuncId::ID_GET]);

/// An NS physical instance caller (the hypervisor, here) has endpoint ID 0, returned in
/// w2[15:0] with FFA_SUCCESS; w1 and w3..w7 are MBZ.
fn id_get_ns_is_zero(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.id_get();
    check_success!(r, "FFA_ID_GET");
    check_eq!(r.w(2), 0, "FFA_ID_GET w2 (own ID)");
    check_eq!(r.w(1), 0, "FFA_ID_GET w1 (MBZ)");
    check_mbz!(r, 3, 7, "FFA_ID_GET");
    Ok(())
}
