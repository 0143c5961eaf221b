//! A memory transaction as a sender or a borrower describes it, encoded in the layout of a
//! given FF-A version: the header, one endpoint memory access descriptor per receiver, and
//! (for a share, lend or donate) one composite memory region descriptor that every receiver's
//! descriptor points to, followed by its constituents. A retrieve request is the same
//! transaction with the handle set and no composite (Hafnium `ffa_memory_retrieve_request_init`,
//! composite offset 0). The encoding is produced a range at a time ([`Descriptor::write`]),
//! so that a descriptor larger than one TX buffer is written fragment by fragment with no
//! buffer of its size.

use super::layout::{AccessV1_0, AccessV1_2, CompositeHeader, Constituent, HeaderV1_0, HeaderV1_1, Layout};
use super::{AccessPerms, Handle, MemAttributes, TransactionFlags};
use crate::ffa::Version;
use zerocopy::IntoBytes;

/// Bytes of a descriptor, produced a range at a time.
pub trait Descriptor {
    /// The descriptor's total length.
    fn len(&self) -> usize;

    /// Writes bytes `offset..offset + out.len()` of the descriptor into `out`; bytes past its
    /// end are written as 0.
    fn write(&self, offset: usize, out: &mut [u8]);

    /// True when the descriptor has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One receiver of a transaction and what it is granted (or asks for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receiver {
    /// Its endpoint ID.
    pub id: u16,
    /// Its access permissions.
    pub perms: AccessPerms,
    /// Receiver flags (bit 0: non-retrieval borrower, v1.1).
    pub flags: u8,
    /// The implementation-defined field of the v1.2 access descriptor (absent before v1.2).
    pub impdef: [u64; 2],
}

impl Receiver {
    /// Receiver `id` with `perms`, no flags, impdef zero.
    pub const fn new(id: u16, perms: AccessPerms) -> Self {
        Self { id, perms, flags: 0, impdef: [0; 2] }
    }
}

/// A memory transaction descriptor's contents.
#[derive(Clone, Copy, Debug)]
pub struct Transaction<'a> {
    /// The owner's endpoint ID.
    pub sender: u16,
    /// Memory region attributes.
    pub attributes: MemAttributes,
    /// Flags.
    pub flags: TransactionFlags,
    /// The handle (0 from a sender; the transaction's handle in a retrieve request).
    pub handle: Handle,
    /// The tag.
    pub tag: u64,
    /// The receivers, in order.
    pub receivers: &'a [Receiver],
    /// The constituents, or `None` for no composite descriptor (a retrieve request).
    pub constituents: Option<&'a [Constituent]>,
}

impl<'a> Transaction<'a> {
    /// The transaction in `version`'s layout.
    pub const fn encoded(&'a self, version: Version) -> Encoded<'a> {
        Encoded { tx: self, layout: Layout::of(version) }
    }

    /// The sum of the constituents' page counts.
    pub fn total_pages(&self) -> u32 {
        self.constituents.unwrap_or(&[]).iter().fold(0u32, |sum, c| sum.wrapping_add(c.pages))
    }
}

/// A transaction in one version's layout.
#[derive(Clone, Copy, Debug)]
pub struct Encoded<'a> {
    tx: &'a Transaction<'a>,
    layout: Layout,
}

impl Encoded<'_> {
    /// Offset of the access descriptor array.
    pub fn access_offset(&self) -> usize {
        self.layout.header_size()
    }

    /// Offset of the composite memory region descriptor (after the access descriptors), or 0
    /// when the transaction has none.
    pub fn composite_offset(&self) -> usize {
        match self.tx.constituents {
            Some(_) => self.access_offset() + self.tx.receivers.len() * self.layout.access_size,
            None => 0,
        }
    }

    /// The encoded header.
    fn header(&self, out: &mut [u8; 48]) -> usize {
        let t = self.tx;
        if self.layout.v1_0_header {
            let h = HeaderV1_0 {
                sender: t.sender,
                attributes: t.attributes.0 as u8,
                reserved_0: 0,
                flags: t.flags.0,
                handle: t.handle.0,
                tag: t.tag,
                reserved_1: 0,
                access_count: t.receivers.len() as u32,
            };
            out[..32].copy_from_slice(h.as_bytes());
            32
        } else {
            let h = HeaderV1_1 {
                sender: t.sender,
                attributes: t.attributes.0,
                flags: t.flags.0,
                handle: t.handle.0,
                tag: t.tag,
                access_size: self.layout.access_size as u32,
                access_count: t.receivers.len() as u32,
                access_offset: self.access_offset() as u32,
                reserved: [0; 3],
            };
            out.copy_from_slice(h.as_bytes());
            48
        }
    }

    /// The encoded access descriptor of receiver `r`.
    fn access(&self, r: &Receiver, out: &mut [u8; 48]) -> usize {
        let composite_offset = self.composite_offset() as u32;
        if self.layout.access_size == 16 {
            let a =
                AccessV1_0 { receiver: r.id, permissions: r.perms.0, flags: r.flags, composite_offset, reserved: 0 };
            out[..16].copy_from_slice(a.as_bytes());
            16
        } else {
            let a = AccessV1_2 {
                receiver: r.id,
                permissions: r.perms.0,
                flags: r.flags,
                composite_offset,
                impdef: r.impdef,
                reserved: 0,
            };
            out[..32].copy_from_slice(a.as_bytes());
            32
        }
    }
}

/// Copies the overlap of part `bytes` (placed at `at`) with the window `offset..offset+out.len()`.
fn overlay(at: usize, bytes: &[u8], offset: usize, out: &mut [u8]) {
    let start = at.max(offset);
    let end = (at + bytes.len()).min(offset + out.len());
    if start < end {
        out[start - offset..end - offset].copy_from_slice(&bytes[start - at..end - at]);
    }
}

impl Descriptor for Encoded<'_> {
    fn len(&self) -> usize {
        let accesses = self.access_offset() + self.tx.receivers.len() * self.layout.access_size;
        match self.tx.constituents {
            Some(c) => accesses + 16 + 16 * c.len(),
            None => accesses,
        }
    }

    fn write(&self, offset: usize, out: &mut [u8]) {
        out.fill(0);
        let end = offset + out.len();
        let mut part = [0u8; 48];
        let n = self.header(&mut part);
        overlay(0, &part[..n], offset, out);
        let mut at = self.access_offset();
        for r in self.tx.receivers {
            if at >= end {
                return;
            }
            let n = self.access(r, &mut part);
            overlay(at, &part[..n], offset, out);
            at += n;
        }
        let Some(constituents) = self.tx.constituents else { return };
        let composite =
            CompositeHeader { total_pages: self.tx.total_pages(), range_count: constituents.len() as u32, reserved: 0 };
        overlay(at, composite.as_bytes(), offset, out);
        at += 16;
        // Skip the constituents that end before the window.
        let first = offset.saturating_sub(at) / 16;
        for (i, c) in constituents.iter().enumerate().skip(first) {
            let place = at + 16 * i;
            if place >= end {
                return;
            }
            overlay(place, c.as_bytes(), offset, out);
        }
    }
}

/// A descriptor with some of its bytes replaced: a malformed variant of a valid one (a
/// reserved field set, an offset out of range), for negative cases.
#[derive(Clone, Copy, Debug)]
pub struct Patched<'a, D> {
    /// The descriptor patched.
    pub inner: D,
    /// Where the replacement bytes go.
    pub at: usize,
    /// The replacement bytes.
    pub bytes: &'a [u8],
}

impl<D: Descriptor> Descriptor for Patched<'_, D> {
    fn len(&self) -> usize {
        self.inner.len()
    }

    fn write(&self, offset: usize, out: &mut [u8]) {
        self.inner.write(offset, out);
        overlay(self.at, self.bytes, offset, out);
    }
}
