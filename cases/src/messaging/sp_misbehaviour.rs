//! What the SPMC does when our secure partition breaks the direct-messaging rules while it
//! handles a request (DEN0077A v1.1 15.2-15.3, 14.2): a response to the wrong endpoint, from
//! the wrong source or with reserved flags; FFA_MSG_WAIT instead of a response; and a direct
//! request of its own while one is pending. Each must be refused with FFA_ERROR to the sp,
//! which then answers properly; the normal world only ever sees that proper answer. Where the
//! SPMC lets the bad message through instead, the case fails and the sp serves on (the SPMC's
//! answer becomes its next message). A response of the other width is the exception: no
//! implementation read refuses it, so either reading passes (see `width_mismatch`).

use crate::sp::{exchange, Width, NEEDS_SP};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::spec::{DIRECT_REQ, DIRECT_RESP, MSG_WAIT};
use ffa_harness::{case, check, check_eq, command, fail, CaseResult, Ctx};

/// MISBEHAVE(variant, target): the sp sends the message `variant` names, then reports
/// x4 = w0 and x5 = w2 of what the SPMC answered it.
const MISBEHAVE: u16 = 20;

/// The ways the sp breaks the rules.
#[derive(Clone, Copy)]
#[repr(u64)]
enum Variant {
    /// FFA_MSG_SEND_DIRECT_RESP_64 to a 32-bit request.
    WideResponse = 1,
    /// A response addressed to an endpoint other than the requester (0x0005).
    WrongDestination = 2,
    /// A response with w2 = 1 (reserved for a partition message).
    FlagsSet = 3,
    /// A response whose source is not the sp (0x8123).
    WrongSource = 4,
    /// FFA_MSG_WAIT with the request unanswered.
    MsgWait = 5,
    /// FFA_MSG_SEND_DIRECT_REQ_32 to `target` while the request is pending.
    Request = 6,
    /// FFA_MSG_SEND_DIRECT_RESP_32 (to a 64-bit request).
    NarrowResponse = 7,
}

command!(MISBEHAVE, "misbehave", misbehave);

fn misbehave(ctx: &mut SpCtx, req: &Request) -> Reply {
    let own = u64::from(ctx.session.own_id);
    let requester = u64::from(req.source());
    let resp_32 = Regs::call(FuncId::MSG_SEND_DIRECT_RESP_32).with(1, own << 16 | requester);
    let msg = match req.arg(0) {
        1 => resp_32.with(0, FuncId::MSG_SEND_DIRECT_RESP_64.0.into()),
        2 => resp_32.with(1, own << 16 | 0x0005),
        3 => resp_32.with(2, 1),
        4 => resp_32.with(1, 0x8123 << 16 | requester),
        5 => Regs::call(FuncId::MSG_WAIT),
        6 => Regs::call(FuncId::MSG_SEND_DIRECT_REQ_32).with(1, own << 16 | req.arg(1)),
        7 => resp_32,
        _ => return Reply::status(Status::BadArguments),
    };
    let r = ctx.ffa.call(msg);
    if r.func() == FuncId::MSG_SEND_DIRECT_REQ_32 || r.func() == FuncId::MSG_SEND_DIRECT_REQ_64 {
        // The SPMC took the bad message and this is the next request.
        ctx.next = Some(r);
        return Reply::status(Status::Ok);
    }
    Reply::ok([r.w(0).into(), r.w(2).into(), 0, 0])
}

/// Asks the sp to misbehave and checks that the SPMC refused it with one of `allowed`.
fn spmc_refused(ctx: &mut Ctx, variant: Variant, target: u16, allowed: &[FfaError], what: &str) -> CaseResult {
    let (r, reply) = exchange(ctx, Width::W32, MISBEHAVE, [variant as u64, target.into(), 0, 0])?;
    check_eq!(reply.status, Status::Ok, "status of the sp's report");
    let (w0, w2) = (reply.values[0] as u32, reply.values[1] as u32);
    check_eq!(w0, FuncId::ERROR.0, "what the SPMC answered the sp's {what} (w0; x4..x5 = {:#x} {:#x})", r.x(4), r.x(5));
    let code = FfaError::from_code(w2 as i32);
    check!(allowed.contains(&code), "the SPMC refused the sp's {what} with {code}, want one of {allowed:?}");
    Ok(())
}

const REFUSALS: &[FfaError] = &[FfaError::InvalidParameters, FfaError::Denied];

macro_rules! misbehaviour_case {
    ($id:literal, $section:expr, $variant:expr, $target:expr, $what:literal, $doc:literal) => {
        case! {
            #[doc = $doc]
            $id, $section, abis(&[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32]), needs(NEEDS_SP);
            run: |ctx| spmc_refused(ctx, $variant, $target, REFUSALS, $what)
        }
    };
}

/// The sp answers a request of `width` with a response of the other width (`variant`). No
/// DEN0077A sentence read settles whether the SPMC must refuse that: TF-A 2.12's EL3 SPMC
/// passes it on, and Hafnium's response checks (w2, x8-x17, the framework bit, REQ2/RESP2
/// pairing) do not look at the width either. So both readings pass: the SPMC refuses it (the
/// sp then reports FFA_ERROR in a proper response), or it delivers the response intact, from
/// the sp to us with w2 zero. Anything else (a mangled envelope, another function) fails.
fn width_mismatch(ctx: &mut Ctx, width: Width, variant: Variant) -> CaseResult {
    let sp = crate::sp::sp_id(ctx)?;
    let own = ctx.session.own_id;
    let r = ctx.ffa.call(crate::sp::request(ctx, sp, width, MISBEHAVE, [variant as u64, 0, 0, 0]));
    let other = match width {
        Width::W32 => FuncId::MSG_SEND_DIRECT_RESP_64,
        Width::W64 => FuncId::MSG_SEND_DIRECT_RESP_32,
    };
    check_eq!(r.w(1), u32::from(sp) << 16 | u32::from(own), "w1 of what reached us (sp to us)");
    check_eq!(r.w(2), 0, "w2 of what reached us (MBZ for a partition message)");
    if r.func() == other {
        return Ok(());
    }
    check_eq!(r.func(), width.request().direct_response(), "answer to the request (either width's response)");
    check_eq!(r.w(3), Status::Ok.code(), "status of the sp's report");
    check_eq!(r.w(4), FuncId::ERROR.0, "what the SPMC answered the sp's response of the other width (w0)");
    Ok(())
}

case! {
    /// The sp answers a 32-bit request with FFA_MSG_SEND_DIRECT_RESP_64: the SPMC refuses it
    /// or delivers it intact (both accepted: TF-A's EL3 SPMC passes it on, Hafnium's response
    /// checks do not look at the width; see `width_mismatch`).
    "messaging.sp.response_64_to_request_32_handled", DIRECT_RESP,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_64]), needs(NEEDS_SP);
    run: |ctx| width_mismatch(ctx, Width::W32, Variant::WideResponse)
}

case! {
    /// As `messaging.sp.response_64_to_request_32_handled`, for a 64-bit request answered with
    /// FFA_MSG_SEND_DIRECT_RESP_32.
    "messaging.sp.response_32_to_request_64_handled", DIRECT_RESP,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_32]), needs(NEEDS_SP);
    run: |ctx| width_mismatch(ctx, Width::W64, Variant::NarrowResponse)
}

misbehaviour_case!(
    "messaging.sp.response_wrong_destination_refused",
    DIRECT_RESP,
    Variant::WrongDestination,
    0,
    "response to endpoint 0x5",
    "A response goes to the endpoint that sent the request: one to another endpoint is refused."
);
misbehaviour_case!(
    "messaging.sp.response_reserved_flags_refused",
    DIRECT_RESP,
    Variant::FlagsSet,
    0,
    "response with w2 = 1",
    "w2 of a partition message's response is MBZ: a response with w2 = 1 is refused."
);
misbehaviour_case!(
    "messaging.sp.response_wrong_source_refused",
    DIRECT_RESP,
    Variant::WrongSource,
    0,
    "response claiming source 0x8123",
    "A partition answers as itself: a response whose source ID is not the sp's is refused."
);
misbehaviour_case!(
    "messaging.sp.msg_wait_with_request_pending_refused",
    MSG_WAIT,
    Variant::MsgWait,
    0,
    "FFA_MSG_WAIT with a request unanswered",
    "A partition that received a direct request answers it: FFA_MSG_WAIT instead is refused."
);
misbehaviour_case!(
    "messaging.sp.nested_request_to_itself_refused",
    DIRECT_REQ,
    Variant::Request,
    crate::sp::partitions::PRIMARY.id,
    "direct request to itself",
    "An endpoint cannot send a direct request to itself, nor while it owes a response."
);
case! {
    /// The SPMC is not a partition: a partition message from the sp to the SPMC's ID (what
    /// FFA_SPM_ID_GET returned) is refused.
    "messaging.sp.nested_request_to_spmc_refused", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::SPM_ID_GET]), needs(NEEDS_SP);
    fn nested_spmc(ctx) {
        let spmc = ctx.session.spmc_id;
        check!(spmc != 0xffff, "FFA_SPM_ID_GET failed at boot: the SPMC's ID is unknown");
        spmc_refused(ctx, Variant::Request, spmc, REFUSALS, "direct request to the SPMC's ID")
    }
}
misbehaviour_case!(
    "messaging.sp.nested_request_to_unknown_refused",
    DIRECT_REQ,
    Variant::Request,
    0x8123,
    "direct request to 0x8123",
    "A request to an ID no partition has is refused."
);

case! {
    /// While the sp owes the normal world a response it cannot send the normal world a request of
    /// its own (v1.1 has no direct requests from a secure partition to the normal world): refused.
    /// Should the SPMC deliver it, we answer it so that the sp can go on, and fail.
    "messaging.sp.nested_request_to_requester_refused", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32]), needs(NEEDS_SP);
    fn nested_ns(ctx) {
        let sp = crate::sp::sp_id(ctx)?;
        let own = ctx.session.own_id;
        let mut r =
            ctx.ffa.call(crate::sp::request(ctx, sp, Width::W32, MISBEHAVE, [Variant::Request as u64, own.into(), 0, 0]));
        let mut delivered = false;
        while r.func() == FuncId::MSG_SEND_DIRECT_REQ_32 {
            delivered = true;
            r = ctx.ffa.call(Regs::call(FuncId::MSG_SEND_DIRECT_RESP_32).with(1, u64::from(own) << 16 | u64::from(sp)));
        }
        if delivered {
            fail!("the SPMC delivered the sp's direct request to the normal world, which had a request pending with it");
        }
        check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "the sp's answer");
        check_eq!(r.w(4), FuncId::ERROR.0, "what the SPMC answered the sp's request to the normal world (w0)");
        Ok(())
    }
}
