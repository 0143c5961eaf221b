//! Memory handles (DEN0077A v1.1 10.2 "Memory handle"): 64 bits chosen by the partition
//! manager that allocated the transaction, carried in two 32-bit registers (low word first)
//! by FFA_SUCCESS, FFA_MEM_FRAG_RX/TX and FFA_MEM_RECLAIM. Bit 63 says who allocated it
//! (Hafnium `FFA_MEMORY_HANDLE_ALLOCATOR_BIT`: 0 the SPMC, 1 the hypervisor).

/// One memory handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Handle(pub u64);

impl Handle {
    /// Bit 63: allocated by the hypervisor when set, by the SPMC when clear.
    pub const HYPERVISOR_ALLOCATED: u64 = 1 << 63;

    /// The handle from its two register halves.
    pub const fn from_words(low: u32, high: u32) -> Self {
        Self(((high as u64) << 32) | low as u64)
    }

    /// The low 32 bits (the first register).
    pub const fn low(self) -> u32 {
        self.0 as u32
    }

    /// The high 32 bits (the second register).
    pub const fn high(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// True when the SPMC allocated the handle (bit 63 clear).
    pub const fn spmc_allocated(self) -> bool {
        self.0 & Self::HYPERVISOR_ALLOCATED == 0
    }
}
