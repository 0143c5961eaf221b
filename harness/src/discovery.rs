//! Reading the partition list: FFA_PARTITION_INFO_GET into the caller's RX buffer, the
//! descriptors decoded in the layout of the caller's version (DEN0077A v1.1 13.8: v1.1 and up
//! step by the size in w3, which may be larger than the v1.1 layout; v1.0 has 8-byte
//! descriptors), and RX released again. Both images and every case read partitions through
//! this one function.

use crate::desc::{PartitionInfo, Uuid};
use crate::ffa::{Ffa, Regs, Version};
use crate::pages::{Page, PAGE_SIZE};

/// The most descriptors read back from one listing.
pub const MAX_PARTITIONS: usize = 64;

/// A decoded FFA_PARTITION_INFO_GET answer.
pub struct Listing {
    /// The registers FFA_PARTITION_INFO_GET returned.
    pub regs: Regs,
    /// w2: how many partitions matched.
    pub count: usize,
    /// The descriptor size used to decode them.
    pub size: usize,
    items: [Option<PartitionInfo>; MAX_PARTITIONS],
}

impl Listing {
    /// The decoded descriptors (at most [`MAX_PARTITIONS`]).
    pub fn iter(&self) -> impl Iterator<Item = &PartitionInfo> {
        self.items.iter().flatten()
    }
}

/// Why a listing could not be read.
#[derive(Debug)]
pub enum ListingError {
    /// FFA_PARTITION_INFO_GET did not return FFA_SUCCESS.
    Call(Regs),
    /// Descriptor `index` does not decode with size `size` (index 0 also when the size in w3
    /// is smaller than the caller's version's layout).
    Undecodable {
        /// The descriptor's index.
        index: usize,
        /// The size used.
        size: usize,
    },
    /// FFA_RX_RELEASE after reading failed.
    Release(Regs),
}

/// FFA_PARTITION_INFO_GET(`uuid`) by a caller of `version` whose RX buffer is `rx`.
pub fn list_partitions(ffa: &Ffa, rx: &Page, version: Version, uuid: Uuid) -> Result<Listing, ListingError> {
    let regs = ffa.partition_info_get(uuid, 0);
    if !regs.is_success() {
        return Err(ListingError::Call(regs));
    }
    let count = regs.w(2) as usize;
    let stride = PartitionInfo::stride(version, regs.w(3));
    let size = stride.unwrap_or(regs.w(3) as usize);
    let mut bytes = [0u8; PAGE_SIZE];
    let len = count.saturating_mul(size).min(PAGE_SIZE);
    rx.read(0, &mut bytes[..len]);
    let release = ffa.rx_release();
    if !release.is_success() {
        return Err(ListingError::Release(release));
    }
    if stride.is_none() {
        return Err(ListingError::Undecodable { index: 0, size });
    }
    let mut items = [None; MAX_PARTITIONS];
    for (index, item) in items.iter_mut().enumerate().take(count.min(MAX_PARTITIONS)) {
        *item = PartitionInfo::decode(&bytes[..len], size, index);
        if item.is_none() {
            return Err(ListingError::Undecodable { index, size });
        }
    }
    Ok(Listing { regs, count, size, items })
}
