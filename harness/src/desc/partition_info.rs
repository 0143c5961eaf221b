//! Partition information descriptors written to the RX buffer by FFA_PARTITION_INFO_GET
//! (DEN0077A v1.1 section 6.2.3, Table 6.1 "Partition information descriptor"; v1.0 Table 5.8).
//! v1.0 descriptors are 8 bytes; v1.1 adds the UUID for 24 bytes, and the size is returned in
//! w3. Which layout applies follows the FF-A version the caller negotiated.

use super::Uuid;
use crate::ffa::Version;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// v1.0 layout: ID, execution context count, properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct PartitionInfoV1_0 {
    /// Offset 0: the partition's endpoint ID.
    pub id: u16,
    /// Offset 2: its number of execution contexts.
    pub exec_ctx_count: u16,
    /// Offset 4: partition properties.
    pub properties: u32,
}

/// v1.1 layout: the v1.0 fields followed by the partition UUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct PartitionInfoV1_1 {
    /// Offset 0: the partition's endpoint ID.
    pub id: u16,
    /// Offset 2: its number of execution contexts.
    pub exec_ctx_count: u16,
    /// Offset 4: partition properties.
    pub properties: u32,
    /// Offset 8: the partition UUID (nil when the caller asked for a specific UUID, v1.1).
    pub uuid: Uuid,
}

const _: () = assert!(core::mem::size_of::<PartitionInfoV1_0>() == 8);
const _: () = assert!(core::mem::size_of::<PartitionInfoV1_1>() == 24);

/// One descriptor, whichever layout it came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionInfo {
    /// The partition's endpoint ID.
    pub id: u16,
    /// Its number of execution contexts.
    pub exec_ctx_count: u16,
    /// Partition properties.
    pub properties: PartitionProps,
    /// The UUID (v1.1 layout only).
    pub uuid: Option<Uuid>,
}

impl PartitionInfo {
    /// The descriptor size the spec defines for a caller of `version`.
    pub fn size_for(version: Version) -> usize {
        if version >= Version::V1_1 {
            core::mem::size_of::<PartitionInfoV1_1>()
        } else {
            core::mem::size_of::<PartitionInfoV1_0>()
        }
    }

    /// Decodes descriptor `index` of an RX buffer holding descriptors of `size` bytes each.
    /// `None` when the buffer is too short or `size` is neither layout; a larger `size` (the
    /// stride is w3: Hafnium v2.15 returns 48) starts with the v1.1 fields.
    pub fn decode(rx: &[u8], size: usize, index: usize) -> Option<Self> {
        let bytes = rx.get(index.checked_mul(size)?..)?;
        match size {
            8 => {
                let (d, _) = PartitionInfoV1_0::read_from_prefix(bytes).ok()?;
                Some(Self {
                    id: d.id,
                    exec_ctx_count: d.exec_ctx_count,
                    properties: PartitionProps(d.properties),
                    uuid: None,
                })
            }
            24.. => {
                let (d, _) = PartitionInfoV1_1::read_from_prefix(bytes).ok()?;
                Some(Self {
                    id: d.id,
                    exec_ctx_count: d.exec_ctx_count,
                    properties: PartitionProps(d.properties),
                    uuid: Some(d.uuid),
                })
            }
            _ => None,
        }
    }
}

/// The partition properties word (DEN0077A v1.1 Table 6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionProps(pub u32);

impl PartitionProps {
    /// Bit 0: can receive direct requests.
    pub const DIRECT_REQ_RECV: u32 = 1 << 0;
    /// Bit 1: can send direct requests.
    pub const DIRECT_REQ_SEND: u32 = 1 << 1;
    /// Bit 2: can send and receive indirect messages.
    pub const INDIRECT_MSG: u32 = 1 << 2;
    /// Bit 3: supports receipt of notifications (v1.1).
    pub const NOTIFICATION_RECV: u32 = 1 << 3;
    /// Bits [5:4]: partition ID type: 0 PE endpoint, 1 SEPID independent, 2 SEPID dependent,
    /// 3 auxiliary ID (v1.1).
    pub const ID_TYPE_SHIFT: u32 = 4;
    /// Bit 6: informed of VM creation (v1.1).
    pub const VM_CREATED: u32 = 1 << 6;
    /// Bit 7: informed of VM destruction (v1.1).
    pub const VM_DESTROYED: u32 = 1 << 7;
    /// Bit 8: execution state AArch64 (v1.1).
    pub const AARCH64: u32 = 1 << 8;
    /// Bits 9 and up are reserved in v1.1 (v1.2 gives bits 9 and 10 to direct request 2).
    pub const RESERVED_V1_1: u32 = !0x1ff;
    /// Bits 3 and up are reserved in v1.0.
    pub const RESERVED_V1_0: u32 = !0x7;

    /// The partition ID type, bits [5:4].
    pub const fn id_type(self) -> u32 {
        (self.0 >> Self::ID_TYPE_SHIFT) & 3
    }

    /// True when every bit of `mask` is set.
    pub const fn has(self, mask: u32) -> bool {
        self.0 & mask == mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_optee_descriptor_seen_on_the_stack() {
        // RX words after FFA_PARTITION_INFO_GET on TF-A + OP-TEE (shared/recipes/optee-sel1.md).
        let words: [u32; 6] = [0x00048001, 0x00000103, 0xe0786148, 0xe311f8e7, 0x02005ebc, 0x1bc5d5a5];
        let mut rx = [0u8; 24];
        for (i, w) in words.iter().enumerate() {
            rx[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        let d = PartitionInfo::decode(&rx, 24, 0).unwrap();
        assert_eq!(d.id, 0x8001);
        assert_eq!(d.exec_ctx_count, 4);
        assert!(d
            .properties
            .has(PartitionProps::DIRECT_REQ_RECV | PartitionProps::DIRECT_REQ_SEND | PartitionProps::AARCH64));
        assert_eq!(d.properties.id_type(), 0);
        assert_eq!(d.uuid, Some(Uuid::parse("486178e0-e7f8-11e3-bc5e-0002a5d5c51b")));
        let v10 = PartitionInfo::decode(&rx, 8, 0).unwrap();
        assert_eq!((v10.id, v10.uuid), (0x8001, None));
        assert_eq!(PartitionInfo::decode(&rx, 24, 1), None);
        assert_eq!(PartitionInfo::decode(&rx, 16, 0), None);
        assert_eq!(PartitionInfo::size_for(Version::V1_0), 8);
        assert_eq!(PartitionInfo::size_for(Version::V1_2), 24);
    }
}
