//! What a borrower may ask for in its retrieve request against what the sender gave
//! (DEN0077A v1.1 10.10.3 data access permissions, 16.5): the suite's sp retrieves a share or
//! a lend asking for more access than it was granted, and for what it was granted, and a
//! share asking to have the memory zeroed.

use super::retrieve::{kind_of, sp_ask, sp_relinquish, wrong_retrieve, Ask, PATTERN};
use super::{reclaim_ok, send_ok, transaction};
use crate::common::direct_receiver;
use crate::sp::NEEDS_SP;
use ffa_harness::desc::memory::{AccessPerms, Constituent, Handle, Receiver, TransactionFlags};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::pages::pool;
use ffa_harness::spec::MEM_RETRIEVE;
use ffa_harness::{case, check, check_eq, fail, CaseResult, Ctx, Failure};

/// Fills pool page 0 with the pattern and sends it with `func`, read-only, to the sp.
fn send_read_only(ctx: &Ctx, func: FuncId) -> Result<Handle, Failure> {
    pool()[0].fill(PATTERN);
    // Instruction access left unspecified: Hafnium refuses any other in a send.
    let to = [Receiver::new(direct_receiver(ctx)?, AccessPerms(AccessPerms::DATA_RO))];
    let c = [Constituent::new(pool()[0].addr(), 1)];
    let tx = transaction(ctx, func, &to, &c);
    send_ok(ctx, func, &tx.encoded(ctx.session.negotiated))
}

/// A read-only grant retrieved read-write: refused. Hafnium answers DENIED, "if the
/// permissions specified by the retriever are not less permissive than those provided by the
/// sender" (`ffa_memory_retrieve_is_memory_access_valid`); INVALID_PARAMETERS is accepted too,
/// the request being one the sender's grant does not allow. TF-A's EL3 SPMC compares no
/// permissions (`spmc_ffa_mem_retrieve_req`) and hands the memory over (its baseline).
fn more_than_granted(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_read_only(ctx, func)?;
    let got = sp_ask(ctx, Ask::of(ctx, h, kind_of(func)))?;
    if got.is_ok() {
        sp_relinquish(ctx, h)?.ok();
    }
    reclaim_ok(ctx, h)?;
    match got {
        Err(FfaError::Denied | FfaError::InvalidParameters) => Ok(()),
        Err(e) => fail!("a read-write retrieve of a read-only grant: want DENIED or INVALID_PARAMETERS, got {e:?}"),
        Ok(_) => fail!("a read-write retrieve of a read-only grant was answered with the memory"),
    }
}

case! {
    /// A share granted read-only, retrieved asking read-write: refused (Hafnium
    /// `ffa_memory_retrieve_is_memory_access_valid`; see `more_than_granted`).
    "memory.retrieve.more_access_than_granted_refused", MEM_RETRIEVE,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| more_than_granted(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.retrieve.more_access_than_granted_refused`, for a lend.
    "memory.retrieve.lend_more_access_than_granted_refused", MEM_RETRIEVE,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| more_than_granted(ctx, FuncId::MEM_LEND_32)
}

/// A read-only grant retrieved read-only: the response grants read-only access, the content
/// is the owner's, the sp writes nothing, and after the relinquish the owner reclaims.
fn as_granted(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_read_only(ctx, func)?;
    let got = sp_ask(ctx, Ask { data: AccessPerms::DATA_RO, ..Ask::of(ctx, h, kind_of(func)) })?;
    let relinquished = if got.is_ok() { sp_relinquish(ctx, h)? } else { Ok(()) };
    reclaim_ok(ctx, h)?;
    let v = match got {
        Ok(v) => v,
        Err(e) => fail!("a read-only retrieve of a read-only grant was refused: {e:?}"),
    };
    check!(v[0] == 0, "the sp refused the response: verdict {} detail {:#x}", v[0] >> 56, v[0] & ((1 << 56) - 1));
    check_eq!((v[3] >> 16) as u8 & 3, AccessPerms::DATA_RO, "the sp's data access in the response");
    check_eq!(relinquished, Ok(()), "the sp's FFA_MEM_RELINQUISH");
    check_eq!(pool()[0].u32_at(0) as u8, PATTERN, "the first byte, which the read-only borrower left alone");
    Ok(())
}

case! {
    /// A share granted read-only and retrieved read-only (10.10.3): answered read-only.
    "memory.retrieve.read_only_share_as_granted", MEM_RETRIEVE,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| as_granted(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.retrieve.read_only_share_as_granted`, for a lend.
    "memory.retrieve.read_only_lend_as_granted", MEM_RETRIEVE,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| as_granted(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// A borrower may not ask the SPMC to zero a share's memory: the owner keeps its access
    /// and its data, and the zero-memory flag belongs to a lend or a donate (10.11.4). Hafnium
    /// refuses it, "Memory Share operation can't clean" (`ffa_memory_retrieve_validate`:
    /// INVALID_PARAMETERS); TF-A's EL3 SPMC takes no request flags but the transaction type
    /// (`spmc_ffa_mem_retrieve_req`: "invalid flags", INVALID_PARAMETERS).
    "memory.retrieve.zero_flag_on_share_invalid", MEM_RETRIEVE,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { flags: a.flags.with(TransactionFlags::ZERO_MEMORY), ..a }, "the zero-memory flag")
}
