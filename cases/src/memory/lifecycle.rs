//! A transaction's life from the normal world alone: send, reclaim before any borrower
//! retrieved it, and the reclaims that must be refused (DEN0077A v1.1 16.2-16.4 and
//! FFA_MEM_RECLAIM: the owner reclaims a handle no borrower holds; an unknown handle is
//! INVALID_PARAMETERS).

use super::{reclaim_ok, send_pages};
use ffa_harness::desc::memory::Handle;
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::spec::{MEM_DONATE, MEM_LEND, MEM_RECLAIM, MEM_SHARE};
use ffa_harness::{case, check, check_error, CaseResult, Ctx, Need};

const SHARE: &[FuncId] = &[FuncId::MEM_SHARE_32, FuncId::MEM_RECLAIM];
const NEEDS_SHARE: &[Need] = &[Need::Abi(FuncId::MEM_SHARE_32), Need::Abi(FuncId::MEM_RECLAIM)];
const LEND: &[FuncId] = &[FuncId::MEM_LEND_32, FuncId::MEM_RECLAIM];
const NEEDS_LEND: &[Need] = &[Need::Abi(FuncId::MEM_LEND_32), Need::Abi(FuncId::MEM_RECLAIM)];

/// Sends two pool pages with `func` and reclaims them before any borrower retrieved them.
fn send_then_reclaim(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_pages(ctx, func, 0, 2)?;
    reclaim_ok(ctx, h)
}

case! {
    /// The owner may reclaim a shared region no borrower retrieved: FFA_SUCCESS, handle in w2/w3.
    "memory.share.reclaim_before_retrieve", MEM_SHARE, abis(SHARE), needs(NEEDS_SHARE);
    run: |ctx| send_then_reclaim(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.reclaim_before_retrieve`, with the SMC64 function ID.
    "memory.share.reclaim_before_retrieve_64", MEM_SHARE,
    abis(&[FuncId::MEM_SHARE_64, FuncId::MEM_RECLAIM]), needs(&[Need::Abi(FuncId::MEM_SHARE_64)]);
    run: |ctx| send_then_reclaim(ctx, FuncId::MEM_SHARE_64)
}

case! {
    /// The owner may reclaim a lent region no borrower retrieved.
    "memory.lend.reclaim_before_retrieve", MEM_LEND,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RECLAIM]), needs(&[Need::Abi(FuncId::MEM_LEND_32)]);
    run: |ctx| send_then_reclaim(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// The owner may reclaim a donated region no borrower retrieved yet (ownership moves at
    /// the retrieve). TF-A's EL3 SPMC and OP-TEE implement no donate: not-supported there.
    "memory.donate.reclaim_before_retrieve", MEM_DONATE,
    abis(&[FuncId::MEM_DONATE_32, FuncId::MEM_RECLAIM]), needs(&[Need::Abi(FuncId::MEM_DONATE_32)]);
    run: |ctx| send_then_reclaim(ctx, FuncId::MEM_DONATE_32)
}

/// The rule of `memory.reclaim.twice_invalid` for a transaction sent with `func`.
fn twice(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_pages(ctx, func, 0, 1)?;
    reclaim_ok(ctx, h)?;
    check_error!(ctx.ffa.mem_reclaim(h, 0), FfaError::InvalidParameters, "a second FFA_MEM_RECLAIM of {:#x}", h.0);
    Ok(())
}

case! {
    /// A reclaimed handle is gone: reclaiming it again is INVALID_PARAMETERS.
    "memory.reclaim.twice_invalid", MEM_RECLAIM, abis(SHARE), needs(NEEDS_SHARE);
    run: |ctx| twice(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.reclaim.twice_invalid`, for a lend.
    "memory.reclaim.lend_twice_invalid", MEM_RECLAIM, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| twice(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// A handle the SPMC never gave out is INVALID_PARAMETERS.
    "memory.reclaim.unknown_handle_invalid", MEM_RECLAIM, abis(&[FuncId::MEM_RECLAIM]),
    needs(&[Need::Abi(FuncId::MEM_RECLAIM)]);
    fn unknown(ctx) {
        let h = Handle(0x0bad_c0de_0000_0777);
        check_error!(ctx.ffa.mem_reclaim(h, 0), FfaError::InvalidParameters, "FFA_MEM_RECLAIM of a made-up handle");
        Ok(())
    }
}

/// The rule of `memory.reclaim.reserved_flag_invalid` for a transaction sent with `func`.
fn reserved_flag(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_pages(ctx, func, 0, 1)?;
    check_error!(ctx.ffa.mem_reclaim(h, 1 << 31), FfaError::InvalidParameters, "FFA_MEM_RECLAIM with flags bit 31");
    reclaim_ok(ctx, h)
}

case! {
    /// FFA_MEM_RECLAIM's flags define bits 0 (zero memory) and 1 (time slicing); bit 31 is
    /// reserved (MBZ): INVALID_PARAMETERS, and the transaction stays reclaimable.
    "memory.reclaim.reserved_flag_invalid", MEM_RECLAIM, abis(SHARE), needs(NEEDS_SHARE);
    run: |ctx| reserved_flag(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.reclaim.reserved_flag_invalid`, for a lend.
    "memory.reclaim.lend_reserved_flag_invalid", MEM_RECLAIM, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| reserved_flag(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.handles_distinct` for a transaction sent with `func`.
fn distinct(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let a = send_pages(ctx, func, 0, 1)?;
    let b = send_pages(ctx, func, 1, 1)?;
    check!(a != b, "both shares got handle {:#x}", a.0);
    reclaim_ok(ctx, a)?;
    reclaim_ok(ctx, b)
}

case! {
    /// Each transaction gets its own handle: two shares of different pages answer two
    /// different handles, each reclaimed on its own.
    "memory.share.handles_distinct", MEM_SHARE, abis(SHARE), needs(NEEDS_SHARE);
    run: |ctx| distinct(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.handles_distinct`, for two lends.
    "memory.lend.handles_distinct", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| distinct(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.same_pages_twice_refused` for a transaction sent with `func`.
fn same_twice(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let a = send_pages(ctx, func, 0, 1)?;
    let to = super::receiver(ctx)?;
    let constituents = [ffa_harness::desc::memory::Constituent::new(ffa_harness::pages::pool()[0].addr(), 1)];
    let tx = super::transaction(ctx, func, &to, &constituents);
    let e = tx.encoded(ctx.session.negotiated);
    let len = ffa_harness::desc::memory::Descriptor::len(&e);
    let refused = super::send_refused(
        ctx,
        func,
        &e,
        len,
        len,
        &[FfaError::Denied, FfaError::InvalidParameters],
        "pages already in a transaction",
    );
    reclaim_ok(ctx, a)?;
    refused
}

case! {
    /// Pages already in a transaction are not the sender's to share again (a shared page is
    /// no longer exclusively owned, DEN0077A v1.1 memory states): DENIED (Hafnium) or
    /// INVALID_PARAMETERS (TF-A's EL3 SPMC, `spmc_shmem_check_state_obj`); both accepted.
    "memory.share.same_pages_twice_refused", MEM_SHARE, abis(SHARE), needs(NEEDS_SHARE);
    run: |ctx| same_twice(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.same_pages_twice_refused`, for pages already lent.
    "memory.lend.same_pages_twice_refused", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| same_twice(ctx, FuncId::MEM_LEND_32)
}

#[cfg(test)]
mod tests {
    use crate::broken_spmc::{error, preserved, run, success, Script};
    use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};

    fn accepts_every_reclaim(_: &Regs) -> Regs {
        success()
    }

    fn refuses_unknown_handles(r: &Regs) -> Regs {
        if r.func() == FuncId::MEM_RECLAIM {
            error(FfaError::InvalidParameters)
        } else {
            success()
        }
    }

    #[test]
    fn reclaim_of_an_unknown_handle_fails_where_the_spmc_accepts_it() {
        let script = |answer| Script { answer, callee_saved: preserved };
        assert!(run(script(accepts_every_reclaim), Version::V1_1, 0, super::unknown).is_err());
        assert!(run(script(refuses_unknown_handles), Version::V1_1, 0, super::unknown).is_ok());
    }
}
