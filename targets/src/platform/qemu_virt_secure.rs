//! The secure side of QEMU `virt` behind TF-A's PLAT=qemu, as the sp image sees it: loaded at
//! BL32_BASE in secure DRAM, semihosting console, and the memory map it maps for itself.

use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{BareMetal, Console, GicBases};
use ffa_harness::platform::MachineInfo;

/// The machine. The sp uses neither the GIC nor a watchdog: the normal world times it out.
pub static MACHINE: BareMetal = BareMetal {
    console: Console::Semihosting,
    gic: GicBases { gicd: 0x0800_0000, gicr: 0x080A_0000 },
    info: MachineInfo { name: "qemu-virt", secure_ram: 0x0e10_0000 },
    // `-smp 4`: one cluster, Aff0 = 0..3 (TF-A PLAT=qemu, PLATFORM_CORE_COUNT 4).
    cores: &[0, 1, 2, 3],
};

/// What the sp maps: the GIC and UARTs, secure SRAM and DRAM (TF-A, the boot information blob
/// and the image), and normal-world DRAM as non-secure memory.
pub const MEMORY_MAP: &[Region] = &[
    Region { base: 0x0800_0000, size: 0x0200_0000, memory: Memory::Device },
    Region { base: 0x0e00_0000, size: 0x0100_0000, memory: Memory::Own },
    Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::NonSecure },
];
