//! Transactions larger than one TX buffer (DEN0077A v1.1 16.9 FFA_MEM_FRAG_RX, 16.10
//! FFA_MEM_FRAG_TX): the SPMC answers each fragment but the last with FFA_MEM_FRAG_RX (the
//! handle and the bytes it has), and the sender goes on with FFA_MEM_FRAG_TX. The sender in
//! `ffa_harness::memory::send` checks every round.

use super::{pool_constituents, receiver, reclaim_ok, send_ok, transaction};
use ffa_harness::desc::memory::{Constituent, Descriptor, Handle};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::memory::write_tx;
use ffa_harness::pages::{pool, PAGE_SIZE};
use ffa_harness::spec::MEM_FRAG;
use ffa_harness::{case, check, check_eq, check_error, fail, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::MEM_SHARE_32, FuncId::MEM_FRAG_TX, FuncId::MEM_RECLAIM];
const NEEDS: &[Need] = &[Need::Abi(FuncId::MEM_SHARE_32), Need::Abi(FuncId::MEM_FRAG_TX)];
/// One-page constituents a page apart: 256 make a descriptor larger than one TX page at
/// every version.
const LARGE: usize = 256;

/// Writes the first TX page of the large share and sends it: the answer must be FFA_MEM_FRAG_RX
/// with a handle and the page's length in w3. Returns the handle and the bytes sent.
fn start_large(ctx: &Ctx, d: &dyn Descriptor) -> Result<(Handle, usize), ffa_harness::Failure> {
    check!(d.len() > PAGE_SIZE, "the large share is {} bytes", d.len());
    write_tx(&ctx.pages.tx, d, 0, PAGE_SIZE);
    let r = ctx.ffa.mem_send(FuncId::MEM_SHARE_32, d.len() as u32, PAGE_SIZE as u32);
    if r.func() != FuncId::MEM_FRAG_RX {
        fail!("the first fragment of a {}-byte share answered {}", d.len(), r.summary());
    }
    check_eq!(r.w(3) as usize, PAGE_SIZE, "FFA_MEM_FRAG_RX w3 (bytes received)");
    Ok((Handle::from_words(r.w(1), r.w(2)), PAGE_SIZE))
}

/// Sends the rest of `d` from `sent` for `h` and returns the final answer's handle.
fn finish_large(ctx: &Ctx, d: &dyn Descriptor, h: Handle, sent: usize) -> Result<Handle, ffa_harness::Failure> {
    let n = d.len() - sent;
    check!(n <= PAGE_SIZE, "the rest ({n} bytes) fits one fragment");
    write_tx(&ctx.pages.tx, d, sent, n);
    let r = ctx.ffa.mem_frag_tx(h, n as u32, ctx.session.own_id);
    let got = super::handle_of(&r, FuncId::MEM_FRAG_TX)?;
    check_eq!(got, h, "the handle of the completed transaction vs FFA_MEM_FRAG_RX's");
    Ok(got)
}

/// The large share's constituents and receiver, and a body that uses its encoding.
fn with_large(ctx: &mut Ctx, body: fn(&mut Ctx, &dyn Descriptor) -> CaseResult) -> CaseResult {
    let to = receiver(ctx)?;
    let c: [Constituent; LARGE] = pool_constituents(0, true);
    let tx = transaction(ctx, FuncId::MEM_SHARE_32, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    body(ctx, &e)
}

case! {
    /// A share of 256 constituents does not fit one TX page: it goes in fragments, the SPMC
    /// asks for each with FFA_MEM_FRAG_RX (same handle, offset = bytes so far), the last
    /// FFA_MEM_FRAG_TX answers FFA_SUCCESS with the handle, and the owner reclaims it.
    "memory.frag_tx.large_share", MEM_FRAG, abis(ABIS), needs(NEEDS);
    run: |ctx| with_large(ctx, |ctx, d| {
        let h = send_ok(ctx, FuncId::MEM_SHARE_32, d)?;
        reclaim_ok(ctx, h)
    })
}

case! {
    /// FFA_MEM_FRAG_TX names the transaction by the handle FFA_MEM_FRAG_RX gave: another handle
    /// is INVALID_PARAMETERS, and the transaction can still be completed.
    "memory.frag_tx.wrong_handle_invalid", MEM_FRAG, abis(ABIS), needs(NEEDS);
    run: |ctx| with_large(ctx, |ctx, d| {
        let (h, sent) = start_large(ctx, d)?;
        let r = ctx.ffa.mem_frag_tx(Handle(h.0 ^ 0x40), (d.len() - sent) as u32, ctx.session.own_id);
        let refused = super::check_refused(&r, &[FfaError::InvalidParameters], format_args!("FFA_MEM_FRAG_TX with another handle"));
        let done = finish_large(ctx, d, h, sent)?;
        reclaim_ok(ctx, done)?;
        refused
    })
}

case! {
    /// A transaction whose descriptor is not complete cannot be reclaimed (it is no
    /// transaction yet): INVALID_PARAMETERS; completed, it can.
    "memory.reclaim.incomplete_transaction_invalid", MEM_FRAG, abis(ABIS), needs(NEEDS);
    run: |ctx| with_large(ctx, |ctx, d| {
        let (h, sent) = start_large(ctx, d)?;
        let r = ctx.ffa.mem_reclaim(h, 0);
        let refused = super::check_refused(&r, &[FfaError::InvalidParameters], format_args!("FFA_MEM_RECLAIM of an incomplete transaction"));
        let done = finish_large(ctx, d, h, sent)?;
        reclaim_ok(ctx, done)?;
        refused
    })
}

case! {
    /// FFA_MEM_FRAG_TX for a handle with no transaction in progress is INVALID_PARAMETERS.
    "memory.frag_tx.unknown_handle_invalid", MEM_FRAG, abis(&[FuncId::MEM_FRAG_TX]),
    needs(&[Need::Abi(FuncId::MEM_FRAG_TX)]);
    fn unknown(ctx) {
        check_error!(
            ctx.ffa.mem_frag_tx(Handle(0x0bad_c0de_0000_0777), 16, ctx.session.own_id),
            FfaError::InvalidParameters,
            "FFA_MEM_FRAG_TX of a made-up handle"
        );
        Ok(())
    }
}

case! {
    /// A fragment longer than what remains of the total length is INVALID_PARAMETERS.
    "memory.frag_tx.overlong_fragment_invalid", MEM_FRAG, abis(ABIS), needs(NEEDS);
    run: |ctx| with_large(ctx, |ctx, d| {
        let (h, sent) = start_large(ctx, d)?;
        write_tx(&ctx.pages.tx, d, sent, PAGE_SIZE);
        let r = ctx.ffa.mem_frag_tx(h, PAGE_SIZE as u32, ctx.session.own_id);
        super::check_refused(&r, &[FfaError::InvalidParameters], format_args!("FFA_MEM_FRAG_TX of {PAGE_SIZE} bytes with {} left", d.len() - sent))
    })
}

case! {
    /// An FFA_MEM_FRAG_TX of zero bytes carries nothing. No DEN0077A sentence read here says
    /// whether it is an error: INVALID_PARAMETERS is accepted, and so is TF-A's EL3 SPMC's
    /// reading (`spmc_ffa_mem_frag_tx` appends nothing and asks again), FFA_MEM_FRAG_RX with
    /// the same handle and the offset unchanged. Anything else (a completed transaction, an
    /// offset that moved) is not; the transaction is then completed and reclaimed.
    "memory.frag_tx.zero_length_refused_or_ignored", MEM_FRAG, abis(ABIS), needs(NEEDS);
    run: |ctx| with_large(ctx, |ctx, d| {
        let (h, sent) = start_large(ctx, d)?;
        let r = ctx.ffa.mem_frag_tx(h, 0, ctx.session.own_id);
        if r.is_success() {
            reclaim_ok(ctx, super::handle_of(&r, FuncId::MEM_FRAG_TX)?)?;
            fail!("FFA_MEM_FRAG_TX of 0 bytes completed a transaction {} bytes short", d.len() - sent);
        }
        let answered = if r.func() == FuncId::MEM_FRAG_RX {
            check_eq!(Handle::from_words(r.w(1), r.w(2)), h, "FFA_MEM_FRAG_RX's handle after a 0-byte fragment");
            check_eq!(r.w(3) as usize, sent, "FFA_MEM_FRAG_RX's offset after a 0-byte fragment");
            Ok(())
        } else {
            super::check_refused(&r, &[FfaError::InvalidParameters], format_args!("FFA_MEM_FRAG_TX of 0 bytes"))
        };
        let done = finish_large(ctx, d, h, sent)?;
        reclaim_ok(ctx, done)?;
        answered
    })
}

case! {
    /// Two fragmented transactions may be in progress at once, each named by its own handle:
    /// the first fragments of two large shares (of different pages) get two handles, and
    /// completing them in the other order gives each its own handle back. TF-A's EL3 SPMC
    /// keeps any number of objects in progress (`spmc_shmem_obj_alloc`); Hafnium and OP-TEE
    /// keep a list of them too.
    "memory.frag_tx.interleaved_transactions", MEM_FRAG, abis(ABIS), needs(NEEDS);
    fn interleaved(ctx) {
        let to = receiver(ctx)?;
        let a: [Constituent; LARGE] = pool_constituents(0, true);
        let b: [Constituent; LARGE] = core::array::from_fn(|i| Constituent::new(pool()[1 + 2 * i].addr(), 1));
        let ta = transaction(ctx, FuncId::MEM_SHARE_32, &to, &a);
        let tb = transaction(ctx, FuncId::MEM_SHARE_32, &to, &b);
        let (ea, eb) = (ta.encoded(ctx.session.negotiated), tb.encoded(ctx.session.negotiated));
        let (ha, sa) = start_large(ctx, &ea)?;
        let (hb, sb) = start_large(ctx, &eb)?;
        check!(ha != hb, "two transactions in progress got the same handle {:#x}", ha.0);
        let done_b = finish_large(ctx, &eb, hb, sb)?;
        let done_a = finish_large(ctx, &ea, ha, sa)?;
        reclaim_ok(ctx, done_a)?;
        reclaim_ok(ctx, done_b)
    }
}

case! {
    /// FFA_MEM_FRAG_RX asks for the next fragment of a retrieve response; from the normal
    /// world, for a handle no transaction has, it is INVALID_PARAMETERS (16.9; TF-A
    /// `spmc_ffa_mem_frag_rx`: "invalid handle").
    "memory.frag_rx.unknown_handle_invalid", MEM_FRAG, abis(&[FuncId::MEM_FRAG_RX]),
    needs(&[Need::Abi(FuncId::MEM_FRAG_RX)]);
    fn frag_rx_unknown(ctx) {
        let r = ctx.ffa.mem_frag_rx(Handle(0x0bad_c0de_0000_0777), 0);
        super::check_refused(&r, &[FfaError::InvalidParameters], format_args!("FFA_MEM_FRAG_RX of a made-up handle"))
    }
}

case! {
    /// An FFA_MEM_FRAG_RX offset names bytes of a retrieve response already handed out: from
    /// the owner, for a transaction it sent and nobody retrieved, at an offset far past its
    /// end, there is no such fragment, INVALID_PARAMETERS or DENIED (TF-A
    /// `spmc_ffa_mem_frag_rx` checks the caller and the offset; both codes accepted).
    "memory.frag_rx.bad_offset_refused", MEM_FRAG, abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_FRAG_RX]),
    needs(&[Need::Abi(FuncId::MEM_SHARE_32), Need::Abi(FuncId::MEM_FRAG_RX)]);
    fn frag_rx_offset(ctx) {
        let h = super::send_pages(ctx, FuncId::MEM_SHARE_32, 0, 1)?;
        let r = ctx.ffa.mem_frag_rx(h, 0x10_0000);
        let refused = super::check_refused(&r, &[FfaError::InvalidParameters, FfaError::Denied], format_args!("FFA_MEM_FRAG_RX at offset 1 MiB"));
        reclaim_ok(ctx, h)?;
        refused
    }
}
