//! x8..x17 in v1.2 direct messaging. FF-A v1.2 extends the SMCCC register set of its ABIs to
//! x17; in FFA_MSG_SEND_DIRECT_REQ and RESP only x0..x7 carry the message, and x8..x17 are
//! reserved: a v1.2 endpoint must leave them zero (Hafnium refuses a response with non-zero
//! x8..x17 from a v1.2 partition, `api_ffa_msg_send_direct_resp_validate_args`: "x8-x17 SBZ if
//! caller's FF-A version >= FF-A v1.2"), and what a v1.2 caller receives there is no secure
//! register content (Hafnium forwards x8..x17 only for REQ2, `api_ffa_dir_msg_value`).

use crate::common::direct_receiver;
use crate::sp::{exchange, Width, NEEDS_SP};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::spec::DIRECT_RESP;
use ffa_harness::{case, check_eq, command, fail, CaseResult};

/// JUNK_EXTENDED_RESPONSE: the sp answers the request itself with a direct response (status
/// Ok, x4 = 1) whose x8..x17 hold [`JUNK`]. When the SPMC refuses that, the sp answers properly
/// with x4 = 0, x5 = w0 and x6 = w2 of the refusal.
const JUNK_EXTENDED_RESPONSE: u16 = 31;
/// What the sp puts in x8..x17.
const JUNK: u64 = 0xdead_beef_5a5a_a5a5;

command!(JUNK_EXTENDED_RESPONSE, "junk-extended-response", junk_extended_response);

fn junk_extended_response(ctx: &mut SpCtx, req: &Request) -> Reply {
    let mut resp = req.response(Reply::ok([1, 0, 0, 0]));
    resp.0[8..].fill(JUNK);
    let r = ctx.ffa.call(resp);
    if r.func().is_direct_request() {
        // The SPMC delivered the response and this is the next request.
        ctx.next = Some(r);
        return Reply::status(Status::Ok);
    }
    Reply::ok([0, r.w(0).into(), r.w(2).into(), 0])
}

/// Checks that x8..x17 of a direct response to a v1.2 caller are zero.
fn extended_zero(r: &Regs, what: &str) -> CaseResult {
    if let Some((i, v)) = r.nonzero(8, 17).next() {
        fail!("x{i} of {what} is reserved for a v1.2 caller but holds {v:#x}");
    }
    Ok(())
}

case! {
    /// A v1.2 caller's FFA_MSG_SEND_DIRECT_REQ_64 with x4..x17 zero to the first partition that
    /// receives direct requests (OP-TEE reads a zero w3 as its GET_API_VERSION; the sp as an
    /// unknown command) is answered with a direct response whose x8..x17 are zero.
    "messaging.direct_resp.extended_registers_zero_at_v1_2", DIRECT_RESP,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64]), since(Version::V1_2);
    fn response_zero(ctx) {
        let dst = direct_receiver(ctx)?;
        let r = ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_64, ctx.session.own_id, dst, [0; 5]);
        check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_64, "answer of {dst:#x} to a zero FFA_MSG_SEND_DIRECT_REQ_64");
        extended_zero(&r, "the direct response")
    }
}

case! {
    /// The sp answers with junk in x8..x17 of its FFA_MSG_SEND_DIRECT_RESP_64. The SPMC either
    /// refuses that response (Hafnium does for a v1.2 partition; the suite's sp is v1.1, see its
    /// manifest) or delivers it to the v1.2 normal world without the junk: x8..x17 zero.
    "messaging.sp.response_extended_registers_not_forwarded", DIRECT_RESP,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64]), since(Version::V1_2), needs(NEEDS_SP);
    fn sp_junk_not_forwarded(ctx) {
        let (r, reply) = exchange(ctx, Width::W64, JUNK_EXTENDED_RESPONSE, [0; 4])?;
        check_eq!(reply.status, Status::Ok, "status of the sp's answer");
        match reply.values[0] {
            1 => extended_zero(&r, "the sp's response"),
            0 => {
                check_eq!(reply.values[1] as u32, FuncId::ERROR.0, "what the SPMC answered the sp's junk response");
                Ok(())
            }
            other => fail!("x4 = {other:#x} of the sp's answer is neither 1 (delivered) nor 0 (refused)"),
        }
    }
}
