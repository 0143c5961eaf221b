//! The sp on QEMU `virt` under TF-A's EL3 SPMC (stack `tfa-el3`): TF-A loads it as BL32 at
//! BL32_BASE in secure DRAM and enters it at S-EL1. What it maps is the stack's business as
//! much as the board's (an S-EL2 SPMC such as Hafnium loads partitions elsewhere and maps
//! them itself), so each stack that runs the sp has its own port beside the board's file.

use super::qemu_virt::QEMU_VIRT;
use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::BareMetal;

/// The sp's services on the board. The sp uses neither the GIC nor a watchdog: the normal
/// world times it out.
pub static MACHINE: BareMetal = BareMetal::new(&QEMU_VIRT);

/// What the sp maps: the GIC and UARTs, secure SRAM and DRAM (TF-A, the boot information blob
/// and the image), and normal-world DRAM as non-secure memory.
pub const fn memory_map() -> [Region; 3] {
    [
        Region { base: 0x0800_0000, size: 0x0200_0000, memory: Memory::Device },
        Region { base: 0x0e00_0000, size: 0x0100_0000, memory: Memory::Own },
        Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::NonSecure },
    ]
}
