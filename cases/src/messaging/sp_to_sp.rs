//! Direct messaging between secure partitions (DEN0077A v1.1 15.2-15.3; v1.2 DIRECT_REQ2):
//! the normal world asks one instance of the suite's sp to send a direct request to another
//! (`SEND_DIRECT`, carrying a command of our protocol the receiver serves), and checks what came
//! back to the sender: delivered and answered with source and destination swapped, the
//! receiver seeing the sender's ID, and the SPMC refusing a request to the sender itself or to
//! an ID no partition has. These need two partitions (stacks hafnium-*) and skip elsewhere.

use crate::sp::partitions::{PRIMARY, SECOND, THIRD, UP};
use crate::sp::{command_to, peer_id, sp_id, Width, ECHO, NEEDS_SECOND, NEEDS_SECOND_AND_THIRD, NEEDS_UP};
use ffa_harness::command::{word, word_register, Reply, Request, SpCtx, Status};
use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::spec::{DIRECT_REQ, DIRECT_REQ2};
use ffa_harness::{case, check, check_eq, command, fail, CaseResult, Ctx, Failure};

/// SEND_DIRECT(target | kind << 16 | command << 32, argument, UUID low, UUID high): the sp sends
/// a direct request of `kind` ([`Kind`]) to `target` carrying `command` with its first
/// argument (a REQ2 to the UUID), and answers x4 = w0 | w2 << 32 of what came back, x5 = w1,
/// x6 = the status word (w3, w4 of a RESP2), x7 = the first result (x4, x5 of a RESP2).
const SEND_DIRECT: u16 = 71;
/// OWN_REQUEST: x4 = w1 | w0 << 32 of the request that carried this command (the receiver's
/// view of who sent it what).
const OWN_REQUEST: u16 = 72;

/// The kind of direct request the sp sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
enum Kind {
    Req32 = 0,
    Req64 = 1,
    Req2 = 2,
}

impl Kind {
    const fn func(self) -> FuncId {
        match self {
            Kind::Req32 => FuncId::MSG_SEND_DIRECT_REQ_32,
            Kind::Req64 => FuncId::MSG_SEND_DIRECT_REQ_64,
            Kind::Req2 => FuncId::MSG_SEND_DIRECT_REQ2_64,
        }
    }
}

command!(SEND_DIRECT, "send-direct", send_direct);

fn send_direct(ctx: &mut SpCtx, req: &Request) -> Reply {
    let (target, kind, cmd) = (req.arg(0) as u16, (req.arg(0) >> 16) as u16, (req.arg(0) >> 32) as u16);
    let w1 = u64::from(ctx.session.own_id) << 16 | u64::from(target);
    let msg = match kind {
        0 | 1 => {
            let func = if kind == 0 { Kind::Req32.func() } else { Kind::Req64.func() };
            Regs::direct_req(func, ctx.session.own_id, target, 0, [word(cmd).into(), req.arg(1), 0, 0, 0])
        }
        2 => Regs::call(Kind::Req2.func())
            .with(1, w1)
            .with(2, req.arg(2))
            .with(3, req.arg(3))
            .with(4, word(cmd).into())
            .with(5, req.arg(1)),
        _ => return Reply::status(Status::BadArguments),
    };
    let r = ctx.ffa.call(msg);
    let at = word_register(r.func());
    Reply::ok([u64::from(r.w(0)) | u64::from(r.w(2)) << 32, r.w(1).into(), r.w(at).into(), r.x(at + 1)])
}

command!(OWN_REQUEST, "own-request", |_, req| Reply::ok([
    u64::from(req.regs.w(1)) | u64::from(req.regs.w(0)) << 32,
    0,
    0,
    0
]));

/// What came back to the sending sp.
struct Answer {
    func: FuncId,
    w1: u32,
    w2: u32,
    status: u32,
    first: u64,
}

impl Answer {
    /// The FF-A error the SPMC answered the sender with, if it did.
    fn error(&self) -> Option<FfaError> {
        (self.func == FuncId::ERROR).then(|| FfaError::from_code(self.w2 as i32))
    }

    /// Checks a delivered answer: the response of `kind` from `receiver` to `sender`, w2 zero
    /// (DEN0077A v1.1 15.3: source and destination swapped; a partition message's flags MBZ),
    /// and our protocol's `Ok` status.
    fn check_delivered(&self, kind: Kind, sender: u16, receiver: u16) -> CaseResult {
        check_eq!(self.func, kind.func().direct_response(), "what the SPMC returned to the sender");
        check_eq!(self.w1, u32::from(receiver) << 16 | u32::from(sender), "w1 of the response (receiver to sender)");
        if kind != Kind::Req2 {
            check_eq!(self.w2, 0, "w2 of the response (MBZ for a partition message)");
        }
        check_eq!(self.status, Status::Ok.code(), "the receiver's status");
        Ok(())
    }
}

/// Has partition `sender` send a `kind` request carrying `cmd(arg)` to `receiver` (a REQ2 to
/// `uuid`).
fn send(ctx: &Ctx, sender: u16, kind: Kind, receiver: u16, cmd: u16, arg: u64, uuid: Uuid) -> Result<Answer, Failure> {
    let [lo, hi] = uuid.to_u64_pair();
    let head = u64::from(receiver) | (kind as u64) << 16 | u64::from(cmd) << 32;
    let v = command_to(ctx, sender, Width::W64, SEND_DIRECT, [head, arg, lo, hi])?;
    Ok(Answer { func: FuncId(v[0] as u32), w1: v[1] as u32, w2: (v[0] >> 32) as u32, status: v[2] as u32, first: v[3] })
}

/// A value that does not fit 32 bits, to see a 32-bit request truncate it.
const VALUE: u64 = 0x1234_5678_9abc_def0;

/// Who sends a `kind` request to whom: the primary sp to the second MP partition, or for a
/// REQ2 (both ends at v1.2) the second to the third; and the receiver's UUID.
fn pair(ctx: &Ctx, kind: Kind) -> Result<(u16, u16, Uuid), Failure> {
    match kind {
        Kind::Req2 => Ok((peer_id(ctx, &SECOND)?, peer_id(ctx, &THIRD)?, THIRD.uuid)),
        _ => Ok((sp_id(ctx)?, peer_id(ctx, &SECOND)?, SECOND.uuid)),
    }
}

/// One partition sends ECHO(VALUE) to another: answered, with the value back (its low 32
/// bits for a 32-bit request).
fn answered(ctx: &mut Ctx, kind: Kind) -> CaseResult {
    let (sender, receiver, uuid) = pair(ctx, kind)?;
    let a = send(ctx, sender, kind, receiver, ECHO, VALUE, uuid)?;
    a.check_delivered(kind, sender, receiver)?;
    let want = if kind == Kind::Req32 { VALUE & 0xffff_ffff } else { VALUE };
    check_eq!(a.first, want, "the value the receiver echoed");
    Ok(())
}

case! {
    /// A partition that sends direct requests may send one to another partition that receives
    /// them (DEN0077A v1.1 15.2): the SPMC runs the receiver, and its response returns to the
    /// sender with source and destination swapped (15.3), 32-bit values intact.
    "messaging.sp_to_sp.direct_req_32_answered", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32]), needs(NEEDS_SECOND);
    run: |ctx| answered(ctx, Kind::Req32)
}

case! {
    /// As for 32 bits, with FFA_MSG_SEND_DIRECT_REQ_64: all 64 bits of x4 reach the receiver and
    /// come back.
    "messaging.sp_to_sp.direct_req_64_answered", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64]), needs(NEEDS_SECOND);
    run: |ctx| answered(ctx, Kind::Req64)
}

/// The receiver's view of a request: w0 is the request's function and w1 names the sender as
/// the source and the receiver as the destination.
fn receiver_sees_sender(ctx: &mut Ctx, kind: Kind) -> CaseResult {
    let (sender, receiver, uuid) = pair(ctx, kind)?;
    let a = send(ctx, sender, kind, receiver, OWN_REQUEST, 0, uuid)?;
    a.check_delivered(kind, sender, receiver)?;
    check_eq!(
        a.first as u32,
        u32::from(sender) << 16 | u32::from(receiver),
        "w1 the receiver got (sender to receiver)"
    );
    if kind != Kind::Req32 {
        check_eq!((a.first >> 32) as u32, kind.func().0, "w0 the receiver got");
    }
    Ok(())
}

case! {
    /// w1 of a direct request carries the sender's ID in [31:16] and the receiver's in [15:0]
    /// (DEN0077A v1.1 15.2): between partitions the SPMC hands the receiver the real sender,
    /// the partition that made the call.
    "messaging.sp_to_sp.receiver_sees_sender_32", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32]), needs(NEEDS_SECOND);
    run: |ctx| receiver_sees_sender(ctx, Kind::Req32)
}

case! {
    /// As for 32 bits, and the receiver sees the 64-bit function ID in w0.
    "messaging.sp_to_sp.receiver_sees_sender_64", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64]), needs(NEEDS_SECOND);
    run: |ctx| receiver_sees_sender(ctx, Kind::Req64)
}

/// What the SPMC may answer a direct request it must refuse: INVALID_PARAMETERS (DEN0077A
/// v1.1 15.2's code for an invalid endpoint ID, what Hafnium returns: src/api.c
/// api_ffa_msg_send_direct_req, plat_ffa_is_direct_request_valid) or DENIED.
const REFUSALS: &[FfaError] = &[FfaError::InvalidParameters, FfaError::Denied];

/// Partition `sender` sends a `kind` request to `receiver` and the SPMC must refuse it.
fn refused(ctx: &Ctx, sender: u16, kind: Kind, receiver: u16, uuid: Uuid, what: &str) -> CaseResult {
    let a = send(ctx, sender, kind, receiver, ECHO, VALUE, uuid)?;
    let Some(code) = a.error() else {
        fail!("{what}: the SPMC answered the sender with {} (w1 {:#x}), not FFA_ERROR", a.func, a.w1)
    };
    check!(REFUSALS.contains(&code), "{what}: refused with {code}, want one of {REFUSALS:?}");
    Ok(())
}

case! {
    /// Sender and receiver of a direct request differ (DEN0077A v1.1 15.2: w1 names two
    /// endpoints): a partition's 64-bit request to its own ID is refused.
    /// (`messaging.sp.nested_request_to_itself_refused` checks the 32-bit one.)
    "messaging.sp_to_sp.to_itself_refused_64", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64]), needs(NEEDS_SECOND);
    fn to_itself(ctx) {
        let me = sp_id(ctx)?;
        refused(ctx, me, Kind::Req64, me, PRIMARY.uuid, "a 64-bit request to itself")
    }
}

/// The ID no partition has: the top of the secure range.
const NO_PARTITION: u16 = 0xfffe;

fn to_unknown(ctx: &mut Ctx, kind: Kind) -> CaseResult {
    let me = sp_id(ctx)?;
    check!(ctx.partitions(Uuid::NIL)?.iter().all(|p| p.id != NO_PARTITION), "a partition has ID {NO_PARTITION:#x}");
    refused(ctx, me, kind, NO_PARTITION, Uuid::NIL, "a request to a non-existent ID")
}

case! {
    /// A direct request's receiver must be an endpoint that exists (DEN0077A v1.1 15.2,
    /// INVALID_PARAMETERS for an invalid receiver): one from a partition to an ID no partition
    /// has is refused.
    "messaging.sp_to_sp.to_unknown_id_refused_32", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32]), needs(NEEDS_SECOND);
    run: |ctx| to_unknown(ctx, Kind::Req32)
}

case! {
    /// As for 32 bits, with a 64-bit request.
    "messaging.sp_to_sp.to_unknown_id_refused_64", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64]), needs(NEEDS_SECOND);
    run: |ctx| to_unknown(ctx, Kind::Req64)
}

/// On this core: the primary sp's context here sends ECHO(core) to the UP partition.
fn to_up_here(ctx: &mut Ctx) -> Result<[u64; 4], Failure> {
    let (sender, receiver) = (sp_id(ctx)?, peer_id(ctx, &UP)?);
    let core = ctx.platform.this_core() as u64;
    let a = send(ctx, sender, Kind::Req64, receiver, ECHO, VALUE ^ core, UP.uuid)?;
    a.check_delivered(Kind::Req64, sender, receiver)?;
    check_eq!(a.first, VALUE ^ core, "the value the UP partition echoed");
    Ok([core, 0, 0, 0])
}

case! {
    /// A UP partition has one execution context, which the SPMC runs on whichever core a
    /// request reaches it from (DEN0077A v1.1 4.x, migratable UP partitions; Hafnium
    /// api_ffa_msg_send_direct_req takes vCPU 0 of a UP receiver on any CPU): an MP
    /// partition's request to it from each core in turn is answered on that core.
    "messaging.sp_to_sp.to_up_partition_from_every_core", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64]), needs(NEEDS_UP);
    fn to_up(ctx) {
        for core in 0..ctx.core_count() {
            let v = ctx.on_core(core, to_up_here)?;
            check_eq!(v[0], core as u64, "the core that sent the request");
        }
        Ok(())
    }
}

case! {
    /// A v1.2 partition that declares sending DIRECT_REQ2 (properties bit 10) may send one to
    /// a partition that declares its receipt (bit 9) by its ID and one of its UUIDs (DEN0077A
    /// v1.2 FFA_MSG_SEND_DIRECT_REQ2): the receiver's RESP2 returns to the sender with source
    /// and destination swapped, the payload from x4 on intact.
    "messaging.sp_to_sp.direct_req2_answered", DIRECT_REQ2,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ2_64, FuncId::MSG_SEND_DIRECT_RESP2_64]), needs(NEEDS_SECOND_AND_THIRD);
    run: |ctx| answered(ctx, Kind::Req2)
}

case! {
    /// As for the other direct requests, the REQ2's receiver sees the sending partition in w1
    /// and the REQ2 function ID in w0.
    "messaging.sp_to_sp.receiver_sees_sender_req2", DIRECT_REQ2,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ2_64]), needs(NEEDS_SECOND_AND_THIRD);
    run: |ctx| receiver_sees_sender(ctx, Kind::Req2)
}

case! {
    /// DIRECT_REQ2 goes to a partition that declares its receipt (v1.2 properties bit 9): the
    /// v1.2 partition's REQ2 to the v1.1 primary sp, which cannot declare it, is refused
    /// (Hafnium plat_ffa_is_direct_request_supported: DENIED for a receiver below v1.2 or
    /// without the REQ2 receive method).
    "messaging.sp_to_sp.direct_req2_to_partition_without_req2_refused", DIRECT_REQ2,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ2_64]), needs(NEEDS_SECOND);
    fn req2_refused(ctx) {
        let (sender, receiver) = (peer_id(ctx, &SECOND)?, sp_id(ctx)?);
        refused(ctx, sender, Kind::Req2, receiver, PRIMARY.uuid, "a REQ2 to a v1.1 partition")
    }
}

case! {
    /// As for the other direct requests, a REQ2 to the sender's own ID (and UUID) is refused.
    "messaging.sp_to_sp.direct_req2_to_itself_refused", DIRECT_REQ2,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ2_64]), needs(NEEDS_SECOND);
    fn req2_to_itself(ctx) {
        let me = peer_id(ctx, &SECOND)?;
        refused(ctx, me, Kind::Req2, me, SECOND.uuid, "a REQ2 to itself")
    }
}
