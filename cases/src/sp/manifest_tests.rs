//! Host tests: every instance in [`partitions`] is what its manifest declares, and under
//! Hafnium the SPMC manifest's `hypervisor` node, TB_FW_CONFIG, the build's partition list and
//! each image's link address agree with it, on QEMU and on the FVP.

use super::partitions::{self, Partition};
use ffa_harness::desc::Uuid;

const EL3_DTS: &str = include_str!("../../../targets/stacks/tfa-el3/sp-manifest.dts");
const EL3_V1_0_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/stacks/tfa-el3-sp1.0");
const HAFNIUM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/stacks/hafnium-common");
const LD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/ld");
const HAFNIUM_FVP_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/stacks/hafnium-2.15-fvp");

/// The cells of property `name` (`name = <a b ...>;`) in `dts`, searched from `from` on.
fn cells_from(dts: &str, from: usize, name: &str) -> Option<Vec<u32>> {
    let line = dts[from..].lines().map(str::trim).find(|l| l.starts_with(&format!("{name} = <")))?;
    let inner = &line[line.find('<').unwrap() + 1..line.find('>').unwrap()];
    Some(inner.split_whitespace().map(number).collect())
}

fn cells(dts: &str, name: &str) -> Vec<u32> {
    cells_from(dts, 0, name).unwrap_or_else(|| panic!("manifest has no {name}"))
}

fn number(c: &str) -> u32 {
    match c.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
        None => c.parse().unwrap(),
    }
}

fn has_flag(dts: &str, name: &str) -> bool {
    dts.lines().map(str::trim).any(|l| l == format!("{name};"))
}

/// Checks `p` against manifest `dts` (either SPMC's binding).
fn check_manifest(p: &Partition, dts: &str) {
    let what = p.name;
    assert_eq!(cells(dts, "ffa-version"), [p.ffa_version.to_u32()], "{what}: ffa-version");
    assert_eq!(cells(dts, "execution-ctx-count"), [u32::from(p.exec_ctx_count)], "{what}: execution-ctx-count");
    let uuid = cells(dts, "uuid");
    assert_eq!(Uuid::from_regs([uuid[0], uuid[1], uuid[2], uuid[3]]), p.uuid, "{what}: uuid");
    assert_eq!(cells(dts, "messaging-method"), [u32::from(p.messaging_method)], "{what}: messaging-method");
    assert_eq!(has_flag(dts, "notification-support"), p.notifications, "{what}: notification-support");
    assert_eq!(cells(dts, "execution-state"), [0], "{what}: AArch64, as properties() says");
    assert_eq!(cells(dts, "exception-level"), [2], "{what}: S-EL1");
}

#[test]
fn el3_sp_is_what_its_manifest_declares() {
    check_manifest(&partitions::EL3_SP, EL3_DTS);
    assert_eq!(cells(EL3_DTS, "id"), [u32::from(partitions::EL3_SP.id)]);
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// tfa-el3-sp1.0's manifest is tfa-el3's (cpp `#include`) with the properties it sets again,
/// which dtc takes over the included ones: read as its own lines first, then tfa-el3's, it is
/// [`partitions::EL3_SP_V1_0`]; and the stack packs the image of that instance's bin.
#[test]
fn el3_sp_v1_0_is_what_its_manifest_declares() {
    let own = read(&format!("{EL3_V1_0_DIR}/sp-manifest.dts"));
    assert!(own.lines().any(|l| l == "#include \"../tfa-el3/sp-manifest.dts\""), "it includes tfa-el3's manifest");
    let effective = format!("{own}\n{EL3_DTS}");
    check_manifest(&partitions::EL3_SP_V1_0, &effective);
    assert_eq!(cells(&effective, "id"), [u32::from(partitions::EL3_SP_V1_0.id)]);
    assert_eq!(
        read(&format!("{EL3_V1_0_DIR}/sp-image")).trim(),
        partitions::EL3_SP_V1_0.name,
        "sp-image names its bin"
    );
}

/// The partitions Hafnium's build packs, in its order (hafnium.sh SP_PARTITIONS).
fn built_partitions() -> Vec<String> {
    let script = read(&format!("{HAFNIUM_DIR}/hafnium.sh"));
    let line = script.lines().find_map(|l| l.strip_prefix("SP_PARTITIONS=")).expect("hafnium.sh sets SP_PARTITIONS");
    line.trim_matches('"').split_whitespace().map(String::from).collect()
}

/// The package base instance `name`'s image is linked for under Hafnium (its linker script's
/// PACKAGE_BASE; ld/platform/hafnium-partition.lds puts the image 0x4000 above it).
fn package_base(name: &str) -> u32 {
    let path = match name {
        "sp" => format!("{LD_DIR}/platform/sp-hafnium.ld"),
        other => format!("{LD_DIR}/{other}.ld"),
    };
    let ld = read(&path);
    let line =
        ld.lines().find_map(|l| l.strip_prefix("PACKAGE_BASE = ")).unwrap_or_else(|| panic!("{path}: no PACKAGE_BASE"));
    number(line.trim_end_matches(';'))
}

/// The base address linker script `path` sets (`..._BASE = 0x...;`).
fn link_base(path: &str) -> u32 {
    let ld = read(path);
    let line = ld.lines().find(|l| l.contains("_BASE = 0x")).unwrap_or_else(|| panic!("{path}: no base"));
    number(line.split('=').nth(1).unwrap().trim().trim_end_matches(';'))
}

#[test]
fn hafnium_partitions_are_what_their_manifests_declare() {
    assert_eq!(
        built_partitions(),
        partitions::HAFNIUM.iter().map(|p| p.name.to_string()).collect::<Vec<_>>(),
        "hafnium.sh packs the partitions of partitions::HAFNIUM, in its order"
    );
    let spmc = read(&format!("{HAFNIUM_DIR}/spmc-manifest.dts"));
    let tb_fw = read(&format!("{HAFNIUM_DIR}/tb-fw-config.dts"));
    for (i, p) in partitions::HAFNIUM.iter().enumerate() {
        let dts = read(&format!("{HAFNIUM_DIR}/partitions/{}.dts", p.name));
        check_manifest(p, &dts);
        let load = cells(&dts, "load-address")[0];
        let offset = cells(&dts, "entrypoint-offset")[0];
        assert_eq!(package_base(p.name), load, "{}: the image is linked for its package's load address", p.name);
        assert_eq!(offset, 0x4000, "{}: entrypoint-offset is where hafnium-partition.lds puts the image", p.name);
        // Hafnium numbers the partitions by their `vmN` node from 0x8001 (src/manifest.c).
        let vm = spmc.find(&format!("vm{} {{", i + 1)).unwrap_or_else(|| panic!("no vm{} for {}", i + 1, p.name));
        assert_eq!(p.id, 0x8001 + i as u16, "{}: ID by node order", p.name);
        assert_eq!(cells_from(&spmc, vm, "load_address"), Some(vec![load]), "{}: vm{} load_address", p.name, i + 1);
        assert_eq!(
            cells_from(&spmc, vm, "vcpu_count"),
            Some(vec![u32::from(p.exec_ctx_count)]),
            "{}: vcpu_count",
            p.name
        );
        let node = tb_fw.find(&format!("ffa-cts-{} {{", p.name));
        let node = node.unwrap_or_else(|| panic!("TB_FW_CONFIG has no node for {}", p.name));
        let uuid_line = tb_fw[node..].lines().find(|l| l.contains("uuid = ")).unwrap();
        assert!(uuid_line.contains(&format!("\"{}\"", p.uuid)), "{}: TB_FW_CONFIG uuid {uuid_line}", p.name);
        assert_eq!(cells_from(&tb_fw, node, "load-address"), Some(vec![load]), "{}: TB_FW_CONFIG load-address", p.name);
    }
}

/// The partition size the sp image is linked to fit (hafnium-partition.lds's ASSERT,
/// `PACKAGE_BASE + size`) and maps as its own memory (qemu_virt_hafnium.rs `PARTITION_SIZE`).
fn linked_partition_size() -> (u32, u32) {
    let lds = read(&format!("{LD_DIR}/platform/hafnium-partition.lds"));
    let assert = lds.lines().find_map(|l| l.strip_prefix("ASSERT(__stack_top <= PACKAGE_BASE + "));
    let assert = assert.expect("hafnium-partition.lds asserts the image fits");
    let linked = number(assert.split(',').next().unwrap().trim());
    let platform = read(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/src/platform/qemu_virt_hafnium.rs"));
    let line = platform.lines().find_map(|l| l.strip_prefix("const PARTITION_SIZE: u64 = ")).expect("PARTITION_SIZE");
    (linked, number(&line.trim_end_matches(';').replace('_', "")))
}

/// Each `vmN` node's `mem_size` is the size the images are linked and mapped for, and the
/// partitions lie side by side in secure DRAM (`memory@0`) above Hafnium's own image
/// (`attribute`), none overlapping another.
#[test]
fn hafnium_partitions_fit_secure_dram() {
    let spmc = read(&format!("{HAFNIUM_DIR}/spmc-manifest.dts"));
    let (linked, mapped) = linked_partition_size();
    assert_eq!(linked, mapped, "hafnium-partition.lds and PARTITION_SIZE agree");
    let attribute = spmc.find("attribute {").unwrap();
    let hafnium_end = cells_from(&spmc, attribute, "load_address").unwrap()[1]
        + cells_from(&spmc, attribute, "binary_size").unwrap()[0];
    let dram = cells_from(&spmc, spmc.find("memory@0 {").unwrap(), "reg").unwrap();
    let (dram_base, dram_end) = (dram[1], dram[1] + dram[3]);
    let mut ranges = Vec::new();
    for i in 1..=partitions::HAFNIUM.len() {
        let vm = spmc.find(&format!("vm{i} {{")).unwrap();
        let base = cells_from(&spmc, vm, "load_address").unwrap()[0];
        let size = cells_from(&spmc, vm, "mem_size").unwrap()[0];
        assert_eq!(size, linked, "vm{i}: mem_size is what the image is linked for");
        assert!(
            base >= hafnium_end.max(dram_base) && base + size <= dram_end,
            "vm{i}: {base:#x}+{size:#x} in secure DRAM"
        );
        ranges.push((base, base + size));
    }
    ranges.sort();
    for w in ranges.windows(2) {
        assert!(w[0].1 <= w[1].0, "partitions {:#x?} and {:#x?} overlap", w[0], w[1]);
    }
}

/// The primary instance is the same partition on both SPMCs: cases find it by its UUID, and its
/// ID and FF-A version are the ones the baselines were recorded with.
#[test]
fn primary_is_the_el3_sp() {
    let (a, b) = (partitions::EL3_SP, partitions::PRIMARY);
    assert_eq!((a.uuid, a.id, a.ffa_version), (b.uuid, b.id, b.ffa_version));
}

/// On the FVP (stack hafnium-2.15-fvp, its one partition) the primary sp is the same partition
/// with the FVP's cores: its manifest, the FVP SPMC manifest's `vm1` and the FVP image's link
/// address agree with [`partitions::PRIMARY`] built with the `fvp` feature.
#[test]
fn fvp_hafnium_partition_is_the_primary() {
    let script = read(&format!("{HAFNIUM_FVP_DIR}/stack.sh"));
    assert!(script.lines().any(|l| l == "SP_PARTITIONS=\"sp\""), "hafnium-2.15-fvp packs the primary sp only");
    let fvp = Partition { exec_ctx_count: partitions::FVP_CORES, ..partitions::PRIMARY };
    let dts = read(&format!("{HAFNIUM_FVP_DIR}/partitions/sp.dts"));
    check_manifest(&fvp, &dts);
    let spmc = read(&format!("{HAFNIUM_FVP_DIR}/spmc-manifest.dts"));
    let vm = spmc.find("vm1 {").expect("the FVP SPMC manifest has vm1");
    assert!(spmc.find("vm2 {").is_none(), "the FVP runs one partition");
    let load = cells(&dts, "load-address")[0];
    assert_eq!(cells_from(&spmc, vm, "load_address"), Some(vec![load]), "vm1 load_address");
    assert_eq!(cells_from(&spmc, vm, "vcpu_count"), Some(vec![u32::from(fvp.exec_ctx_count)]), "vm1 vcpu_count");
    let base = link_base(&format!("{LD_DIR}/platform/sp-fvp-hafnium.ld"));
    assert_eq!(base, load + cells(&dts, "entrypoint-offset")[0], "the FVP image is linked where Hafnium enters it");
}
