//! Partition information in registers: the answer of FFA_PARTITION_INFO_GET_REGS (DEN0077A
//! v1.2 14.9). x2 holds the last index of the whole list in [15:0], the last index of this
//! batch in [31:16], a tag in [47:32] and the descriptor size in [63:48]. From x3 each
//! descriptor takes size / 8 registers: ID | execution contexts << 16 | properties << 32, the
//! UUID as two registers ([`Uuid::to_u64_pair`]), then whatever a later layout adds (Hafnium
//! 2.15 sends its 48-byte v1.3 descriptor: image UUID and FF-A version, two per call). x3..x17
//! carry as many as fit: five 24-byte descriptors (TF-A's SPMD `MAX_INFO_REGS_ENTRIES_PER_CALL`
//! asserts 5). A caller asks for the next batch with the start index in x3[15:0] and the tag in
//! x3[31:16].

use super::{PartitionInfo, PartitionProps, Uuid};
use crate::ffa::Regs;

/// The first register that carries a descriptor.
pub const FIRST_REGISTER: usize = 3;
/// The last register that can carry one.
pub const LAST_REGISTER: usize = 17;

/// The header of one FFA_PARTITION_INFO_GET_REGS answer (x2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegsBatch {
    /// x2[15:0]: the index of the last partition of the whole list.
    pub last: u16,
    /// x2[31:16]: the index of the last partition in this answer.
    pub current: u16,
    /// x2[47:32]: the tag to pass back with the next start index.
    pub tag: u16,
    /// x2[63:48]: the size of one descriptor in bytes.
    pub size: usize,
}

impl RegsBatch {
    /// Decodes x2. `None` when the size is below the 24-byte v1.2 layout or not a whole
    /// number of registers.
    pub fn decode(r: &Regs) -> Option<Self> {
        let x2 = r.x(2);
        let size = (x2 >> 48) as usize;
        let batch = Self { last: x2 as u16, current: (x2 >> 16) as u16, tag: (x2 >> 32) as u16, size };
        (size >= core::mem::size_of::<super::PartitionInfoV1_1>() && size.is_multiple_of(8)).then_some(batch)
    }

    /// Registers per descriptor.
    pub fn registers_per_descriptor(&self) -> usize {
        self.size / 8
    }

    /// How many descriptors fit in x3..x17.
    pub fn capacity(&self) -> usize {
        (LAST_REGISTER - FIRST_REGISTER + 1) / self.registers_per_descriptor()
    }

    /// How many descriptors an answer to a call with `start` carries; `None` when the
    /// header contradicts itself (current before start, or after last).
    pub fn count(&self, start: u16) -> Option<usize> {
        (start <= self.current && self.current <= self.last).then(|| usize::from(self.current - start) + 1)
    }

    /// The first register after the descriptors of an answer to a call with `start`.
    pub fn end_register(&self, start: u16) -> usize {
        FIRST_REGISTER + self.count(start).unwrap_or(0) * self.registers_per_descriptor()
    }

    /// Descriptor `k` of this answer (0 = the one at the start index).
    pub fn descriptor(&self, r: &Regs, k: usize) -> Option<PartitionInfo> {
        let first = FIRST_REGISTER + k * self.registers_per_descriptor();
        if k >= self.capacity() {
            return None;
        }
        let info = r.x(first);
        Some(PartitionInfo {
            id: info as u16,
            exec_ctx_count: (info >> 16) as u16,
            properties: PartitionProps((info >> 32) as u32),
            uuid: Some(Uuid::from_u64_pair([r.x(first + 1), r.x(first + 2)])),
        })
    }
}

/// x3 of a call: the start index in [15:0] and the tag in [31:16].
pub const fn start_and_tag(start: u16, tag: u16) -> u64 {
    (tag as u64) << 16 | start as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffa::FuncId;

    #[test]
    fn decodes_a_batch_of_v1_2_descriptors() {
        let uuid = Uuid::parse("486178e0-e7f8-11e3-bc5e-0002a5d5c51b");
        let [lo, hi] = uuid.to_u64_pair();
        let r = Regs::call(FuncId::SUCCESS_64)
            .with(2, 24 << 48 | 7 << 32 | 4 << 16 | 6)
            .with(3, 0x103 << 32 | 4 << 16 | 0x8001)
            .with(4, lo)
            .with(5, hi)
            .with(6, 0x8002);
        let b = RegsBatch::decode(&r).unwrap();
        assert_eq!((b.last, b.current, b.tag, b.size), (6, 4, 7, 24));
        assert_eq!((b.capacity(), b.count(0), b.count(5), b.end_register(0)), (5, Some(5), None, 18));
        let d = b.descriptor(&r, 0).unwrap();
        assert_eq!((d.id, d.exec_ctx_count, d.properties.0, d.uuid), (0x8001, 4, 0x103, Some(uuid)));
        assert_eq!(b.descriptor(&r, 1).map(|d| d.id), Some(0x8002));
        assert_eq!(b.descriptor(&r, 5), None);
        assert_eq!(start_and_tag(3, 7), 0x7_0003);
    }

    #[test]
    fn steps_over_larger_descriptors() {
        let r = Regs::call(FuncId::SUCCESS_64).with(2, 48 << 48 | 1 << 16 | 3).with(3, 0x8001).with(9, 0x8002);
        let b = RegsBatch::decode(&r).unwrap();
        assert_eq!((b.capacity(), b.count(0)), (2, Some(2)));
        assert_eq!(b.descriptor(&r, 1).map(|d| d.id), Some(0x8002));
        assert_eq!(RegsBatch::decode(&r.with(2, 16 << 48)), None);
        assert_eq!(RegsBatch::decode(&r.with(2, 28 << 48)), None);
    }
}
