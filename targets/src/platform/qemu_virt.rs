//! QEMU `virt` (secure=on, virtualization=on, gic-version=3, `-smp 4`) behind TF-A's
//! PLAT=qemu: four cores in one cluster, GICv3 distributor at 0x08000000 and redistributors at
//! 0x080A0000, UARTs at 0x09000000 (and 0x09040000, the secure one), semihosting for the
//! console and the run's arguments, normal-world DRAM from 0x40000000 (BL33 at 0x60000000),
//! secure DRAM at 0x0e000000 (BL32_BASE 0x0e100000).

use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{ArgSource, BareMetal, Board, Console, GicKind};

/// The board (a `const`, so that the GICv2 variant can take every other fact from it).
pub const QEMU_VIRT: Board = Board {
    name: "qemu-virt",
    // Aff0 = 0..3 (TF-A PLAT=qemu, PLATFORM_CORE_COUNT 4).
    cores: &[0, 1, 2, 3],
    gic: GicKind::V3 { gicd: 0x0800_0000, gicr: 0x080A_0000 },
    console: Console::Semihosting,
    args: ArgSource::Semihosting,
    ns_memory: &[
        Region { base: 0x0800_0000, size: 0x0200_0000, memory: Memory::Device },
        Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::Own },
    ],
    // Secure DRAM, where TF-A loads BL32.
    secure_ram: 0x0e10_0000,
    // The secure flash at the bottom of QEMU virt's map (secure=on): the boot ROM, not normal
    // world memory.
    not_ns_memory: 0,
};

/// The ns image's services on it.
pub static MACHINE: BareMetal = BareMetal::new(&QEMU_VIRT);
