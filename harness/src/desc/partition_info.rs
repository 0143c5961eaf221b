//! Partition information descriptors written to the RX buffer by FFA_PARTITION_INFO_GET
//! (DEN0077A v1.1 section 6.2.3, Table 6.1 "Partition information descriptor"; v1.0 Table 5.8).
//! v1.0 descriptors are 8 bytes; v1.1 adds the UUID for 24 bytes, and the size is returned in
//! w3 so that a caller can step over the fields of a later layout: Hafnium 2.15 already sends
//! v1.1+ callers its 48-byte v1.3 descriptor (image UUID and partition FF-A version after the
//! v1.1 fields, `send_versioned_partition_info_descriptors`). Which layout applies follows the
//! FF-A version the caller negotiated.

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
    /// The size of the layout the spec defines for a caller of `version`: the v1.0 descriptor,
    /// or the v1.1 fields every later descriptor starts with.
    pub fn size_for(version: Version) -> usize {
        if version >= Version::V1_1 {
            core::mem::size_of::<PartitionInfoV1_1>()
        } else {
            core::mem::size_of::<PartitionInfoV1_0>()
        }
    }

    /// How far apart descriptors are for a caller of `version` whose FFA_PARTITION_INFO_GET
    /// returned `w3`: 8 bytes at v1.0, whose w3 is reserved (OP-TEE and TF-A's EL3 SPMC return
    /// 0, Hafnium 8); from v1.1 the size in w3, which may exceed the v1.1 layout. `None` when
    /// w3 is smaller than the layout of `version`.
    pub fn stride(version: Version, w3: u32) -> Option<usize> {
        let minimum = Self::size_for(version);
        if version < Version::V1_1 {
            Some(minimum)
        } else {
            Some(w3 as usize).filter(|&size| size >= minimum)
        }
    }

    /// Decodes descriptor `index` of an RX buffer holding descriptors `size` bytes apart: the
    /// v1.0 layout when `size` is 8, the v1.1 fields at the start of each descriptor when it
    /// is 24 or more. `None` when the buffer is too short or `size` fits neither.
    pub fn decode(rx: &[u8], size: usize, index: usize) -> Option<Self> {
        let bytes = rx.get(index.checked_mul(size)?..)?.get(..size)?;
        if size == core::mem::size_of::<PartitionInfoV1_0>() {
            let (d, _) = PartitionInfoV1_0::read_from_prefix(bytes).ok()?;
            return Some(Self {
                id: d.id,
                exec_ctx_count: d.exec_ctx_count,
                properties: PartitionProps(d.properties),
                uuid: None,
            });
        }
        if size < core::mem::size_of::<PartitionInfoV1_1>() {
            return None;
        }
        let (d, _) = PartitionInfoV1_1::read_from_prefix(bytes).ok()?;
        Some(Self {
            id: d.id,
            exec_ctx_count: d.exec_ctx_count,
            properties: PartitionProps(d.properties),
            uuid: Some(d.uuid),
        })
    }
}

/// The partition properties word (DEN0077A v1.1 Table 6.2; the v1.2 bits as Hafnium's
/// `FFA_PARTITION_*` and Linux's `arm_ffa.h` define them).
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
    /// Bit 9: can receive FFA_MSG_SEND_DIRECT_REQ2 (v1.2).
    pub const DIRECT_REQ2_RECV: u32 = 1 << 9;
    /// Bit 10: can send FFA_MSG_SEND_DIRECT_REQ2 (v1.2).
    pub const DIRECT_REQ2_SEND: u32 = 1 << 10;

    /// The bits reserved (MBZ) for a caller of `version`: [31:3] at v1.0, [31:9] at v1.1,
    /// [31:11] at v1.2, and [31:13] from v1.3, which gives bits 11 and 12 to live activation
    /// (Hafnium `FFA_PARTITION_LIVE_ACTIVATION`, `FFA_PARTITION_CPU_RENDEZVOUS`,
    /// `FFA_PARTITION_v1_3_RES_MASK`).
    pub const fn reserved_for(version: Version) -> u32 {
        let defined = match version.minor {
            _ if version.major != 1 => 0x1fff,
            0 => 0x7,
            1 => 0x1ff,
            2 => 0x7ff,
            _ => 0x1fff,
        };
        !defined
    }

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
        // RX words after FFA_PARTITION_INFO_GET on TF-A + OP-TEE.
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

    #[test]
    fn steps_over_larger_descriptors_by_the_returned_size() {
        // Two 48-byte descriptors, as Hafnium 2.15 writes them for a v1.1+ caller.
        let mut rx = [0u8; 96];
        for (i, id) in [0x8001u16, 0x8002].iter().enumerate() {
            rx[48 * i..48 * i + 2].copy_from_slice(&id.to_le_bytes());
            rx[48 * i + 2] = 1;
            rx[48 * i + 8] = 0xaa;
        }
        assert_eq!(PartitionInfo::stride(Version::V1_2, 48), Some(48));
        let second = PartitionInfo::decode(&rx, 48, 1).unwrap();
        assert_eq!((second.id, second.exec_ctx_count), (0x8002, 1));
        assert_eq!(second.uuid.map(|u| u.0[0]), Some(0xaa));
        assert_eq!(PartitionInfo::decode(&rx, 48, 2), None);
        assert_eq!(PartitionInfo::stride(Version::V1_1, 8), None);
        assert_eq!(PartitionInfo::stride(Version::V1_1, 0), None);
        assert_eq!(PartitionInfo::stride(Version::V1_0, 0), Some(8));
        assert_eq!(PartitionInfo::stride(Version::V1_0, 8), Some(8));
    }

    #[test]
    fn reserved_properties_follow_the_version() {
        let req2 = PartitionProps::DIRECT_REQ2_RECV | PartitionProps::DIRECT_REQ2_SEND;
        assert_eq!(PartitionProps::reserved_for(Version::V1_0), !0x7);
        assert_ne!(PartitionProps::reserved_for(Version::V1_1) & req2, 0);
        assert_eq!(PartitionProps::reserved_for(Version::V1_2) & req2, 0);
        assert_eq!(PartitionProps::reserved_for(Version::V1_2) & (1 << 11), 1 << 11);
        assert_eq!(PartitionProps::reserved_for(Version::V1_3), !0x1fff);
    }
}
