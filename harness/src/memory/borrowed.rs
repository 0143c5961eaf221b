//! Memory a borrower retrieved, mapped with its MMU (`arch::mmu::map_page`, 4 KiB pages),
//! written byte by byte and checked against a pattern a word at a time, with volatile accesses:
//! the owner and the SPMC change it behind the compiler's back.

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

    /// The offset of the first byte that is not `pattern`, `None` when every byte is. Reads
    /// 64-bit words (the mapping is 4 KiB aligned), the byte-wise search only inside the word
    /// that differs.
    pub fn find_not(&self, pattern: u8) -> Option<usize> {
        let want = u64::from_ne_bytes([pattern; 8]);
        (0..self.len / 8).find_map(|w| {
            // SAFETY: the range was mapped by `map` (normal memory, identity, 4 KiB aligned) and
            // the word lies inside it; a volatile access because the owner wrote it.
            let got = unsafe { core::ptr::read_volatile((self.base as usize + w * 8) as *const u64) };
            (got != want).then(|| w * 8 + got.to_ne_bytes().iter().position(|&b| b != pattern).unwrap_or(0))
        })
    }

    /// Writes `value` at `offset`. Panics past the end.
    pub fn write(&self, offset: usize, value: u8) {
        assert!(offset < self.len, "offset {offset} past the borrowed {} bytes", self.len);
        // SAFETY: the range was mapped by `map` (normal memory, identity) and lies inside it;
        // volatile because the owner reads it back after the borrower; the SPMC granted write
        // access (the caller checked it).
        unsafe { core::ptr::write_volatile((self.base as usize + offset) as *mut u8, value) }
    }
}
