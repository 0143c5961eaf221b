//! Memory region attributes and access permissions of a memory transaction (DEN0077A v1.1
//! 10.10 "Memory region attributes descriptor", Table 10.18, and 10.11 "Memory access
//! permissions descriptor", Table 10.15; v1.0 Tables 5.17 and 5.15), as Hafnium's
//! `ffa_memory_attributes_t` / `ffa_memory_access_permissions_t` and Linux's `FFA_MEM_*`
//! macros define the bits. v1.0 carries the attributes in 8 bits, v1.1 in 16, with the
//! security (NS) bit 6 that only an SPMC may set, in a retrieve response.

use crate::ffa::Version;

/// The memory region attributes word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemAttributes(pub u16);

/// Memory type, bits [5:4].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemType {
    /// 0: not specified (the receiver or the SPMC chooses).
    NotSpecified = 0,
    /// 1: device memory; bits [3:2] give the device attributes.
    Device = 1,
    /// 2: normal memory; bits [3:2] cacheability, [1:0] shareability.
    Normal = 2,
}

/// Cacheability of normal memory, bits [3:2].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cacheability {
    /// 1: non-cacheable.
    NonCacheable = 1,
    /// 3: write-back.
    WriteBack = 3,
}

/// Shareability of normal memory, bits [1:0].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shareability {
    /// 0: non-shareable.
    NonShareable = 0,
    /// 2: outer shareable.
    Outer = 2,
    /// 3: inner shareable.
    Inner = 3,
}

impl MemAttributes {
    /// Bit 6: the memory is non-secure (v1.1; set by an SPMC in a retrieve response, MBZ from
    /// a sender: TF-A `FFA_MEM_ATTR_NS_BIT`, Hafnium `FFA_MEMORY_SECURITY_NON_SECURE`).
    pub const NS: u16 = 1 << 6;
    /// Normal, write-back, inner-shareable memory: what the images map their own RAM as, and
    /// the only attributes OP-TEE accepts in a share (`FFA_NORMAL_MEM_REG_ATTR` = 0x2f).
    pub const NORMAL_WB_INNER: Self = Self::normal(Cacheability::WriteBack, Shareability::Inner);
    /// Nothing specified (0): what a lender may leave to the receiver, and what OP-TEE expects
    /// in a lend.
    pub const NOT_SPECIFIED: Self = Self(0);

    /// Normal memory with `cacheability` and `shareability`.
    pub const fn normal(cacheability: Cacheability, shareability: Shareability) -> Self {
        Self(((MemType::Normal as u16) << 4) | ((cacheability as u16) << 2) | shareability as u16)
    }

    /// Device memory with device attributes `attrs` (0 nGnRnE .. 3 GRE) in bits [3:2].
    pub const fn device(attrs: u16) -> Self {
        Self(((MemType::Device as u16) << 4) | ((attrs & 3) << 2))
    }

    /// The same attributes with the NS bit set.
    pub const fn with_ns(self) -> Self {
        Self(self.0 | Self::NS)
    }

    /// The memory type field, bits [5:4] (3 is reserved).
    pub const fn mem_type(self) -> u16 {
        (self.0 >> 4) & 3
    }

    /// True when the NS bit is set.
    pub const fn ns(self) -> bool {
        self.0 & Self::NS != 0
    }

    /// The bits reserved (MBZ) in the attributes field of `version`'s layout: [7:6] of v1.0's
    /// 8 bits, [15:7] of v1.1's 16 (Hafnium `FFA_MEMORY_ATTRIBUTES_MBZ_MASK` = 0xff80).
    pub const fn reserved_for(version: Version) -> u16 {
        if version.major == 1 && version.minor == 0 {
            0xffc0
        } else {
            0xff80
        }
    }
}

/// The memory access permissions of one receiver: data access in bits [1:0], instruction
/// access in bits [3:2], [7:4] reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessPerms(pub u8);

impl AccessPerms {
    /// Data access not specified.
    pub const DATA_NOT_SPECIFIED: u8 = 0;
    /// Read-only data access.
    pub const DATA_RO: u8 = 1;
    /// Read-write data access (`FFA_MEM_ACC_RW` in OP-TEE, the only value it accepts).
    pub const DATA_RW: u8 = 2;
    /// Instruction access not specified.
    pub const INSTR_NOT_SPECIFIED: u8 = 0 << 2;
    /// Not executable.
    pub const INSTR_NX: u8 = 1 << 2;
    /// Executable.
    pub const INSTR_X: u8 = 2 << 2;
    /// Reserved bits [7:4].
    pub const RESERVED: u8 = 0xf0;

    /// Read-write data, instruction access not specified: what a sender of a share or a lend
    /// usually asks (Linux's driver, OP-TEE's expectation).
    pub const RW: Self = Self(Self::DATA_RW);
    /// Read-write, not executable: what a borrower asks in a retrieve request.
    pub const RW_NX: Self = Self(Self::DATA_RW | Self::INSTR_NX);

    /// The data access field.
    pub const fn data(self) -> u8 {
        self.0 & 3
    }

    /// The instruction access field.
    pub const fn instruction(self) -> u8 {
        (self.0 >> 2) & 3
    }
}
