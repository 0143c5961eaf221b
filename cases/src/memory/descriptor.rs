//! Validity of the memory transaction descriptor a sender writes (DEN0077A v1.1 chapter 10,
//! Table 10.20 and the fields it points to; FFA_MEM_SHARE's and FFA_MEM_LEND's
//! INVALID_PARAMETERS). Each rule is one function of the sending ABI, run as a share and as a
//! lend (the zero-memory flag is a share's rule only: a lend may ask for it), the receiver
//! rules also as a donate (with the donate's data access "not specified"): it sends one
//! descriptor, or lengths in w1/w2, that break the rule, in the layout of the negotiated
//! version, and expects INVALID_PARAMETERS (DENIED where a case says so). A transaction the
//! SPMC accepts instead is reclaimed by the executor after the failure.

use super::{access_for, receiver, receiver_for, send_refused, transaction};
use ffa_harness::desc::memory::layout::offsets;
use ffa_harness::desc::memory::{Constituent, Descriptor, MemAttributes, Patched, Receiver, TransactionFlags};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::pages::pool;
use ffa_harness::spec::{MEM_DESCRIPTOR, MEM_LEND, MEM_NS_BIT, MEM_SHARE};
use ffa_harness::{case, CaseResult, Ctx, Need};

pub(super) const SHARE: &[FuncId] = &[FuncId::MEM_SHARE_32];
pub(super) const NEEDS: &[Need] = &[Need::Abi(FuncId::MEM_SHARE_32)];
pub(super) const LEND: &[FuncId] = &[FuncId::MEM_LEND_32];
pub(super) const NEEDS_LEND: &[Need] = &[Need::Abi(FuncId::MEM_LEND_32)];
pub(super) const INVALID: &[FfaError] = &[FfaError::InvalidParameters];
pub(super) const DONATE: &[FuncId] = &[FuncId::MEM_DONATE_32];
pub(super) const NEEDS_DONATE: &[Need] = &[Need::Abi(FuncId::MEM_DONATE_32)];

/// One page of the pool.
pub(super) fn one_page() -> [Constituent; 1] {
    [Constituent::new(pool()[0].addr(), 1)]
}

/// Sends the valid one-page share to the receiver with `bytes` written at `at` and the
/// lengths w1 = w2 = the descriptor's, expecting `codes`.
pub(super) fn patched(ctx: &Ctx, f: FuncId, at: usize, bytes: &[u8], codes: &[FfaError], what: &str) -> CaseResult {
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = transaction(ctx, f, &to, &c);
    let d = Patched { inner: tx.encoded(ctx.session.negotiated), at, bytes };
    send_refused(ctx, f, &d, d.len(), d.len(), codes, what)
}

/// The offset of the composite descriptor in the valid one-page share at the negotiated version.
pub(super) fn composite_at(ctx: &Ctx, f: FuncId) -> Result<usize, ffa_harness::Failure> {
    let to = receiver(ctx)?;
    let c = one_page();
    Ok(transaction(ctx, f, &to, &c).encoded(ctx.session.negotiated).composite_offset())
}

/// Sends the valid one-page share with lengths `total` and `fragment` computed from its length.
fn lengths(
    ctx: &Ctx,
    f: FuncId,
    total: fn(usize) -> usize,
    fragment: fn(usize) -> usize,
    codes: &[FfaError],
    what: &str,
) -> CaseResult {
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = transaction(ctx, f, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, total(e.len()), fragment(e.len()), codes, what)
}

/// The rule of `memory.share.fragment_longer_than_total_invalid` for `f`.
fn fragment_longer_than_total_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    lengths(ctx, f, |n| n, |n| n + 16, INVALID, "w2 = w1 + 16")
}

case! {
    /// The fragment length (w2) cannot exceed the total length (w1).
    "memory.share.fragment_longer_than_total_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| fragment_longer_than_total_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.fragment_longer_than_total_invalid`, for FFA_MEM_LEND.
    "memory.lend.fragment_longer_than_total_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| fragment_longer_than_total_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.fragment_shorter_than_header_invalid` for `f`.
fn fragment_shorter_than_header_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    lengths(ctx, f, |_| 16, |_| 16, INVALID, "w1 = w2 = 16")
}

case! {
    /// A first fragment shorter than the header of the caller's version cannot be read.
    "memory.share.fragment_shorter_than_header_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| fragment_shorter_than_header_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.fragment_shorter_than_header_invalid`, for FFA_MEM_LEND.
    "memory.lend.fragment_shorter_than_header_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| fragment_shorter_than_header_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.total_shorter_than_descriptor_invalid` for `f`.
fn total_shorter_than_descriptor_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    lengths(ctx, f, |n| n - 16, |n| n - 16, INVALID, "w1 = w2 = the descriptor less its constituent")
}

case! {
    /// A total length that stops before the last constituent disagrees with the counts.
    "memory.share.total_shorter_than_descriptor_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| total_shorter_than_descriptor_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.total_shorter_than_descriptor_invalid`, for FFA_MEM_LEND.
    "memory.lend.total_shorter_than_descriptor_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| total_shorter_than_descriptor_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.fragment_larger_than_tx_refused` for `f`.
fn fragment_larger_than_tx_refused(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    lengths(ctx, f, |_| 8192, |_| 8192, &[FfaError::InvalidParameters, FfaError::Denied], "w1 = w2 = 8192")
}

case! {
    /// A fragment larger than the TX buffer (one 4 KiB page here) cannot have been written
    /// there: INVALID_PARAMETERS (TF-A's EL3 SPMC, `spmc_ffa_fill_desc`); OP-TEE answers DENIED
    /// (`handle_mem_op_rxbuf`). No DEN0077A sentence read here settles the code: both accepted.
    "memory.share.fragment_larger_than_tx_refused", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| fragment_larger_than_tx_refused(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.fragment_larger_than_tx_refused`, for FFA_MEM_LEND.
    "memory.lend.fragment_larger_than_tx_refused", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| fragment_larger_than_tx_refused(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.no_receivers_invalid` for `f`.
fn no_receivers(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let c = one_page();
    let tx = transaction(ctx, f, &[], &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), INVALID, "no access descriptor")
}

case! {
    /// A transaction names at least one receiver: an access descriptor count of 0 is invalid.
    "memory.share.no_receivers_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| no_receivers(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.no_receivers_invalid`, for FFA_MEM_LEND.
    "memory.lend.no_receivers_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| no_receivers(ctx, FuncId::MEM_LEND_32)
}

/// Shares the one page with `receivers` instead of the one receiver.
pub(super) fn to_receivers(ctx: &Ctx, f: FuncId, receivers: &[Receiver], codes: &[FfaError], what: &str) -> CaseResult {
    let c = one_page();
    let tx = transaction(ctx, f, receivers, &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), codes, what)
}

/// The rule of `memory.share.duplicate_receiver_invalid` for `f`.
fn duplicate(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let [r] = receiver_for(ctx, f)?;
    to_receivers(ctx, f, &[r, r], INVALID, "the same receiver twice")
}

case! {
    /// A receiver named twice is invalid (TF-A's EL3 SPMC `spmc_shmem_check_obj`: duplicated
    /// endpoint ID; Hafnium the same).
    "memory.share.duplicate_receiver_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| duplicate(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.duplicate_receiver_invalid`, for FFA_MEM_LEND.
    "memory.lend.duplicate_receiver_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| duplicate(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.unknown_receiver_invalid` for `f`.
fn unknown_receiver_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    to_receivers(ctx, f, &[Receiver::new(0x80fe, access_for(f))], INVALID, "receiver 0x80fe")
}

case! {
    /// A secure endpoint ID no partition has is invalid.
    "memory.share.unknown_receiver_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| unknown_receiver_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.unknown_receiver_invalid`, for FFA_MEM_LEND.
    "memory.lend.unknown_receiver_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| unknown_receiver_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.normal_world_receiver_refused` for `f`.
fn normal_world_receiver(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let codes = &[FfaError::InvalidParameters, FfaError::Denied];
    to_receivers(ctx, f, &[Receiver::new(0x0001, access_for(f))], codes, "normal-world VM 1 as the only receiver")
}

case! {
    /// The SPMC takes transactions with a secure receiver: one whose only receiver is the
    /// normal-world VM ID 1 (bit 15 clear) is refused, INVALID_PARAMETERS (Hafnium at S-EL2,
    /// OP-TEE `get_acc_perms`: no access descriptor names it) or DENIED; both accepted. TF-A's
    /// EL3 SPMC skips normal-world IDs ("the Hypervisor will have validated these",
    /// `spmc_shmem_check_obj`).
    "memory.share.normal_world_receiver_refused", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| normal_world_receiver(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.normal_world_receiver_refused`, for FFA_MEM_LEND.
    "memory.lend.normal_world_receiver_refused", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| normal_world_receiver(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.sender_as_receiver_invalid` for `f`.
fn sender_receives(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    to_receivers(ctx, f, &[Receiver::new(ctx.session.own_id, access_for(f))], INVALID, "the sender as receiver")
}

case! {
    /// The sender cannot be a receiver of its own transaction.
    "memory.share.sender_as_receiver_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| sender_receives(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.sender_as_receiver_invalid`, for FFA_MEM_LEND.
    "memory.lend.sender_as_receiver_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| sender_receives(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.sender_not_caller_refused` for `f`.
fn sender_not_caller(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let id = to[0].id.to_le_bytes();
    patched(
        ctx,
        f,
        offsets::SENDER,
        &id,
        &[FfaError::Denied, FfaError::InvalidParameters],
        "the receiver's ID as sender",
    )
}

case! {
    /// The sender field names the caller: a normal-world caller cannot send a secure
    /// partition's memory. DENIED (TF-A's EL3 SPMC, `spmc_ffa_fill_desc`) or
    /// INVALID_PARAMETERS (Hafnium); both accepted.
    "memory.share.sender_not_caller_refused", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| sender_not_caller(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.sender_not_caller_refused`, for FFA_MEM_LEND.
    "memory.lend.sender_not_caller_refused", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| sender_not_caller(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.ns_bit_set_invalid` for `f`.
fn ns_bit_set_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(
        ctx,
        f,
        offsets::ATTRIBUTES,
        &MemAttributes::NORMAL_WB_INNER.with_ns().0.to_le_bytes(),
        INVALID,
        "attributes with the NS bit",
    )
}

case! {
    /// The NS bit (attributes bit 6, v1.1) is the SPMC's to set in a retrieve response; a
    /// sender that sets it is refused (Hafnium: "NS bit is reserved for
    /// FFA_MEM_DONATE/LEND/SHARE"; TF-A `FFA_MEM_ATTR_NS_BIT` MBZ).
    "memory.share.ns_bit_set_invalid", MEM_NS_BIT, abis(SHARE), needs(NEEDS), since(Version::V1_1);
    run: |ctx| ns_bit_set_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.ns_bit_set_invalid`, for FFA_MEM_LEND.
    "memory.lend.ns_bit_set_invalid", MEM_NS_BIT, abis(LEND), needs(NEEDS_LEND), since(Version::V1_1);
    run: |ctx| ns_bit_set_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.zero_flag_invalid` for `f`.
fn zero_flag_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, offsets::FLAGS, &TransactionFlags::ZERO_MEMORY.to_le_bytes(), INVALID, "flags with zero memory")
}

case! {
    /// Bit 0 of the flags (zero memory) is not for a share, whose owner keeps access: MBZ there
    /// (Hafnium `ffa_memory_send_validate`: "Memory can't be cleared while being shared").
    "memory.share.zero_flag_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| zero_flag_invalid(ctx, FuncId::MEM_SHARE_32)
}

/// The rule of `memory.share.reserved_flag_invalid` for `f`.
fn reserved_flag_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, offsets::FLAGS, &(1u32 << 31).to_le_bytes(), INVALID, "flags bit 31")
}

case! {
    /// A share defines flag bits [1:0]; bit 31 is reserved (MBZ).
    "memory.share.reserved_flag_invalid", MEM_SHARE, abis(SHARE), needs(NEEDS);
    run: |ctx| reserved_flag_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.reserved_flag_invalid`, for FFA_MEM_LEND.
    "memory.lend.reserved_flag_invalid", MEM_LEND, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| reserved_flag_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_offset_misaligned_invalid` for `f`.
fn access_offset_misaligned_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, offsets::ACCESS_OFFSET, &0x38u32.to_le_bytes(), INVALID, "access descriptor offset 0x38")
}

case! {
    /// The access descriptor array is 16-byte aligned (v1.1 Table 10.20; TF-A, OP-TEE check it).
    "memory.share.access_offset_misaligned_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS), since(Version::V1_1);
    run: |ctx| access_offset_misaligned_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_offset_misaligned_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_offset_misaligned_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND), since(Version::V1_1);
    run: |ctx| access_offset_misaligned_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_offset_in_header_invalid` for `f`.
fn access_offset_in_header_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, offsets::ACCESS_OFFSET, &0x20u32.to_le_bytes(), INVALID, "access descriptor offset 0x20")
}

case! {
    /// The access descriptor array cannot overlap the 48-byte header.
    "memory.share.access_offset_in_header_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS), since(Version::V1_1);
    run: |ctx| access_offset_in_header_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_offset_in_header_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_offset_in_header_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND), since(Version::V1_1);
    run: |ctx| access_offset_in_header_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_size_wrong_invalid` for `f`.
fn access_size_wrong_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, offsets::ACCESS_SIZE, &8u32.to_le_bytes(), INVALID, "access descriptor size 8")
}

case! {
    /// The access descriptor is 16 bytes at v1.1 and 32 at v1.2; 8 is neither.
    "memory.share.access_size_wrong_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS), since(Version::V1_1);
    run: |ctx| access_size_wrong_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_size_wrong_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_size_wrong_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND), since(Version::V1_1);
    run: |ctx| access_size_wrong_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The offset of the composite offset field of the first access descriptor.
pub(super) fn composite_field(ctx: &Ctx) -> usize {
    ffa_harness::desc::memory::Layout::of(ctx.session.negotiated).header_size() + offsets::COMPOSITE_OFFSET_IN_ACCESS
}

/// The rule of `memory.share.composite_offset_zero_invalid` for `f`.
fn composite_offset_zero_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    patched(ctx, f, composite_field(ctx), &0u32.to_le_bytes(), INVALID, "composite offset 0")
}

case! {
    /// A share describes memory: composite offset 0 (no composite) is invalid.
    "memory.share.composite_offset_zero_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| composite_offset_zero_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.composite_offset_zero_invalid`, for FFA_MEM_LEND.
    "memory.lend.composite_offset_zero_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| composite_offset_zero_invalid(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.composite_offset_past_end_invalid` for `f`.
fn composite_past_end(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let past = (composite_at(ctx, f)? + 0x100) as u32;
    patched(ctx, f, composite_field(ctx), &past.to_le_bytes(), INVALID, "composite offset past the end")
}

case! {
    /// The composite descriptor lies inside the descriptor.
    "memory.share.composite_offset_past_end_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| composite_past_end(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.composite_offset_past_end_invalid`, for FFA_MEM_LEND.
    "memory.lend.composite_offset_past_end_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| composite_past_end(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.composite_offset_misaligned_invalid` for `f`.
fn composite_misaligned(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let off = (composite_at(ctx, f)? + 4) as u32;
    patched(ctx, f, composite_field(ctx), &off.to_le_bytes(), INVALID, "composite offset + 4")
}

case! {
    /// The composite descriptor is aligned (8 bytes by Table 10.20; TF-A asks 16): 4 past its
    /// place is not.
    "memory.share.composite_offset_misaligned_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| composite_misaligned(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.composite_offset_misaligned_invalid`, for FFA_MEM_LEND.
    "memory.lend.composite_offset_misaligned_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| composite_misaligned(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.page_count_mismatch_invalid` for `f`.
fn page_count(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let at = composite_at(ctx, f)?;
    patched(ctx, f, at, &2u32.to_le_bytes(), INVALID, "total page count 2 for a 1-page constituent")
}

case! {
    /// The composite's total page count is the sum of its constituents' page counts.
    "memory.share.page_count_mismatch_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| page_count(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.page_count_mismatch_invalid`, for FFA_MEM_LEND.
    "memory.lend.page_count_mismatch_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| page_count(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.range_count_mismatch_invalid` for `f`.
fn range_count(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let at = composite_at(ctx, f)? + 4;
    patched(ctx, f, at, &2u32.to_le_bytes(), INVALID, "range count 2 with one constituent")
}

case! {
    /// The composite's range count is the number of constituents that follow it.
    "memory.share.range_count_mismatch_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| range_count(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.range_count_mismatch_invalid`, for FFA_MEM_LEND.
    "memory.lend.range_count_mismatch_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| range_count(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.unaligned_constituent_invalid` for `f`.
fn unaligned(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = [Constituent::new(pool()[0].addr() + 0x800, 1)];
    let tx = transaction(ctx, f, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), INVALID, "a constituent at a 2 KiB offset")
}

case! {
    /// A constituent's address is 4 KiB aligned.
    "memory.share.unaligned_constituent_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| unaligned(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.unaligned_constituent_invalid`, for FFA_MEM_LEND.
    "memory.lend.unaligned_constituent_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| unaligned(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.secure_memory_refused` for `f`.
fn secure_memory(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = [Constituent::new(0x0e00_0000, 1)];
    let tx = transaction(ctx, f, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), &[FfaError::InvalidParameters, FfaError::Denied], "secure RAM")
}

case! {
    /// The normal world can only send normal-world memory: a constituent in QEMU virt's
    /// secure RAM (0x0e000000) is refused, INVALID_PARAMETERS or DENIED (both accepted).
    "memory.share.secure_memory_refused", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| secure_memory(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.secure_memory_refused`, for FFA_MEM_LEND.
    "memory.lend.secure_memory_refused", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| secure_memory(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.other_version_layout_invalid` for `f`.
fn other_layout(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = transaction(ctx, f, &to, &c);
    let other = if ctx.session.negotiated == Version::V1_0 { Version::V1_1 } else { Version::V1_0 };
    let e = tx.encoded(other);
    send_refused(ctx, f, &e, e.len(), e.len(), INVALID, "the other version's layout")
}

case! {
    /// The layout follows the negotiated version: a descriptor in the other layout (v1.0's at
    /// v1.1 and later, v1.1's at v1.0) does not read as a valid one.
    "memory.share.other_version_layout_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| other_layout(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.other_version_layout_invalid`, for FFA_MEM_LEND.
    "memory.lend.other_version_layout_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| other_layout(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.header_reserved_nonzero_invalid` for `f`.
fn header_reserved(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let at = if ctx.session.negotiated == Version::V1_0 { offsets::V1_0_RESERVED_BYTE } else { offsets::V1_1_RESERVED };
    patched(ctx, f, at, &[1], INVALID, "a reserved header byte set")
}

case! {
    /// The header's reserved fields are MBZ (v1.0: the byte after the attributes; v1.1 and
    /// later: the 12 bytes after the access descriptor offset). Hafnium refuses a non-zero one
    /// (`ffa_memory_region_sanity_check`: "Reserved fields must be 0").
    "memory.share.header_reserved_nonzero_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| header_reserved(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.header_reserved_nonzero_invalid`, for FFA_MEM_LEND.
    "memory.lend.header_reserved_nonzero_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| header_reserved(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.access_reserved_nonzero_invalid` for `f`.
fn access_reserved(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let layout = ffa_harness::desc::memory::Layout::of(ctx.session.negotiated);
    let at = layout.header_size() + layout.access_size - 8;
    patched(ctx, f, at, &[1], INVALID, "the access descriptor's reserved field set")
}

case! {
    /// An endpoint memory access descriptor's reserved field is MBZ (at offset 8 of the
    /// 16-byte descriptor, 24 of v1.2's 32-byte one); Hafnium refuses a non-zero one.
    "memory.share.access_reserved_nonzero_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| access_reserved(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.access_reserved_nonzero_invalid`, for FFA_MEM_LEND.
    "memory.lend.access_reserved_nonzero_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| access_reserved(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.overlapping_constituents_invalid` for `f`.
fn overlapping_constituents_invalid(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let to = receiver(ctx)?;
    let c = [Constituent::new(pool()[0].addr(), 2), Constituent::new(pool()[1].addr(), 1)];
    let tx = transaction(ctx, f, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    send_refused(ctx, f, &e, e.len(), e.len(), INVALID, "constituents that overlap by a page")
}

case! {
    /// The constituents of a transaction do not overlap: a page named twice is
    /// INVALID_PARAMETERS (Hafnium `ffa_memory_check_overlap`).
    "memory.share.overlapping_constituents_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| overlapping_constituents_invalid(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.overlapping_constituents_invalid`, for FFA_MEM_LEND.
    "memory.lend.overlapping_constituents_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| overlapping_constituents_invalid(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// As `memory.share.no_receivers_invalid`, for FFA_MEM_DONATE (data access not specified).
    "memory.donate.no_receivers_invalid", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| no_receivers(ctx, FuncId::MEM_DONATE_32)
}

case! {
    /// As `memory.share.duplicate_receiver_invalid`, for FFA_MEM_DONATE (data access not specified).
    "memory.donate.duplicate_receiver_invalid", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| duplicate(ctx, FuncId::MEM_DONATE_32)
}

case! {
    /// As `memory.share.unknown_receiver_invalid`, for FFA_MEM_DONATE (data access not specified).
    "memory.donate.unknown_receiver_invalid", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| unknown_receiver_invalid(ctx, FuncId::MEM_DONATE_32)
}

case! {
    /// As `memory.share.sender_as_receiver_invalid`, for FFA_MEM_DONATE (data access not specified).
    "memory.donate.sender_as_receiver_invalid", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| sender_receives(ctx, FuncId::MEM_DONATE_32)
}

case! {
    /// As `memory.share.normal_world_receiver_refused`, for FFA_MEM_DONATE (data access not specified).
    "memory.donate.normal_world_receiver_refused", MEM_DESCRIPTOR, abis(DONATE), needs(NEEDS_DONATE);
    run: |ctx| normal_world_receiver(ctx, FuncId::MEM_DONATE_32)
}

/// The rule of `memory.share.handle_in_descriptor_not_taken` for `f`.
fn handle_not_taken(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    const MINE: u64 = 0x1234;
    let to = receiver(ctx)?;
    let c = one_page();
    let tx = transaction(ctx, f, &to, &c);
    let d = Patched { inner: tx.encoded(ctx.session.negotiated), at: offsets::HANDLE, bytes: &MINE.to_le_bytes() };
    ffa_harness::memory::write_tx(&ctx.pages.tx, &d, 0, d.len());
    let r = ctx.ffa.mem_send(f, d.len() as u32, d.len() as u32);
    if !r.is_success() {
        return super::check_refused(&r, INVALID, format_args!("{f} with the handle {MINE:#x} in the descriptor"));
    }
    let h = super::handle_of(&r, f)?;
    super::reclaim_ok(ctx, h)?;
    ffa_harness::check!(h.0 != MINE, "{f} took the handle {MINE:#x} the sender wrote in its descriptor");
    Ok(())
}

case! {
    /// The handle is the SPMC's to allocate (16.2: FFA_SUCCESS returns the handle it chose):
    /// a sender that writes one in its descriptor (Table 10.20, where the owner leaves it 0)
    /// is refused with INVALID_PARAMETERS, or the SPMC ignores it and answers a handle of its
    /// own (TF-A `spmc_ffa_fill_desc` and Hafnium overwrite the field; no DEN0077A sentence
    /// read here says which): both accepted, a handle equal to the sender's is not.
    "memory.share.handle_in_descriptor_not_taken", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| handle_not_taken(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.handle_in_descriptor_not_taken`, for FFA_MEM_LEND.
    "memory.lend.handle_in_descriptor_not_taken", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| handle_not_taken(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.share.composite_offset_in_access_array_invalid` for `f`.
fn composite_in_access_array(ctx: &mut Ctx, f: FuncId) -> CaseResult {
    let header = ffa_harness::desc::memory::Layout::of(ctx.session.negotiated).header_size() as u32;
    patched(ctx, f, composite_field(ctx), &header.to_le_bytes(), INVALID, "composite offset at the access descriptor")
}

case! {
    /// The composite descriptor follows the access descriptor array: an offset pointing at
    /// the first access descriptor overlaps it (TF-A `spmc_shmem_check_obj`: "offset < header
    /// + emad"; Hafnium `ffa_memory_send_validate`: composite before `receivers_end`).
    "memory.share.composite_offset_in_access_array_invalid", MEM_DESCRIPTOR, abis(SHARE), needs(NEEDS);
    run: |ctx| composite_in_access_array(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.share.composite_offset_in_access_array_invalid`, for FFA_MEM_LEND.
    "memory.lend.composite_offset_in_access_array_invalid", MEM_DESCRIPTOR, abis(LEND), needs(NEEDS_LEND);
    run: |ctx| composite_in_access_array(ctx, FuncId::MEM_LEND_32)
}
