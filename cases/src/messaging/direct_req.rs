//! FFA_MSG_SEND_DIRECT_REQ from the normal world (DEN0077A v1.1 15.2): w1 = source ID [31:16]
//! and destination ID [15:0], w2 = flags (bit 31 marks a framework message; MBZ otherwise),
//! w3..w7 the payload. Requests that name a destination that cannot receive them, a source
//! the caller cannot use, or reserved flags are refused with FFA_ERROR, in the 32-bit and the
//! 64-bit form alike: each rule is one function, registered once per width.

use crate::common::direct_receiver;
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::spec::{DIRECT_REQ, DIRECT_RESP, MSG_WAIT};
use ffa_harness::{case, check, check_eq, check_error, CaseResult, Ctx};

const REQ_32: FuncId = FuncId::MSG_SEND_DIRECT_REQ_32;
const REQ_64: FuncId = FuncId::MSG_SEND_DIRECT_REQ_64;

fn send(ctx: &Ctx, req: FuncId, src: u16, dst: u16, flags: u32) -> Regs {
    ctx.ffa.call(Regs::direct_req(req, src, dst, flags, [0; 5]))
}

/// A secure ID no partition has (0x8123) cannot receive: INVALID_PARAMETERS.
fn unknown_dst(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    check_error!(send(ctx, req, ctx.session.own_id, 0x8123, 0), FfaError::InvalidParameters, "{req} to 0x8123");
    Ok(())
}

case! {
    "messaging.direct_req.unknown_destination_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| unknown_dst(ctx, REQ_32)
}

case! {
    "messaging.direct_req.unknown_destination_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| unknown_dst(ctx, REQ_64)
}

/// The SPMC is not a partition: a partition message to its ID (FFA_SPM_ID_GET's answer) is
/// INVALID_PARAMETERS.
fn to_spmc(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    let spmc = ctx.session.spmc_id;
    check!(spmc != 0xffff, "FFA_SPM_ID_GET gave no SPMC ID");
    check_error!(
        send(ctx, req, ctx.session.own_id, spmc, 0),
        FfaError::InvalidParameters,
        "{req} to the SPMC {spmc:#x}"
    );
    Ok(())
}

case! {
    "messaging.direct_req.to_spmc_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| to_spmc(ctx, REQ_32)
}

case! {
    "messaging.direct_req.to_spmc_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| to_spmc(ctx, REQ_64)
}

/// An endpoint cannot send a direct request to itself: INVALID_PARAMETERS.
fn to_self(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    let own = ctx.session.own_id;
    check_error!(send(ctx, req, own, own, 0), FfaError::InvalidParameters, "{req} to ourselves ({own:#x})");
    Ok(())
}

case! {
    "messaging.direct_req.to_self_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| to_self(ctx, REQ_32)
}

case! {
    "messaging.direct_req.to_self_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| to_self(ctx, REQ_64)
}

/// The SPMC delivers requests from the normal world to secure partitions only: a request to a
/// normal-world ID (VM 1) through the SPMC is INVALID_PARAMETERS.
fn to_ns(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    check_error!(send(ctx, req, ctx.session.own_id, 0x0001, 0), FfaError::InvalidParameters, "{req} to VM 0x1");
    Ok(())
}

case! {
    "messaging.direct_req.to_normal_world_id_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| to_ns(ctx, REQ_32)
}

case! {
    "messaging.direct_req.to_normal_world_id_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| to_ns(ctx, REQ_64)
}

/// The normal world cannot send as a secure endpoint: a source ID with bit 15 set is
/// INVALID_PARAMETERS.
fn secure_src(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    let receiver = direct_receiver(ctx)?;
    check_error!(send(ctx, req, 0x8005, receiver, 0), FfaError::InvalidParameters, "{req} from source 0x8005");
    Ok(())
}

case! {
    "messaging.direct_req.secure_source_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| secure_src(ctx, REQ_32)
}

case! {
    "messaging.direct_req.secure_source_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| secure_src(ctx, REQ_64)
}

/// w2 is MBZ for a partition message: a request with w2 = 1 is INVALID_PARAMETERS (Hafnium
/// `api_ffa_msg_send_direct_req`, which cites the v1.2 table; TF-A's EL3 SPMC refuses it at
/// every version). Bit 31 alone marks a framework message from v1.1; at v1.0 all of w2 is
/// reserved, so the rule holds there too.
fn flags(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    let receiver = direct_receiver(ctx)?;
    check_error!(send(ctx, req, ctx.session.own_id, receiver, 1), FfaError::InvalidParameters, "{req} with w2 = 1");
    Ok(())
}

case! {
    "messaging.direct_req.reserved_flags_invalid", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| flags(ctx, REQ_32)
}

case! {
    "messaging.direct_req.reserved_flags_invalid_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| flags(ctx, REQ_64)
}

/// A framework message (w2 bit 31) of a type no version defines (0x7f). Whether the SPMC must
/// refuse it is not settled by the implementations, and no DEN0077A sentence read settles it:
/// Hafnium 2.15 (`ffa_direct_msg_handle_framework_msg`) and OP-TEE refuse it with FFA_ERROR,
/// TF-A 2.12's EL3 SPMC and Hafnium 2.12 deliver it to the partition. Both readings pass: an
/// FFA_ERROR, or the receiver's direct response of the request's width, addressed back to us.
/// Anything else (a response from another endpoint, another function) fails.
fn framework(ctx: &mut Ctx, req: FuncId) -> CaseResult {
    let receiver = direct_receiver(ctx)?;
    let own = ctx.session.own_id;
    let r = send(ctx, req, own, receiver, 0x8000_007f);
    if r.error().is_some() {
        return Ok(());
    }
    check_eq!(r.func(), req.direct_response(), "answer to framework message type 0x7f (FFA_ERROR or the response)");
    check_eq!(r.w(1), u32::from(receiver) << 16 | u32::from(own), "w1 of the delivered message's response");
    Ok(())
}

case! {
    "messaging.direct_req.unknown_framework_message_refused_or_delivered", DIRECT_REQ, abis(&[REQ_32]);
    run: |ctx| framework(ctx, REQ_32)
}

case! {
    "messaging.direct_req.unknown_framework_message_refused_or_delivered_64", DIRECT_REQ, abis(&[REQ_64]);
    run: |ctx| framework(ctx, REQ_64)
}

case! {
    /// The normal world has no pending request to answer: FFA_MSG_SEND_DIRECT_RESP from it is
    /// refused with FFA_ERROR.
    "messaging.direct_resp.unsolicited_from_normal_world_refused", DIRECT_RESP,
    abis(&[FuncId::MSG_SEND_DIRECT_RESP_32]);
    fn resp_from_ns(ctx) {
        let receiver = direct_receiver(ctx)?;
        let r = ctx.ffa.call(
            Regs::call(FuncId::MSG_SEND_DIRECT_RESP_32)
                .with(1, (u64::from(ctx.session.own_id) << 16) | u64::from(receiver)),
        );
        check!(r.error().is_some(), "an unsolicited FFA_MSG_SEND_DIRECT_RESP must be refused, got {}", r.summary());
        Ok(())
    }
}

case! {
    "messaging.msg_wait.from_normal_world_refused", MSG_WAIT, abis(&[FuncId::MSG_WAIT]);
    run: msg_wait
}

/// FFA_MSG_WAIT is how a partition gives its CPU back; the non-secure physical instance has no
/// partition to suspend, so the call is refused with FFA_ERROR (the SPMD answers
/// NOT_SUPPORTED).
fn msg_wait(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.call(Regs::call(FuncId::MSG_WAIT));
    check!(r.error().is_some(), "FFA_MSG_WAIT from the normal world must be refused, got {}", r.summary());
    Ok(())
}
