//! OP-TEE using memory the normal world shared with it, through its own protocol
//! (`optee_ffa.h`): a yielding call (OPTEE_FFA_YIELDING_CALL_WITH_ARG, w4/w5 the handle, w6
//! the offset) reads an `optee_msg_arg` from the shared page, and OP-TEE keeps the handle
//! registered until OPTEE_FFA_UNREGISTER_SHM (w4/w5 the handle). The FF-A side is the
//! reclaim: refused while OP-TEE holds the memory, accepted after it let go
//! (`mobj_ffa_sel1_spmc_reclaim` answers BUSY, FFA_DENIED, while `inactive_refs` is set).

use crate::common::OPTEE_UUID;
use crate::memory::{reclaim_ok, send_pages};
use crate::optee::NEEDS;
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::pages::pool;
use ffa_harness::spec::MEM_RECLAIM;
use ffa_harness::{case, check_eq, check_error, fail, CaseResult, Ctx};

/// OPTEE_FFA_YIELDING_CALL_WITH_ARG: bit 31 (yielding) with ID 0.
const YIELDING_CALL_WITH_ARG: u64 = 1 << 31;
/// OPTEE_FFA_UNREGISTER_SHM.
const UNREGISTER_SHM: u64 = 3;
/// OPTEE_FFA_YIELDING_CALL_RETURN_DONE in w4 of the answer to a yielding call.
const RETURN_DONE: u32 = 0;
/// OPTEE_MSG_CMD_CLOSE_SESSION, and a session ID no session has: OP-TEE answers it in the
/// argument's `ret` without calling back into the normal world.
const CLOSE_SESSION: u32 = 2;
const NO_SESSION: u32 = 0xdead;
/// Offset of `ret` in `struct optee_msg_arg` (cmd, func, session, cancel_id, pad, ret, ...).
const RET: usize = 20;

/// Writes an `optee_msg_arg` closing a session that does not exist at the start of pool page
/// 0, shares the page with OP-TEE and has OP-TEE run it; returns the handle.
fn share_and_use(ctx: &mut Ctx) -> Result<ffa_harness::desc::memory::Handle, ffa_harness::Failure> {
    pool()[0].fill(0);
    pool()[0].write(0, &CLOSE_SESSION.to_le_bytes());
    pool()[0].write(8, &NO_SESSION.to_le_bytes());
    let h = send_pages(ctx, FuncId::MEM_SHARE_32, 0, 1)?;
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let payload = [YIELDING_CALL_WITH_ARG, h.low().into(), h.high().into(), 0, 0];
    let r = ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_32, own, optee, payload);
    if r.func() != FuncId::MSG_SEND_DIRECT_RESP_32 || r.w(3) != 0 || r.w(4) != RETURN_DONE {
        fail!(
            "OP-TEE's yielding call with the shared argument answered {} w3 {:#x} w4 {:#x}",
            r.summary(),
            r.w(3),
            r.w(4)
        );
    }
    if pool()[0].u32_at(RET) == 0 {
        fail!("OP-TEE closed session {NO_SESSION:#x}, which does not exist (ret 0)");
    }
    Ok(h)
}

/// OPTEE_FFA_UNREGISTER_SHM of `h`: w3 = 0.
fn unregister(ctx: &mut Ctx, h: ffa_harness::desc::memory::Handle) -> CaseResult {
    let optee = ctx.partition_id(OPTEE_UUID)?;
    let own = ctx.session.own_id;
    let r = ctx.ffa.direct_req(
        FuncId::MSG_SEND_DIRECT_REQ_32,
        own,
        optee,
        [UNREGISTER_SHM, h.low().into(), h.high().into(), 0, 0],
    );
    check_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "answer to OPTEE_FFA_UNREGISTER_SHM");
    check_eq!(r.w(3), 0, "OPTEE_FFA_UNREGISTER_SHM status (w3)");
    Ok(())
}

case! {
    /// OP-TEE reads a message argument from shared memory and answers in it; it keeps the
    /// memory registered afterwards, so the owner's reclaim is DENIED until
    /// OPTEE_FFA_UNREGISTER_SHM, and succeeds after it.
    "interop.optee.shared_memory_reclaim_after_unregister", MEM_RECLAIM,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM, FuncId::MSG_SEND_DIRECT_REQ_32]), needs(NEEDS);
    fn used_then_reclaimed(ctx) {
        let h = share_and_use(ctx)?;
        let held = ctx.ffa.mem_reclaim(h, 0);
        unregister(ctx, h)?;
        check_error!(held, FfaError::Denied, "FFA_MEM_RECLAIM while OP-TEE holds the memory");
        reclaim_ok(ctx, h)
    }
}

case! {
    /// Memory OP-TEE never used can be unregistered (OP-TEE ignores the unknown registration)
    /// and reclaimed.
    "interop.optee.shared_memory_unused_unregister", MEM_RECLAIM,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM, FuncId::MSG_SEND_DIRECT_REQ_32]), needs(NEEDS);
    fn unused(ctx) {
        let h = send_pages(ctx, FuncId::MEM_SHARE_32, 0, 1)?;
        unregister(ctx, h)?;
        reclaim_ok(ctx, h)
    }
}
