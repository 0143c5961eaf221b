//! The memory an image shares with the SPMC: its TX and RX buffers, spare pages for cases
//! that map other buffers, and the pool of pages the ns image lends and shares in memory
//! transactions (normal write-back memory of the normal world, 4 KiB aligned). The SPMC writes these pages behind the compiler's back (the RX
//! buffer after FFA_PARTITION_INFO_GET), so they are made of atomic bytes: every access is a
//! real load or store, copied in and out right after the call that changed them, and no
//! reference into a page's contents is ever handed out.

use crate::global::SetOnce;
use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// The FF-A minimum buffer granule used here.
pub const PAGE_SIZE: usize = 4096;

/// One 4 KiB page, aligned to 4 KiB.
#[repr(C, align(4096))]
pub struct Page([AtomicU8; PAGE_SIZE]);

impl Page {
    /// A zeroed page, for a `static`.
    pub const fn zeroed() -> Self {
        Self([const { AtomicU8::new(0) }; PAGE_SIZE])
    }

    /// The page's address; the images run with VA == PA.
    pub fn addr(&self) -> u64 {
        self.0.as_ptr() as u64
    }

    /// Copies `out.len()` bytes from `offset`. Panics when the range leaves the page.
    pub fn read(&self, offset: usize, out: &mut [u8]) {
        let bytes = &self.0[offset..offset + out.len()];
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = b.load(Ordering::Relaxed);
        }
    }

    /// Copies `data` in at `offset`. Panics when the range leaves the page.
    pub fn write(&self, offset: usize, data: &[u8]) {
        for (b, d) in self.0[offset..offset + data.len()].iter().zip(data) {
            b.store(*d, Ordering::Relaxed);
        }
    }

    /// Sets every byte to `byte`.
    pub fn fill(&self, byte: u8) {
        for b in &self.0 {
            b.store(byte, Ordering::Relaxed);
        }
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

/// How many pages the memory-transaction pool holds: 2 MiB, enough for a transaction of more
/// constituents than one TX page describes.
pub const POOL_PAGES: usize = 512;

/// How many pools the ns image keeps: the one in use and two spares (see [`retire_pool`]).
pub const POOLS: usize = 3;

/// A memory-transaction pool: contiguous pages an image lends, shares or donates to other
/// endpoints (FFA_MEM_SHARE and its siblings), apart from the buffers so that a transaction
/// never covers the RX/TX pair.
pub type Pool = [Page; POOL_PAGES];

/// An image's pools, 6 MiB: the image that lends (ns) declares them and hands them over with
/// [`provide_pools`]; the sp, which only borrows, has no room for them in its 4 MiB.
pub struct Pools(pub [Pool; POOLS]);

impl Pools {
    /// Zeroed pools, for a `static`.
    pub const fn zeroed() -> Self {
        Self([const { [const { Page::zeroed() }; POOL_PAGES] }; POOLS])
    }
}

static PROVIDED: SetOnce<&'static Pools> = SetOnce::new();

/// The index of the pool in use.
static IN_USE: AtomicUsize = AtomicUsize::new(0);

/// Hands the image's pools to the harness, once at boot.
pub fn provide_pools(pools: &'static Pools) {
    PROVIDED.set(pools);
}

/// The pool the cases lend, share and donate from. Panics in an image that provided none.
pub fn pool() -> &'static Pool {
    &PROVIDED.get().expect("the image provides its pools at boot (pages::provide_pools)").0
        [IN_USE.load(Ordering::Relaxed)]
}

/// Gives up the pool in use for the next one, when a transaction the SPMC will not give back
/// (FFA_MEM_RECLAIM refused after every relinquish the harness can make) keeps some of its
/// pages with a borrower: the SPMC refuses any further transaction of those pages, so every
/// case after would fail for the one that left them. Returns the new pool's index, `None`
/// when the last one is in use already.
pub fn retire_pool() -> Option<usize> {
    let next = IN_USE.load(Ordering::Relaxed) + 1;
    (next < POOLS).then(|| {
        IN_USE.store(next, Ordering::Relaxed);
        next
    })
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
        static POOLS_OF_TEST: Pools = Pools::zeroed();
        provide_pools(&POOLS_OF_TEST);
        assert_eq!(PAGES.tx.addr() % PAGE_SIZE as u64, 0);
        assert_eq!(PAGES.rx.addr(), PAGES.tx.addr() + PAGE_SIZE as u64);
        assert_eq!(PAGES.spare[1].addr(), PAGES.spare[0].addr() + PAGE_SIZE as u64);
        PAGES.spare[5].write(8, &[1, 2, 3, 4]);
        assert_eq!(PAGES.spare[5].u32_at(8), 0x0403_0201);
        let pool = pool();
        assert_eq!(pool[0].addr() % PAGE_SIZE as u64, 0);
        assert_eq!(pool[POOL_PAGES - 1].addr(), pool[0].addr() + ((POOL_PAGES - 1) * PAGE_SIZE) as u64);
    }
}
