//! The memory an image shares with the SPMC: its TX and RX buffers and spare pages for cases
//! that map other buffers. The SPMC writes these pages behind the compiler's back (the RX
//! buffer after FFA_PARTITION_INFO_GET), so they are only ever accessed by copying in and out
//! through raw pointers, right after the call that changed them returned; no reference into a
//! page is ever handed out.

use core::cell::UnsafeCell;

/// The FF-A minimum buffer granule used here.
pub const PAGE_SIZE: usize = 4096;

/// One 4 KiB page, aligned to 4 KiB.
#[repr(C, align(4096))]
pub struct Page(UnsafeCell<[u8; PAGE_SIZE]>);

// SAFETY: the images run their cases on one core, and a page's bytes are only copied in and
// out by the methods below, never borrowed, so no data race or aliasing reference can exist.
unsafe impl Sync for Page {}

impl Page {
    const fn zeroed() -> Self {
        Self(UnsafeCell::new([0; PAGE_SIZE]))
    }

    /// The page's address; the images run with VA == PA.
    pub fn addr(&self) -> u64 {
        self.0.get() as u64
    }

    /// Copies `out.len()` bytes from `offset`. Panics when the range leaves the page.
    pub fn read(&self, offset: usize, out: &mut [u8]) {
        assert!(offset + out.len() <= PAGE_SIZE, "read past the page");
        // SAFETY: the range is inside the page (checked above), nothing holds a reference
        // into it (module doc), and `out` cannot overlap a page nobody borrows.
        unsafe { core::ptr::copy_nonoverlapping(self.0.get().cast::<u8>().add(offset), out.as_mut_ptr(), out.len()) }
    }

    /// Copies `data` in at `offset`. Panics when the range leaves the page.
    pub fn write(&self, offset: usize, data: &[u8]) {
        assert!(offset + data.len() <= PAGE_SIZE, "write past the page");
        // SAFETY: as in `read`.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), self.0.get().cast::<u8>().add(offset), data.len()) }
    }

    /// Sets every byte to `byte`.
    pub fn fill(&self, byte: u8) {
        // SAFETY: the whole page, which nothing borrows (module doc).
        unsafe { core::ptr::write_bytes(self.0.get().cast::<u8>(), byte, PAGE_SIZE) }
    }

    /// The little-endian u32 at `offset`.
    pub fn u32_at(&self, offset: usize) -> u32 {
        let mut b = [0; 4];
        self.read(offset, &mut b);
        u32::from_le_bytes(b)
    }
}

/// The shared pages of an image.
#[repr(C)]
pub struct Pages {
    /// The TX buffer the harness maps at boot.
    pub tx: Page,
    /// The RX buffer the harness maps at boot.
    pub rx: Page,
    /// Contiguous spare pages for cases that map buffers of their own.
    pub spare: [Page; 6],
}

/// The image's shared pages.
pub static PAGES: Pages = Pages {
    tx: Page::zeroed(),
    rx: Page::zeroed(),
    spare: [Page::zeroed(), Page::zeroed(), Page::zeroed(), Page::zeroed(), Page::zeroed(), Page::zeroed()],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_aligned_and_contiguous() {
        assert_eq!(PAGES.tx.addr() % PAGE_SIZE as u64, 0);
        assert_eq!(PAGES.rx.addr(), PAGES.tx.addr() + PAGE_SIZE as u64);
        assert_eq!(PAGES.spare[1].addr(), PAGES.spare[0].addr() + PAGE_SIZE as u64);
        PAGES.spare[5].write(8, &[1, 2, 3, 4]);
        assert_eq!(PAGES.spare[5].u32_at(8), 0x0403_0201);
    }
}
