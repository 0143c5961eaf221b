//! Arm Juno (r0, r1, r2) behind TF-A's PLAT=juno: a Cortex-A57 (or A72) cluster of two cores
//! (MPIDR 0x0, 0x1) and a Cortex-A53 cluster of four (0x100..0x103). Which core boots is the
//! SCP firmware's choice, which TF-A reads at run time (plat/arm/css/common/aarch64/
//! css_helpers.S `plat_is_my_cpu_primary`, the SCP boot-configuration field at
//! `PLAT_CSS_PRIMARY_CPU_SHIFT` 8); this port assumes the A53 cluster's first core, unverified
//! on a board here (a board that boots another one needs its MPIDR first below). A GIC-400,
//! i.e. GICv2, with the distributor at 0x2C010000 and the CPU interface at
//! 0x2C02F000 (plat/arm/board/juno/include/platform_def.h); BL33 at 0xE0000000
//! (include/plat/arm/css/common/css_def.h `PLAT_ARM_NS_IMAGE_BASE`). A board in a farm has no
//! debugger, so no semihosting: the events go to the SoC UART0 at 0x7FF80000
//! (include/plat/arm/soc/common/soc_css_def.h, 115200 baud, set up by TF-A; UART1 is
//! secure-only without `CSS_NON_SECURE_UART=1`), the run's arguments are fixed at build time
//! (every case at the default FF-A version; the hang monitor's limit is an FVP run's, 15 s)
//! and the run ends with PSCI SYSTEM_OFF. DRAM1 from
//! 0x80000000 without its top 16 MB, which is secure.

use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{ArgSource, BareMetal, Board, Console, GicKind};

/// The board.
pub static JUNO: Board = Board {
    name: "juno",
    cores: &[0x100, 0x101, 0x102, 0x103, 0x000, 0x001],
    gic: GicKind::V2 { gicd: 0x2C01_0000, gicc: 0x2C02_F000 },
    console: Console::Pl011(0x7FF8_0000),
    args: ArgSource::Fixed("ns call_limit_ms=15000"),
    ns_memory: &[
        // The GIC-400's frames (GICD, GICC, GICH, GICV).
        Region { base: 0x2C00_0000, size: 0x0010_0000, memory: Memory::Device },
        // The SoC UARTs (UART0 0x7FF80000, UART1 0x7FF70000).
        Region { base: 0x7FF0_0000, size: 0x0010_0000, memory: Memory::Device },
        Region { base: 0x8000_0000, size: 0x7F00_0000, memory: Memory::Own },
    ],
    // The top 16 MB of DRAM1, secure (ARM_TZC_DRAM1 / ARM_AP_TZC_DRAM1).
    secure_ram: 0xFF00_0000,
    // Juno's trusted boot ROM at 0: not normal-world memory.
    not_ns_memory: 0,
};

/// The ns image's services on it.
pub static MACHINE: BareMetal = BareMetal::new(&JUNO);
