//! Transactions larger than one TX buffer (DEN0077A v1.1 16.9 FFA_MEM_FRAG_RX, 16.10
//! FFA_MEM_FRAG_TX): the SPMC answers each fragment but the last with FFA_MEM_FRAG_RX (the
//! handle and the bytes it has), and the sender goes on with FFA_MEM_FRAG_TX. The sender in
//! `ffa_harness::memory::send` checks every round.

use super::{pool_constituents, receiver, reclaim_ok, send_ok, transaction};
use ffa_harness::desc::memory::{Constituent, Descriptor, Handle};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::memory::write_tx;
use ffa_harness::pages::PAGE_SIZE;
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
