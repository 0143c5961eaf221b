//! The borrower's side, with the suite's sp as the borrower (tfa-el3): the normal world
//! shares or lends pool pages, the sp retrieves them (DEN0077A v1.1 16.5 FFA_MEM_RETRIEVE_REQ,
//! the response in its RX, FFA_MEM_FRAG_RX when it is larger), checks what the SPMC handed it
//! and the content the owner wrote, writes a marker, and relinquishes (16.6); the owner then
//! reclaims (16.7) and reads the marker. The sp's half is the two commands below.

use super::{receiver, reclaim_ok, send_ok, transaction};
use crate::sp::{self, Width, NEEDS_SP};
use ffa_harness::command::Status;
use ffa_harness::desc::memory::{
    AccessPerms, Constituent, Handle, MemAttributes, Transaction, TransactionFlags, TransactionType,
};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::pages::pool;
use ffa_harness::spec::{MEM_LEND, MEM_NS_BIT, MEM_RELINQUISH, MEM_RETRIEVE};
use ffa_harness::{case, check, check_eq, check_error, check_success, fail, CaseResult, Ctx, Failure};

/// MEM_RETRIEVE(handle, flags | sender << 32 | attributes << 48, tag, pattern | marker << 8 |
/// data access << 16 | peer << 24): retrieves the transaction with a request naming the sp
/// with that data access (0: read-write), and the other borrower `peer` with the same access
/// when it is not 0, in the layout of the sp's own negotiated version; decodes the response in
/// that version's layout, checks handle, sender, tag, its own access descriptor and every byte of the
/// first constituent against `pattern`, writes `marker` at offset 0 when the response grants
/// it write access, and answers x4 = 0
/// (else a `Verdict` code << 56 with a detail), x5 = total pages, x6 = the first
/// constituent's address, x7 = attributes | permissions << 16 | response flags << 32.
pub const MEM_RETRIEVE_CMD: u16 = 60;
/// MEM_RELINQUISH(handle, flags): relinquishes the sp's access to the transaction.
pub const MEM_RELINQUISH_CMD: u16 = 61;

/// The sp's verdict (x4 >> 56) when the SPMC refused its FFA_MEM_FRAG_RX; the detail is the
/// offset << 32 | the error code.
const FRAGMENT_REFUSED: u64 = 6;

#[cfg(target_os = "none")]
pub(super) mod sp_side {
    use super::*;
    use ffa_harness::command::Reply;
    use ffa_harness::command::{Request, SpCtx};
    use ffa_harness::desc::memory::Receiver;
    use ffa_harness::desc::memory::{Decoded, DescError};
    use ffa_harness::memory::{relinquish, retrieve, Borrowed, RetrieveError, Retrieved};
    use ffa_harness::pages::PAGES;

    /// What the sp found wrong in a retrieve response (x4 >> 56).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(u64)]
    pub(in crate::memory) enum Verdict {
        /// The decoder refused the response (detail: its offset or value).
        Malformed = 1,
        /// The handle, sender or tag differ from the request.
        Header = 2,
        /// The response has no access descriptor for the sp.
        NotNamed = 3,
        /// A byte of the first constituent is not the pattern (detail: its offset).
        Content = 4,
        /// The sp could not map the constituent.
        Map = 5,
        /// The SPMC refused FFA_MEM_FRAG_RX (detail: the offset << 32 | the error code).
        FragmentRefused = FRAGMENT_REFUSED,
    }

    pub(in crate::memory) fn verdict(v: Verdict, detail: u64) -> Reply {
        Reply::ok([(v as u64) << 56 | detail, 0, 0, 0])
    }

    /// The offset a decoder error names (or the value it refused).
    pub(in crate::memory) fn detail(e: DescError) -> u64 {
        match e {
            DescError::Short { need, .. } => need as u64,
            DescError::Reserved { offset } => offset as u64,
            DescError::AccessSize(v) | DescError::AccessOffset(v) | DescError::CompositeOffset(v) => v.into(),
            DescError::NoReceiver => 0,
            DescError::PageCount(declared, _) => declared.into(),
        }
    }

    /// Sends the retrieve request the arguments of `req` describe (see [`MEM_RETRIEVE_CMD`]),
    /// in the sp's own negotiated version's layout, reassembles the response, decodes it in
    /// that layout and checks its header against the request; `then` gets the decoded
    /// response, how it came and its bytes. The sp's own version, never the normal world's:
    /// the SPMC translates between the sender's layout and each borrower's.
    pub(in crate::memory) fn with_response(
        ctx: &mut SpCtx,
        req: &Request,
        then: impl FnOnce(&mut SpCtx, &Decoded, Retrieved, &[u8]) -> Reply,
    ) -> Reply {
        let handle = Handle(req.arg(0));
        let flags = TransactionFlags(req.arg(1) as u32);
        let sender = (req.arg(1) >> 32) as u16;
        let attributes = MemAttributes((req.arg(1) >> 48) as u16);
        let tag = req.arg(2);
        // Instruction access: left unspecified for a share (or a type the borrower leaves
        // unspecified), NX for a lend or donate. Hafnium refuses a share's retrieve that
        // specifies it and a single borrower's lend or donate that does not (src/ffa_memory.c,
        // ffa_memory_retrieve_is_memory_access_valid); TF-A's EL3 SPMC takes either.
        let lent = flags.transaction_type() >= TransactionType::Lend as u32;
        let data = match (req.arg(3) >> 16) as u8 & 3 {
            0 => AccessPerms::DATA_RW,
            asked => asked,
        };
        let perms = AccessPerms(data | if lent { AccessPerms::INSTR_NX } else { 0 });
        // A transaction with several borrowers is retrieved with a request that lists them
        // all (Hafnium `ffa_memory_retrieve_validate_memory_access_list`: "Retrieve request
        // should contain same list of borrowers, as specified by the lender", unless the
        // request sets the bypass flag, bit 10).
        let peer = (req.arg(3) >> 24) as u16;
        let both = [Receiver::new(ctx.session.own_id, perms), Receiver::new(peer, perms)];
        let me = if peer == 0 { &both[..1] } else { &both[..] };
        let request = Transaction { sender, attributes, flags, handle, tag, receivers: me, constituents: None };
        let encoded = request.encoded(ctx.session.negotiated);
        let mut buf = [0u8; 8192];
        let got = match retrieve(ctx.ffa, &PAGES.tx, &PAGES.rx, handle, &encoded, &mut buf) {
            Ok(got) => got,
            Err(RetrieveError::Refused(r)) => return Reply::call_failed(&r),
            Err(RetrieveError::FragmentRefused { offset, answer }) => {
                return verdict(Verdict::FragmentRefused, u64::from(offset) << 32 | u64::from(answer.w(2)))
            }
            Err(RetrieveError::Broken(_)) => return verdict(Verdict::Malformed, 0),
        };
        // A v1.0 response's attribute bits 7:6 are reserved (v1.0 has no NS bit; TF-A's EL3
        // SPMC sets it for a v1.0 SP only on request, `spmc_ffa_mem_retrieve_set_ns_bit`), and
        // Hafnium writes its NS bit there (vmlib/ffa_v1_0.c `ffa_memory_attributes_truncate`).
        // The sp decodes the rest without it and reports the attributes as written, so that
        // the lifecycle cases check the bit and the others the rest.
        let ns = if ctx.session.negotiated == Version::V1_0 { buf[2] & MemAttributes::NS as u8 } else { 0 };
        buf[2] &= !ns;
        let mut d = match Decoded::parse(ctx.session.negotiated, &buf[..got.total]) {
            Ok(d) => d,
            Err(e) => return verdict(Verdict::Malformed, detail(e)),
        };
        d.attributes = MemAttributes(d.attributes.0 | u16::from(ns));
        if d.handle != handle || d.sender != sender || d.tag != tag {
            return verdict(Verdict::Header, d.handle.0 & 0xffff_ffff);
        }
        then(ctx, &d, got, &buf[..got.total])
    }

    pub fn mem_retrieve(ctx: &mut SpCtx, req: &Request) -> Reply {
        let (pattern, marker) = (req.arg(3) as u8, (req.arg(3) >> 8) as u8);
        with_response(ctx, req, |ctx, d, _, _| check_content(ctx, d, pattern, marker))
    }

    /// Checks the sp's constituent in `d` holds `pattern`, writes `marker` where the sp may,
    /// and answers what [`MEM_RETRIEVE_CMD`] does.
    fn check_content(ctx: &SpCtx, d: &Decoded, pattern: u8, marker: u8) -> Reply {
        let Some(mine) = (0..d.receiver_count).find(|&i| d.receiver(i).map(|r| r.id) == Ok(ctx.session.own_id)) else {
            return verdict(Verdict::NotNamed, 0);
        };
        let first = match d.composite(mine).and_then(|c| c.constituent(0).map(|k| (c, k))) {
            Ok(ck) => ck,
            Err(e) => return verdict(Verdict::Malformed, detail(e)),
        };
        let (composite, first) = first;
        let Ok(pages) = Borrowed::map(first.address, first.pages) else { return verdict(Verdict::Map, first.address) };
        if let Some(at) = pages.find_not(pattern) {
            return verdict(Verdict::Content, at as u64);
        }
        let perms = d.receiver(mine).map_or(0, |r| r.perms.0);
        // A read-only mapping is one the sp must not write: under Hafnium the write would be a
        // stage-2 fault that aborts the partition.
        if perms & 3 == AccessPerms::DATA_RW {
            pages.write(0, marker);
        }
        Reply::ok([
            0,
            composite.total_pages.into(),
            first.address,
            u64::from(d.attributes.0) | u64::from(perms) << 16 | u64::from(d.flags.0) << 32,
        ])
    }

    pub fn mem_relinquish(ctx: &mut SpCtx, req: &Request) -> Reply {
        let answer = relinquish(ctx.ffa, &PAGES.tx, ctx.session.own_id, Handle(req.arg(0)), req.arg(1) as u32);
        if answer.is_success() {
            Reply::ok([0; 4])
        } else {
            Reply::call_failed(&answer)
        }
    }
}

#[cfg(target_os = "none")]
ffa_harness::command!(MEM_RETRIEVE_CMD, "mem-retrieve", sp_side::mem_retrieve);
#[cfg(target_os = "none")]
ffa_harness::command!(MEM_RELINQUISH_CMD, "mem-relinquish", sp_side::mem_relinquish);

/// The sp's retrieve request, field by field.
#[derive(Clone, Copy)]
pub(super) struct Ask {
    pub(super) handle: Handle,
    pub(super) flags: TransactionFlags,
    pub(super) sender: u16,
    pub(super) attributes: MemAttributes,
    pub(super) tag: u64,
    pub(super) pattern: u8,
    /// The data access the sp asks for (0: read-write).
    pub(super) data: u8,
    /// The other borrower the request lists beside the sp (0: none).
    pub(super) peer: u16,
}

impl Ask {
    /// The request a borrower of `handle` from `ctx`'s endpoint sends for a transaction of
    /// type `kind`: attributes left unspecified, tag 0, expecting the owner's pattern.
    pub(super) fn of(ctx: &Ctx, handle: Handle, kind: TransactionType) -> Self {
        Self {
            handle,
            flags: TransactionFlags::of_type(kind),
            sender: ctx.session.own_id,
            attributes: MemAttributes::NOT_SPECIFIED,
            tag: 0,
            pattern: PATTERN,
            data: 0,
            peer: 0,
        }
    }
}

impl Ask {
    /// The arguments of the sp's `mem-retrieve` command that make this request.
    pub(super) fn args(&self) -> [u64; 4] {
        let flags = u64::from(self.flags.0) | u64::from(self.sender) << 32 | u64::from(self.attributes.0) << 48;
        let expect = u64::from(self.pattern) | MARKER << 8 | u64::from(self.data) << 16 | u64::from(self.peer) << 24;
        [self.handle.0, flags, self.tag, expect]
    }
}

/// What the sp's retrieve of the usual request for `handle` answered.
pub(super) fn sp_retrieve(
    ctx: &Ctx,
    handle: Handle,
    kind: TransactionType,
) -> Result<Result<[u64; 4], FfaError>, Failure> {
    sp_ask(ctx, Ask::of(ctx, handle, kind))
}

/// What the sp's retrieve with `ask` answered: the values of a completed one, or the SPMC's
/// error code.
pub(super) fn sp_ask(ctx: &Ctx, ask: Ask) -> Result<Result<[u64; 4], FfaError>, Failure> {
    sp_command(ctx, sp::sp_id(ctx)?, MEM_RETRIEVE_CMD, ask)
}

/// What the partition `borrower` answered to memory command `id` with `ask`: the values of a
/// completed retrieve, or the SPMC's error code.
pub(super) fn sp_command(ctx: &Ctx, borrower: u16, id: u16, ask: Ask) -> Result<Result<[u64; 4], FfaError>, Failure> {
    let (_, reply) = sp::exchange_with(ctx, borrower, Width::W64, id, ask.args())?;
    match reply.status {
        Status::Ok => Ok(Ok(reply.values)),
        Status::CallFailed if reply.values[0] == u64::from(FuncId::ERROR.0) => {
            Ok(Err(FfaError::from_code(reply.values[1] as u32 as i32)))
        }
        other => fail!("sp command {id} ended {other:?} with {:x?}", reply.values),
    }
}

/// The sp's FFA_MEM_RELINQUISH of `handle`: `Ok` or the SPMC's error code.
pub(super) fn sp_relinquish(ctx: &Ctx, handle: Handle) -> Result<Result<(), FfaError>, Failure> {
    sp_relinquish_with(ctx, handle, 0)
}

/// The sp's FFA_MEM_RELINQUISH of `handle` with relinquish `flags`.
fn sp_relinquish_with(ctx: &Ctx, handle: Handle, flags: u32) -> Result<Result<(), FfaError>, Failure> {
    sp_relinquish_by(ctx, sp::sp_id(ctx)?, handle, flags)
}

/// The FFA_MEM_RELINQUISH of `handle` with `flags` by the partition `borrower`.
pub(super) fn sp_relinquish_by(
    ctx: &Ctx,
    borrower: u16,
    handle: Handle,
    flags: u32,
) -> Result<Result<(), FfaError>, Failure> {
    let (_, reply) = sp::exchange_with(ctx, borrower, Width::W64, MEM_RELINQUISH_CMD, [handle.0, flags.into(), 0, 0])?;
    match reply.status {
        Status::Ok => Ok(Ok(())),
        Status::CallFailed if reply.values[0] == u64::from(FuncId::ERROR.0) => {
            Ok(Err(FfaError::from_code(reply.values[1] as u32 as i32)))
        }
        other => fail!("sp command mem-relinquish ended {other:?} with {:x?}", reply.values),
    }
}

/// The byte the owner fills the pages with, and the one the sp writes at offset 0.
pub(super) const PATTERN: u8 = 0x5a;
pub(super) const MARKER: u64 = 0xa5;

/// Fills `pages` pool pages from 0 with the pattern and sends them to the sp with `func`.
pub(super) fn send_filled(ctx: &Ctx, func: FuncId, pages: u32) -> Result<Handle, Failure> {
    for p in &pool()[..pages as usize] {
        p.fill(PATTERN);
    }
    super::send_pages(ctx, func, 0, pages)
}

/// Checks the values of the sp's completed retrieve of `pages` pool pages from 0, sent with
/// `func`, at the sp's own FF-A version (the primary's, or tfa-el3-sp1.0's v1.0 one).
fn check_retrieved(ctx: &Ctx, v: [u64; 4], func: FuncId, pages: u32) -> CaseResult {
    check_retrieved_at(v, func, pages, sp::sp_partition(ctx)?.ffa_version)
}

/// Checks the values of a completed retrieve of `pages` pool pages from 0, sent with `func`,
/// by a borrower that negotiated `version`. The NS bit follows the borrower's version: a v1.1
/// (or later) borrower is told the memory is normal-world memory (DEN0077A v1.1 10.10.4.1.1;
/// TF-A `spmc_ffa_mem_retrieve_set_ns_bit`), while to a v1.0 one the bit is reserved (DEN0077A
/// v1.0 Table 5.18: bits[7:6] MBZ), which TF-A sets only for a v1.0 partition that asked for it
/// with FFA_FEATURES(FFA_MEM_RETRIEVE_REQ) and the sp does not ask.
pub(super) fn check_retrieved_at(v: [u64; 4], func: FuncId, pages: u32, version: Version) -> CaseResult {
    check!(v[0] == 0, "the sp refused the response: verdict {} detail {:#x}", v[0] >> 56, v[0] & ((1 << 56) - 1));
    check_eq!(v[1], u64::from(pages), "total page count in the retrieve response");
    check_eq!(v[2], pool()[0].addr(), "first constituent's address");
    let attributes = MemAttributes(v[3] as u16);
    check_eq!(
        attributes.ns(),
        version >= Version::V1_1,
        "NS bit in the response to the v{version} borrower (v1.1 on: set; v1.0: reserved): attributes {:#x}",
        attributes.0
    );
    check_eq!(attributes.0 & !MemAttributes::NS, super::attributes_for(func).0, "attributes besides NS (the sender's)");
    check_eq!((v[3] >> 16) as u8 & 3, AccessPerms::DATA_RW, "the sp's data access");
    let kind = if matches!(func, FuncId::MEM_SHARE_32) { TransactionType::Share } else { TransactionType::Lend };
    check_eq!(
        TransactionFlags((v[3] >> 32) as u32).transaction_type(),
        kind as u32,
        "transaction type in the response flags"
    );
    Ok(())
}

/// Share or lend, retrieve, reclaim refused while retrieved, relinquish, reclaim, marker.
pub(super) fn lifecycle(ctx: &mut Ctx, func: FuncId, kind: TransactionType) -> CaseResult {
    let sp = sp::sp_id(ctx)?;
    let version = sp::sp_partition(ctx)?.ffa_version;
    lifecycle_with(ctx, func, kind, sp, version)
}

/// [`lifecycle`] with the partition `borrower`, which negotiated `version`.
pub(super) fn lifecycle_with(
    ctx: &mut Ctx,
    func: FuncId,
    kind: TransactionType,
    borrower: u16,
    version: Version,
) -> CaseResult {
    for p in &pool()[..2] {
        p.fill(PATTERN);
    }
    let h = super::send_pages_to(ctx, func, 0, 2, borrower)?;
    let v = match sp_command(ctx, borrower, MEM_RETRIEVE_CMD, Ask::of(ctx, h, kind))? {
        Ok(v) => v,
        Err(e) => fail!("the FFA_MEM_RETRIEVE_REQ of {:#x} by partition {borrower:#x} was refused: {e:?}", h.0),
    };
    let checked = check_retrieved_at(v, func, 2, version);
    let denied = ctx.ffa.mem_reclaim(h, 0);
    let relinquished = sp_relinquish_by(ctx, borrower, h, 0)?;
    let reclaimed = if relinquished.is_ok() { reclaim_ok(ctx, h) } else { Ok(()) };
    check_error!(denied, FfaError::Denied, "FFA_MEM_RECLAIM while the sp holds the memory");
    checked?;
    if let Err(e) = relinquished {
        fail!("the sp's FFA_MEM_RELINQUISH was refused: {e:?}");
    }
    reclaimed?;
    check_eq!(pool()[0].u32_at(0) as u8, MARKER as u8, "the byte the sp wrote, read by the owner after the reclaim");
    Ok(())
}

case! {
    /// Share to the sp: it retrieves what the owner shared (handle, sender, tag, its own
    /// read-write access, the constituent, NS set, the share type, every byte the owner
    /// wrote); the owner cannot reclaim while it holds it (DENIED); after the sp
    /// relinquishes, the owner reclaims and sees what the sp wrote.
    "memory.retrieve.share_lifecycle", MEM_RETRIEVE, abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SP);
    run: |ctx| lifecycle(ctx, FuncId::MEM_SHARE_32, TransactionType::Share)
}

case! {
    /// As `memory.retrieve.share_lifecycle`, for a lend.
    "memory.retrieve.lend_lifecycle", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH, FuncId::MEM_RECLAIM]), needs(NEEDS_SP);
    run: |ctx| lifecycle(ctx, FuncId::MEM_LEND_32, TransactionType::Lend)
}

/// The transaction type of a transaction sent with `func` (a share or a lend here).
pub(super) fn kind_of(func: FuncId) -> TransactionType {
    if func == FuncId::MEM_LEND_32 {
        TransactionType::Lend
    } else {
        TransactionType::Share
    }
}

/// The other of share and lend than `a` asks for.
fn other_type(a: Ask) -> Ask {
    let other = if a.flags.transaction_type() == TransactionType::Share as u32 {
        TransactionType::Lend
    } else {
        TransactionType::Share
    };
    Ask { flags: TransactionFlags::of_type(other), ..a }
}

/// Sends a page with `func`, has the sp retrieve it with the request `wrong` makes of the
/// right one, and expects INVALID_PARAMETERS; relinquishes what a wrongly accepted retrieve got.
pub(super) fn wrong_retrieve(ctx: &mut Ctx, func: FuncId, wrong: fn(Ask) -> Ask, what: &str) -> CaseResult {
    let h = send_filled(ctx, func, 1)?;
    let r = sp_ask(ctx, wrong(Ask::of(ctx, h, kind_of(func))))?;
    if r.is_ok() {
        sp_relinquish(ctx, h)?.ok();
    }
    reclaim_ok(ctx, h)?;
    match r {
        Err(FfaError::InvalidParameters) => Ok(()),
        Err(e) => fail!("a retrieve request with {what}: want INVALID_PARAMETERS, got {e:?}"),
        Ok(_) => fail!("a retrieve request with {what} was answered with the memory"),
    }
}

case! {
    /// A retrieve request names the transaction by its handle: another one is INVALID_PARAMETERS.
    "memory.retrieve.wrong_handle_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { handle: Handle(a.handle.0 ^ 0x40), ..a }, "another handle")
}

case! {
    /// As `memory.retrieve.wrong_handle_invalid`, for a lend.
    "memory.retrieve.lend_wrong_handle_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, |a| Ask { handle: Handle(a.handle.0 ^ 0x40), ..a }, "another handle")
}

case! {
    /// The tag of a retrieve request is the sender's: another one is INVALID_PARAMETERS.
    "memory.retrieve.wrong_tag_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { tag: 7, ..a }, "tag 7")
}

case! {
    /// As `memory.retrieve.wrong_tag_invalid`, for a lend.
    "memory.retrieve.lend_wrong_tag_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, |a| Ask { tag: 7, ..a }, "tag 7")
}

case! {
    /// The sender of a retrieve request is the owner: another ID is INVALID_PARAMETERS.
    "memory.retrieve.wrong_sender_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { sender: a.sender ^ 1, ..a }, "another sender")
}

case! {
    /// As `memory.retrieve.wrong_sender_invalid`, for a lend.
    "memory.retrieve.lend_wrong_sender_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, |a| Ask { sender: a.sender ^ 1, ..a }, "another sender")
}

case! {
    /// A retrieve request that gives a transaction type must give the transaction's: a lend
    /// for a share is INVALID_PARAMETERS.
    "memory.retrieve.wrong_type_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, other_type, "the lend type for a share")
}

case! {
    /// As `memory.retrieve.wrong_type_invalid`, for a lend.
    "memory.retrieve.lend_wrong_type_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, other_type, "the share type for a lend")
}

case! {
    /// A borrower can only relinquish what it retrieved: INVALID_PARAMETERS before any
    /// retrieve, and the owner can still reclaim.
    "memory.relinquish.without_retrieve_invalid", MEM_RELINQUISH, abis(&[FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| without_retrieve(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.relinquish.without_retrieve_invalid`, for a lend.
    "memory.relinquish.lend_without_retrieve_invalid", MEM_RELINQUISH, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| without_retrieve(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.relinquish.without_retrieve_invalid` for a transaction sent with `func`.
fn without_retrieve(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_filled(ctx, func, 1)?;
    let r = sp_relinquish(ctx, h)?;
    reclaim_ok(ctx, h)?;
    check_eq!(r, Err(FfaError::InvalidParameters), "FFA_MEM_RELINQUISH without a retrieve");
    Ok(())
}

case! {
    /// A borrower relinquishes a retrieve once: the second FFA_MEM_RELINQUISH is
    /// INVALID_PARAMETERS.
    "memory.relinquish.twice_invalid", MEM_RELINQUISH, abis(&[FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| twice(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.relinquish.twice_invalid`, for a lend.
    "memory.relinquish.lend_twice_invalid", MEM_RELINQUISH, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    run: |ctx| twice(ctx, FuncId::MEM_LEND_32)
}

/// The rule of `memory.relinquish.twice_invalid` for a transaction sent with `func`.
fn twice(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_filled(ctx, func, 1)?;
    let got = sp_retrieve(ctx, h, kind_of(func))?;
    let first = sp_relinquish(ctx, h)?;
    let second = sp_relinquish(ctx, h)?;
    reclaim_ok(ctx, h)?;
    check!(got.is_ok(), "the retrieve was refused: {got:?}");
    check_eq!(first, Ok(()), "the first FFA_MEM_RELINQUISH");
    check_eq!(second, Err(FfaError::InvalidParameters), "a second FFA_MEM_RELINQUISH");
    Ok(())
}

case! {
    /// A retrieve response larger than the sp's RX page comes in fragments: the sp drives
    /// FFA_MEM_FRAG_RX and reads all 256 constituents of a fragmented share.
    "memory.retrieve.fragmented_response", MEM_RETRIEVE, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_FRAG_TX, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_FRAG_RX]), needs(NEEDS_SP);
    fn fragmented(ctx) {
        pool()[0].fill(PATTERN);
        let to = receiver(ctx)?;
        let c: [Constituent; 256] = super::pool_constituents(0, true);
        let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
        let h = send_ok(ctx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated))?;
        let got = sp_retrieve(ctx, h, TransactionType::Share)?;
        let relinquished = if got.is_ok() { sp_relinquish(ctx, h)? } else { Ok(()) };
        let reclaimed = ctx.ffa.mem_reclaim(h, 0);
        let v = match got {
            Ok(v) => v,
            Err(e) => fail!("the retrieve was refused: {e:?}"),
        };
        if v[0] >> 56 == FRAGMENT_REFUSED {
            fail!(
                "the SPMC refused the sp's FFA_MEM_FRAG_RX at offset {} (the bytes it had of the response) with error {}",
                v[0] >> 32 & 0xff_ffff,
                v[0] as u32 as i32
            );
        }
        check!(v[0] == 0, "the sp refused the response: verdict {} detail {:#x}", v[0] >> 56, v[0] & ((1 << 56) - 1));
        check_eq!(v[1], 256, "total page count");
        check_eq!(relinquished, Ok(()), "the sp's FFA_MEM_RELINQUISH");
        check_success!(reclaimed, "FFA_MEM_RECLAIM after the relinquish");
        Ok(())
    }
}

case! {
    /// The NS bit is the SPMC's to set in the response: a borrower that sets it in its
    /// request is refused (TF-A `spmc_ffa_mem_retrieve_req`: "NS mem attributes flags MBZ").
    "memory.retrieve.ns_bit_in_request_invalid", MEM_NS_BIT, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { attributes: MemAttributes::NORMAL_WB_INNER.with_ns(), ..a }, "the NS bit set")
}

case! {
    /// As `memory.retrieve.ns_bit_in_request_invalid`, for a lend.
    "memory.retrieve.lend_ns_bit_in_request_invalid", MEM_NS_BIT, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, |a| Ask { attributes: MemAttributes::NORMAL_WB_INNER.with_ns(), ..a }, "the NS bit set")
}

case! {
    /// A retrieve request defines flag bits [9:0]; bit 31 is reserved (MBZ).
    "memory.retrieve.reserved_flag_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_SHARE_32, |a| Ask { flags: a.flags.with(1 << 31), ..a }, "flags bit 31")
}

case! {
    /// As `memory.retrieve.reserved_flag_invalid`, for a lend.
    "memory.retrieve.lend_reserved_flag_invalid", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    run: |ctx| wrong_retrieve(ctx, FuncId::MEM_LEND_32, |a| Ask { flags: a.flags.with(1 << 31), ..a }, "flags bit 31")
}

case! {
    /// A borrower may leave the transaction type unspecified (flags 0): the retrieve succeeds
    /// and the response gives the type of the transaction, a share.
    "memory.retrieve.unspecified_type_accepted", MEM_RETRIEVE, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    fn unspecified(ctx) {
        let h = send_filled(ctx, FuncId::MEM_SHARE_32, 1)?;
        let got = sp_ask(ctx, Ask { flags: TransactionFlags(0), ..Ask::of(ctx, h, TransactionType::Share) })?;
        if got.is_ok() {
            sp_relinquish(ctx, h)?.ok();
        }
        reclaim_ok(ctx, h)?;
        match got {
            Ok(v) => check_retrieved(ctx, v, FuncId::MEM_SHARE_32, 1),
            Err(e) => fail!("a retrieve with the type unspecified was refused: {e:?}"),
        }
    }
}

case! {
    /// FFA_MEM_RELINQUISH's flags define bits 0 (zero after relinquish) and 1 (time slicing);
    /// bit 31 is reserved: INVALID_PARAMETERS, and the borrower can still relinquish.
    "memory.relinquish.reserved_flag_invalid", MEM_RELINQUISH, abis(&[FuncId::MEM_RELINQUISH]), needs(NEEDS_SP);
    fn relinquish_reserved(ctx) {
        let h = send_filled(ctx, FuncId::MEM_SHARE_32, 1)?;
        let got = sp_retrieve(ctx, h, TransactionType::Share)?;
        let refused = sp_relinquish_with(ctx, h, 1 << 31)?;
        let relinquished = if refused.is_err() { sp_relinquish(ctx, h)? } else { Ok(()) };
        reclaim_ok(ctx, h)?;
        check!(got.is_ok(), "the retrieve was refused: {got:?}");
        check_eq!(refused, Err(FfaError::InvalidParameters), "FFA_MEM_RELINQUISH with flags bit 31");
        check_eq!(relinquished, Ok(()), "the FFA_MEM_RELINQUISH after it");
        Ok(())
    }
}

case! {
    /// A lend with the zero-memory flag (bit 0) has the SPMC clear the pages before the
    /// borrower maps them (Hafnium `ffa_clear_memory_constituents`): the sp then reads zeros.
    /// TF-A's EL3 SPMC supports no optional flag and refuses the lend with INVALID_PARAMETERS
    /// (`spmc_ffa_fill_desc`); a refusal is accepted, a lend accepted and not cleared is not.
    "memory.lend.zero_flag_clears_memory", MEM_LEND, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    fn zero_flag(ctx) {
        pool()[0].fill(PATTERN);
        let to = receiver(ctx)?;
        let c = [Constituent::new(pool()[0].addr(), 1)];
        let tx = Transaction { flags: TransactionFlags(TransactionFlags::ZERO_MEMORY), ..transaction(ctx, FuncId::MEM_LEND_32, &to, &c) };
        let r = ffa_harness::memory::send(ctx.ffa, &ctx.pages.tx, FuncId::MEM_LEND_32, &tx.encoded(ctx.session.negotiated), ctx.session.own_id, 4096)?;
        if r.error() == Some(FfaError::InvalidParameters) {
            return Ok(());
        }
        let h = super::handle_of(&r, FuncId::MEM_LEND_32)?;
        let got = sp_ask(ctx, Ask { pattern: 0, ..Ask::of(ctx, h, TransactionType::Lend) })?;
        if got.is_ok() {
            sp_relinquish(ctx, h)?.ok();
        }
        reclaim_ok(ctx, h)?;
        match got {
            Ok(v) => {
                check!(v[0] == 0, "the sp found the lent page not cleared: verdict {} at offset {:#x}", v[0] >> 56, v[0] & 0xffff);
                Ok(())
            }
            Err(e) => fail!("the retrieve of a zero-flagged lend was refused: {e:?}"),
        }
    }
}

/// The rule of `memory.retrieve.twice_counted` for a transaction sent with `func`.
fn retrieve_twice(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let h = send_filled(ctx, func, 1)?;
    let first = sp_retrieve(ctx, h, kind_of(func))?;
    let second = sp_retrieve(ctx, h, kind_of(func))?;
    let one = sp_relinquish(ctx, h)?;
    let between = ctx.ffa.mem_reclaim(h, 0);
    let two = if second.is_ok() && !between.is_success() { sp_relinquish(ctx, h)? } else { Ok(()) };
    if !between.is_success() {
        reclaim_ok(ctx, h)?;
    }
    check!(first.is_ok(), "the first retrieve was refused: {first:?}");
    check_eq!(one, Ok(()), "the first FFA_MEM_RELINQUISH");
    match second {
        Ok(_) => {
            check_error!(between, FfaError::Denied, "FFA_MEM_RECLAIM after one of two retrieves was relinquished");
            check_eq!(two, Ok(()), "the second FFA_MEM_RELINQUISH");
        }
        Err(FfaError::Denied) => {
            check!(between.is_success(), "FFA_MEM_RECLAIM after the relinquish answered {}", between.summary())
        }
        Err(e) => fail!("a second retrieve by the same borrower: want the memory again or DENIED, got {e:?}"),
    }
    Ok(())
}

case! {
    /// A borrower that retrieves a transaction twice: TF-A's EL3 SPMC answers the second one
    /// and counts it (`spmc_ffa_mem_retrieve_req`: `obj->in_use++`), so the owner's reclaim
    /// stays DENIED until both are relinquished; an SPMC that keeps one retrieve per borrower
    /// answers DENIED. No DEN0077A sentence read here settles it: both accepted, each checked
    /// to the end (a count that lets the owner reclaim after one relinquish is not).
    "memory.retrieve.twice_counted", MEM_RETRIEVE, abis(super::SHARE_CYCLE_ABIS), needs(NEEDS_SP);
    run: |ctx| retrieve_twice(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.retrieve.twice_counted`, for a lend.
    "memory.retrieve.lend_twice_counted", MEM_RETRIEVE, abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RELINQUISH, FuncId::MEM_RECLAIM]), needs(NEEDS_SP);
    run: |ctx| retrieve_twice(ctx, FuncId::MEM_LEND_32)
}

case! {
    /// Only a receiver the owner named may retrieve: a share to the normal-world VM 1 alone
    /// (which TF-A's EL3 SPMC accepts, leaving normal-world IDs to the hypervisor) retrieved
    /// by the sp is refused, INVALID_PARAMETERS (TF-A `spmc_ffa_mem_retrieve_req`: "invalid
    /// receiver id") or DENIED (both accepted). Where the SPMC refuses the share itself with
    /// INVALID_PARAMETERS or DENIED, FFA_MEM_SHARE's codes for a transaction it does not take
    /// (DEN0077A v1.1 chapter 16, TF-A's EL3 SPMC at v1.2), the case does not apply; any other
    /// answer fails.
    "memory.retrieve.non_receiver_refused", MEM_RETRIEVE, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(NEEDS_SP);
    fn non_receiver(ctx) {
        pool()[0].fill(PATTERN);
        let to = [ffa_harness::desc::memory::Receiver::new(0x0001, AccessPerms::RW)];
        let c = [Constituent::new(pool()[0].addr(), 1)];
        let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
        let r = ffa_harness::memory::send(ctx.ffa, &ctx.pages.tx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated), ctx.session.own_id, 4096)?;
        if let Some(code @ (FfaError::InvalidParameters | FfaError::Denied)) = r.error() {
            ffa_harness::check_error!(r, code, "FFA_MEM_SHARE to VM 1 alone");
            ffa_harness::not_applicable!("the SPMC refuses a share to VM 1 alone: {}", r.summary());
        }
        let h = super::handle_of(&r, FuncId::MEM_SHARE_32)?;
        let got = sp_retrieve(ctx, h, TransactionType::Share)?;
        if got.is_ok() {
            sp_relinquish(ctx, h)?.ok();
        }
        reclaim_ok(ctx, h)?;
        match got {
            Err(FfaError::InvalidParameters | FfaError::Denied) => Ok(()),
            Err(e) => fail!("a retrieve by a partition the owner did not name: want INVALID_PARAMETERS or DENIED, got {e:?}"),
            Ok(_) => fail!("a partition the owner did not name retrieved the memory"),
        }
    }
}
