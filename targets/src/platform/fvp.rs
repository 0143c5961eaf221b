//! Arm FVP Base RevC (`FVP_Base_RevC-2xAEMvA`) behind TF-A's PLAT=fvp: two clusters of four
//! single-threaded cores (TF-A `FVP_CLUSTER_COUNT` 2 x `FVP_MAX_CPUS_PER_CLUSTER` 4) with
//! shifted affinities, i.e. MPIDR.MT set, Aff2 = cluster, Aff1 = core, Aff0 = 0 (TF-A
//! docs/plat/arm/fvp/fvp-specific-configs.rst on the AEMv8-RevC Base FVP; the cpu nodes of its
//! fvp_spmc_manifest.dts with `AFF 00`, which Hafnium maps MPIDRs from), a GICv3 with the distributor at 0x2F000000 and the
//! redistributors at 0x2F100000 (TF-A plat/arm/board/fvp/fvp_def.h), BL33 at 0x88000000
//! (`PLAT_ARM_NS_IMAGE_BASE`). The events go to the NS PL011 UART0 at 0x1C090000
//! (include/plat/arm/board/common/v2m_def.h `V2M_IOFPGA_UART0_BASE`), which TF-A has set up at
//! 115200 baud and which LAVA reads as `terminal_0`; the run's arguments come over semihosting
//! (the model's `cluster0.cpu0.semihosting-cmd_line`). Normal-world DRAM is DRAM1 from
//! 0x80000000 but its top 16 MB, which the TZC keeps secure (include/plat/arm/common/arm_def.h
//! `ARM_NS_DRAM1_SIZE`); trusted DRAM at 0x06000000 is secure.

use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{ArgSource, BareMetal, Board, Console, GicKind};

/// The board (a `const`, so that the sp's ports can take every other fact from it).
pub const FVP: Board = Board {
    name: "fvp",
    cores: &[0x0_0000, 0x0_0100, 0x0_0200, 0x0_0300, 0x1_0000, 0x1_0100, 0x1_0200, 0x1_0300],
    gic: GicKind::V3 { gicd: 0x2F00_0000, gicr: 0x2F10_0000 },
    console: Console::Pl011(0x1C09_0000),
    args: ArgSource::Semihosting,
    ns_memory: &[
        // The V2M peripherals (UARTs among them).
        Region { base: 0x1C00_0000, size: 0x0100_0000, memory: Memory::Device },
        // The GIC: legacy CPU interface at 0x2C000000, GICD at 0x2F000000, GICR after it.
        Region { base: 0x2C00_0000, size: 0x0400_0000, memory: Memory::Device },
        Region { base: 0x8000_0000, size: 0x7F00_0000, memory: Memory::Own },
    ],
    // Trusted DRAM (PLAT_ARM_TRUSTED_DRAM_BASE), where an S-EL2 SPMC lives.
    secure_ram: 0x0600_0000,
    // the FVP's trusted boot ROM at 0: not normal-world memory.
    not_ns_memory: 0,
};

/// The ns image's services on it.
pub static MACHINE: BareMetal = BareMetal::new(&FVP);
