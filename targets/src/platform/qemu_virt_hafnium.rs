//! The sp on QEMU `virt` under Hafnium (stacks `hafnium-*`): BL2 loads each partition's
//! package at its manifest's load address and Hafnium enters the image 0x4000 into it at
//! S-EL1, behind a stage 2 of Hafnium's making that holds only the partition's own memory
//! (`mem_size` of its `hypervisor/vmN` node in the SPMC manifest, identity mapped) and what the
//! normal world shares with it. Each instance is linked at its own package's image, so the
//! image's own address says where its memory is. Hafnium virtualises the GIC and owns the UARTs, so the sp maps neither;
//! its log lines go out by semihosting, which QEMU takes at S-EL1 as at any EL above 0.

use super::qemu_virt::QEMU_VIRT;
use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::BareMetal;

/// The sp's services on the board: the console by semihosting, no GIC, no watchdog.
pub static MACHINE: BareMetal = BareMetal::new(&QEMU_VIRT);

/// Where sptool puts the image in the package (the manifests' `entrypoint-offset`).
const IMAGE_OFFSET: u64 = 0x4000;
/// Each partition's `mem_size` in the SPMC manifest.
const PARTITION_SIZE: u64 = 0x0020_0000;

/// What the sp maps: its own memory (`mem_size` from the package's load address, which the
/// image, its .bss and stacks and its RX/TX pair lie in), and normal-world DRAM as non-secure
/// memory, which Hafnium maps into the partition's non-secure IPA space when the normal world
/// shares or lends it.
pub fn memory_map() -> [Region; 2] {
    extern "C" {
        /// The image's first instruction (entry.rs), at the link base.
        static _start: u8;
    }
    // Only the address of the linker-placed entry symbol is taken, never its bytes.
    let image = core::ptr::addr_of!(_start) as u64;
    [
        Region { base: image - IMAGE_OFFSET, size: PARTITION_SIZE, memory: Memory::Own },
        Region { base: 0x4000_0000, size: 0x8000_0000, memory: Memory::NonSecure },
    ]
}
