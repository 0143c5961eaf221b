//! Transactions between endpoints of different FF-A versions: the normal world sends in the
//! layout of the version it negotiated, each borrower retrieves in the layout of its own, and
//! the SPMC translates (DEN0077A v1.1 10.11: the descriptor layout follows the version the
//! endpoint negotiated; Hafnium keeps transactions in the v1.1 layout and writes each
//! response for its caller's version, src/ffa_memory.c `ffa_partition_retrieve_response_init`).
//! The borrowers are Hafnium's sp-up (FF-A v1.0: a 32-byte header, 8-bit attributes, 16-byte
//! access descriptors right after it) and sp-second (v1.2: the 48-byte header, 32-byte access
//! descriptors at the offset the header gives); on a stack without them the cases skip. Every
//! case runs at each version the normal world negotiates, so each pair of versions is met.

use super::receivers::share_with;
use super::retrieve::{sp_command, sp_relinquish_by, Ask, MARKER, MEM_RETRIEVE_CMD, PATTERN};
use super::{reclaim_ok, send_ok, transaction};
use crate::sp::partitions::{Partition, SECOND, UP};
use ffa_harness::desc::memory::{AccessPerms, Constituent, Handle, Receiver, TransactionType};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::pages::pool;
use ffa_harness::spec::{MEM_DESCRIPTOR, MEM_FRAG, MEM_RETRIEVE, MEM_SHARE};
use ffa_harness::{case, check, check_eq, check_error, fail, CaseResult, Ctx, Failure, Need};

/// MEM_RETRIEVE_LAYOUT(the arguments of `MEM_RETRIEVE_CMD`): retrieves as that command does
/// (request and decoding in the sp's own version) and answers the response's shape: x4 = 0 or
/// that command's verdict, x5 = the total length | fragments << 32 | constituent count << 40,
/// x6 = the header words at offsets 24 and 32 (v1.0: the reserved word and the first access
/// descriptor's first word; v1.1 on: the access descriptor size and the array's offset),
/// x7 = the composite offset of the sp's access descriptor | [`fold`] of its constituents << 32.
pub const MEM_RETRIEVE_LAYOUT_CMD: u16 = 102;

/// The checksum of a constituent list both sides compute: each constituent's page frame
/// number plus its page count, wrapping.
fn fold(constituents: impl Iterator<Item = Constituent>) -> u32 {
    constituents.fold(0u32, |sum, k| sum.wrapping_add((k.address >> 12) as u32).wrapping_add(k.pages))
}

#[cfg(target_os = "none")]
mod sp_side {
    use super::super::retrieve::sp_side::{detail, verdict, with_response, Verdict};
    use super::fold;
    use ffa_harness::command::{Reply, Request, SpCtx};
    use ffa_harness::desc::memory::layout::Layout;

    fn word(bytes: &[u8], at: usize) -> u64 {
        bytes.get(at..at + 4).map_or(0, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]).into())
    }

    pub fn mem_retrieve_layout(ctx: &mut SpCtx, req: &Request) -> Reply {
        with_response(ctx, req, |ctx, d, got, bytes| {
            let Some(mine) = (0..d.receiver_count).find(|&i| d.receiver(i).map(|r| r.id) == Ok(ctx.session.own_id))
            else {
                return verdict(Verdict::NotNamed, 0);
            };
            let composite = match d.composite(mine) {
                Ok(c) => c,
                Err(e) => return verdict(Verdict::Malformed, detail(e)),
            };
            let layout = Layout::of(ctx.session.negotiated);
            let array = if layout.v1_0_header { 32 } else { word(bytes, 32) as usize };
            let access = array + mine * layout.access_size;
            let sum = fold((0..composite.range_count).filter_map(|i| composite.constituent(i).ok()));
            Reply::ok([
                0,
                got.total as u64 | u64::from(got.fragments) << 32 | (composite.range_count as u64) << 40,
                word(bytes, 24) | word(bytes, 32) << 32,
                word(bytes, access + 4) | u64::from(sum) << 32,
            ])
        })
    }
}

#[cfg(target_os = "none")]
ffa_harness::command!(MEM_RETRIEVE_LAYOUT_CMD, "mem-retrieve-layout", sp_side::mem_retrieve_layout);

/// Cases with the v1.0 borrower need sp-up.
const NEEDS_UP: &[Need] = &[Need::Partition(UP.uuid)];
/// Cases with the v1.2 borrower need sp-second.
const NEEDS_SECOND: &[Need] = &[Need::Partition(SECOND.uuid)];
/// The two-version case needs both.
const NEEDS_BOTH: &[Need] = &[Need::Partition(UP.uuid), Need::Partition(SECOND.uuid)];

/// The endpoint ID of the instance `p`.
fn borrower(ctx: &Ctx, p: &Partition) -> Result<u16, Failure> {
    ctx.partition_id(p.uuid)
}

/// The shape of a retrieve response, as `MEM_RETRIEVE_LAYOUT_CMD` reports it.
struct Shape {
    total: u32,
    fragments: u32,
    range_count: u32,
    word24: u32,
    word32: u32,
    composite_offset: u32,
    fold: u32,
}

impl Shape {
    fn of(v: [u64; 4]) -> Result<Self, Failure> {
        check!(
            v[0] == 0,
            "the borrower refused the response: verdict {} detail {:#x}",
            v[0] >> 56,
            v[0] & ((1 << 56) - 1)
        );
        Ok(Self {
            total: v[1] as u32,
            fragments: (v[1] >> 32) as u8 as u32,
            range_count: (v[1] >> 40) as u32,
            word24: v[2] as u32,
            word32: (v[2] >> 32) as u32,
            composite_offset: v[3] as u32,
            fold: (v[3] >> 32) as u32,
        })
    }

    /// Checks the header and access descriptor of a one-borrower response to a borrower of
    /// `version` with ID `id`: v1.0 has its reserved word zero and the access descriptor at 32
    /// (its first halfword the borrower's ID); from v1.1 the header gives the access descriptor
    /// size (16 at v1.1, 32 from v1.2) and a 16-byte aligned array offset past the 48-byte
    /// header. The composite follows the access descriptors, 8-byte aligned, and the response
    /// ends with its constituent array (a 16-byte composite header, 16 bytes a constituent).
    fn check_layout(&self, version: Version, id: u16) -> CaseResult {
        let (array, size) = if version == Version::V1_0 {
            check_eq!(self.word24, 0, "v1.0 header word at offset 24 (reserved)");
            check_eq!(self.word32 as u16, id, "v1.0: the receiver ID at offset 32, right after the 32-byte header");
            (32, 16)
        } else {
            let size = if version == Version::V1_1 { 16 } else { 32 };
            check_eq!(self.word24, size, "access descriptor size in a v{version} borrower's response");
            check!(
                self.word32 >= 48 && self.word32.is_multiple_of(16),
                "access descriptor array offset {} in a v{version} response (16-aligned, past the 48-byte header)",
                self.word32
            );
            (self.word32, size)
        };
        check!(
            self.composite_offset >= array + size && self.composite_offset.is_multiple_of(8),
            "composite offset {} (the access descriptor of {size} bytes is at {array})",
            self.composite_offset
        );
        check_eq!(
            self.total,
            self.composite_offset + 16 + 16 * self.range_count,
            "total length of the response (composite at {}, {} constituents)",
            self.composite_offset,
            self.range_count
        );
        Ok(())
    }
}

/// Shares `constituents` (pool pages, filled with the pattern) read-write with `p`, has it
/// report its response's shape, relinquishes and reclaims; the shape, or why there is none.
fn share_and_measure(ctx: &mut Ctx, p: &Partition, constituents: &[Constituent]) -> Result<Shape, Failure> {
    let id = borrower(ctx, p)?;
    for k in constituents {
        let i = pool().iter().position(|page| page.addr() == k.address).unwrap_or(0);
        pool()[i].fill(PATTERN);
    }
    let to = [Receiver::new(id, AccessPerms::RW)];
    let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, constituents);
    let h = send_ok(ctx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated))?;
    let got = sp_command(ctx, id, MEM_RETRIEVE_LAYOUT_CMD, Ask::of(ctx, h, TransactionType::Share))?;
    let relinquished = if got.is_ok() { sp_relinquish_by(ctx, id, h, 0)? } else { Ok(()) };
    reclaim_ok(ctx, h)?;
    let v = match got {
        Ok(v) => v,
        Err(e) => fail!("{}'s FFA_MEM_RETRIEVE_REQ was refused: {e:?}", p.name),
    };
    check_eq!(relinquished, Ok(()), "{}'s FFA_MEM_RELINQUISH", p.name);
    Shape::of(v)
}

/// The rule of the `*_response_layout` cases for the borrower `p`.
fn response_layout(ctx: &mut Ctx, p: &Partition) -> CaseResult {
    let shape = share_and_measure(ctx, p, &[Constituent::new(pool()[0].addr(), 1)])?;
    check_eq!(shape.range_count, 1, "constituents in the response");
    shape.check_layout(p.ffa_version, borrower(ctx, p)?)
}

case! {
    /// A v1.0 borrower's retrieve response is in the v1.0 layout whatever the sender's version:
    /// a 32-byte header with its reserved word zero, the 16-byte access descriptor right after
    /// it, the composite past it and the constituents ending the response.
    "memory.retrieve.v1_0_borrower_response_layout", MEM_DESCRIPTOR,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_UP);
    run: |ctx| response_layout(ctx, &UP)
}

case! {
    /// A v1.2 borrower's retrieve response is in the v1.2 layout whatever the sender's version:
    /// the 48-byte header says 32-byte access descriptors at a 16-aligned offset past it, the
    /// composite follows them and the constituents end the response.
    "memory.retrieve.v1_2_borrower_response_layout", MEM_DESCRIPTOR,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SECOND);
    run: |ctx| response_layout(ctx, &SECOND)
}

/// Three one-page constituents, one page apart (so that none merges with the next).
fn three_constituents() -> [Constituent; 3] {
    super::pool_constituents(0, true)
}

/// The rule of the `*_constituents_intact` cases for the borrower `p`.
fn constituents_intact(ctx: &mut Ctx, p: &Partition) -> CaseResult {
    let sent = three_constituents();
    let shape = share_and_measure(ctx, p, &sent)?;
    check_eq!(shape.range_count, 3, "constituents in {}'s response", p.name);
    check_eq!(shape.fold, fold(sent.into_iter()), "checksum of the constituents' addresses and page counts");
    shape.check_layout(p.ffa_version, borrower(ctx, p)?)
}

case! {
    /// The constituents a sender wrote in its version's layout reach a v1.0 borrower as they
    /// were sent: three separate pages, each address and page count.
    "memory.retrieve.v1_0_borrower_constituents_intact", MEM_DESCRIPTOR,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_UP);
    run: |ctx| constituents_intact(ctx, &UP)
}

case! {
    /// As `memory.retrieve.v1_0_borrower_constituents_intact`, for the v1.2 borrower.
    "memory.retrieve.v1_2_borrower_constituents_intact", MEM_DESCRIPTOR,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SECOND);
    run: |ctx| constituents_intact(ctx, &SECOND)
}

/// The lifecycle of a transaction sent with `func` to `p`.
fn lifecycle(ctx: &mut Ctx, p: &Partition, func: FuncId, kind: TransactionType) -> CaseResult {
    let id = borrower(ctx, p)?;
    super::retrieve::lifecycle_with(ctx, func, kind, id, p.ffa_version)
}

case! {
    /// A share to the v1.0 borrower: it retrieves with v1.0 descriptors and finds what the
    /// sender gave in its own version's layout (handle, sender, tag, read-write access, the
    /// sender's attributes with no NS bit, which v1.0 reserves, the share type, the content);
    /// the owner's reclaim is DENIED while it holds the pages and succeeds after it
    /// relinquished, and the owner reads what it wrote.
    "memory.retrieve.v1_0_borrower_share_lifecycle", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_UP);
    run: |ctx| lifecycle(ctx, &UP, FuncId::MEM_SHARE_32, TransactionType::Share)
}

case! {
    /// As `memory.retrieve.v1_0_borrower_share_lifecycle`, for a lend.
    "memory.retrieve.v1_0_borrower_lend_lifecycle", MEM_RETRIEVE,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH, FuncId::MEM_RECLAIM]), needs(NEEDS_UP);
    run: |ctx| lifecycle(ctx, &UP, FuncId::MEM_LEND_32, TransactionType::Lend)
}

case! {
    /// As `memory.retrieve.v1_0_borrower_share_lifecycle`, for the v1.2 borrower with 32-byte
    /// access descriptors; its response has the NS bit set (v1.1 10.10.4.1).
    "memory.retrieve.v1_2_borrower_share_lifecycle", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SECOND);
    run: |ctx| lifecycle(ctx, &SECOND, FuncId::MEM_SHARE_32, TransactionType::Share)
}

case! {
    /// As `memory.retrieve.v1_2_borrower_share_lifecycle`, for a lend.
    "memory.retrieve.v1_2_borrower_lend_lifecycle", MEM_RETRIEVE,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH, FuncId::MEM_RECLAIM]), needs(NEEDS_SECOND);
    run: |ctx| lifecycle(ctx, &SECOND, FuncId::MEM_LEND_32, TransactionType::Lend)
}

/// The rule of the `*_read_only_intact` cases: a page shared read-only with `p` and retrieved
/// asking read-only is granted read-only in `p`'s layout, and `p` writes nothing.
fn read_only(ctx: &mut Ctx, p: &Partition) -> CaseResult {
    let id = borrower(ctx, p)?;
    pool()[0].fill(PATTERN);
    let to = [Receiver::new(id, AccessPerms(AccessPerms::DATA_RO))];
    let c = [Constituent::new(pool()[0].addr(), 1)];
    let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
    let h = send_ok(ctx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated))?;
    let ask = Ask { data: AccessPerms::DATA_RO, ..Ask::of(ctx, h, TransactionType::Share) };
    let got = sp_command(ctx, id, MEM_RETRIEVE_CMD, ask)?;
    let relinquished = if got.is_ok() { sp_relinquish_by(ctx, id, h, 0)? } else { Ok(()) };
    reclaim_ok(ctx, h)?;
    let v = match got {
        Ok(v) => v,
        Err(e) => fail!("{}'s read-only FFA_MEM_RETRIEVE_REQ was refused: {e:?}", p.name),
    };
    check!(v[0] == 0, "{} refused the response: verdict {} detail {:#x}", p.name, v[0] >> 56, v[0] & ((1 << 56) - 1));
    check_eq!((v[3] >> 16) as u8 & 3, AccessPerms::DATA_RO, "the data access in {}'s response", p.name);
    check_eq!(relinquished, Ok(()), "{}'s FFA_MEM_RELINQUISH", p.name);
    check_eq!(pool()[0].u32_at(0) as u8, PATTERN, "the first byte, which a read-only borrower cannot have written");
    Ok(())
}

case! {
    /// Permissions survive the translation: a page shared read-only with the v1.0 borrower,
    /// which asks for read-only, is granted read-only in its v1.0 access descriptor (v1.1
    /// 10.11.1, Hafnium `ffa_memory_retrieve_is_memory_access_valid`).
    "memory.retrieve.v1_0_borrower_read_only_intact", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_UP);
    run: |ctx| read_only(ctx, &UP)
}

case! {
    /// As `memory.retrieve.v1_0_borrower_read_only_intact`, for the v1.2 borrower.
    "memory.retrieve.v1_2_borrower_read_only_intact", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SECOND);
    run: |ctx| read_only(ctx, &SECOND)
}

/// The rule of the `*_fragmented_response` cases: 256 constituents shared with `p` make a
/// response larger than its RX page, which it reads with FFA_MEM_FRAG_RX (16.9: the offset is
/// the bytes of the response it has), and every constituent arrives in its layout.
fn fragmented(ctx: &mut Ctx, p: &Partition) -> CaseResult {
    let sent: [Constituent; 256] = super::pool_constituents(0, true);
    let shape = share_and_measure(ctx, p, &sent)?;
    check!(shape.fragments >= 2, "a {}-byte response came in {} fragment(s)", shape.total, shape.fragments);
    check_eq!(shape.range_count, 256, "constituents in the reassembled response");
    check_eq!(shape.fold, fold(sent.into_iter()), "checksum of the constituents' addresses and page counts");
    shape.check_layout(p.ffa_version, borrower(ctx, p)?)
}

case! {
    /// A response too large for the v1.0 borrower's RX page comes in fragments in the v1.0
    /// layout: 256 constituents (32 + 16 + 16 + 256 * 16 bytes, past 4096) need FFA_MEM_FRAG_RX,
    /// whose offsets count the v1.0 response's bytes (Hafnium computes them for a v1.0 caller
    /// from the v1.0 layout, `ffa_memory_retrieve_expected_offset_per_ffa_version`).
    "memory.retrieve.v1_0_borrower_fragmented_response", MEM_FRAG,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_FRAG_TX, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_FRAG_RX]), needs(NEEDS_UP);
    run: |ctx| fragmented(ctx, &UP)
}

case! {
    /// As `memory.retrieve.v1_0_borrower_fragmented_response`, for the v1.2 borrower, whose
    /// response has 32-byte access descriptors whatever the sender's: the FFA_MEM_FRAG_RX
    /// offsets count the bytes of the borrower's response, not of the sender's descriptor
    /// (for a v1.1 caller and later, Hafnium's `ffa_memory_retrieve_expected_offset_per_ffa_version`
    /// takes the offset of the constituents in the descriptor it stored, the sender's layout).
    "memory.retrieve.v1_2_borrower_fragmented_response", MEM_FRAG,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_FRAG_TX, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_FRAG_RX]), needs(NEEDS_SECOND);
    run: |ctx| fragmented(ctx, &SECOND)
}

/// One borrower's retrieve of the two-borrower share `h`, listing both.
fn retrieve_among(ctx: &Ctx, h: Handle, me: u16, peer: u16) -> Result<Result<[u64; 4], FfaError>, Failure> {
    sp_command(
        ctx,
        me,
        MEM_RETRIEVE_CMD,
        Ask { peer, pattern: MARKER as u8, ..Ask::of(ctx, h, TransactionType::Share) },
    )
}

case! {
    /// One page shared with two borrowers of different versions, sp-up (v1.0) and sp-second
    /// (v1.2): each retrieves it in its own layout (its request lists both borrowers) and reads
    /// what the owner wrote; the owner's reclaim is DENIED while either holds it (16.7) and
    /// succeeds once both relinquished.
    "memory.share.two_receivers_of_two_versions", MEM_SHARE,
    abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_BOTH);
    fn two_versions(ctx) {
        let (up, second) = (borrower(ctx, &UP)?, borrower(ctx, &SECOND)?);
        let h = share_with(ctx, [up, second])?;
        // Each borrower writes its marker at offset 0: the page holds the marker throughout,
        // so that neither finds the other's write where it expects the owner's content.
        pool()[0].fill(MARKER as u8);
        let by_up = retrieve_among(ctx, h, up, second)?;
        let by_second = retrieve_among(ctx, h, second, up)?;
        let held = by_up.is_ok() as u8 + by_second.is_ok() as u8;
        let up_released = if by_up.is_ok() { sp_relinquish_by(ctx, up, h, 0)? } else { Ok(()) };
        let one_left = ctx.ffa.mem_reclaim(h, 0);
        let second_released = if by_second.is_ok() { sp_relinquish_by(ctx, second, h, 0)? } else { Ok(()) };
        if !one_left.is_success() {
            reclaim_ok(ctx, h)?;
        }
        // The content and access only: the v1.0 NS bit is the lifecycle cases' to check.
        for (p, got) in [(&UP, by_up), (&SECOND, by_second)] {
            match got {
                Ok(v) => {
                    check!(v[0] == 0, "{} refused the response: verdict {} detail {:#x}", p.name, v[0] >> 56, v[0] & ((1 << 56) - 1));
                    check_eq!((v[3] >> 16) as u8 & 3, AccessPerms::DATA_RW, "{}'s data access", p.name);
                }
                Err(e) => fail!("{}'s retrieve of its part was refused: {e:?}", p.name),
            }
        }
        check!(held == 2, "both borrowers hold the share");
        check_eq!(up_released, Ok(()), "sp-up's FFA_MEM_RELINQUISH");
        check_eq!(second_released, Ok(()), "sp-second's FFA_MEM_RELINQUISH");
        check_error!(one_left, FfaError::Denied, "FFA_MEM_RECLAIM while sp-second still holds the share");
        Ok(())
    }
}
