//! The descriptor a borrower writes to its TX buffer for FFA_MEM_RELINQUISH (DEN0077A v1.1
//! 16.8, Table 16.25 "Descriptor to relinquish a memory region"; Hafnium `ffa_mem_relinquish`,
//! TF-A `ffa_mem_relinquish_descriptor`): the handle, flags (bit 0 zero after relinquish,
//! bit 1 time slicing), the endpoint count and the 16-bit endpoint IDs. The same in every
//! version.

use super::transaction::Descriptor;
use super::Handle;

/// Bit 0 of the relinquish flags: zero the memory before the owner gets it back.
pub const RELINQUISH_ZERO_MEMORY: u32 = 1 << 0;

/// An FFA_MEM_RELINQUISH descriptor.
#[derive(Clone, Copy, Debug)]
pub struct Relinquish<'a> {
    /// The transaction's handle.
    pub handle: Handle,
    /// Flags.
    pub flags: u32,
    /// The endpoints that relinquish (the caller itself).
    pub endpoints: &'a [u16],
}

impl Descriptor for Relinquish<'_> {
    fn len(&self) -> usize {
        16 + 2 * self.endpoints.len()
    }

    fn write(&self, offset: usize, out: &mut [u8]) {
        for (i, o) in out.iter_mut().enumerate() {
            let at = offset + i;
            *o = match at {
                0..8 => self.handle.0.to_le_bytes()[at],
                8..12 => self.flags.to_le_bytes()[at - 8],
                12..16 => (self.endpoints.len() as u32).to_le_bytes()[at - 12],
                _ => self.endpoints.get((at - 16) / 2).map_or(0, |id| id.to_le_bytes()[(at - 16) % 2]),
            };
        }
    }
}
