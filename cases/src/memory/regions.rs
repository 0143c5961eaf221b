//! The memory a transaction describes (DEN0077A v1.1 10.10: the composite memory region
//! descriptor, Table 10.13, and its constituents, Table 10.14) and where the access
//! descriptor array lies (Table 10.20): each rule sends one descriptor that breaks it, as a
//! share and as a lend, in the layout of the negotiated version, and expects
//! INVALID_PARAMETERS; one positive rule sends several constituents. A transaction the SPMC
//! accepts instead is reclaimed by the executor after the failure.

use super::descriptor::{composite_at, patched, DONATE, INVALID, LEND, NEEDS, NEEDS_DONATE, NEEDS_LEND, SHARE};
use super::{pool_constituents, receiver, receiver_for, reclaim_ok, send_ok, send_refused, transaction};
use ffa_harness::desc::memory::layout::offsets;
use ffa_harness::desc::memory::{Constituent, Descriptor};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::pages::pool;
use ffa_harness::spec::MEM_DESCRIPTOR;
use ffa_harness::{case, CaseResult, Ctx};

/// INVALID_PARAMETERS or DENIED, where implementations differ and DEN0077A does not say.
const REFUSED: &[FfaError] = &[FfaError::InvalidParameters, FfaError::Denied];

/// Sends `constituents` to the receiver with `f`, expecting one of `codes`.
fn constituents_refused(ctx: &Ctx, f: FuncId, c: &[Constituent], codes: &[FfaError], what: &str) -> CaseResult {
    let to = receiver_for(ctx, f)?;
    let tx = transaction(ctx, f, &to, c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), codes, what)
}

/// The rule of `memory.share.zero_page_constituent_refused` for `f`.
fn zero_page_constituent(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let c = [Constituent::new(pool()[0].addr(), 1), Constituent::new(pool()[2].addr(), 0)];
    constituents_refused(ctx, f, &c, REFUSED, "a second constituent of 0 pages")
}

case! {
    /// A constituent describes at least one page: a page count of 0 is refused even when the
    /// composite's total agrees with it. Hafnium answers DENIED (`ffa_memory_check_overlap`:
    /// "Invalid page count", its caller's code); no DEN0077A sentence read here names the
    /// code, so INVALID_PARAMETERS and DENIED are both accepted.
    "memory.share.zero_page_constituent_refused", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| zero_page_constituent(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.zero_page_constituent_refused`, for FFA_MEM_LEND.
    "memory.lend.zero_page_constituent_refused", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| zero_page_constituent(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// As `memory.share.zero_page_constituent_refused`, for FFA_MEM_DONATE.
    "memory.donate.zero_page_constituent_refused", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| zero_page_constituent(ctx, FuncId::MEM_DONATE_32)
}

/// The rule of `memory.share.page_count_below_constituents_invalid` for `f`.
fn page_count_below(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = [Constituent::new(pool()[0].addr(), 2)];
    let tx = transaction(ctx, f, &to, &c);
    let at = tx.encoded(ctx.session.negotiated).composite_offset();
    let d = ffa_harness::desc::memory::Patched {
        inner: tx.encoded(ctx.session.negotiated),
        at,
        bytes: &1u32.to_le_bytes(),
    };
    send_refused(ctx, f, &d, d.len(), d.len(), INVALID, "total page count 1 for a 2-page constituent")
}

case! {
    /// The composite's total page count is the sum of its constituents' (Table 10.13): one
    /// less than the sum is INVALID_PARAMETERS, the other direction of
    /// `memory.share.page_count_mismatch_invalid` (TF-A `spmc_shmem_check_obj`, Hafnium
    /// `ffa_memory_check_overlap` callers compare the two).
    "memory.share.page_count_below_constituents_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| page_count_below(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.page_count_below_constituents_invalid`, for FFA_MEM_LEND.
    "memory.lend.page_count_below_constituents_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| page_count_below(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_offset_past_end_invalid` for `f`.
fn access_offset_past_end(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let past = (composite_at(ctx, f)? + 0x100) as u32;
    patched(ctx, f, offsets::ACCESS_OFFSET, &past.to_le_bytes(), INVALID, "access descriptor offset past the end")
}

case! {
    /// The access descriptor array (v1.1 header offset 32) lies inside the descriptor: an
    /// offset past its end is INVALID_PARAMETERS (TF-A `spmc_validate_mtd_start`, OP-TEE
    /// `spmc_read_mem_transaction`, Hafnium `ffa_memory_region_sanity_check`).
    "memory.share.access_offset_past_end_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS), since(Version::V1_1);
    run: |ctx| access_offset_past_end(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_offset_past_end_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_offset_past_end_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND), since(Version::V1_1);
    run: |ctx| access_offset_past_end(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_count_past_end_invalid` for `f`.
fn access_count_past_end(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(
        ctx,
        f,
        offsets::ACCESS_COUNT,
        &64u32.to_le_bytes(),
        INVALID,
        "an access descriptor count of 64 with one written",
    )
}

case! {
    /// The access descriptor count says how many follow: 64 where the descriptor holds one
    /// reads past its end, INVALID_PARAMETERS (TF-A `spmc_validate_mtd_start`: "extends
    /// beyond descriptor"; Hafnium refuses more than MAX_MEM_SHARE_RECIPIENTS).
    "memory.share.access_count_past_end_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| access_count_past_end(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_count_past_end_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_count_past_end_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| access_count_past_end(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.several_constituents_accepted` for `f`.
fn several_constituents(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c: [Constituent; 3] = pool_constituents(0, true);
    let tx = transaction(ctx, f, &to, &c);
    let h = send_ok(ctx, f, &tx.encoded(ctx.session.negotiated))?;
    reclaim_ok(ctx, h)
}

case! {
    /// A transaction may describe several discontiguous ranges: three one-page constituents a
    /// page apart, total 3, are accepted and reclaimed.
    "memory.share.several_constituents_accepted", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| several_constituents(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.several_constituents_accepted`, for FFA_MEM_LEND.
    "memory.lend.several_constituents_accepted", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| several_constituents(ctx, FuncId::MEM_LEND_32)
}
