//! The flags word of a memory transaction descriptor (DEN0077A v1.1 10.11.2 "Flags usage",
//! Tables 10.21 and 10.22; v1.0 Tables 5.20/5.21), as Hafnium's `FFA_MEMORY_REGION_FLAG_*`
//! and TF-A's `FFA_MTD_FLAG_*` define the bits. In a share, lend or donate only bits 0
//! (zero memory, not for a share) and 1 (time slicing) are defined; a retrieve request adds
//! bit 2 (zero after relinquish), the transaction type [4:3] and the address range alignment
//! hint [9:5].

/// The transaction flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TransactionFlags(pub u32);

/// The transaction type of a retrieve request or response, bits [4:3].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionType {
    /// 0: unspecified (a retrieve request may leave it so).
    Unspecified = 0,
    /// 1: share.
    Share = 1,
    /// 2: lend.
    Lend = 2,
    /// 3: donate.
    Donate = 3,
}

impl TransactionFlags {
    /// Bit 0: zero the memory before the receiver maps it (lend, donate; retrieve).
    pub const ZERO_MEMORY: u32 = 1 << 0;
    /// Bit 1: the operation may be time sliced.
    pub const TIME_SLICING: u32 = 1 << 1;
    /// Bit 2: zero the memory after the receiver relinquishes it (retrieve request).
    pub const ZERO_AFTER_RELINQUISH: u32 = 1 << 2;
    /// Bits [4:3]: the transaction type (retrieve request and response).
    pub const TYPE_SHIFT: u32 = 3;
    /// Bit 9: the address range alignment hint in bits [8:5] is valid (retrieve request).
    pub const ALIGNMENT_HINT_VALID: u32 = 1 << 9;
    /// The flags a share, lend or donate defines (bits [1:0]); the rest is MBZ there.
    pub const SEND_DEFINED: u32 = 0x3;
    /// The flags a retrieve request defines (bits [9:0]).
    pub const RETRIEVE_DEFINED: u32 = 0x3ff;

    /// A retrieve request's flags for a transaction of type `kind`, nothing else set.
    pub const fn of_type(kind: TransactionType) -> Self {
        Self((kind as u32) << Self::TYPE_SHIFT)
    }

    /// The flags with `bits` set as well.
    pub const fn with(self, bits: u32) -> Self {
        Self(self.0 | bits)
    }

    /// The transaction type field.
    pub const fn transaction_type(self) -> u32 {
        (self.0 >> Self::TYPE_SHIFT) & 3
    }

    /// An address range alignment hint of 2^`hint` pages, with its valid bit.
    pub const fn alignment_hint(hint: u32) -> u32 {
        Self::ALIGNMENT_HINT_VALID | ((hint & 0xf) << 5)
    }
}
