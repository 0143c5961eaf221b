//! The sp on the FVP under Hafnium (stack `hafnium-2.15-fvp`): BL2 loads its package at
//! 0x07000000 in trusted DRAM and Hafnium enters the image 0x4000 into it at S-EL1, behind a
//! stage 2 holding the partition's own memory (`mem_size` of its node in the FVP SPMC
//! manifest) and what the normal world shares with it. Hafnium owns the GIC and the UARTs, so
//! the sp maps neither; its log lines go out by semihosting.

use super::fvp::FVP;
use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{BareMetal, Board, Console};

/// The FVP as the sp sees it: its cores, its console by semihosting.
static SP_BOARD: Board = Board { console: Console::Semihosting, ..FVP };

/// The sp's services on the board: no GIC, no watchdog.
pub static MACHINE: BareMetal = BareMetal::new(&SP_BOARD);

/// What the sp maps: its own memory (4 MiB from the package's load address: the image, its
/// .bss and stacks and its RX/TX pair) and the normal world's DRAM1 as non-secure memory,
/// which Hafnium maps when the normal world shares or lends it. The FVP runs one partition,
/// so its memory is at one place.
pub const fn memory_map() -> [Region; 2] {
    [
        Region { base: 0x0700_0000, size: 0x0040_0000, memory: Memory::Own },
        Region { base: 0x8000_0000, size: 0x7f00_0000, memory: Memory::NonSecure },
    ]
}
