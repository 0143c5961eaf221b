//! Every instance of the suite's sp a stack runs, as its manifest declares it: TF-A's EL3 SPMC
//! runs one (`targets/stacks/tfa-el3/sp-manifest.dts`; at v1.0 `tfa-el3-sp1.0`'s), Hafnium several
//! (`targets/stacks/hafnium-common/partitions/<name>.dts`). The sp image of each instance is
//! built with its entry here and asks for its FF-A version by it; the normal world finds an
//! instance by its UUID and checks what the SPMC reports of it against this table. A host test
//! reads every manifest and checks each value here against it, so the two cannot drift.

use ffa_harness::desc::Uuid;
use ffa_harness::ffa::Version;
use ffa_harness::global::SetOnce;

/// One partition manifest's facts the cases check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The instance's name: its manifest's file stem under Hafnium, its image's `bin`.
    pub name: &'static str,
    /// `uuid`.
    pub uuid: Uuid,
    /// The partition ID: the EL3 SPMC's manifest `id`, Hafnium's `hypervisor/vmN` node order
    /// from 0x8001 (src/manifest.c, parse_ffa_partition_package's caller).
    pub id: u16,
    /// `ffa-version`: the version the sp asks for (TF-A's EL3 SPMC asserts it asks exactly
    /// it; Hafnium holds a partition to the version it negotiated).
    pub ffa_version: Version,
    /// `execution-ctx-count`.
    pub exec_ctx_count: u16,
    /// `messaging-method` (DEN0077A v1.2 Table 5.1 bits: 0 receives direct requests, 1 sends
    /// them, 2 indirect messaging, 9 receives DIRECT_REQ2, 10 sends it).
    pub messaging_method: u16,
    /// `notification-support` (Hafnium's name for the v1.1 receipt-of-notifications bit).
    pub notifications: bool,
}

impl Partition {
    /// The partition properties its manifest declares, in the layout of the v1.1 (and later)
    /// partition information descriptor (DEN0077A v1.1 Table 13.37): the messaging methods,
    /// bit 3 for notification receipt and bit 8 for AArch64 (every instance is AArch64).
    pub const fn properties(&self) -> u32 {
        self.messaging_method as u32 | if self.notifications { 1 << 3 } else { 0 } | 1 << 8
    }

    /// True for a partition with one execution context (UP, migratable across cores).
    pub const fn is_up(&self) -> bool {
        self.exec_ctx_count == 1
    }
}

/// Receives and sends direct requests.
const DIRECT: u16 = 0x3;
/// Indirect messaging (FFA_MSG_SEND2).
const INDIRECT: u16 = 1 << 2;
/// Receives and sends FFA_MSG_SEND_DIRECT_REQ2 (v1.2).
const DIRECT_REQ2: u16 = 1 << 9 | 1 << 10;

/// The FVP Base RevC's cores: two clusters of four.
pub const FVP_CORES: u16 = 8;
/// TF-A's PLATFORM_CORE_COUNT, which the EL3 SPMC requires an S-EL1 SP's execution-context
/// count to be: 32 on PLAT=qemu, 8 on PLAT=fvp (tfa-el3-fvp's manifest).
const EL3_CONTEXTS: u16 = if cfg!(feature = "fvp") { FVP_CORES } else { 32 };
/// The cores the primary sp has a context for under Hafnium: QEMU virt's `-smp 4`, or the
/// FVP's (hafnium-2.15-fvp's manifest).
const HAFNIUM_CORES: u16 = if cfg!(feature = "fvp") { FVP_CORES } else { 4 };

/// The sp under TF-A's EL3 SPMC (stack tfa-el3, on the FVP tfa-el3-fvp): one execution
/// context per PE of the platform; the EL3 SPMC rejects every messaging-method bit but the
/// direct ones.
pub const EL3_SP: Partition = Partition {
    name: "sp",
    uuid: Uuid::parse("b4b5671e-4a90-4fe1-b81f-fb13dae1dacb"),
    id: 0x8001,
    ffa_version: Version::V1_1,
    exec_ctx_count: EL3_CONTEXTS,
    messaging_method: DIRECT,
    notifications: false,
};

/// The sp under TF-A's EL3 SPMC at FF-A v1.0 (stack tfa-el3-sp1.0): [`EL3_SP`] with its
/// manifest's `ffa-version` 0x10000, so that a v1.1 or v1.2 normal world and a v1.0 partition
/// meet at the one SPMC, which must translate between their descriptors (TF-A spmc_shmem.c,
/// spmc_populate_ffa_v1_0_descriptor; spmc_main.c, partition_info_populate_v1_0).
pub const EL3_SP_V1_0: Partition = Partition { name: "sp-v1-0", ffa_version: Version::V1_0, ..EL3_SP };

/// The primary sp under Hafnium (on the FVP, hafnium-2.15-fvp's one partition): the same
/// partition as [`EL3_SP`] (UUID, ID, version), so cases that need "the sp" find it on either
/// SPMC, with one execution context per core and indirect messaging and notification receipt,
/// which Hafnium implements.
pub const PRIMARY: Partition =
    Partition { exec_ctx_count: HAFNIUM_CORES, messaging_method: DIRECT | INDIRECT, notifications: true, ..EL3_SP };

/// A second MP partition under Hafnium, at FF-A v1.2 with DIRECT_REQ2 both ways.
pub const SECOND: Partition = Partition {
    name: "sp-second",
    uuid: Uuid::parse("fce79476-dc85-466f-868e-bb1519864016"),
    id: 0x8002,
    ffa_version: Version::V1_2,
    exec_ctx_count: 4,
    messaging_method: DIRECT | INDIRECT | DIRECT_REQ2,
    notifications: true,
};

/// A UP partition under Hafnium (one execution context, which Hafnium runs on whichever core
/// a request comes from), at FF-A v1.0: the partition at another version than the primary's,
/// so that the SPMC must translate between the two (its memory descriptors are v1.0's).
/// Direct messaging only: indirect messaging and notifications are v1.1 features.
pub const UP: Partition = Partition {
    name: "sp-up",
    uuid: Uuid::parse("6930c27b-c1a9-4466-8e72-d2c77d1bbc62"),
    id: 0x8003,
    ffa_version: Version::V1_0,
    exec_ctx_count: 1,
    messaging_method: DIRECT,
    notifications: false,
};

/// A third MP partition under Hafnium, at FF-A v1.2 like [`SECOND`]: the receiver of
/// DIRECT_REQ2 between two partitions.
pub const THIRD: Partition =
    Partition { name: "sp-third", uuid: Uuid::parse("3028b368-165a-4b76-8603-58fecefcf793"), id: 0x8004, ..SECOND };

/// A fourth MP partition under Hafnium, at FF-A v1.1 with the primary's messaging methods and
/// notification receipt: one more SP an FFA_NOTIFICATION_INFO_GET can have to report, which
/// takes the IDs pending past one answer's 20 on a Hafnium without per-vCPU notifications (16
/// VMs and VM 0, and four SP receivers; `notifications.info_get.pages_through_many_vms`).
pub const FOURTH: Partition = Partition {
    name: "sp-fourth",
    uuid: Uuid::parse("33c22789-e3ff-4c0d-a3f8-a4baef5cf9d7"),
    id: 0x8005,
    ffa_version: Version::V1_1,
    exec_ctx_count: 4,
    messaging_method: DIRECT | INDIRECT,
    notifications: true,
};

/// Every instance under Hafnium, in the SPMC manifest's node order.
pub const HAFNIUM: &[Partition] = &[PRIMARY, SECOND, UP, THIRD, FOURTH];

/// Every instance any stack runs: what an instance answers to `IDENTITY` indexes this.
pub const ALL: &[Partition] = &[EL3_SP, PRIMARY, SECOND, UP, THIRD, EL3_SP_V1_0, FOURTH];

/// The instance this sp image is, set once at its boot.
static OWN: SetOnce<&'static Partition> = SetOnce::new();

/// Records which instance this sp image is (its image's entry does, before it serves).
pub fn set_own(me: &'static Partition) {
    OWN.set(me);
}

/// The instance this sp image is, once its entry recorded it.
pub fn own() -> Option<&'static Partition> {
    OWN.get().copied()
}
