//! Partition discovery against the manifests (DEN0077A v1.1 13.8, Table 13.37): every
//! partition the SPMC lists is one the stack was built with, and every instance of the suite's
//! sp it lists is described as that instance's manifest declares it: ID, execution contexts,
//! and the properties the caller's version defines. Which instance a listed sp is, the sp says
//! itself (`IDENTITY`), so the same case checks tfa-el3's one partition and Hafnium's five.
//!
//! Left to other cases: the send-direct-request bits (1 and 10), which Hafnium advertises per
//! caller (`setup.sp_view.ns_descriptor_matches_manifest` compares every bit), and bits the
//! caller's version reserves (`setup.partition_info_get.properties_reserved_bits_zero`).

use crate::common::OPTEE_UUID;
use crate::sp::partitions::{self, Partition};
use crate::sp::{identify, NEEDS_SP};
use ffa_harness::desc::{PartitionInfo, PartitionProps, Uuid};
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::spec::PARTITION_INFO_GET;
use ffa_harness::{case, check, check_eq, fail, CaseResult, Ctx, Expectations};

/// Properties bit 1 (sends direct requests) and bit 10 (sends DIRECT_REQ2).
const SEND_BITS: u32 = 1 << 1 | 1 << 10;

/// The properties of `p`'s manifest a caller of `version` must see.
fn expected_properties(p: &Partition, version: Version) -> u32 {
    p.properties() & !PartitionProps::reserved_for(version) & !SEND_BITS
}

/// Checks descriptor `d` against the manifest of the instance it says it is.
fn check_against_manifest(ctx: &Ctx, e: &mut Expectations, d: &PartitionInfo) -> CaseResult {
    let p = identify(ctx, d.id)?;
    let what = p.name;
    ffa_harness::expect_eq!(e, d.id, p.id, "{what}: partition ID");
    ffa_harness::expect_eq!(e, d.exec_ctx_count, p.exec_ctx_count, "{what}: execution contexts");
    ffa_harness::expect_eq!(
        e,
        d.properties.0 & !SEND_BITS & !PartitionProps::reserved_for(ctx.version()),
        expected_properties(p, ctx.version()),
        "{what}: properties but the send bits (v{})",
        ctx.version()
    );
    Ok(())
}

case! {
    /// Each instance of the suite's sp the stack runs, looked up by its UUID, is described as
    /// its manifest declares it (ID, execution-context count, properties but the send bits):
    /// DEN0077A v1.1 13.8, Table 13.37's fields come from the partition's manifest (Hafnium
    /// `api_ffa_partition_info_get`, TF-A `partition_info_get_handler_v1_1`).
    "setup.partition_info_get.suite_partitions_match_manifests", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE]), needs(NEEDS_SP);
    fn by_uuid(ctx) {
        let mut e = Expectations::new();
        for (i, p) in partitions::ALL.iter().enumerate() {
            // Instances of one partition on two SPMCs share a UUID: look it up once.
            if partitions::ALL[..i].iter().any(|q| q.uuid == p.uuid) {
                continue;
            }
            if let Some(d) = ctx.find_partition(p.uuid)? {
                check_against_manifest(ctx, &mut e, &d)?;
            }
        }
        e.done()
    }
}

case! {
    /// The full listing (nil UUID, v1.1 descriptors with UUIDs) holds only partitions the stack
    /// was built with (the suite's sp instances, OP-TEE), and each sp instance in it is described
    /// as its manifest declares it.
    "setup.partition_info_get.every_listed_partition_has_a_manifest", PARTITION_INFO_GET,
    abis(&[FuncId::PARTITION_INFO_GET, FuncId::RX_RELEASE]), since(Version::V1_1), needs(NEEDS_SP);
    fn listed(ctx) {
        let l = ctx.partitions(Uuid::NIL)?;
        let mut e = Expectations::new();
        for d in l.iter() {
            let Some(uuid) = d.uuid else { fail!("a v1.1 descriptor without its UUID") };
            if uuid == OPTEE_UUID {
                continue;
            }
            check!(partitions::ALL.iter().any(|p| p.uuid == uuid), "partition {:#x} has UUID {uuid}, no manifest of the stack's", d.id);
            check_against_manifest(ctx, &mut e, d)?;
        }
        check_eq!(l.count, l.iter().count(), "descriptors decoded vs w2");
        e.done()
    }
}
