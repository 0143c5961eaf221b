//! The sp on QEMU `virt` under Hafnium (stacks `hafnium-*`): BL2 loads its package at
//! 0x0e300000 and Hafnium enters the image 0x4000 into it at S-EL1, behind a stage 2 of
//! Hafnium's making that holds only the partition's own memory (`mem_size` of its
//! `hypervisor/vm1` node in the SPMC manifest, identity mapped) and what the normal world
//! shares with it. Hafnium virtualises the GIC and owns the UARTs, so the sp maps neither;
//! its log lines go out by semihosting, which QEMU takes at S-EL1 as at any EL above 0.

use super::qemu_virt::QEMU_VIRT;
use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::BareMetal;

/// The sp's services on the board: the console by semihosting, no GIC, no watchdog.
pub static MACHINE: BareMetal = BareMetal::new(&QEMU_VIRT);

/// What the sp maps: its own memory (`mem_size` = 4 MiB from the package's load address,
/// which the image, its .bss and stacks and its RX/TX pair lie in), and normal-world DRAM as
/// non-secure memory, which Hafnium maps into the partition's non-secure IPA space when the
/// normal world shares or lends it.
pub const MEMORY_MAP: &[Region] = &[
    Region { base: 0x0e30_0000, size: 0x0040_0000, memory: Memory::Own },
    Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::NonSecure },
];
