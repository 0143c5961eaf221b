//! FFA_PARTITION_INFO_GET (DEN0077A v1.1 13.8): w1..w4 = UUID (nil for every partition), w5
//! bit 0 = return the count only, bits [31:1] MBZ. On success w2 = count and, from v1.1,
//! w3 = descriptor size; the descriptors (Table 13.37: ID, execution contexts, properties,
//! UUID) go to the caller's RX buffer, which the caller then owns until FFA_RX_RELEASE.
//!
//! Implementations disagree on an unknown UUID: Hafnium and TF-A's EL3 SPMC answer
//! INVALID_PARAMETERS, OP-TEE 4.10 answers SUCCESS with a count of 0 (and hands RX over).

use crate::common::{with_rxtx_unmapped, OPTEE_UUID, UNKNOWN_UUID, UPPER_JUNK};
use ffa_harness::desc::{PartitionInfo, PartitionProps, Uuid};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::pages::PAGE_SIZE;
use ffa_harness::spec::{PARTITION_INFO_GET, SMC32_UPPER_BITS};
use ffa_harness::{case, check, check_eq, check_error, check_mbz, check_success, fail, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE];
const COUNT_ONLY: u32 = 1;
/// What RX holds before a listing, to see which bytes the SPMC wrote.
const PATTERN: u8 = 0xa5;

case! {
    "setup.partition_info_get.nil_uuid_lists_partitions", PARTITION_INFO_GET, abis(ABIS);
    run: nil
}

/// The nil UUID lists every partition: at least one on a stack with an SPMC, each with a
/// secure ID (bit 15) and at least one execution context.
fn nil(ctx: &mut Ctx) -> CaseResult {
    let l = ctx.partitions(Uuid::NIL)?;
    check_eq!(l.regs.func(), FuncId::SUCCESS_32, "FFA_PARTITION_INFO_GET(nil) function");
    check!(l.count >= 1, "no partition listed");
    for p in l.iter() {
        check!(p.id & 0x8000 != 0, "partition {:#x} lacks bit 15 (secure)", p.id);
        check!(p.exec_ctx_count >= 1, "partition {:#x} has no execution context", p.id);
    }
    Ok(())
}

case! {
    /// FFA_SUCCESS of FFA_PARTITION_INFO_GET has w1 and w4..w7 reserved (MBZ); for a v1.0 caller w3
    /// too, as v1.0 has no size field.
    "setup.partition_info_get.result_registers_mbz", PARTITION_INFO_GET, abis(ABIS);
    fn result_mbz(ctx) {
        let r = ctx.ffa.partition_info_get(Uuid::NIL, 0);
        if r.is_success() {
            ctx.release_rx()?;
        }
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_PARTITION_INFO_GET(nil) function");
        check_eq!(r.w(1), 0, "w1 (MBZ)");
        check_mbz!(r, 4, 7, "FFA_PARTITION_INFO_GET(nil)");
        if ctx.version() < Version::V1_1 {
            check_eq!(r.w(3), 0, "w3 for a v1.0 caller (MBZ)");
        }
        Ok(())
    }
}

case! {
    "setup.partition_info_get.descriptor_size_follows_version", PARTITION_INFO_GET, abis(ABIS);
    run: size
}

/// The descriptor layout follows the caller's version (Table 13.37), as observed in RX, which
/// is filled with a pattern first. A v1.0 caller gets 8-byte descriptors: each decodes as a
/// secure partition with an execution context, and the 16 bytes after the last one hold no
/// UUID, only the pattern or zeros (TF-A's EL3 SPMC clears RX first), where a v1.1 descriptor
/// would have put its partition's non-nil UUID; w3, reserved at v1.0, is 0
/// (OP-TEE, TF-A's EL3 SPMC) or the 8-byte size (Hafnium). A v1.1+ caller gets w3 >= 24 (more
/// for a later layout, Hafnium's 48) and descriptors w3 bytes apart that decode the same way.
fn size(ctx: &mut Ctx) -> CaseResult {
    ctx.pages.rx.fill(PATTERN);
    let r = ctx.ffa.partition_info_get(Uuid::NIL, 0);
    check_success!(r, "FFA_PARTITION_INFO_GET(nil)");
    let mut rx = [0u8; PAGE_SIZE];
    ctx.pages.rx.read(0, &mut rx);
    ctx.release_rx()?;
    let (count, w3) = (r.w(2) as usize, r.w(3));
    let stride = if ctx.version() >= Version::V1_1 {
        check!(w3 >= 24, "w3 = {w3} for a v{} caller: below the 24-byte v1.1 layout", ctx.version());
        w3 as usize
    } else {
        check!(w3 == 0 || w3 == 8, "w3 = {w3} for a v1.0 caller: neither 0 (reserved) nor the 8-byte size");
        let tail = rx.get(8 * count..8 * count + 16).unwrap_or_default();
        check!(
            tail.iter().all(|b| *b == PATTERN) || tail.iter().all(|b| *b == 0),
            "RX bytes {}..{} after {count} v1.0 descriptors hold {tail:02x?}, not the 8-byte layout",
            8 * count,
            8 * count + 16
        );
        8
    };
    for i in 0..count.min(PAGE_SIZE / stride) {
        let Some(p) = PartitionInfo::decode(&rx, stride, i) else { fail!("descriptor {i} of {stride} bytes") };
        check!(
            p.id & 0x8000 != 0 && p.exec_ctx_count >= 1,
            "descriptor {i} at offset {} is not a partition: {p:?}",
            i * stride
        );
    }
    Ok(())
}

case! {
    /// Every partition has its own ID.
    "setup.partition_info_get.ids_unique", PARTITION_INFO_GET, abis(ABIS);
    fn unique(ctx) {
        let l = ctx.partitions(Uuid::NIL)?;
        for (i, a) in l.iter().enumerate() {
            for b in l.iter().skip(i + 1) {
                check!(a.id != b.id, "two partitions share ID {:#x}", a.id);
            }
        }
        Ok(())
    }
}

case! {
    /// Partition properties bits the negotiated version does not define are reserved (MBZ):
    /// bits [31:3] for v1.0 (OP-TEE and Hafnium mask the v1.1 bits for a v1.0 caller), [31:9]
    /// for v1.1, [31:11] for v1.2, whose bits 9 and 10 say DIRECT_REQ2 receive and send.
    "setup.partition_info_get.properties_reserved_bits_zero", PARTITION_INFO_GET, abis(ABIS);
    fn props(ctx) {
        let l = ctx.partitions(Uuid::NIL)?;
        let reserved = PartitionProps::reserved_for(ctx.version());
        for p in l.iter() {
            check_eq!(p.properties.0 & reserved, 0, "partition {:#x} reserved property bits (v{})", p.id, ctx.version());
        }
        Ok(())
    }
}

case! {
    /// With w5 bit 0 set only the count is returned (Table 13.34): the same w2 as a full query,
    /// and RX is neither written nor handed over (a following FFA_RX_RELEASE is DENIED).
    "setup.partition_info_get.count_only_flag", PARTITION_INFO_GET,
    abis(ABIS), since(Version::V1_1);
    fn count_flag(ctx) {
        let full = ctx.partitions(Uuid::NIL)?;
        ctx.pages.rx.fill(0xa5);
        let r = ctx.ffa.partition_info_get(Uuid::NIL, COUNT_ONLY);
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_PARTITION_INFO_GET(count only)");
        check_eq!(r.w(2) as usize, full.count, "count-only w2 vs the full query's count");
        check_error!(ctx.ffa.rx_release(), FfaError::Denied, "FFA_RX_RELEASE after a count-only query");
        check_eq!(ctx.pages.rx.u32_at(0), 0xa5a5_a5a5, "RX word 0 after a count-only query (untouched)");
        Ok(())
    }
}

case! {
    /// Asking by a listed partition's UUID returns that partition.
    "setup.partition_info_get.by_uuid_finds_partition", PARTITION_INFO_GET,
    abis(ABIS), since(Version::V1_1);
    fn by_uuid(ctx) {
        let all = ctx.partitions(Uuid::NIL)?;
        let mut looked_up = 0;
        for p in all.iter() {
            let Some(uuid) = p.uuid.filter(|u| *u != Uuid::NIL) else { continue };
            let one = ctx.partitions(uuid)?;
            check!(one.count >= 1, "no partition returned for UUID {uuid} of partition {:#x}", p.id);
            check!(one.iter().any(|q| q.id == p.id), "partition {:#x} missing for its UUID {uuid}", p.id);
            looked_up += 1;
        }
        check!(looked_up >= 1, "no partition in the nil-UUID listing has a UUID to look up");
        Ok(())
    }
}

case! {
    /// For a query by UUID, the descriptor's UUID field is nil or the partition's own UUID, never
    /// another one. Implementations disagree and the suite has no DEN0077A sentence that settles
    /// it, so both readings pass: Hafnium leaves it nil ("if the ABI has specified an UUID, then
    /// do not write it", `api_ffa_fill_partitions_info_array`), OP-TEE 4.10
    /// (`spmc_fill_partition_entry`) and TF-A 2.12's EL3 SPMC (`partition_info_get_handler`)
    /// fill it in.
    "setup.partition_info_get.uuid_field_nil_or_own_for_specific_uuid", PARTITION_INFO_GET,
    abis(ABIS), since(Version::V1_1);
    fn uuid_field(ctx) {
        let all = ctx.partitions(Uuid::NIL)?;
        let Some(uuid) = all.iter().find_map(|p| p.uuid).filter(|u| *u != Uuid::NIL) else {
            fail!("no partition with a UUID in the nil-UUID listing");
        };
        let one = ctx.partitions(uuid)?;
        for p in one.iter() {
            let field = p.uuid.unwrap_or_default();
            check!(
                field == Uuid::NIL || field == uuid,
                "UUID field of partition {:#x} when asked by UUID {uuid}: {field}, want nil or {uuid}",
                p.id
            );
        }
        Ok(())
    }
}

case! {
    "setup.partition_info_get.unknown_uuid_invalid", PARTITION_INFO_GET, abis(ABIS);
    run: unknown
}

/// A UUID no partition has is INVALID_PARAMETERS (Hafnium, TF-A's EL3 SPMC).
fn unknown(ctx: &mut Ctx) -> CaseResult {
    let r = ctx.ffa.partition_info_get(UNKNOWN_UUID, 0);
    if r.is_success() {
        // Hand RX back so the next case starts clean.
        ctx.ffa.rx_release();
    }
    check_error!(r, FfaError::InvalidParameters, "FFA_PARTITION_INFO_GET(unknown UUID)");
    Ok(())
}

case! {
    /// The count-only form checks the UUID too: INVALID_PARAMETERS.
    "setup.partition_info_get.unknown_uuid_count_only_invalid", PARTITION_INFO_GET,
    abis(ABIS), since(Version::V1_1);
    fn unknown_count(ctx) {
        let r = ctx.ffa.partition_info_get(UNKNOWN_UUID, COUNT_ONLY);
        check_error!(r, FfaError::InvalidParameters, "FFA_PARTITION_INFO_GET(unknown UUID, count only)");
        Ok(())
    }
}

case! {
    /// While the caller owns RX (filled, not yet released) the SPMC cannot write it: a second
    /// query is BUSY; after FFA_RX_RELEASE the query succeeds again.
    "setup.partition_info_get.rx_owned_by_caller_busy", PARTITION_INFO_GET, abis(ABIS);
    fn busy(ctx) {
        check_success!(ctx.ffa.partition_info_get(Uuid::NIL, 0), "first FFA_PARTITION_INFO_GET");
        let second = ctx.ffa.partition_info_get(Uuid::NIL, 0);
        let released = ctx.ffa.rx_release();
        check_error!(second, FfaError::Busy, "FFA_PARTITION_INFO_GET while the caller owns RX");
        check_success!(released, "FFA_RX_RELEASE");
        check_success!(ctx.ffa.partition_info_get(Uuid::NIL, 0), "FFA_PARTITION_INFO_GET after the release");
        ctx.release_rx()
    }
}

case! {
    /// Without an RX buffer there is nowhere to write the descriptors: the call fails (OP-TEE and
    /// TF-A's EL3 SPMC answer BUSY).
    "setup.partition_info_get.without_rx_buffer_fails", PARTITION_INFO_GET, abis(ABIS);
    fn no_rx(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.partition_info_get(Uuid::NIL, 0);
            check!(r.error().is_some(), "FFA_PARTITION_INFO_GET with no RX buffer must fail, got {}", r.summary());
            check!(r.error() != Some(FfaError::NotSupported), "FFA_PARTITION_INFO_GET is implemented; got NOT_SUPPORTED");
            Ok(())
        })
    }
}

case! {
    /// w5 bits [31:1] are MBZ: a query with bit 1 set is INVALID_PARAMETERS (Hafnium; OP-TEE 4.10
    /// and TF-A's EL3 SPMC ignore the bit).
    "setup.partition_info_get.reserved_flags_invalid", PARTITION_INFO_GET,
    abis(ABIS), since(Version::V1_1);
    fn flags_mbz(ctx) {
        let r = ctx.ffa.partition_info_get(Uuid::NIL, 1 << 1);
        if r.is_success() {
            ctx.ffa.rx_release();
        }
        check_error!(r, FfaError::InvalidParameters, "FFA_PARTITION_INFO_GET(w5 = 0x2)");
        Ok(())
    }
}

case! {
    "setup.partition_info_get.smc32_upper_bits_ignored", SMC32_UPPER_BITS, abis(ABIS);
    run: upper
}

/// FFA_PARTITION_INFO_GET is SMC32: junk in bits [63:32] of x1..x5 does not change the answer.
fn upper(ctx: &mut Ctx) -> CaseResult {
    let clean = ctx.partitions(Uuid::NIL)?;
    let mut regs = Regs::call(FuncId::PARTITION_INFO_GET);
    for i in 1..=5 {
        regs = regs.with(i, UPPER_JUNK);
    }
    let r = ctx.ffa.call(regs);
    if r.is_success() {
        ctx.release_rx()?;
    }
    check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_PARTITION_INFO_GET(nil UUID, junk upper halves)");
    check_eq!(r.w(2) as usize, clean.count, "count with junk upper halves");
    Ok(())
}

case! {
    /// OP-TEE's endpoint receives direct requests (property bit 0), which is how the normal world
    /// talks to it, and in v1.1 declares AArch64 (bit 8).
    "setup.partition_info_get.optee_endpoint_described", PARTITION_INFO_GET,
    abis(ABIS), needs(&[Need::Partition(OPTEE_UUID)]);
    fn optee(ctx) {
        let Some(p) = ctx.find_partition(OPTEE_UUID)? else { fail!("OP-TEE's partition vanished") };
        check!(p.properties.has(PartitionProps::DIRECT_REQ_RECV), "OP-TEE {:#x} cannot receive direct requests", p.id);
        if ctx.version() >= Version::V1_1 {
            check!(p.properties.has(PartitionProps::AARCH64), "OP-TEE {:#x} does not declare AArch64", p.id);
        }
        Ok(())
    }
}
