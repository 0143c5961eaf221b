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

case! {
    /// Only the normal world's scheduler may ask: FFA_NOTIFICATION_INFO_GET_64 from an SP is
    /// refused with FFA_ERROR (Hafnium `api_ffa_notification_info_get`: "Only the receiver's
    /// scheduler can use this interface", NOT_SUPPORTED; any refusal passes) or as an unknown
    /// function. The sp makes the call (its FFA_CALL command).
    "notifications.info_get.from_secure_side_refused", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_64]), since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Partition(crate::sp::SP_UUID)]);
    fn info_get_from_sp(ctx) {
        use crate::sp::{command, Width, FFA_CALL};
        let r = command(ctx, Width::W64, FFA_CALL, [FuncId::NOTIFICATION_INFO_GET_64.0.into(), 0, 0, 0])?;
        let w0 = r[0] as u32;
        ffa_harness::check!(
            w0 == FuncId::ERROR.0 || w0 == u32::MAX,
            "FFA_NOTIFICATION_INFO_GET_64 from the sp: want a refusal, got w0 = {w0:#x} w2 = {:#x}",
            r[2]
        );
        Ok(())
    }
}
