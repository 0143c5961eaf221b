//! FFA_FEATURES of the memory ABIs held against what the ABIs then do (DEN0077A v1.1 13.3):
//! w2 bit 0 of FFA_FEATURES(FFA_MEM_SHARE/LEND) says whether the sender may pass the
//! descriptor in a buffer of its own (w3 address, w4 page count) instead of its TX buffer;
//! and FFA_FEATURES of the fragmentation, reclaim and relinquish ABIs says whether they exist.

use super::{handle_of, receiver, reclaim_ok, transaction};
use ffa_harness::desc::memory::{Constituent, Descriptor, Handle, Relinquish};
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::memory::write_tx;
use ffa_harness::pages::pool;
use ffa_harness::spec::FEATURES;
use ffa_harness::{case, check_error, check_success, fail, CaseResult, Ctx, Need};

/// Sends a one-page share with `func` whose descriptor is in pool page 8, named in w3/w4: it
/// must succeed when FFA_FEATURES(`func`) w2 bit 0 is set, and be INVALID_PARAMETERS when not
/// (TF-A's EL3 SPMC refuses a buffer address so and reports bit 0 clear).
fn buffer_address(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let f = ctx.ffa.features(func, 0);
    check_success!(f, "FFA_FEATURES({func})");
    let to = receiver(ctx)?;
    let c = [Constituent::new(pool()[0].addr(), 1)];
    let tx = transaction(ctx, func, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    let buffer = &pool()[8];
    write_tx(buffer, &e, 0, e.len());
    let r = ctx
        .ffa
        .call(Regs::call(func).with(1, e.len() as u64).with(2, e.len() as u64).with(3, buffer.addr()).with(4, 1));
    if f.w(2) & 1 != 0 {
        let h = handle_of(&r, func)?;
        reclaim_ok(ctx, h)
    } else {
        super::check_refused(
            &r,
            &[FfaError::InvalidParameters],
            format_args!("{func} from a buffer, which FFA_FEATURES w2 bit 0 does not offer"),
        )
    }
}

case! {
    /// FFA_FEATURES(FFA_MEM_SHARE_32) w2 bit 0 matches whether a share from a caller's buffer works.
    "memory.features.share_buffer_address_consistent", FEATURES,
    abis(&[FuncId::FEATURES, FuncId::MEM_SHARE_32]), needs(&[Need::Abi(FuncId::MEM_SHARE_32)]);
    run: |ctx| buffer_address(ctx, FuncId::MEM_SHARE_32)
}

case! {
    /// FFA_FEATURES(FFA_MEM_LEND_32) w2 bit 0 matches whether a lend from a caller's buffer works.
    "memory.features.lend_buffer_address_consistent", FEATURES,
    abis(&[FuncId::FEATURES, FuncId::MEM_LEND_32]), needs(&[Need::Abi(FuncId::MEM_LEND_32)]);
    run: |ctx| buffer_address(ctx, FuncId::MEM_LEND_32)
}

/// FFA_FEATURES input property of FFA_MEM_RETRIEVE_REQ from v1.1, bit 1: the caller handles
/// the NS bit (DEN0077A v1.1 13.3; Hafnium `api_ffa_features` answers NOT_SUPPORTED to a
/// v1.1+ caller that does not say so). The image does; at v1.0 the field is MBZ.
const RETRIEVE_NS_SUPPORT: u32 = 1 << 1;

/// The input properties the image asks FFA_FEATURES(FFA_MEM_RETRIEVE_REQ) with at its
/// negotiated version: [`RETRIEVE_NS_SUPPORT`] from v1.1, none at v1.0.
pub(super) fn retrieve_properties(ctx: &Ctx) -> u32 {
    if ctx.session.negotiated == ffa_harness::ffa::Version::V1_0 {
        0
    } else {
        RETRIEVE_NS_SUPPORT
    }
}

/// A handle no transaction has.
const MADE_UP: Handle = Handle(0x0bad_c0de_0000_0777);

/// Asks FFA_FEATURES(`func`), then calls `func` with `call`, arguments it must refuse (a
/// made-up handle, a descriptor shorter than any header): when FFA_FEATURES says supported
/// the call must be refused with an FFA_ERROR other than NOT_SUPPORTED (the ABI exists); when
/// it says NOT_SUPPORTED, the call must answer NOT_SUPPORTED too (DEN0077A v1.1 13.3: FFA_FEATURES reports whether the ABI is implemented
/// for the caller).
fn supported_iff_implemented(ctx: &mut Ctx, func: FuncId, call: fn(&Ctx) -> Regs) -> CaseResult {
    supported_iff_implemented_with(ctx, func, 0, call)
}

/// As `supported_iff_implemented`, with FFA_FEATURES input properties `properties` (w2).
fn supported_iff_implemented_with(ctx: &mut Ctx, func: FuncId, properties: u32, call: fn(&Ctx) -> Regs) -> CaseResult {
    let f = ctx.ffa.features(func, properties);
    let r = call(ctx);
    let supported = match f.error() {
        None if f.is_success() => true,
        Some(FfaError::NotSupported) => false,
        _ => fail!("FFA_FEATURES({func}) answered {}", f.summary()),
    };
    match (supported, r.error()) {
        (true, Some(code)) if code != FfaError::NotSupported => {
            check_error!(r, code, "{func} with arguments it must refuse");
            Ok(())
        }
        (false, Some(FfaError::NotSupported)) => {
            check_error!(r, FfaError::NotSupported, "{func}, which FFA_FEATURES says is not supported");
            Ok(())
        }
        (s, _) => fail!(
            "FFA_FEATURES({func}) says {}supported, yet {func} with arguments it must refuse answered {}",
            if s { "" } else { "not " },
            r.summary()
        ),
    }
}

case! {
    /// FFA_FEATURES(FFA_MEM_FRAG_TX) agrees with what FFA_MEM_FRAG_TX does.
    "memory.features.frag_tx_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_FRAG_TX]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_FRAG_TX, |ctx| ctx.ffa.mem_frag_tx(MADE_UP, 16, ctx.session.own_id))
}

case! {
    /// FFA_FEATURES(FFA_MEM_FRAG_RX) agrees with what FFA_MEM_FRAG_RX does.
    "memory.features.frag_rx_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_FRAG_RX]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_FRAG_RX, |ctx| ctx.ffa.mem_frag_rx(MADE_UP, 0))
}

case! {
    /// FFA_FEATURES(FFA_MEM_RECLAIM) agrees with what FFA_MEM_RECLAIM does.
    "memory.features.reclaim_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_RECLAIM]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_RECLAIM, |ctx| ctx.ffa.mem_reclaim(MADE_UP, 0))
}

case! {
    /// FFA_FEATURES(FFA_MEM_RELINQUISH) agrees with what FFA_MEM_RELINQUISH does for the
    /// normal world (a relinquish descriptor for the made-up handle in its TX buffer).
    "memory.features.relinquish_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_RELINQUISH]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_RELINQUISH, |ctx| {
        let me = [ctx.session.own_id];
        let d = Relinquish { handle: MADE_UP, flags: 0, endpoints: &me };
        write_tx(&ctx.pages.tx, &d, 0, d.len());
        ctx.ffa.mem_relinquish()
    })
}

case! {
    /// FFA_FEATURES(FFA_MEM_SHARE_64) agrees with what FFA_MEM_SHARE_64 does with a 16-byte descriptor.
    "memory.features.share_64_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_SHARE_64]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_SHARE_64, |ctx| ctx.ffa.mem_send(FuncId::MEM_SHARE_64, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_LEND_64) agrees with what FFA_MEM_LEND_64 does with a 16-byte descriptor.
    "memory.features.lend_64_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_LEND_64]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_LEND_64, |ctx| ctx.ffa.mem_send(FuncId::MEM_LEND_64, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_DONATE_32) agrees with what FFA_MEM_DONATE_32 does with a 16-byte descriptor.
    "memory.features.donate_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_DONATE_32]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_DONATE_32, |ctx| ctx.ffa.mem_send(FuncId::MEM_DONATE_32, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_DONATE_64) agrees with what FFA_MEM_DONATE_64 does with a 16-byte descriptor.
    "memory.features.donate_64_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_DONATE_64]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_DONATE_64, |ctx| ctx.ffa.mem_send(FuncId::MEM_DONATE_64, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_32) agrees with what a normal-world
    /// FFA_MEM_RETRIEVE_REQ_32 (a hypervisor retrieve) of a made-up handle does. From v1.1 the
    /// caller says in the input properties (w2 bit 1) that it handles the NS bit (13.3;
    /// Hafnium `api_ffa_features` answers NOT_SUPPORTED to a caller that does not).
    "memory.features.retrieve_req_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_RETRIEVE_REQ_32]), needs(&[]);
    run: |ctx| supported_iff_implemented_with(ctx, FuncId::MEM_RETRIEVE_REQ_32, retrieve_properties(ctx), |ctx| {
        let me = [ffa_harness::desc::memory::Receiver::new(ctx.session.own_id, ffa_harness::desc::memory::AccessPerms::RW)];
        let request = ffa_harness::desc::memory::Transaction {
            sender: ctx.session.own_id,
            attributes: ffa_harness::desc::memory::MemAttributes::NOT_SPECIFIED,
            flags: ffa_harness::desc::memory::TransactionFlags(0),
            handle: MADE_UP,
            tag: 0,
            receivers: &me,
            constituents: None,
        };
        let e = request.encoded(ctx.session.negotiated);
        write_tx(&ctx.pages.tx, &e, 0, e.len());
        ctx.ffa.mem_retrieve_req(e.len() as u32, e.len() as u32)
    })
}

case! {
    /// FFA_FEATURES(FFA_MEM_SHARE_32) agrees with what FFA_MEM_SHARE_32 does with a 16-byte descriptor.
    "memory.features.share_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_SHARE_32]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_SHARE_32, |ctx| ctx.ffa.mem_send(FuncId::MEM_SHARE_32, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_LEND_32) agrees with what FFA_MEM_LEND_32 does with a 16-byte descriptor.
    "memory.features.lend_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_LEND_32]), needs(&[]);
    run: |ctx| supported_iff_implemented(ctx, FuncId::MEM_LEND_32, |ctx| ctx.ffa.mem_send(FuncId::MEM_LEND_32, 16, 16))
}

case! {
    /// FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_64) agrees with what a normal-world
    /// FFA_MEM_RETRIEVE_REQ_64 of a 16-byte descriptor does (with the NS-bit input property
    /// from v1.1, as for the 32-bit one).
    "memory.features.retrieve_req_64_consistent", FEATURES, abis(&[FuncId::FEATURES, FuncId::MEM_RETRIEVE_REQ_64]), needs(&[]);
    run: |ctx| supported_iff_implemented_with(ctx, FuncId::MEM_RETRIEVE_REQ_64, retrieve_properties(ctx), |ctx| {
        ctx.ffa.call(Regs::call(FuncId::MEM_RETRIEVE_REQ_64).with(1, 16).with(2, 16))
    })
}
