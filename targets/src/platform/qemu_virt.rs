//! QEMU `virt` (secure=on, gic-version=3) behind TF-A's PLAT=qemu: BL33 at 0x60000000,
//! GICv3 distributor at 0x08000000 and redistributors at 0x080A0000, semihosting console.

use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{BareMetal, Console, GicBases};
use ffa_harness::platform::MachineInfo;

/// The machine.
pub static MACHINE: BareMetal = BareMetal {
    console: Console::Semihosting,
    gic: GicBases { gicd: 0x0800_0000, gicr: 0x080A_0000 },
    // Secure DRAM, where TF-A loads BL32 (BL32_BASE, PLAT=qemu).
    info: MachineInfo { name: "qemu-virt", secure_ram: 0x0e10_0000 },
    // `-smp 4`: one cluster, Aff0 = 0..3 (TF-A PLAT=qemu, PLATFORM_CORE_COUNT 4).
    cores: &[0, 1, 2, 3],
};

/// What the ns image maps: the GIC and UARTs as devices, and normal-world DRAM (the image, its
/// stacks and the pages it shares with the SPMC) as Normal write-back memory.
pub const MEMORY_MAP: &[Region] = &[
    Region { base: 0x0800_0000, size: 0x0200_0000, memory: Memory::Device },
    Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::Own },
];
