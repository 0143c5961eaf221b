//! FFA_PARTITION_INFO_GET_REGS (DEN0077A v1.2 14.9): partition discovery in registers, without
//! the RX buffer. x1/x2 = the UUID to look for (nil for every partition, two-register
//! encoding), x3[15:0] = start index, x3[31:16] = tag. FFA_SUCCESS_64 carries the list header
//! in x2 and a batch of descriptors from x3 (see `ffa_harness::desc::RegsBatch`); a caller walks
//! a list longer than one batch by asking again from the index after the batch's last.
//! Hafnium (`api_ffa_partition_info_get_regs`) and TF-A's SPMD (logical partitions,
//! `spmd_el3_populate_logical_partition_info`) implement it; TF-A 2.12's EL3 SPMC and OP-TEE
//! 4.10 do not, and answer FFA_FEATURES with NOT_SUPPORTED, so these cases are `not-supported`
//! on both stacks the suite runs today.

use crate::common::{with_rxtx_unmapped, UNKNOWN_UUID};
use ffa_harness::desc::{start_and_tag, PartitionInfo, RegsBatch, Uuid, LAST_REGISTER};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::spec::PARTITION_INFO_GET_REGS;
use ffa_harness::{case, check, check_eq, check_error, check_success, fail, CaseResult, Ctx, Failure, Need};

const ABIS: &[FuncId] = &[FuncId::PARTITION_INFO_GET_REGS_64];
const NEEDS: &[Need] = &[Need::Abi(FuncId::PARTITION_INFO_GET_REGS_64)];

/// FFA_PARTITION_INFO_GET_REGS for `uuid` from `start` with `tag`.
fn get_regs(ctx: &Ctx, uuid: Uuid, start: u16, tag: u16) -> Regs {
    let [lo, hi] = uuid.to_u64_pair();
    ctx.ffa
        .call(Regs::call(FuncId::PARTITION_INFO_GET_REGS_64).with(1, lo).with(2, hi).with(3, start_and_tag(start, tag)))
}

/// One successful answer, its header decoded and checked against the call's start index.
fn batch(ctx: &Ctx, uuid: Uuid, start: u16, tag: u16) -> Result<(Regs, RegsBatch), Failure> {
    let r = get_regs(ctx, uuid, start, tag);
    check_eq!(r.func(), FuncId::SUCCESS_64, "FFA_PARTITION_INFO_GET_REGS({uuid}, start {start}) function");
    let Some(b) = RegsBatch::decode(&r) else {
        fail!("x2 = {:#x}: descriptor size below 24 or not whole registers", r.x(2))
    };
    let Some(n) = b.count(start) else {
        fail!("x2 = {:#x}: batch ends at {} for start {start}, list at {}", r.x(2), b.current, b.last)
    };
    check!(n <= b.capacity(), "{n} descriptors of {} bytes do not fit in x3..x17", b.size);
    Ok((r, b))
}

/// Every descriptor of the list for `uuid`, walking the batches from index 0 and passing back
/// the tag each answer returned. Calls `each(index, descriptor)`; returns the list length.
fn walk(ctx: &Ctx, uuid: Uuid, mut each: impl FnMut(usize, PartitionInfo) -> CaseResult) -> Result<usize, Failure> {
    let (mut start, mut tag) = (0u16, 0u16);
    loop {
        let (r, b) = batch(ctx, uuid, start, tag)?;
        for k in 0..b.count(start).unwrap_or(0) {
            let Some(d) = b.descriptor(&r, k) else { fail!("descriptor {k} of the batch from {start}") };
            each(usize::from(start) + k, d)?;
        }
        if b.current == b.last {
            return Ok(usize::from(b.last) + 1);
        }
        (start, tag) = (b.current + 1, b.tag);
    }
}

case! {
    /// The register listing of every partition (nil UUID), walked batch by batch, is the RX
    /// listing: the same partitions in the same order with the same ID, execution contexts,
    /// properties and UUID (the second and third register of each descriptor).
    "setup.partition_info_get_regs.matches_rx_listing", PARTITION_INFO_GET_REGS,
    abis(&[FuncId::PARTITION_INFO_GET_REGS_64, FuncId::PARTITION_INFO_GET]), since(Version::V1_2), needs(NEEDS);
    fn matches_rx(ctx) {
        let rx = ctx.partitions(Uuid::NIL)?;
        let count = walk(ctx, Uuid::NIL, |i, d| {
            let Some(want) = rx.iter().nth(i) else { fail!("register listing has partition {i} ({:#x}), RX fewer", d.id) };
            check_eq!(
                (d.id, d.exec_ctx_count, d.properties.0),
                (want.id, want.exec_ctx_count, want.properties.0),
                "partition {i}: ID, contexts, properties"
            );
            check_eq!(d.uuid, want.uuid, "partition {i} ({:#x}) UUID", d.id);
            Ok(())
        })?;
        check_eq!(count, rx.count, "partitions in the register listing (x2[15:0] + 1) vs the RX listing");
        Ok(())
    }
}

case! {
    "setup.partition_info_get_regs.start_index_selects_first", PARTITION_INFO_GET_REGS,
    abis(ABIS), since(Version::V1_2), needs(NEEDS);
    run: start_index
}

/// A call with start index i (x3[15:0]) answers from partition i: its first descriptor is
/// the i-th of the whole list, and x2[31:16] is at least i.
fn start_index(ctx: &mut Ctx) -> CaseResult {
    let (_, whole) = batch(ctx, Uuid::NIL, 0, 0)?;
    let mut ids = [0u16; 64];
    walk(ctx, Uuid::NIL, |i, d| {
        if let Some(slot) = ids.get_mut(i) {
            *slot = d.id;
        }
        Ok(())
    })?;
    for i in 0..=whole.last.min(63) {
        let (r, b) = batch(ctx, Uuid::NIL, i, whole.tag)?;
        let first = b.descriptor(&r, 0).map(|d| d.id);
        check_eq!(first, Some(ids[usize::from(i)]), "first descriptor for start index {i}");
    }
    Ok(())
}

case! {
    /// A start index past the last partition is INVALID_PARAMETERS (Hafnium: "start_index must be
    /// less than entries_count"; TF-A's SPMD for its logical partitions).
    "setup.partition_info_get_regs.start_past_last_invalid", PARTITION_INFO_GET_REGS,
    abis(ABIS), since(Version::V1_2), needs(NEEDS);
    fn past_last(ctx) {
        let (_, b) = batch(ctx, Uuid::NIL, 0, 0)?;
        let Some(past) = b.last.checked_add(1) else { fail!("the list already ends at index 0xffff") };
        check_error!(
            get_regs(ctx, Uuid::NIL, past, b.tag),
            FfaError::InvalidParameters,
            "start index {past} past the last"
        );
        Ok(())
    }
}

case! {
    /// x1 of the answer is reserved (MBZ), and so is every register after the batch's last
    /// descriptor up to x17 (Hafnium and TF-A's SPMD return them zero).
    "setup.partition_info_get_regs.result_registers_mbz", PARTITION_INFO_GET_REGS,
    abis(ABIS), since(Version::V1_2), needs(NEEDS);
    fn result_mbz(ctx) {
        let (r, b) = batch(ctx, Uuid::NIL, 0, 0)?;
        check_eq!(r.x(1), 0, "x1 of FFA_PARTITION_INFO_GET_REGS (MBZ)");
        if let Some((i, v)) = r.nonzero(b.end_register(0), LAST_REGISTER).next() {
            fail!("x{i} after the last descriptor is reserved (MBZ) but holds {v:#x}");
        }
        Ok(())
    }
}

case! {
    /// With a listed partition's UUID in x1/x2, only the partitions with that UUID are listed: the
    /// same IDs as the RX query by UUID. Each descriptor's UUID registers hold nil (Hafnium and
    /// TF-A's SPMD leave them zero for a query by UUID) or that UUID, never another.
    "setup.partition_info_get_regs.uuid_filters_listing", PARTITION_INFO_GET_REGS,
    abis(&[FuncId::PARTITION_INFO_GET_REGS_64, FuncId::PARTITION_INFO_GET]), since(Version::V1_2), needs(NEEDS);
    fn by_uuid(ctx) {
        let all = ctx.partitions(Uuid::NIL)?;
        let Some(uuid) = all.iter().find_map(|p| p.uuid).filter(|u| *u != Uuid::NIL) else {
            fail!("no partition with a UUID in the nil-UUID listing");
        };
        let rx = ctx.partitions(uuid)?;
        let count = walk(ctx, uuid, |i, d| {
            check!(rx.iter().any(|p| p.id == d.id), "partition {:#x} listed for {uuid} in registers, not in RX", d.id);
            let field = d.uuid.unwrap_or_default();
            check!(field == Uuid::NIL || field == uuid, "UUID registers of descriptor {i}: {field}, want nil or {uuid}");
            Ok(())
        })?;
        check_eq!(count, rx.count, "partitions listed for {uuid}: registers vs RX");
        Ok(())
    }
}

case! {
    "setup.partition_info_get_regs.unknown_uuid_invalid", PARTITION_INFO_GET_REGS,
    abis(ABIS), since(Version::V1_2), needs(NEEDS);
    run: unknown
}

/// A UUID no partition has is INVALID_PARAMETERS (Hafnium: "Unrecognized UUID").
fn unknown(ctx: &mut Ctx) -> CaseResult {
    check_error!(
        get_regs(ctx, UNKNOWN_UUID, 0, 0),
        FfaError::InvalidParameters,
        "FFA_PARTITION_INFO_GET_REGS(unknown UUID)"
    );
    Ok(())
}

case! {
    /// The register form does not use RX: while the caller owns RX (an FFA_PARTITION_INFO_GET not
    /// yet released, which makes a second one BUSY) it still succeeds (Hafnium fills a per-CPU
    /// buffer, not the mailbox).
    "setup.partition_info_get_regs.works_while_rx_owned", PARTITION_INFO_GET_REGS,
    abis(&[FuncId::PARTITION_INFO_GET_REGS_64, FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE]), since(Version::V1_2), needs(NEEDS);
    fn rx_owned(ctx) {
        check_success!(ctx.ffa.partition_info_get(Uuid::NIL, 0), "FFA_PARTITION_INFO_GET (RX now owned by the caller)");
        let r = get_regs(ctx, Uuid::NIL, 0, 0);
        ctx.release_rx()?;
        check_eq!(r.func(), FuncId::SUCCESS_64, "FFA_PARTITION_INFO_GET_REGS while the caller owns RX");
        Ok(())
    }
}

case! {
    /// With no RX/TX pair mapped, where FFA_PARTITION_INFO_GET must fail, the register form still
    /// lists the partitions.
    "setup.partition_info_get_regs.works_without_rx_buffer", PARTITION_INFO_GET_REGS,
    abis(&[FuncId::PARTITION_INFO_GET_REGS_64, FuncId::RXTX_UNMAP]), since(Version::V1_2), needs(NEEDS);
    fn no_rx(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = get_regs(ctx, Uuid::NIL, 0, 0);
            check_eq!(r.func(), FuncId::SUCCESS_64, "FFA_PARTITION_INFO_GET_REGS with no RX buffer");
            Ok(())
        })
    }
}
