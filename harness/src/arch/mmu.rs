//! Stage-1 identity mapping for an EL1 image (the sp): 2 MiB blocks over the low 4 GiB, with
//! normal-world memory mapped non-secure. On hardware a secure partition must map normal-world
//! buffers with NS=1 to reach them at all (QEMU aliases NS RAM into the secure address space
//! and hides the need); the firmware entered the image with the MMU off.

use core::arch::asm;
use core::cell::UnsafeCell;

/// What a region of the address space is.
#[derive(Clone, Copy, Debug)]
pub enum Memory {
    /// Device-nGnRnE, never executable.
    Device,
    /// Normal write-back memory of the image's own (secure) world, executable.
    Secure,
    /// Normal write-back memory of the normal world (NS=1), not executable.
    NonSecure,
}

/// A 2 MiB-aligned region below 4 GiB.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    /// Base address, 2 MiB aligned.
    pub base: u64,
    /// Size, a multiple of 2 MiB.
    pub size: u64,
    /// Its kind.
    pub memory: Memory,
}

const BLOCK: u64 = 2 << 20;

#[repr(C, align(4096))]
struct Tables {
    l1: [u64; 512],
    l2: [[u64; 512]; 4],
}

struct TableCell(UnsafeCell<Tables>);

// SAFETY: the tables are written once, on one core, before the MMU reads them, and never
// referenced by Rust code afterwards.
unsafe impl Sync for TableCell {}

static TABLES: TableCell = TableCell(UnsafeCell::new(Tables { l1: [0; 512], l2: [[0; 512]; 4] }));

fn block(address: u64, memory: Memory) -> u64 {
    const VALID_BLOCK: u64 = 0b01;
    const AF: u64 = 1 << 10;
    const INNER_SHAREABLE: u64 = 0b11 << 8;
    const NS: u64 = 1 << 5;
    const PXN: u64 = 1 << 53;
    const UXN: u64 = 1 << 54;
    let attrs = match memory {
        Memory::Device => PXN | UXN,                  // AttrIndx 0: Device-nGnRnE
        Memory::Secure => (1 << 2) | INNER_SHAREABLE, // AttrIndx 1: Normal WB
        Memory::NonSecure => (1 << 2) | INNER_SHAREABLE | NS | PXN | UXN,
    };
    address | attrs | AF | VALID_BLOCK
}

/// Maps `regions` one to one and turns the EL1 MMU and caches on.
///
/// # Safety
///
/// Call it once, at EL1 with the MMU off, and let `regions` cover the image's own code, data
/// and stack as [`Memory::Secure`] (execution continues at the same addresses once the MMU
/// is on), and every device and buffer the image touches afterwards.
pub unsafe fn enable_identity(regions: &[Region]) {
    let t = TABLES.0.get();
    for r in regions {
        let mut a = r.base;
        while a < r.base + r.size && a < 4 << 30 {
            let (gib, index) = ((a >> 30) as usize, ((a >> 21) & 511) as usize);
            // SAFETY: the tables are not in use yet (MMU off) and nothing else references them.
            unsafe { (*t).l2[gib][index] = block(a, r.memory) };
            a += BLOCK;
        }
    }
    for gib in 0..4 {
        // SAFETY: as above.
        unsafe { (*t).l1[gib] = core::ptr::addr_of!((*t).l2[gib]) as u64 | 0b11 };
    }
    let ttbr0 = t as u64;
    // attr0 Device-nGnRnE, attr1 Normal write-back read/write-allocate.
    let mair: u64 = 0xff << 8;
    // T0SZ=32 (4 GiB), write-back walks, inner shareable, 4 KiB granule, TTBR1 walks off.
    let tcr: u64 = 32 | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (1 << 23);
    // SAFETY: the caller's regions map the image's own code, data and stack one to one (the
    // function's safety contract), so execution continues at the same addresses once the MMU
    // is on; the barriers order the table writes before the walk and the register writes
    // before use.
    unsafe {
        asm!(
            "dsb ish",
            "msr mair_el1, {mair}",
            "msr tcr_el1, {tcr}",
            "msr ttbr0_el1, {ttbr0}",
            "isb",
            "tlbi vmalle1",
            "dsb ish",
            "isb",
            "mrs {s}, sctlr_el1",
            "orr {s}, {s}, #(1 << 0)",
            "orr {s}, {s}, #(1 << 2)",
            "orr {s}, {s}, #(1 << 12)",
            "msr sctlr_el1, {s}",
            "isb",
            mair = in(reg) mair, tcr = in(reg) tcr, ttbr0 = in(reg) ttbr0, s = out(reg) _,
        );
    }
}
