//! The sp on the FVP under TF-A's EL3 SPMC (stack `tfa-el3-fvp`): TF-A loads it as BL32 at
//! BL32_BASE = 0xff200000, in the top 16 MB of DRAM1 that the TZC keeps secure, and enters it
//! at S-EL1 on the FVP's eight cores. Its log lines go out by semihosting, which the model
//! offers at S-EL1 as QEMU does.

use super::fvp::FVP;
use ffa_harness::arch::mmu::{Memory, Region};
use ffa_harness::arch::{BareMetal, Board, Console};

/// The FVP as the sp sees it: its cores, its console by semihosting.
static SP_BOARD: Board = Board { console: Console::Semihosting, ..FVP };

/// The sp's services on the board: no GIC, no watchdog (the normal world times it out).
pub static MACHINE: BareMetal = BareMetal::new(&SP_BOARD);

/// What the sp maps: the secure DRAM TF-A leaves to BL32 (ARM_AP_TZC_DRAM1: 0xff000000 up to
/// TF-A's EL3 TZC DRAM at 0xffe00000), which the image lies in, and the normal world's DRAM1
/// as non-secure memory. The boot information blob is in BL31's memory; the sp does not read it.
pub const fn memory_map() -> [Region; 2] {
    [
        Region { base: 0xff00_0000, size: 0x00e0_0000, memory: Memory::Own },
        Region { base: 0x8000_0000, size: 0x7f00_0000, memory: Memory::NonSecure },
    ]
}
