//! FFA_MSG_SEND2 between two of the suite's partitions (DEN0077A v1.1 15.1): the sp sends to
//! another partition of the suite's image, found as a second partition that declares
//! indirect messaging and answers the suite's WHOAMI command. A stack without one skips.

use super::{drained, pattern_digest, NEEDS, SP_SEED};
use super::{INDIRECT_READ, INDIRECT_SEND};
use crate::common::check_direct_response;
use crate::sp::{request, Width, WHOAMI};
use ffa_harness::command::{Reply, Status};
use ffa_harness::desc::{PartitionProps, Uuid};
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::notifications::SET_DELAY_SRI;
use ffa_harness::spec::MSG_SEND2;
use ffa_harness::{case, check_eq, fail, not_applicable, Ctx, Failure};

/// Command `id` to partition `to`, which must answer it with `Ok`.
fn command_to(ctx: &Ctx, to: u16, id: u16, args: [u64; 4]) -> Result<[u64; 4], Failure> {
    let r = ctx.ffa.call(request(ctx, to, Width::W64, id, args));
    check_direct_response(&r, FuncId::MSG_SEND_DIRECT_REQ_64, to, ctx.session.own_id)?;
    match Reply::from_response(&r) {
        Some(Reply { status: Status::Ok, values }) => Ok(values),
        _ => fail!("partition {to:#x} did not serve command {id}: w3 {:#x}", r.w(3)),
    }
}

/// A partition other than `sp` that receives indirect messages and serves the suite's
/// commands, if there is one.
fn second_sp(ctx: &Ctx, sp: u16) -> Result<Option<u16>, Failure> {
    let listing = ctx.partitions(Uuid::NIL)?;
    let mut candidates = [0u16; 8];
    let mut n = 0;
    for p in listing.iter().filter(|p| p.id != sp && p.properties.has(PartitionProps::INDIRECT_MSG)) {
        if n < candidates.len() {
            candidates[n] = p.id;
            n += 1;
        }
    }
    for &id in &candidates[..n] {
        let r = ctx.ffa.call(request(ctx, id, Width::W64, WHOAMI, [0; 4]));
        if matches!(Reply::from_response(&r), Some(Reply { status: Status::Ok, values }) if values[0] == u64::from(id))
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

case! {
    /// One secure partition's message reaches another's RX buffer with the sender's ID in the
    /// header (15.1; Hafnium handles SP-to-SP FFA_MSG_SEND2 inside the SPMC). Needs a second
    /// partition of the suite (skip without one).
    "messaging.indirect.sp_to_sp.delivered", MSG_SEND2, abis(&[FuncId::MSG_SEND2]), since(Version::V1_1), needs(NEEDS);
    fn delivered(ctx) {
        drained(ctx, |ctx, sp| {
            let Some(other) = second_sp(ctx, sp)? else { not_applicable!("no second partition of the suite receives indirect messages") };
            let v = crate::sp::command(ctx, Width::W64, INDIRECT_SEND, [other.into(), 64, 0, SET_DELAY_SRI.into()])?;
            let read = command_to(ctx, other, INDIRECT_READ, [0; 4]);
            check_eq!(v[0] as u32, FuncId::SUCCESS_32.0, "w0 of the sp's FFA_MSG_SEND2 to {other:#x} (w2 {:#x})", v[1]);
            let got = read?;
            check_eq!(got[0], u64::from(sp) << 16 | u64::from(other), "sender << 16 | receiver in {other:#x}'s RX");
            check_eq!(got[1], 64, "payload size in {other:#x}'s RX");
            check_eq!((got[2] >> 32) as u32, FuncId::SUCCESS_32.0, "w0 of {other:#x}'s FFA_RX_RELEASE");
            check_eq!(got[3], pattern_digest(SP_SEED, 64), "digest of the payload {other:#x} read");
            Ok(())
        })
    }
}
