//! Memory management (`memory.*`): FFA_MEM_SHARE, LEND and DONATE from the normal world,
//! FFA_MEM_RECLAIM, the fragmentation ABIs, and (with the suite's sp as the borrower)
//! FFA_MEM_RETRIEVE_REQ and FFA_MEM_RELINQUISH. Every case runs at the negotiated version and
//! writes that version's descriptor layout. A transaction a case leaves open is reclaimed by
//! the executor (the call layer tracks open handles) and fails the case.

mod descriptor;
#[cfg(all(feature = "self-test", target_os = "none"))]
mod faults;
mod features;
mod fragment;
mod hypervisor;
mod lifecycle;
mod permissions;
mod receivers;
mod regions;
mod retrieve;
mod retrieve_access;
#[cfg(test)]
mod tests;
mod versions;

use crate::common::direct_receiver;
use ffa_harness::desc::memory::{
    AccessPerms, Constituent, Descriptor, Handle, MemAttributes, Receiver, Transaction, TransactionFlags,
};
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::memory::send;
use ffa_harness::pages::{pool, PAGE_SIZE};
use ffa_harness::{check_error, fail, Ctx, Failure};

/// The ABIs of a share a borrower retrieves and relinquishes and the sender reclaims.
pub const SHARE_CYCLE_ABIS: &[FuncId] =
    &[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH, FuncId::MEM_RECLAIM];

/// The attributes a sender of `func` asks for: normal write-back inner-shareable for a share;
/// for a lend, "not specified", which DEN0077A v1.1 lets a lender leave to the borrower and
/// OP-TEE requires (`mem_op_init`: a lend's attributes must be 0).
pub fn attributes_for(func: FuncId) -> MemAttributes {
    if matches!(func, FuncId::MEM_SHARE_32 | FuncId::MEM_SHARE_64) {
        MemAttributes::NORMAL_WB_INNER
    } else {
        MemAttributes::NOT_SPECIFIED
    }
}

/// The access a sender of `func` asks for its receiver: read-write for a share or a lend; for a
/// donate, data access "not specified", the receiver becoming the owner (Hafnium
/// `ffa_memory_send_validate` refuses a donate that specifies it).
pub fn access_for(func: FuncId) -> AccessPerms {
    if matches!(func, FuncId::MEM_DONATE_32 | FuncId::MEM_DONATE_64) {
        AccessPerms(AccessPerms::DATA_NOT_SPECIFIED | AccessPerms::INSTR_NOT_SPECIFIED)
    } else {
        AccessPerms::RW
    }
}

/// `count` one-page constituents from pool page `first`, one page apart when `sparse` (so that
/// none merges with the next).
pub fn pool_constituents<const N: usize>(first: usize, sparse: bool) -> [Constituent; N] {
    let step = if sparse { 2 } else { 1 };
    core::array::from_fn(|i| Constituent::new(pool()[first + step * i].addr(), 1))
}

/// A transaction from the caller to `receivers` of `constituents`, as `func` needs it.
pub fn transaction<'a>(
    ctx: &Ctx,
    func: FuncId,
    receivers: &'a [Receiver],
    constituents: &'a [Constituent],
) -> Transaction<'a> {
    Transaction {
        sender: ctx.session.own_id,
        attributes: attributes_for(func),
        flags: TransactionFlags(0),
        handle: Handle(0),
        tag: 0,
        receivers,
        constituents: Some(constituents),
    }
}

/// The receiver every case lends to: the first partition that receives direct requests (the
/// suite's sp, OP-TEE's endpoint), read-write.
pub fn receiver(ctx: &Ctx) -> Result<[Receiver; 1], Failure> {
    Ok([Receiver::new(direct_receiver(ctx)?, AccessPerms::RW)])
}

/// The receiver of a transaction sent with `func`: the first partition that receives direct
/// requests, with the access `access_for(func)` gives it.
pub fn receiver_for(ctx: &Ctx, func: FuncId) -> Result<[Receiver; 1], Failure> {
    Ok([Receiver::new(direct_receiver(ctx)?, access_for(func))])
}

/// Sends `desc` with `func` in fragments of one TX page and returns the handle of the
/// transaction the SPMC accepted.
pub fn send_ok(ctx: &Ctx, func: FuncId, desc: &dyn Descriptor) -> Result<Handle, Failure> {
    let r = send(ctx.ffa, &ctx.pages.tx, func, desc, ctx.session.own_id, PAGE_SIZE)?;
    handle_of(&r, func)
}

/// The handle of a successful send: FFA_SUCCESS with w1 zero, the handle in w2/w3, w4..w7 zero
/// (DEN0077A v1.1 16.2-16.4).
pub fn handle_of(r: &Regs, func: FuncId) -> Result<Handle, Failure> {
    if !r.is_success() {
        fail!("{func} answered {}", r.summary());
    }
    if r.w(1) != 0 || r.nonzero(4, 7).next().is_some() {
        fail!("{func} succeeded with w1 or w4..w7 not zero: {:x?}", &r.0[..8]);
    }
    Ok(Handle::from_words(r.w(2), r.w(3)))
}

/// Shares (or lends or donates, by `func`) `pages` pool pages from `first` with the receiver in
/// one constituent, and returns the handle.
pub fn send_pages(ctx: &Ctx, func: FuncId, first: usize, pages: u32) -> Result<Handle, Failure> {
    send_pages_to(ctx, func, first, pages, direct_receiver(ctx)?)
}

/// Like [`send_pages`], to the partition `borrower`.
pub fn send_pages_to(ctx: &Ctx, func: FuncId, first: usize, pages: u32, borrower: u16) -> Result<Handle, Failure> {
    let to = [Receiver::new(borrower, access_for(func))];
    let constituents = [Constituent::new(pool()[first].addr(), pages)];
    let tx = transaction(ctx, func, &to, &constituents);
    send_ok(ctx, func, &tx.encoded(ctx.session.negotiated))
}

/// Reclaims `handle`: FFA_SUCCESS.
pub fn reclaim_ok(ctx: &Ctx, handle: Handle) -> Result<(), Failure> {
    let r = ctx.ffa.mem_reclaim(handle, 0);
    if !r.is_success() {
        fail!("FFA_MEM_RECLAIM of handle {:#x} answered {}", handle.0, r.summary());
    }
    Ok(())
}

/// Checks that `r` is FFA_ERROR with one of `codes`, whole encoding checked.
pub fn check_refused(r: &Regs, codes: &[FfaError], what: core::fmt::Arguments<'_>) -> Result<(), Failure> {
    match r.error() {
        Some(code) if codes.contains(&code) => {
            check_error!(*r, code, "{what}");
            Ok(())
        }
        _ => fail!("{what}: want FFA_ERROR({codes:?}), got {}", r.summary()),
    }
}

/// Sends the single-fragment descriptor `desc` with `func` and lengths `total` (w1) and
/// `fragment` (w2) as given, and checks the SPMC refuses it with one of `codes`. A transaction
/// it accepts instead stays open and is reclaimed by the executor after the failure.
pub fn send_refused(
    ctx: &Ctx,
    func: FuncId,
    desc: &dyn Descriptor,
    total: usize,
    fragment: usize,
    codes: &[FfaError],
    what: &str,
) -> Result<(), Failure> {
    ffa_harness::memory::write_tx(&ctx.pages.tx, desc, 0, fragment.min(PAGE_SIZE));
    let r = ctx.ffa.mem_send(func, total as u32, fragment as u32);
    check_refused(&r, codes, format_args!("{func} of {what}"))
}
