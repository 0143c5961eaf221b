//! OP-TEE's own protocol over FF-A direct messages (OP-TEE `optee_ffa.h`): the values OP-TEE
//! answers its services with. These are not FF-A rules: they check that the suite and OP-TEE
//! talk, and the matrix shows them apart from conformance (family `interop`).

use crate::optee::{request, ABIS_32, EXCHANGE_CAPABILITIES, GET_API_VERSION, GET_OS_VERSION, NEEDS, UNKNOWN_SERVICE};
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::DIRECT_RESP;
use ffa_harness::{case, check, check_eq, CaseResult, Ctx};

/// TEE_ERROR_BAD_PARAMETERS, OP-TEE's answer to a service ID it does not know.
const TEE_ERROR_BAD_PARAMETERS: u32 = 0xffff_0006;

case! {
    /// OP-TEE's FF-A ABI (OPTEE_FFA_GET_API_VERSION) is major version 1.
    "interop.optee.api_version_major_1", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    fn api(ctx) {
        let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
        check_eq!(r.w(3), 1, "OP-TEE FF-A ABI major (w3)");
        Ok(())
    }
}

case! {
    "interop.optee.os_version", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    run: os_version
}

/// OP-TEE reports its OS version: a major version of at least 3 (the first with FF-A).
fn os_version(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_OS_VERSION)?;
    check!(r.w(3) >= 3, "OP-TEE OS major version {} (w3)", r.w(3));
    Ok(())
}

case! {
    /// Capability exchange succeeds (w3 = 0) and reports at least one RPC parameter (w4).
    "interop.optee.exchange_capabilities", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    fn caps(ctx) {
        let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, EXCHANGE_CAPABILITIES)?;
        check_eq!(r.w(3), 0, "status (w3)");
        check!(r.w(4) >= 1, "RPC parameter count {} (w4)", r.w(4));
        Ok(())
    }
}

case! {
    "interop.optee.unknown_service_bad_parameters", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    run: unknown
}

/// A service ID OP-TEE does not know is answered with TEE_ERROR_BAD_PARAMETERS in w3.
fn unknown(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, UNKNOWN_SERVICE)?;
    check_eq!(r.w(3), TEE_ERROR_BAD_PARAMETERS, "OP-TEE's status for an unknown service (w3)");
    Ok(())
}
