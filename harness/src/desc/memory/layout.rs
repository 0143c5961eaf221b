//! The wire layouts of a memory transaction descriptor and its parts, one zerocopy struct per
//! table, and which of them a given FF-A version uses. The facts, as the implementations
//! define them:
//!
//! - v1.0 transaction header, 32 bytes (DEN0077A v1.0 Table 5.19; TF-A `ffa_mtd_v1_0`, OP-TEE
//!   `ffa_mem_transaction_1_0`): 8-bit attributes, a reserved byte and word, the count, and
//!   the endpoint memory access descriptors right after it.
//! - v1.1 header, 48 bytes (v1.1 Table 10.20; Hafnium `ffa_memory_region`, TF-A `ffa_mtd`,
//!   Linux `ffa_mem_region`): 16-bit attributes, then the size, count and offset of the
//!   access descriptor array, and 12 reserved bytes. v1.2 keeps it.
//! - Endpoint memory access descriptor, 16 bytes up to v1.1 (Table 10.16; `ffa_emad_v1_0`),
//!   32 from v1.2 (FF-A Memory Management Protocol v1.2 Table 1.16, Hafnium
//!   `ffa_memory_access`: a 16-byte implementation-defined field at offset 8, reserved at 24;
//!   Linux `ffa_emad_size_get`).
//! - Composite memory region descriptor, 16 bytes, then 16-byte constituents (Tables 10.13,
//!   10.14; Hafnium `ffa_composite_memory_region`, `ffa_memory_region_constituent`).

use crate::ffa::Version;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// The v1.0 memory transaction descriptor header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct HeaderV1_0 {
    /// Offset 0: the sender (owner) endpoint ID.
    pub sender: u16,
    /// Offset 2: memory region attributes (8 bits).
    pub attributes: u8,
    /// Offset 3: reserved, MBZ.
    pub reserved_0: u8,
    /// Offset 4: flags.
    pub flags: u32,
    /// Offset 8: the handle (0 from a sender).
    pub handle: u64,
    /// Offset 16: the tag.
    pub tag: u64,
    /// Offset 24: reserved, MBZ.
    pub reserved_1: u32,
    /// Offset 28: number of endpoint memory access descriptors, at offset 32.
    pub access_count: u32,
}

/// The v1.1 (and v1.2) memory transaction descriptor header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct HeaderV1_1 {
    /// Offset 0: the sender (owner) endpoint ID.
    pub sender: u16,
    /// Offset 2: memory region attributes (16 bits).
    pub attributes: u16,
    /// Offset 4: flags.
    pub flags: u32,
    /// Offset 8: the handle (0 from a sender).
    pub handle: u64,
    /// Offset 16: the tag.
    pub tag: u64,
    /// Offset 24: size of each endpoint memory access descriptor.
    pub access_size: u32,
    /// Offset 28: number of endpoint memory access descriptors.
    pub access_count: u32,
    /// Offset 32: offset of the first one from the start of the descriptor.
    pub access_offset: u32,
    /// Offset 36: reserved, MBZ.
    pub reserved: [u32; 3],
}

/// An endpoint memory access descriptor, v1.0 and v1.1 (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct AccessV1_0 {
    /// Offset 0: the receiver's endpoint ID.
    pub receiver: u16,
    /// Offset 2: its access permissions.
    pub permissions: u8,
    /// Offset 3: receiver flags (bit 0: non-retrieval borrower, v1.1).
    pub flags: u8,
    /// Offset 4: offset of the composite memory region descriptor (0: none).
    pub composite_offset: u32,
    /// Offset 8: reserved, MBZ.
    pub reserved: u64,
}

/// An endpoint memory access descriptor, v1.2 (32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct AccessV1_2 {
    /// Offset 0: the receiver's endpoint ID.
    pub receiver: u16,
    /// Offset 2: its access permissions.
    pub permissions: u8,
    /// Offset 3: receiver flags.
    pub flags: u8,
    /// Offset 4: offset of the composite memory region descriptor (0: none).
    pub composite_offset: u32,
    /// Offset 8: implementation defined.
    pub impdef: [u64; 2],
    /// Offset 24: reserved, MBZ.
    pub reserved: u64,
}

/// The composite memory region descriptor (16 bytes), followed by its constituents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct CompositeHeader {
    /// Offset 0: total number of 4 KiB pages of every constituent.
    pub total_pages: u32,
    /// Offset 4: number of constituents.
    pub range_count: u32,
    /// Offset 8: reserved, MBZ.
    pub reserved: u64,
}

/// One constituent memory region descriptor (16 bytes): a contiguous range of 4 KiB pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct Constituent {
    /// Offset 0: base address, 4 KiB aligned.
    pub address: u64,
    /// Offset 8: number of 4 KiB pages.
    pub pages: u32,
    /// Offset 12: reserved, MBZ.
    pub reserved: u32,
}

impl Constituent {
    /// `pages` pages from `address`.
    pub const fn new(address: u64, pages: u32) -> Self {
        Self { address, pages, reserved: 0 }
    }
}

const _: () = assert!(core::mem::size_of::<HeaderV1_0>() == 32);
const _: () = assert!(core::mem::size_of::<HeaderV1_1>() == 48);
const _: () = assert!(core::mem::size_of::<AccessV1_0>() == 16);
const _: () = assert!(core::mem::size_of::<AccessV1_2>() == 32);
const _: () = assert!(core::mem::size_of::<CompositeHeader>() == 16);
const _: () = assert!(core::mem::size_of::<Constituent>() == 16);

/// Which layout a version uses: the header, and the size of an access descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The header is v1.0's 32 bytes (else v1.1's 48).
    pub v1_0_header: bool,
    /// The size of one endpoint memory access descriptor.
    pub access_size: usize,
}

impl Layout {
    /// The layout an endpoint that negotiated `version` uses.
    pub const fn of(version: Version) -> Self {
        if version.major == 1 && version.minor == 0 {
            Self { v1_0_header: true, access_size: 16 }
        } else if version.major == 1 && version.minor == 1 {
            Self { v1_0_header: false, access_size: 16 }
        } else {
            Self { v1_0_header: false, access_size: 32 }
        }
    }

    /// The header's size.
    pub const fn header_size(self) -> usize {
        if self.v1_0_header {
            32
        } else {
            48
        }
    }
}

/// Offsets of header fields, shared by both layouts up to the tag.
pub mod offsets {
    /// The sender ID.
    pub const SENDER: usize = 0;
    /// The attributes (8 bits in v1.0, 16 in v1.1).
    pub const ATTRIBUTES: usize = 2;
    /// v1.0's reserved byte after the attributes.
    pub const V1_0_RESERVED_BYTE: usize = 3;
    /// The flags.
    pub const FLAGS: usize = 4;
    /// The handle.
    pub const HANDLE: usize = 8;
    /// The tag.
    pub const TAG: usize = 16;
    /// v1.0's reserved word; v1.1's access descriptor size.
    pub const V1_0_RESERVED_WORD: usize = 24;
    /// v1.1's access descriptor size.
    pub const ACCESS_SIZE: usize = 24;
    /// The access descriptor count (both layouts).
    pub const ACCESS_COUNT: usize = 28;
    /// v1.1's access descriptor array offset.
    pub const ACCESS_OFFSET: usize = 32;
    /// v1.1's 12 reserved bytes.
    pub const V1_1_RESERVED: usize = 36;
    /// In an access descriptor: the composite offset.
    pub const COMPOSITE_OFFSET_IN_ACCESS: usize = 4;
}
