//! Direct messaging with OP-TEE's endpoint, in OP-TEE's own protocol (`optee_ffa.h`): w3 holds
//! the service ID, the answer comes in FFA_MSG_SEND_DIRECT_RESP with the results in w3..w7.
//! These cases check what FF-A requires of the response (DEN0077A v1.1 15.3: the response
//! mirrors the request's convention, swaps source and destination, w2 MBZ) using services
//! every OP-TEE answers.

use crate::common::{check_direct_response, OPTEE_UUID, UPPER_JUNK};
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::spec::{DIRECT_RESP, SMC32_UPPER_BITS};
use ffa_harness::{check, check_eq, Case, CaseResult, Ctx, Failure, Need, CASES};

/// OPTEE_FFA_GET_API_VERSION: returns the OP-TEE FF-A ABI major in w3 and minor in w4.
const GET_API_VERSION: u64 = 0;
/// OPTEE_FFA_GET_OS_VERSION: returns the OP-TEE OS major in w3 and minor in w4.
const GET_OS_VERSION: u64 = 1;
/// OPTEE_FFA_EXCHANGE_CAPABILITIES: w3 = 0 on success.
const EXCHANGE_CAPABILITIES: u64 = 2;
/// TEE_ERROR_BAD_PARAMETERS, OP-TEE's answer to a service ID it does not know.
const TEE_ERROR_BAD_PARAMETERS: u32 = 0xffff_0006;

const NEEDS: &[Need] = &[Need::Partition(OPTEE_UUID)];
const ABIS_32: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32];
const ABIS_64: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64];

/// Sends `service` to OP-TEE and checks the FF-A envelope of the answer: a direct response of
/// the request's width, from OP-TEE to the caller, w2 MBZ.
fn request(ctx: &mut Ctx, req: FuncId, service: u64) -> Result<Regs, Failure> {
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let r = ctx.ffa.direct_req(req, own, optee, [service, 0, 0, 0, 0]);
    check_direct_response(&r, req, optee, own)?;
    Ok(r)
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static API_32: Case = Case::new("messaging.optee.api_version_32", DIRECT_RESP, api_32).abis(ABIS_32).needs(NEEDS);

/// A 32-bit direct request is answered with FFA_MSG_SEND_DIRECT_RESP_32; OP-TEE's FF-A ABI is
/// major version 1.
fn api_32(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
    check_eq!(r.w(3), 1, "OP-TEE FF-A ABI major (w3)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static API_64: Case = Case::new("messaging.optee.api_version_64", DIRECT_RESP, api_64).abis(ABIS_64).needs(NEEDS);

/// A 64-bit direct request is answered with FFA_MSG_SEND_DIRECT_RESP_64 carrying the same
/// answer as the 32-bit one.
fn api_64(ctx: &mut Ctx) -> CaseResult {
    let narrow = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
    let wide = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_64, GET_API_VERSION)?;
    check_eq!(wide.x(3), u64::from(narrow.w(3)), "x3 of the 64-bit answer vs w3 of the 32-bit one");
    check_eq!(wide.x(4), u64::from(narrow.w(4)), "x4 of the 64-bit answer vs w4 of the 32-bit one");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static OS_VERSION: Case = Case::new("messaging.optee.os_version", DIRECT_RESP, os_version).abis(ABIS_32).needs(NEEDS);

/// OP-TEE reports its OS version: a major version of at least 3 (the first with FF-A).
fn os_version(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_OS_VERSION)?;
    check!(r.w(3) >= 3, "OP-TEE OS major version {} (w3)", r.w(3));
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static CAPS: Case = Case::new("messaging.optee.exchange_capabilities", DIRECT_RESP, caps).abis(ABIS_32).needs(NEEDS);

/// Capability exchange succeeds (w3 = 0) and reports at least one RPC parameter (w4).
fn caps(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, EXCHANGE_CAPABILITIES)?;
    check_eq!(r.w(3), 0, "status (w3)");
    check!(r.w(4) >= 1, "RPC parameter count {} (w4)", r.w(4));
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UNKNOWN: Case =
    Case::new("messaging.optee.unknown_service_answered", DIRECT_RESP, unknown).abis(ABIS_32).needs(NEEDS);

/// A service ID the partition does not know is still answered with a direct response (the
/// partition's own error in w3), not an FF-A error: FF-A carries the payload, it does not
/// interpret it.
fn unknown(ctx: &mut Ctx) -> CaseResult {
    let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, 0x7ff0)?;
    check_eq!(r.w(3), TEE_ERROR_BAD_PARAMETERS, "OP-TEE's status for an unknown service (w3)");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static BACK_TO_BACK: Case =
    Case::new("messaging.optee.back_to_back_requests", DIRECT_RESP, back_to_back).abis(ABIS_32).needs(NEEDS);

/// A hundred requests in a row are each answered: the partition returns to waiting after every
/// response.
fn back_to_back(ctx: &mut Ctx) -> CaseResult {
    for i in 0..100 {
        let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
        check_eq!(r.w(3), 1, "OP-TEE FF-A ABI major on request {i}");
    }
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UPPER: Case =
    Case::new("messaging.optee.smc32_upper_bits_ignored", SMC32_UPPER_BITS, upper).abis(ABIS_32).needs(NEEDS);

/// In a 32-bit direct request the upper halves of x3..x7 are not part of the message: junk
/// there does not change the answer. (OP-TEE 4.10 reads the service ID from all of x3.)
fn upper(ctx: &mut Ctx) -> CaseResult {
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let junk = [UPPER_JUNK | GET_API_VERSION, UPPER_JUNK, UPPER_JUNK, UPPER_JUNK, UPPER_JUNK];
    let r = ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_32, own, optee, junk);
    check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "answer to the request with junk upper halves");
    check_eq!(r.w(3), 1, "OP-TEE FF-A ABI major (w3) with junk in x3[63:32]");
    Ok(())
}
