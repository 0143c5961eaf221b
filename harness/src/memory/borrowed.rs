//! Memory a borrower retrieved, mapped with its MMU (`arch::mmu::map_page`, 4 KiB pages) and
//! read and written byte by byte: the owner and the SPMC change it behind the compiler's back.

use crate::arch::mmu::{map_page, Memory, MmuError};
use crate::pages::PAGE_SIZE;

/// `pages` pages from `base`, mapped.
pub struct Borrowed {
    base: u64,
    len: usize,
}

impl Borrowed {
    /// Maps the normal-world pages `base..base + pages * 4 KiB` (a page the boot map already
    /// has with the same attributes is left as it is).
    pub fn map(base: u64, pages: u32) -> Result<Self, MmuError> {
        for p in 0..u64::from(pages) {
            map_page(base + p * PAGE_SIZE as u64, Memory::NonSecure)?;
        }
        Ok(Self { base, len: pages as usize * PAGE_SIZE })
    }

    /// The byte at `offset`. Panics past the end.
    pub fn read(&self, offset: usize) -> u8 {
        assert!(offset < self.len, "offset {offset} past the borrowed {} bytes", self.len);
        // SAFETY: the range was mapped by `map` (normal memory, identity) and lies inside it;
        // a volatile access because the owner wrote it and reads it back after the borrower.
        unsafe { core::ptr::read_volatile((self.base as usize + offset) as *const u8) }
    }

    /// Writes `value` at `offset`. Panics past the end.
    pub fn write(&self, offset: usize, value: u8) {
        assert!(offset < self.len, "offset {offset} past the borrowed {} bytes", self.len);
        // SAFETY: as for `read`; the SPMC granted write access (the caller checked it).
        unsafe { core::ptr::write_volatile((self.base as usize + offset) as *mut u8, value) }
    }
}
