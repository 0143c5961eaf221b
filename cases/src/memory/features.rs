//! FFA_FEATURES of the memory ABIs held against what the ABIs then do (DEN0077A v1.1 13.3):
//! w2 bit 0 of FFA_FEATURES(FFA_MEM_SHARE/LEND) says whether the sender may pass the
//! descriptor in a buffer of its own (w3 address, w4 page count) instead of its TX buffer.

use super::{handle_of, receiver, reclaim_ok, transaction};
use ffa_harness::desc::memory::{Constituent, Descriptor};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::memory::write_tx;
use ffa_harness::pages::POOL;
use ffa_harness::spec::FEATURES;
use ffa_harness::{case, check_success, CaseResult, Ctx, Need};

/// Sends a one-page share with `func` whose descriptor is in pool page 8, named in w3/w4: it
/// must succeed when FFA_FEATURES(`func`) w2 bit 0 is set, and be INVALID_PARAMETERS when not
/// (TF-A's EL3 SPMC refuses a buffer address so and reports bit 0 clear).
fn buffer_address(ctx: &mut Ctx, func: FuncId) -> CaseResult {
    let f = ctx.ffa.features(func, 0);
    check_success!(f, "FFA_FEATURES({func})");
    let to = receiver(ctx)?;
    let c = [Constituent::new(POOL[0].addr(), 1)];
    let tx = transaction(ctx, func, &to, &c);
    let e = tx.encoded(ctx.session.negotiated);
    let buffer = &POOL[8];
    write_tx(buffer, &e, 0, e.len());
    let r = ctx.ffa.call(
        ffa_harness::ffa::Regs::call(func)
            .with(1, e.len() as u64)
            .with(2, e.len() as u64)
            .with(3, buffer.addr())
            .with(4, 1),
    );
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
