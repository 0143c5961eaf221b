//! Host tests: every instance in [`partitions`] is what its manifest declares, and under
//! Hafnium the SPMC manifest's `hypervisor` node, TB_FW_CONFIG, the build's partition list and
//! each image's link address agree with it.

use super::partitions::{self, Partition};
use ffa_harness::desc::Uuid;

const EL3_DTS: &str = include_str!("../../../targets/stacks/tfa-el3/sp-manifest.dts");
const HAFNIUM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/stacks/hafnium-common");
const LD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/ld");

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

/// The partitions Hafnium's build packs, in its order (hafnium.sh SP_PARTITIONS).
fn built_partitions() -> Vec<String> {
    let script = read(&format!("{HAFNIUM_DIR}/hafnium.sh"));
    let line = script.lines().find_map(|l| l.strip_prefix("SP_PARTITIONS=")).expect("hafnium.sh sets SP_PARTITIONS");
    line.trim_matches('"').split_whitespace().map(String::from).collect()
}

/// The link address of instance `name`'s image under Hafnium.
fn image_base(name: &str) -> u32 {
    let path = match name {
        "sp" => format!("{LD_DIR}/platform/sp-hafnium.ld"),
        other => format!("{LD_DIR}/{other}.ld"),
    };
    let ld = read(&path);
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
        assert_eq!(image_base(p.name), load + offset, "{}: the image is linked where Hafnium enters it", p.name);
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

/// The primary instance is the same partition on both SPMCs: cases find it by its UUID, and its
/// ID and FF-A version are the ones the baselines were recorded with.
#[test]
fn primary_is_the_el3_sp() {
    let (a, b) = (partitions::EL3_SP, partitions::PRIMARY);
    assert_eq!((a.uuid, a.id, a.ffa_version), (b.uuid, b.id, b.ffa_version));
}
