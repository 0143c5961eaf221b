//! The hypervisor's retrieve request: the image runs at NS-EL2, the normal world's hypervisor,
//! and asks the SPMC with FFA_MEM_RETRIEVE_REQ for the description of a transaction it sent
//! (FF-A v1.2 17.4.3, as Hafnium's `is_ffa_hypervisor_retrieve_request` quotes it: a header
//! with only the handle, no access descriptor). Hafnium answers the transaction as the sender
//! described it, in the caller's layout (`ffa_hypervisor_retrieve_request`,
//! `ffa_hypervisor_retrieve_response_init`); TF-A's EL3 SPMC takes no retrieve request from
//! the normal world ("unsupported retrieve req direction", `spmc_ffa_mem_retrieve_req`:
//! INVALID_PARAMETERS) and OP-TEE reports FFA_MEM_RETRIEVE_REQ not supported to it. No
//! DEN0077A sentence read here obliges an SPMC to offer it, so FFA_FEATURES saying
//! NOT_SUPPORTED makes a case `not-supported`; once FFA_FEATURES said SUCCESS, a refusal of
//! the valid request fails (DEN0077A v1.1 13.3: FFA_FEATURES reports the interface
//! implemented), and what is answered must be the transaction.

use super::{reclaim_ok, send_pages};
use ffa_harness::desc::memory::{Decoded, Handle, HypervisorRetrieve, MemAttributes};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::memory::{retrieve, RetrieveError};
use ffa_harness::pages::pool;
use ffa_harness::spec::MEM_RETRIEVE;
use ffa_harness::{
    case, check, check_eq, check_error, check_success, fail, not_supported, CaseResult, Ctx, Failure, Need,
};

/// Bits [1:0] of the access permissions: data access.
const DATA_ACCESS: u8 = 3;

/// Ends the case as `not-supported` when FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_32), asked with the
/// input properties the caller's version has, says NOT_SUPPORTED, and fails on an answer that
/// is neither that nor SUCCESS (as an unmet `Need::Abi` does).
fn require_retrieve(ctx: &Ctx) -> CaseResult {
    let properties = super::features::retrieve_properties(ctx);
    let f = ctx.ffa.features(FuncId::MEM_RETRIEVE_REQ_32, properties);
    if f.error() == Some(FfaError::NotSupported) {
        not_supported!("FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_32, properties {properties:#x}) = {}", f.summary());
    }
    check_success!(f, "FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_32, properties {properties:#x}) (or NOT_SUPPORTED)");
    Ok(())
}

/// What the hypervisor retrieve of `handle` (with `tag`) answered: the response's bytes and
/// length, or the SPMC's refusal.
fn hypervisor_retrieve(
    ctx: &Ctx,
    handle: Handle,
    tag: u64,
    out: &mut [u8],
) -> Result<Result<usize, FfaError>, Failure> {
    let request = HypervisorRetrieve { tag, ..HypervisorRetrieve::new(handle, ctx.session.negotiated) };
    match retrieve(ctx.ffa, &ctx.pages.tx, &ctx.pages.rx, handle, &request, out) {
        Ok(got) => Ok(Ok(got.total)),
        Err(RetrieveError::Refused(r)) => match r.error() {
            Some(code) => {
                check_error!(r, code, "FFA_MEM_RETRIEVE_REQ of the hypervisor");
                Ok(Err(code))
            }
            None => fail!("the hypervisor's FFA_MEM_RETRIEVE_REQ answered {}", r.summary()),
        },
        Err(RetrieveError::FragmentRefused { offset, answer }) => {
            fail!("FFA_MEM_FRAG_RX at offset {offset} of the hypervisor's retrieve answered {}", answer.summary())
        }
        Err(RetrieveError::Broken(f)) => Err(f),
    }
}

/// Sends one pool page with `func`, has the hypervisor retrieve its description and checks it
/// is the transaction: sender (the caller), handle, tag 0, the one receiver with what it was
/// granted, the sender's attributes (the NS bit aside), one page at the pool page; then the
/// owner reclaims, the hypervisor's retrieve holding nothing.
fn describes(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    require_retrieve(ctx)?;
    let to = super::receiver_for(ctx, func)?;
    let h = send_pages(ctx, func, 0, 1)?;
    let mut buf = [0u8; 512];
    let got = hypervisor_retrieve(ctx, h, 0, &mut buf)?;
    let reclaimed = ctx.ffa.mem_reclaim(h, 0);
    check_success!(reclaimed, "FFA_MEM_RECLAIM after the hypervisor's retrieve");
    let total = match got {
        Ok(total) => total,
        Err(code) => fail!(
            "FFA_FEATURES offers FFA_MEM_RETRIEVE_REQ, but the hypervisor's valid retrieve was refused ({code:?})"
        ),
    };
    let d = match Decoded::parse(ctx.session.negotiated, &buf[..total]) {
        Ok(d) => d,
        Err(e) => fail!("the response to the hypervisor's retrieve does not decode: {e:?}"),
    };
    check_eq!(d.sender, ctx.session.own_id, "sender in the response");
    check_eq!(d.handle, h, "handle in the response");
    check_eq!(d.tag, 0, "tag in the response");
    check_eq!(d.receiver_count, 1, "access descriptors in the response");
    let r = match d.receiver(0) {
        Ok(r) => r,
        Err(e) => fail!("the response's access descriptor: {e:?}"),
    };
    check_eq!(r.id, to[0].id, "the receiver in the response");
    check_eq!(r.perms.0 & DATA_ACCESS, to[0].perms.0 & DATA_ACCESS, "the receiver's data access");
    check_eq!(
        d.attributes.0 & !MemAttributes::NS,
        super::attributes_for(func).0,
        "attributes in the response (the NS bit aside)"
    );
    let c = match d.composite(0) {
        Ok(c) => c,
        Err(e) => fail!("the response's composite: {e:?}"),
    };
    check_eq!(c.total_pages, 1, "total pages in the response");
    match c.constituent(0) {
        Ok(k) => check!(k.address == pool()[0].addr() && k.pages == 1, "constituent {k:?}, want pool page 0, 1 page"),
        Err(e) => fail!("the response's constituent: {e:?}"),
    }
    Ok(())
}

case! {
    /// The hypervisor's retrieve of a share it sent describes the share (Hafnium
    /// `ffa_hypervisor_retrieve_response_init`), and holds nothing: the reclaim succeeds.
    "memory.retrieve.hypervisor_describes_share", MEM_RETRIEVE,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RECLAIM]), needs(&[]);
    run: |ctx| describes(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// As `memory.retrieve.hypervisor_describes_share`, for a lend.
    "memory.retrieve.hypervisor_describes_lend", MEM_RETRIEVE,
    abis(&[FuncId::MEM_LEND_32, FuncId::MEM_RETRIEVE_REQ_32, FuncId::MEM_RECLAIM]), needs(&[Need::Abi(FuncId::MEM_LEND_32)]);
    run: |ctx| describes(ctx, FuncId::MEM_LEND_32)
}

/// Has the hypervisor retrieve `handle` with `tag` and expects INVALID_PARAMETERS.
fn refused(ctx: &Ctx, handle: Handle, tag: u64, what: &str) -> CaseResult {
    let mut buf = [0u8; 512];
    match hypervisor_retrieve(ctx, handle, tag, &mut buf)? {
        Err(FfaError::InvalidParameters) => Ok(()),
        Err(e) => fail!("the hypervisor's retrieve of {what}: want INVALID_PARAMETERS, got {e:?}"),
        Ok(_) => fail!("the hypervisor's retrieve of {what} was answered with a description"),
    }
}

case! {
    /// A hypervisor retrieve request has every field but the handle zero (Hafnium
    /// `api_ffa_memory_hypervisor_retrieve_request_validate`): one with a tag is
    /// INVALID_PARAMETERS, as on an SPMC that takes none from the normal world.
    "memory.retrieve.hypervisor_tag_invalid", MEM_RETRIEVE,
    abis(&[FuncId::MEM_SHARE_32, FuncId::MEM_RETRIEVE_REQ_32]), needs(&[]);
    fn hypervisor_tag(ctx) {
        require_retrieve(ctx)?;
        let h = send_pages(ctx, FuncId::MEM_SHARE_32, 0, 1)?;
        let r = refused(ctx, h, 7, "a share with tag 7 in the request");
        reclaim_ok(ctx, h)?;
        r
    }
}

case! {
    /// The hypervisor's retrieve of a handle no transaction has is INVALID_PARAMETERS
    /// (Hafnium `ffa_memory_retrieve`: "Invalid handle"; TF-A refuses any from the normal world).
    "memory.retrieve.hypervisor_unknown_handle_invalid", MEM_RETRIEVE,
    abis(&[FuncId::MEM_RETRIEVE_REQ_32]), needs(&[]);
    fn hypervisor_unknown_handle(ctx) {
        require_retrieve(ctx)?;
        refused(ctx, Handle(0x0bad_c0de_0000_0777), 0, "a made-up handle")
    }
}

case! {
    /// The hypervisor's retrieve holds nothing: after it the suite's sp retrieves the share,
    /// relinquishes it, and the owner reclaims (Hafnium keeps the hypervisor's fragment count
    /// apart from the borrowers', `ffa_memory_retrieve_complete_from_hyp`).
    "memory.retrieve.hypervisor_then_borrower", MEM_RETRIEVE,
    abis(super::SHARE_CYCLE_ABIS), needs(crate::sp::NEEDS_SP);
    fn hypervisor_then_borrower(ctx) {
        require_retrieve(ctx)?;
        let h = super::retrieve::send_filled(ctx, FuncId::MEM_SHARE_32, 1)?;
        let mut buf = [0u8; 512];
        let hyp = hypervisor_retrieve(ctx, h, 0, &mut buf)?;
        let got = super::retrieve::sp_retrieve(ctx, h, ffa_harness::desc::memory::TransactionType::Share)?;
        let relinquished = if got.is_ok() { super::retrieve::sp_relinquish(ctx, h)? } else { Ok(()) };
        reclaim_ok(ctx, h)?;
        if let Err(code) = hyp {
            fail!("FFA_FEATURES offers FFA_MEM_RETRIEVE_REQ, but the hypervisor's valid retrieve was refused ({code:?})");
        }
        match (got, relinquished) {
            (Ok(v), Ok(())) => check!(v[0] == 0, "the sp refused the response: verdict {} detail {:#x}", v[0] >> 56, v[0] & ((1 << 56) - 1)),
            (Ok(_), Err(e)) => fail!("the sp's FFA_MEM_RELINQUISH after the hypervisor's retrieve: {e:?}"),
            (Err(e), _) => fail!("the sp's retrieve after the hypervisor's was refused: {e:?}"),
        }
        Ok(())
    }
}
