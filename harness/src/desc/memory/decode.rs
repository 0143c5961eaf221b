//! Reading a memory transaction descriptor an SPMC wrote (a retrieve response) in the layout
//! of the reader's version, refusing anything the layout does not allow: a reserved field not
//! zero, an access descriptor size other than the version's, an offset misaligned, inside the
//! header or past the end, a composite whose counts disagree with its constituents. Nothing
//! is read past the bytes given (the length the SPMC said it wrote).

use super::layout::{offsets, AccessV1_0, AccessV1_2, CompositeHeader, Constituent, HeaderV1_0, HeaderV1_1, Layout};
use super::transaction::Receiver;
use super::{AccessPerms, Handle, MemAttributes, TransactionFlags};
use crate::ffa::Version;
use zerocopy::FromBytes;

/// Why a descriptor was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescError {
    /// It ends before `need` bytes (it has `have`).
    Short {
        /// Bytes a field needed.
        need: usize,
        /// Bytes there are.
        have: usize,
    },
    /// A reserved field at `offset` is not zero.
    Reserved {
        /// Its offset in the descriptor.
        offset: usize,
    },
    /// The access descriptor size is not the version's.
    AccessSize(u32),
    /// The access descriptor array offset is misaligned or overlaps the header.
    AccessOffset(u32),
    /// No access descriptor.
    NoReceiver,
    /// A composite offset is misaligned or inside the header and access descriptors.
    CompositeOffset(u32),
    /// The composite's total page count is not the sum of its constituents' (declared, sum).
    PageCount(u32, u64),
}

/// A decoded transaction descriptor, borrowing the bytes it came from.
#[derive(Clone, Copy, Debug)]
pub struct Decoded<'a> {
    bytes: &'a [u8],
    layout: Layout,
    /// The sender (owner).
    pub sender: u16,
    /// The memory region attributes.
    pub attributes: MemAttributes,
    /// The flags.
    pub flags: TransactionFlags,
    /// The handle.
    pub handle: Handle,
    /// The tag.
    pub tag: u64,
    /// How many access descriptors there are.
    pub receiver_count: usize,
    access_offset: usize,
}

/// A decoded composite memory region descriptor.
#[derive(Clone, Copy, Debug)]
pub struct Composite<'a> {
    bytes: &'a [u8],
    list: usize,
    /// Its total page count.
    pub total_pages: u32,
    /// How many constituents it has.
    pub range_count: usize,
}

fn read<T: FromBytes>(bytes: &[u8], at: usize, size: usize) -> Result<T, DescError> {
    let have = bytes.len();
    let part = bytes.get(at..).and_then(|b| b.get(..size)).ok_or(DescError::Short { need: at + size, have })?;
    T::read_from_bytes(part).map_err(|_| DescError::Short { need: at + size, have })
}

fn zero(value: u64, offset: usize) -> Result<(), DescError> {
    if value == 0 {
        Ok(())
    } else {
        Err(DescError::Reserved { offset })
    }
}

impl<'a> Decoded<'a> {
    /// Decodes `bytes`, the whole descriptor, in `version`'s layout.
    pub fn parse(version: Version, bytes: &'a [u8]) -> Result<Self, DescError> {
        let layout = Layout::of(version);
        let (sender, attributes, flags, handle, tag, count, access_offset) = if layout.v1_0_header {
            let h: HeaderV1_0 = read(bytes, 0, 32)?;
            zero(h.reserved_0.into(), offsets::V1_0_RESERVED_BYTE)?;
            zero(h.reserved_1.into(), offsets::V1_0_RESERVED_WORD)?;
            (h.sender, u16::from(h.attributes), h.flags, h.handle, h.tag, h.access_count, 32)
        } else {
            let h: HeaderV1_1 = read(bytes, 0, 48)?;
            for (i, r) in h.reserved.iter().enumerate() {
                zero((*r).into(), offsets::V1_1_RESERVED + 4 * i)?;
            }
            if h.access_size as usize != layout.access_size {
                return Err(DescError::AccessSize(h.access_size));
            }
            if h.access_offset & 15 != 0 || (h.access_offset as usize) < 48 {
                return Err(DescError::AccessOffset(h.access_offset));
            }
            (h.sender, h.attributes, h.flags, h.handle, h.tag, h.access_count, h.access_offset as usize)
        };
        if attributes & MemAttributes::reserved_for(version) != 0 {
            return Err(DescError::Reserved { offset: offsets::ATTRIBUTES });
        }
        if count == 0 {
            return Err(DescError::NoReceiver);
        }
        let d = Self {
            bytes,
            layout,
            sender,
            attributes: MemAttributes(attributes),
            flags: TransactionFlags(flags),
            handle: Handle(handle),
            tag,
            receiver_count: count as usize,
            access_offset,
        };
        // Every access descriptor must be inside the bytes and have its reserved fields zero.
        for i in 0..d.receiver_count {
            d.receiver(i)?;
        }
        Ok(d)
    }

    /// The end of the header and access descriptors.
    fn accesses_end(&self) -> usize {
        self.access_offset + self.receiver_count * self.layout.access_size
    }

    fn access_at(&self, index: usize) -> Result<(Receiver, u32), DescError> {
        let at = self.access_offset + index * self.layout.access_size;
        if self.layout.access_size == 16 {
            let a: AccessV1_0 = read(self.bytes, at, 16)?;
            zero(a.reserved, at + 8)?;
            let r = Receiver { id: a.receiver, perms: AccessPerms(a.permissions), flags: a.flags, impdef: [0; 2] };
            Ok((r, a.composite_offset))
        } else {
            let a: AccessV1_2 = read(self.bytes, at, 32)?;
            zero(a.reserved, at + 24)?;
            let r = Receiver { id: a.receiver, perms: AccessPerms(a.permissions), flags: a.flags, impdef: a.impdef };
            Ok((r, a.composite_offset))
        }
    }

    /// Receiver `index`'s access descriptor.
    pub fn receiver(&self, index: usize) -> Result<Receiver, DescError> {
        self.access_at(index).map(|(r, _)| r)
    }

    /// The access descriptor of endpoint `id`, if the descriptor names it.
    pub fn receiver_by_id(&self, id: u16) -> Option<Receiver> {
        (0..self.receiver_count).filter_map(|i| self.receiver(i).ok()).find(|r| r.id == id)
    }

    /// The composite memory region descriptor receiver `index` points to: it must lie after
    /// the access descriptors, 8-byte aligned, with its reserved field zero and its
    /// constituents inside the bytes, each with its reserved field zero, adding up to its
    /// total page count.
    pub fn composite(&self, index: usize) -> Result<Composite<'a>, DescError> {
        let (_, offset) = self.access_at(index)?;
        let at = offset as usize;
        if offset & 7 != 0 || at < self.accesses_end() {
            return Err(DescError::CompositeOffset(offset));
        }
        let c: CompositeHeader = read(self.bytes, at, 16)?;
        zero(c.reserved, at + 8)?;
        let count = c.range_count as usize;
        let composite = Composite { bytes: self.bytes, list: at + 16, total_pages: c.total_pages, range_count: count };
        let mut sum = 0u64;
        for i in 0..count {
            let k = composite.constituent(i)?;
            zero(k.reserved.into(), at + 16 + 16 * i + 12)?;
            sum += u64::from(k.pages);
        }
        if sum != u64::from(c.total_pages) {
            return Err(DescError::PageCount(c.total_pages, sum));
        }
        Ok(composite)
    }
}

impl Composite<'_> {
    /// Constituent `index`.
    pub fn constituent(&self, index: usize) -> Result<Constituent, DescError> {
        read(self.bytes, self.list + 16 * index, 16)
    }
}
