//! FFA_MSG_SEND_DIRECT_REQ2 and RESP2 (DEN0077A v1.2): a 64-bit direct request addressed to a
//! partition ID in w1 and one of its services by UUID in x2/x3 (two-register encoding), with a
//! payload in x4..x17; RESP2 answers it with x2/x3 reserved and its payload in x4..x17. A
//! partition says it receives REQ2 with properties bit 9 (bit 10: it sends them). Hafnium
//! implements both (`api_ffa_msg_send_direct_req`, `api_ffa_msg_send_direct_resp`); TF-A
//! 2.12's EL3 SPMC and OP-TEE 4.10 implement neither and answer FFA_FEATURES with
//! NOT_SUPPORTED, so these cases are `not-supported` there (the sp's manifest can declare REQ2
//! only to an SPMC that knows it: TF-A's EL3 SPMC rejects messaging-method bits other than 0
//! and 1). Under Hafnium they go to the v1.2 partition that declares REQ2 both ways
//! (`sp-second`), elsewhere to the primary sp.

use crate::common::UNKNOWN_UUID;
use crate::sp::partitions::SECOND;
use crate::sp::{exchange_with, sp_id, Width, ECHO, LAST_REGS, SP_UUID};
use ffa_harness::command::{word, Reply, Request, SpCtx, Status};
use ffa_harness::desc::{PartitionProps, Uuid};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::spec::{DIRECT_REQ2, DIRECT_RESP2};
use ffa_harness::{case, check, check_eq, check_error, command, fail, not_applicable, CaseResult, Ctx, Failure, Need};

const REQ2: FuncId = FuncId::MSG_SEND_DIRECT_REQ2_64;
const ABIS: &[FuncId] = &[REQ2, FuncId::MSG_SEND_DIRECT_RESP2_64];
const NEEDS_REQ2: &[Need] = &[Need::Abi(REQ2)];
const NEEDS_REQ2_AND_SP: &[Need] = &[Need::Abi(REQ2), Need::Partition(SP_UUID)];

/// CROSSED_RESPONSE: the sp answers the request with the other kind of response (RESP_64 to a
/// REQ2, RESP2 to a REQ), then reports w0 and w2 of what the SPMC answered it as its first two
/// results (x4/x5 of a RESP, x5/x6 of a RESP2).
const CROSSED_RESPONSE: u16 = 30;
/// What a REQ2 carries in x9..x17, past the command's arguments.
const TAIL: u64 = 0x5a5a_0000_0000_a5a5;

command!(CROSSED_RESPONSE, "crossed-response", crossed);

fn crossed(ctx: &mut SpCtx, req: &Request) -> Reply {
    let func = if req.regs.func() == REQ2 { FuncId::MSG_SEND_DIRECT_RESP_64 } else { FuncId::MSG_SEND_DIRECT_RESP2_64 };
    let w1 = u64::from(ctx.session.own_id) << 16 | u64::from(req.source());
    let r = ctx.ffa.call(Regs::call(func).with(1, w1));
    if r.func().is_direct_request() {
        // The SPMC delivered the crossed response and this is the next request.
        ctx.next = Some(r);
        return Reply::status(Status::Ok);
    }
    Reply::ok([r.w(0).into(), r.w(2).into(), 0, 0])
}

/// A REQ2 from us to `dst` for service `uuid`, with x4..x17 = `payload`.
fn req2(ctx: &Ctx, dst: u16, uuid: Uuid, payload: [u64; 14]) -> Regs {
    let [lo, hi] = uuid.to_u64_pair();
    let mut r = Regs::call(REQ2).with(1, u64::from(ctx.session.own_id) << 16 | u64::from(dst)).with(2, lo).with(3, hi);
    r.0[4..].copy_from_slice(&payload);
    r
}

/// The partition the REQ2 cases address, its ID and UUID: the v1.2 partition that declares
/// REQ2 receive where the stack runs it, else the primary sp.
fn target(ctx: &Ctx) -> Result<(u16, Uuid), Failure> {
    match ctx.find_partition(SECOND.uuid)? {
        Some(p) => Ok((p.id, SECOND.uuid)),
        None => Ok((sp_id(ctx)?, SP_UUID)),
    }
}

/// Sends sp command `id` in a REQ2 to the target's UUID (command word in w4, arguments in x5..x8,
/// `tail` in x9..x17) and checks the envelope of the answer: RESP2 from the sp to us with
/// x2/x3 zero (reserved in RESP2).
fn sp_command2(ctx: &Ctx, id: u16, args: [u64; 4], tail: u64) -> Result<(Regs, Reply), Failure> {
    let (sp, uuid) = target(ctx)?;
    let mut payload = [tail; 14];
    payload[0] = word(id).into();
    payload[1..5].copy_from_slice(&args);
    let r = ctx.ffa.call(req2(ctx, sp, uuid, payload));
    check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP2_64, "answer to FFA_MSG_SEND_DIRECT_REQ2");
    check_eq!(r.w(1), u32::from(sp) << 16 | u32::from(ctx.session.own_id), "w1 of RESP2 (responder to sender)");
    check_eq!((r.x(2), r.x(3)), (0, 0), "x2/x3 of RESP2 (reserved)");
    let Some(reply) = Reply::from_response(&r) else { fail!("w4 {:#x} of the sp's RESP2 is no status", r.w(4)) };
    Ok((r, reply))
}

case! {
    /// A REQ2 to the sp's UUID reaches it with the whole payload: the sp, which declares REQ2
    /// receive (bit 9), echoes x5..x8 in a RESP2, and its LAST_REGS command then reports that
    /// x9..x12 of that request arrived as sent.
    "messaging.direct_req2.sp_echo_by_uuid", DIRECT_REQ2,
    abis(ABIS), since(Version::V1_2), needs(NEEDS_REQ2_AND_SP);
    fn sp_echo(ctx) {
        let (_, uuid) = target(ctx)?;
        let Some(p) = ctx.find_partition(uuid)? else { fail!("the sp {uuid} is not listed") };
        check!(
            p.properties.has(PartitionProps::DIRECT_REQ2_RECV),
            "the sp {:#x} does not declare REQ2 receive (bit 9)",
            p.id
        );
        let args = [1, u64::MAX, 0x1234_5678_9abc_def0, 4];
        let (_, reply) = sp_command2(ctx, ECHO, args, TAIL)?;
        check_eq!(reply, Reply::ok(args), "the sp's echo of x5..x8 over REQ2/RESP2");
        let (_, seen) = sp_command2(ctx, LAST_REGS, [9, 0, 0, 0], 0)?;
        check_eq!(seen, Reply::ok([TAIL; 4]), "x9..x12 of the echo request as the sp received them");
        Ok(())
    }
}

case! {
    /// A REQ2 to the sp's ID for a UUID it does not have is INVALID_PARAMETERS (Hafnium: "UUID
    /// unrecognized for this VM").
    "messaging.direct_req2.unknown_uuid_invalid", DIRECT_REQ2,
    abis(ABIS), since(Version::V1_2), needs(NEEDS_REQ2_AND_SP);
    fn unknown_uuid(ctx) {
        let (sp, _) = target(ctx)?;
        check_error!(
            ctx.ffa.call(req2(ctx, sp, UNKNOWN_UUID, [0; 14])),
            FfaError::InvalidParameters,
            "REQ2 for an unknown UUID"
        );
        Ok(())
    }
}

case! {
    /// A partition whose properties lack REQ2 receive (bit 9) is not sent a REQ2: the request is
    /// refused with FFA_ERROR. Hafnium answers DENIED ("Direct message request not supported");
    /// INVALID_PARAMETERS is accepted too, the code not being settled by a citation. On a stack
    /// where every partition declares bit 9 the case does not apply (skip).
    "messaging.direct_req2.refused_without_req2_receive", DIRECT_REQ2,
    abis(ABIS), since(Version::V1_2), needs(NEEDS_REQ2);
    fn not_declared(ctx) {
        let all = ctx.partitions(Uuid::NIL)?;
        let mut lacking = all.iter().filter(|p| !p.properties.has(PartitionProps::DIRECT_REQ2_RECV)).peekable();
        if lacking.peek().is_none() {
            not_applicable!("every partition declares REQ2 receive (properties bit 9)");
        }
        for p in lacking {
            let r = ctx.ffa.call(req2(ctx, p.id, p.uuid.unwrap_or_default(), [0; 14]));
            let code = r.error();
            check!(
                matches!(code, Some(FfaError::Denied | FfaError::InvalidParameters)),
                "REQ2 to {:#x}, which lacks REQ2 receive: want FFA_ERROR(DENIED or INVALID_PARAMETERS), got {}",
                p.id,
                r.summary()
            );
        }
        Ok(())
    }
}

/// Reads the sp's report of what the SPMC answered its crossed response.
fn crossed_refused(reply: Reply, what: &str) -> CaseResult {
    check_eq!(reply.status, Status::Ok, "status of the sp's report");
    let (w0, w2) = (reply.values[0] as u32, reply.values[1] as u32);
    check_eq!(w0, FuncId::ERROR.0, "what the SPMC answered the sp's {what} (w0; w2 {w2:#x})");
    Ok(())
}

case! {
    /// A REQ2 is answered with RESP2: the sp's FFA_MSG_SEND_DIRECT_RESP_64 to it is refused with
    /// FFA_ERROR (Hafnium: "FFA_MSG_SEND_DIRECT_RESP must be used with FFA_MSG_SEND_DIRECT_REQ"),
    /// and the sp then answers properly.
    "messaging.direct_req2.resp_to_req2_refused", DIRECT_RESP2,
    abis(&[REQ2, FuncId::MSG_SEND_DIRECT_RESP_64]), since(Version::V1_2), needs(NEEDS_REQ2_AND_SP);
    fn resp_to_req2(ctx) {
        let (_, reply) = sp_command2(ctx, CROSSED_RESPONSE, [0; 4], 0)?;
        crossed_refused(reply, "RESP_64 to a REQ2")
    }
}

case! {
    /// RESP2 answers only a REQ2: the sp's FFA_MSG_SEND_DIRECT_RESP2 to a REQ_64 is refused with
    /// FFA_ERROR (Hafnium: "FFA_MSG_SEND_DIRECT_RESP2 must be used with FFA_MSG_SEND_DIRECT_REQ2").
    "messaging.direct_req2.resp2_to_req_refused", DIRECT_RESP2,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP2_64]), since(Version::V1_2), needs(NEEDS_REQ2_AND_SP);
    fn resp2_to_req(ctx) {
        let (sp, _) = target(ctx)?;
        let (_, reply) = exchange_with(ctx, sp, Width::W64, CROSSED_RESPONSE, [0; 4])?;
        crossed_refused(reply, "RESP2 to a REQ_64")
    }
}
