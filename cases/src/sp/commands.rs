//! The sp commands several case families use: echo, the registers of the previous request,
//! the sp's own view of its session, which instance it is, and an FF-A call made from the
//! secure side.

use ffa_harness::command;
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::ffa::{FuncId, Regs};

use super::partitions;

/// ECHO: answers x4..x7 as received.
pub const ECHO: u16 = 1;
/// LAST_REGS(first): x4..x7 = registers x(first)..x(first+3) of the previous request.
pub const LAST_REGS: u16 = 2;
/// WHOAMI: x4 = own ID (FFA_ID_GET), x5 = version the sp negotiated, x6 = SPMC ID
/// (FFA_SPM_ID_GET), x7 = what FFA_VERSION returned to the sp.
pub const WHOAMI: u16 = 3;
/// FFA_CALL(fid, x1, x2, x3): makes the call from the sp; x4..x7 = x0..x3 of its result.
/// Needs a 64-bit request to carry 64-bit values.
pub const FFA_CALL: u16 = 4;
/// IDENTITY: x4 = the instance's index in [`partitions::ALL`] (the sp image is built as one
/// of them and records which at boot).
pub const IDENTITY: u16 = 70;

command!(ECHO, "echo", |_, req| Reply::ok(core::array::from_fn(|i| req.arg(i))));

command!(LAST_REGS, "last-regs", last_regs);

fn last_regs(ctx: &mut SpCtx, req: &Request) -> Reply {
    let first = req.arg(0) as usize;
    let Some(prev) = ctx.previous else { return Reply::status(Status::BadArguments) };
    if first > 14 {
        return Reply::status(Status::BadArguments);
    }
    Reply::ok(core::array::from_fn(|i| prev.regs.x(first + i)))
}

command!(WHOAMI, "whoami", |ctx, _| {
    let s = ctx.session;
    Reply::ok([s.own_id.into(), s.negotiated.to_u32().into(), s.spmc_id.into(), s.returned.into()])
});

command!(FFA_CALL, "ffa-call", ffa_call);

fn ffa_call(ctx: &mut SpCtx, req: &Request) -> Reply {
    let fid = req.arg(0) as u32;
    let r = ctx.ffa.call(Regs::call(FuncId(fid)).with(1, req.arg(1)).with(2, req.arg(2)).with(3, req.arg(3)));
    Reply::ok([r.x(0), r.x(1), r.x(2), r.x(3)])
}

command!(IDENTITY, "identity", |_, _| {
    let Some(me) = partitions::own() else { return Reply::status(Status::BadArguments) };
    let Some(index) = partitions::ALL.iter().position(|p| p == me) else { return Reply::status(Status::BadArguments) };
    Reply::ok([index as u64, 0, 0, 0])
});
