//! The ns side of our secure test partitions: the instances a stack may run and their
//! manifests ([`partitions`]), how a case finds the primary sp and the others ([`peers`]), the
//! call that sends one a command and checks the FF-A envelope of the answer, and the commands
//! several cases share. Each case family registers the commands only it needs beside its cases.

mod commands;
#[cfg(test)]
mod manifest_tests;
pub mod partitions;
mod peers;

pub use commands::{ECHO, FFA_CALL, IDENTITY, LAST_REGS, WHOAMI};
pub use peers::identify;

use crate::common::check_direct_response;
use core::sync::atomic::{AtomicU32, Ordering};
use ffa_harness::command::{word, Reply, Status};
use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::{check_eq, fail, Ctx, Failure, Need};

/// The primary sp's UUID (the one instance every stack that runs the sp has).
pub const SP_UUID: Uuid = partitions::PRIMARY.uuid;

/// Cases that talk to the sp need it to be present.
pub const NEEDS_SP: &[Need] = &[Need::Partition(SP_UUID)];

/// The width of a direct request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// FFA_MSG_SEND_DIRECT_REQ_32.
    W32,
    /// FFA_MSG_SEND_DIRECT_REQ_64.
    W64,
}

impl Width {
    /// The request function ID.
    pub const fn request(self) -> FuncId {
        match self {
            Width::W32 => FuncId::MSG_SEND_DIRECT_REQ_32,
            Width::W64 => FuncId::MSG_SEND_DIRECT_REQ_64,
        }
    }
}

/// The sp's endpoint ID, 0 until the first case looked it up.
static SP_ID: AtomicU32 = AtomicU32::new(0);

/// The sp's endpoint ID: looked up once per boot with FFA_PARTITION_INFO_GET (cases that
/// exercise that ABI call it themselves), so that a command costs one direct request.
pub fn sp_id(ctx: &Ctx) -> Result<u16, Failure> {
    match SP_ID.load(Ordering::Relaxed) {
        0 => {
            let id = ctx.partition_id(SP_UUID)?;
            SP_ID.store(id.into(), Ordering::Relaxed);
            Ok(id)
        }
        id => Ok(id as u16),
    }
}

/// The raw request registers of command `id` with `args` in x4..x7.
pub fn request(ctx: &Ctx, sp: u16, width: Width, id: u16, args: [u64; 4]) -> Regs {
    Regs::direct_req(width.request(), ctx.session.own_id, sp, 0, [word(id).into(), args[0], args[1], args[2], args[3]])
}

/// Sends command `id` to the sp and checks the answer is a direct response of the request's
/// width from the sp to us with w2 zero (DEN0077A v1.1 15.3) and a protocol status. Returns
/// the raw registers and the decoded reply.
pub fn exchange(ctx: &Ctx, width: Width, id: u16, args: [u64; 4]) -> Result<(Regs, Reply), Failure> {
    exchange_with(ctx, sp_id(ctx)?, width, id, args)
}

/// Like [`exchange`], with the partition whose ID is `sp`.
pub fn exchange_with(ctx: &Ctx, sp: u16, width: Width, id: u16, args: [u64; 4]) -> Result<(Regs, Reply), Failure> {
    let r = ctx.ffa.call(request(ctx, sp, width, id, args));
    check_direct_response(&r, width.request(), sp, ctx.session.own_id)?;
    let Some(reply) = Reply::from_response(&r) else { fail!("w3 {:#x} of the sp's response is no status", r.w(3)) };
    Ok((r, reply))
}

/// Like [`exchange`], and the command must have succeeded.
pub fn command(ctx: &Ctx, width: Width, id: u16, args: [u64; 4]) -> Result<[u64; 4], Failure> {
    command_to(ctx, sp_id(ctx)?, width, id, args)
}

/// Like [`command`], to the partition whose ID is `sp`.
pub fn command_to(ctx: &Ctx, sp: u16, width: Width, id: u16, args: [u64; 4]) -> Result<[u64; 4], Failure> {
    let (_, reply) = exchange_with(ctx, sp, width, id, args)?;
    if reply.status == Status::CallFailed {
        fail!("the sp's FF-A call in command {id} failed: w0 {:#x} w2 {:#x}", reply.values[0], reply.values[1]);
    }
    check_eq!(reply.status, Status::Ok, "status of sp command {id}");
    Ok(reply.values)
}
