//! FFA_FEATURES answers match what the ABIs then do (DEN0077A v1.1 13.3): for each ABI the
//! normal world may call, FFA_FEATURES reports SUCCESS exactly when the ABI is implemented.
//! Each case makes FFA_FEATURES's claim and then a harmless call of the ABI (a bogus handle,
//! an unknown endpoint, an empty descriptor, a buffer already mapped), which an implementation
//! rejects with an error other than NOT_SUPPORTED, and a missing one with NOT_SUPPORTED.
//! ABIs the normal world must not call (MSG_WAIT, YIELD, DIRECT_RESP, MEM_RELINQUISH, ...) are
//! left out: implementations disagree on what FFA_FEATURES reports for them per instance.

use crate::common::with_rxtx_unmapped;
use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::spec::FEATURES;
use ffa_harness::{case, check, fail, CaseResult, Ctx};

/// An endpoint ID no partition or VM uses.
const NOBODY: u64 = 0x7ffe;
/// A memory handle nothing allocated.
const BOGUS_HANDLE: u64 = 0xdead_0bad;

fn consistent(ctx: &mut Ctx, fid: FuncId, probe: fn(&mut Ctx) -> Result<Regs, ffa_harness::Failure>) -> CaseResult {
    let f = ctx.ffa.features(fid, 0);
    let claimed = if f.is_success() {
        true
    } else if f.is_not_supported() {
        false
    } else {
        fail!("FFA_FEATURES({fid}) is neither SUCCESS nor NOT_SUPPORTED: {}", f.summary())
    };
    let p = probe(ctx)?;
    let implemented = !p.is_not_supported();
    check!(
        claimed == implemented,
        "FFA_FEATURES({fid}) says {}, but calling it returned {}",
        if claimed { "SUCCESS" } else { "NOT_SUPPORTED" },
        p.summary()
    );
    Ok(())
}

macro_rules! consistency_case {
    ($id:literal, $fid:expr, $since:expr, $probe:expr) => {
        case! {
            $id, FEATURES, abis(&[FuncId::FEATURES, $fid]), since($since);
            run: |ctx| consistent(ctx, $fid, $probe)
        }
    };
}

fn call(ctx: &Ctx, fid: FuncId, args: [u64; 7]) -> Regs {
    let mut r = Regs::call(fid);
    r.0[1..8].copy_from_slice(&args);
    ctx.ffa.call(r)
}

consistency_case!("setup.features.consistent.version", FuncId::VERSION, Version::V1_0, |ctx| {
    let r = ctx.ffa.version(ctx.version());
    Ok(r)
});
consistency_case!("setup.features.consistent.id_get", FuncId::ID_GET, Version::V1_0, |ctx| Ok(ctx.ffa.id_get()));
consistency_case!("setup.features.consistent.spm_id_get", FuncId::SPM_ID_GET, Version::V1_1, |ctx| Ok(ctx
    .ffa
    .spm_id_get()));
consistency_case!("setup.features.consistent.rx_release", FuncId::RX_RELEASE, Version::V1_0, |ctx| Ok(ctx
    .ffa
    .rx_release()));
/// Maps a second pair while the harness's is mapped: an implementation answers DENIED. Should
/// it take the pair instead, the harness's pair is put back (that bug is
/// `setup.rxtx_map.second_pair_denied`'s to report).
fn second_pair(ctx: &mut Ctx, fid: FuncId) -> Result<Regs, ffa_harness::Failure> {
    let r = call(ctx, fid, [ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 1, 0, 0, 0, 0]);
    if r.is_success() {
        ctx.ffa.rxtx_unmap();
        ctx.remap_rxtx()?;
    }
    Ok(r)
}

consistency_case!("setup.features.consistent.rxtx_map_64", FuncId::RXTX_MAP_64, Version::V1_0, |ctx| {
    second_pair(ctx, FuncId::RXTX_MAP_64)
});
consistency_case!("setup.features.consistent.rxtx_map_32", FuncId::RXTX_MAP_32, Version::V1_0, |ctx| {
    second_pair(ctx, FuncId::RXTX_MAP_32)
});
consistency_case!("setup.features.consistent.rxtx_unmap", FuncId::RXTX_UNMAP, Version::V1_0, |ctx| {
    let mut second = Regs::default();
    with_rxtx_unmapped(ctx, |ctx| {
        second = ctx.ffa.rxtx_unmap();
        Ok(())
    })?;
    Ok(second)
});
consistency_case!("setup.features.consistent.partition_info_get", FuncId::PARTITION_INFO_GET, Version::V1_1, |ctx| Ok(
    ctx.ffa.partition_info_get(ffa_harness::desc::Uuid::NIL, 1)
));
consistency_case!(
    "setup.features.consistent.partition_info_get_regs",
    FuncId::PARTITION_INFO_GET_REGS_64,
    Version::V1_2,
    |ctx| Ok(call(ctx, FuncId::PARTITION_INFO_GET_REGS_64, [0; 7]))
);
consistency_case!(
    "setup.features.consistent.msg_send_direct_req_32",
    FuncId::MSG_SEND_DIRECT_REQ_32,
    Version::V1_0,
    |ctx| Ok(ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_32, ctx.session.own_id, NOBODY as u16 | 0x8000, [0; 5]))
);
consistency_case!(
    "setup.features.consistent.msg_send_direct_req_64",
    FuncId::MSG_SEND_DIRECT_REQ_64,
    Version::V1_0,
    |ctx| Ok(ctx.ffa.direct_req(FuncId::MSG_SEND_DIRECT_REQ_64, ctx.session.own_id, NOBODY as u16 | 0x8000, [0; 5]))
);
// An empty transaction descriptor (length 0) is invalid for every memory send ABI.
consistency_case!("setup.features.consistent.mem_share_64", FuncId::MEM_SHARE_64, Version::V1_0, |ctx| {
    Ok(call(ctx, FuncId::MEM_SHARE_64, [0; 7]))
});
consistency_case!("setup.features.consistent.mem_share_32", FuncId::MEM_SHARE_32, Version::V1_0, |ctx| {
    Ok(call(ctx, FuncId::MEM_SHARE_32, [0; 7]))
});
consistency_case!("setup.features.consistent.mem_lend_64", FuncId::MEM_LEND_64, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_LEND_64,
    [0; 7]
)));
consistency_case!("setup.features.consistent.mem_lend_32", FuncId::MEM_LEND_32, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_LEND_32,
    [0; 7]
)));
consistency_case!("setup.features.consistent.mem_donate_64", FuncId::MEM_DONATE_64, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_DONATE_64,
    [0; 7]
)));
consistency_case!("setup.features.consistent.mem_donate_32", FuncId::MEM_DONATE_32, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_DONATE_32,
    [0; 7]
)));
consistency_case!("setup.features.consistent.mem_retrieve_req_64", FuncId::MEM_RETRIEVE_REQ_64, Version::V1_1, |ctx| {
    Ok(call(ctx, FuncId::MEM_RETRIEVE_REQ_64, [0; 7]))
});
consistency_case!("setup.features.consistent.mem_reclaim", FuncId::MEM_RECLAIM, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_RECLAIM,
    [BOGUS_HANDLE, 0, 0, 0, 0, 0, 0]
)));
consistency_case!("setup.features.consistent.mem_frag_rx", FuncId::MEM_FRAG_RX, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_FRAG_RX,
    [BOGUS_HANDLE, 0, 0, 0, 0, 0, 0]
)));
consistency_case!("setup.features.consistent.mem_frag_tx", FuncId::MEM_FRAG_TX, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::MEM_FRAG_TX,
    [BOGUS_HANDLE, 0, 0, 0, 0, 0, 0]
)));
consistency_case!("setup.features.consistent.run", FuncId::RUN, Version::V1_0, |ctx| Ok(call(
    ctx,
    FuncId::RUN,
    [(NOBODY | 0x8000) << 16, 0, 0, 0, 0, 0, 0]
)));
consistency_case!(
    "setup.features.consistent.notification_bitmap_destroy",
    FuncId::NOTIFICATION_BITMAP_DESTROY,
    Version::V1_1,
    |ctx| Ok(call(ctx, FuncId::NOTIFICATION_BITMAP_DESTROY, [NOBODY, 0, 0, 0, 0, 0, 0]))
);
consistency_case!("setup.features.consistent.notification_bind", FuncId::NOTIFICATION_BIND, Version::V1_1, |ctx| Ok(
    call(ctx, FuncId::NOTIFICATION_BIND, [(NOBODY | 0x8000) << 16 | NOBODY, 0, 1, 0, 0, 0, 0])
));
consistency_case!("setup.features.consistent.notification_unbind", FuncId::NOTIFICATION_UNBIND, Version::V1_1, |ctx| {
    Ok(call(ctx, FuncId::NOTIFICATION_UNBIND, [(NOBODY | 0x8000) << 16 | NOBODY, 0, 1, 0, 0, 0, 0]))
});
consistency_case!("setup.features.consistent.notification_set", FuncId::NOTIFICATION_SET, Version::V1_1, |ctx| Ok(
    call(ctx, FuncId::NOTIFICATION_SET, [NOBODY << 16 | (NOBODY | 0x8000), 0, 1, 0, 0, 0, 0])
));
consistency_case!("setup.features.consistent.notification_get", FuncId::NOTIFICATION_GET, Version::V1_1, |ctx| Ok(
    call(ctx, FuncId::NOTIFICATION_GET, [NOBODY, 0, 0, 0, 0, 0, 0])
));
consistency_case!(
    "setup.features.consistent.notification_info_get_64",
    FuncId::NOTIFICATION_INFO_GET_64,
    Version::V1_1,
    |ctx| Ok(call(ctx, FuncId::NOTIFICATION_INFO_GET_64, [0; 7]))
);
consistency_case!("setup.features.consistent.rx_acquire", FuncId::RX_ACQUIRE, Version::V1_1, |ctx| Ok(call(
    ctx,
    FuncId::RX_ACQUIRE,
    [NOBODY, 0, 0, 0, 0, 0, 0]
)));
consistency_case!("setup.features.consistent.msg_send2", FuncId::MSG_SEND2, Version::V1_1, |ctx| {
    // The TX buffer holds no valid message header: an implementation rejects it.
    ctx.pages.tx.fill(0);
    Ok(call(ctx, FuncId::MSG_SEND2, [0; 7]))
});
