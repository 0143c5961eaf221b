//! The ns side of OP-TEE's FF-A endpoint: its protocol's service IDs (OP-TEE
//! `core/arch/arm/include/optee_ffa.h`: w3 holds the service ID, the answer comes in
//! FFA_MSG_SEND_DIRECT_RESP with the results in w3..w7) and the request that checks the FF-A
//! envelope of the answer. `messaging.optee.*` uses it for FF-A's rules, `interop.optee.*` for
//! OP-TEE's own.

use crate::common::{check_direct_response, OPTEE_UUID};
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::{Ctx, Failure, Need};

/// OPTEE_FFA_GET_API_VERSION: returns the OP-TEE FF-A ABI major in w3 and minor in w4.
pub const GET_API_VERSION: u64 = 0;
/// OPTEE_FFA_GET_OS_VERSION: returns the OP-TEE OS major in w3 and minor in w4.
pub const GET_OS_VERSION: u64 = 1;
/// OPTEE_FFA_EXCHANGE_CAPABILITIES: w3 = 0 on success.
pub const EXCHANGE_CAPABILITIES: u64 = 2;
/// A service ID OP-TEE does not define.
pub const UNKNOWN_SERVICE: u64 = 0x7ff0;

/// Cases that talk to OP-TEE need its endpoint.
pub const NEEDS: &[Need] = &[Need::Partition(OPTEE_UUID)];
/// The 32-bit direct request and response.
pub const ABIS_32: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32];
/// The 64-bit direct request and response.
pub const ABIS_64: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64];

/// Sends `service` to OP-TEE and checks the FF-A envelope of the answer: a direct response of
/// the request's width, from OP-TEE to the caller, w2 MBZ (DEN0077A v1.1 15.3).
pub fn request(ctx: &mut Ctx, req: FuncId, service: u64) -> Result<Regs, Failure> {
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let r = ctx.ffa.direct_req(req, own, optee, [service, 0, 0, 0, 0]);
    check_direct_response(&r, req, optee, own)?;
    Ok(r)
}
