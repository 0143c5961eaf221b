//! Direct messaging with OP-TEE's endpoint, using services every OP-TEE answers (its own
//! protocol, `crate::optee`): what FF-A requires of the response (DEN0077A v1.1 15.3: the
//! response mirrors the request's convention, swaps source and destination, w2 MBZ, and the
//! payload is carried, not interpreted). OP-TEE's own answer values are `interop.optee.*`.

use crate::common::{OPTEE_UUID, UPPER_JUNK};
use crate::optee::{request, ABIS_32, ABIS_64, GET_API_VERSION, NEEDS, UNKNOWN_SERVICE};
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::{DIRECT_RESP, SMC32_UPPER_BITS};
use ffa_harness::{case, check_eq, CaseResult, Ctx};

case! {
    /// A 64-bit direct request is answered with FFA_MSG_SEND_DIRECT_RESP_64 carrying the same
    /// answer as the 32-bit one.
    "messaging.optee.request_64_answered_like_32", DIRECT_RESP, abis(ABIS_64), needs(NEEDS);
    fn api_64(ctx) {
        let narrow = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
        let wide = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_64, GET_API_VERSION)?;
        check_eq!(wide.x(3), u64::from(narrow.w(3)), "x3 of the 64-bit answer vs w3 of the 32-bit one");
        check_eq!(wide.x(4), u64::from(narrow.w(4)), "x4 of the 64-bit answer vs w4 of the 32-bit one");
        Ok(())
    }
}

case! {
    /// A service ID the partition does not know is still answered with a direct response (the
    /// partition's own status in w3), not an FF-A error: FF-A carries the payload, it does not
    /// interpret it.
    "messaging.optee.unknown_service_answered", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    fn unknown(ctx) {
        request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, UNKNOWN_SERVICE)?;
        Ok(())
    }
}

case! {
    /// A hundred requests in a row are each answered, with the same payload as the first: the
    /// partition returns to waiting after every response.
    "messaging.optee.back_to_back_requests", DIRECT_RESP, abis(ABIS_32), needs(NEEDS);
    fn back_to_back(ctx) {
        let first = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
        for i in 1..100 {
            let r = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
            check_eq!(r.0[3..8], first.0[3..8], "payload of answer {i} vs the first");
        }
        Ok(())
    }
}

case! {
    "messaging.optee.smc32_upper_bits_ignored", SMC32_UPPER_BITS, abis(ABIS_32), needs(NEEDS);
    run: upper
}

/// In a 32-bit direct request the upper halves of x3..x7 are not part of the message (SMCCC):
/// junk there does not change the answer (w3..w7 as without it).
fn upper(ctx: &mut Ctx) -> CaseResult {
    let clean = request(ctx, FuncId::MSG_SEND_DIRECT_REQ_32, GET_API_VERSION)?;
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let junk = [UPPER_JUNK | GET_API_VERSION, UPPER_JUNK, UPPER_JUNK, UPPER_JUNK, UPPER_JUNK];
    let r = ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_32, own, optee, junk);
    check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "answer to the request with junk upper halves");
    for i in 3..8 {
        check_eq!(r.w(i), clean.w(i), "w{i} with junk in x3..x7[63:32] vs without");
    }
    Ok(())
}
