//! FFA_NOTIFICATION_INFO_GET (DEN0077A v1.1 17, FFA_NOTIFICATION_INFO_GET): the normal
//! world's scheduler asks which endpoints (and vCPUs) have notifications pending; with none it
//! is FFA_ERROR(NO_DATA) (Hafnium `api_ffa_notification_info_get`, OP-TEE
//! `handle_notification_info_get`). The encoding of a success is decoded by
//! `ffa_harness::notifications`; `notifications.via_sri.*` checks one.

use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::spec::NOTIFICATION_INFO_GET;
use ffa_harness::{case, check_error, CaseResult, Ctx, Need};

/// With nothing pending anywhere, INFO_GET in the form `func` is NO_DATA.
fn no_data(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let r = ctx.ffa.notification_info_get(func);
    check_error!(r, FfaError::NoData, "{func} with nothing pending");
    Ok(())
}

case! {
    "notifications.info_get.nothing_pending_no_data_64", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_64]), since(Version::V1_1), needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64)]);
    run: |ctx| no_data(ctx, FuncId::NOTIFICATION_INFO_GET_64)
}

case! {
    "notifications.info_get.nothing_pending_no_data_32", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_32]), since(Version::V1_1), needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_32)]);
    run: |ctx| no_data(ctx, FuncId::NOTIFICATION_INFO_GET_32)
}
