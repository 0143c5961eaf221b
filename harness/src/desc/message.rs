//! The partition message header of an indirect message (FFA_MSG_SEND2, DEN0077A v1.1 Table
//! 7.1; v1.2 Table 7.1 adds a reserved word and a UUID): the sender writes it at the start of
//! its TX buffer, the SPMC copies header and payload into the receiver's RX buffer. The layout
//! is the one Hafnium (`inc/vmapi/hf/ffa.h`, `struct ffa_partition_rxtx_header`) and the Linux
//! driver (`struct ffa_indirect_msg_hdr`, whose `send_recv_id` word holds the sender in its
//! high half) share: flags, reserved, payload offset, receiver ID, sender ID, payload size,
//! then from v1.2 a reserved word and the protocol UUID. A v1.1 header is the first 20 bytes;
//! a v1.2 one is all 40 (Hafnium `FFA_RXTX_HEADER_SIZE_V1_1` and `FFA_RXTX_HEADER_SIZE`).

use super::Uuid;
use crate::ffa::Version;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// The header with every field of the newest layout; [`MessageHeader::size_for`] says how much
/// of it a version's header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct MessageHeader {
    /// Offset 0: flags (reserved, MBZ, in v1.1 and v1.2).
    pub flags: u32,
    /// Offset 4: reserved, MBZ.
    pub reserved_1: u32,
    /// Offset 8: where the payload starts, from the start of the buffer.
    pub offset: u32,
    /// Offset 12: the receiver's endpoint ID.
    pub receiver: u16,
    /// Offset 14: the sender's endpoint ID.
    pub sender: u16,
    /// Offset 16: the payload's size in bytes.
    pub size: u32,
    /// Offset 20 (v1.2): reserved, MBZ.
    pub reserved_2: u32,
    /// Offset 24 (v1.2): the UUID of the protocol the payload follows (nil: none named).
    pub uuid: Uuid,
}

const _: () = assert!(core::mem::size_of::<MessageHeader>() == 40);

impl MessageHeader {
    /// The size of the header a sender of `version` writes (and the least payload offset).
    pub const fn size_for(version: Version) -> usize {
        if version.to_u32() >= Version::V1_2.to_u32() {
            core::mem::size_of::<MessageHeader>()
        } else {
            20
        }
    }

    /// A header from `sender` to `receiver` of a `size`-byte payload right after a header of
    /// `version`, flags and UUID zero.
    pub const fn new(version: Version, sender: u16, receiver: u16, size: u32) -> Self {
        Self {
            flags: 0,
            reserved_1: 0,
            offset: Self::size_for(version) as u32,
            receiver,
            sender,
            size,
            reserved_2: 0,
            uuid: Uuid::NIL,
        }
    }

    /// The bytes of the header of `version`: the v1.1 fields, or every field from v1.2.
    pub fn encoded(&self, version: Version) -> &[u8] {
        &self.as_bytes()[..Self::size_for(version)]
    }

    /// Decodes the header of `version` from the start of `bytes` (a v1.1 header leaves the
    /// v1.2 fields zero); `None` when `bytes` is shorter than that header.
    pub fn decode(bytes: &[u8], version: Version) -> Option<Self> {
        let n = Self::size_for(version);
        let mut h = Self::default();
        h.as_mut_bytes()[..n].copy_from_slice(bytes.get(..n)?);
        Some(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hafnium's `ffa_rxtx_header_init_v1_1(sender 0x8001, receiver 0x0000, 16)` and Linux's
    /// v1.1 message: flags 0, reserved 0, offset 20, receiver in bytes 12-13, sender in 14-15
    /// (`send_recv_id = sender << 16 | receiver`), size 16.
    #[test]
    fn v1_1_header_is_twenty_bytes_with_sender_in_the_high_half() {
        let h = MessageHeader::new(Version::V1_1, 0x8001, 0x0000, 16);
        let golden = [0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0x00, 0x00, 0x01, 0x80, 16, 0, 0, 0];
        assert_eq!(h.encoded(Version::V1_1), golden);
        assert_eq!(MessageHeader::decode(&golden, Version::V1_1), Some(h));
        assert_eq!(MessageHeader::decode(&golden[..19], Version::V1_1), None);
    }

    /// Hafnium's `ffa_rxtx_header_init_with_uuid`: from v1.2 the payload starts at 40, after a
    /// reserved word at 20 and the UUID at 24 (its RFC 4122 bytes).
    #[test]
    fn v1_2_header_adds_a_reserved_word_and_the_uuid() {
        let uuid = Uuid::parse("b4b5671e-4a90-4fe1-b81f-fb13dae1dacb");
        let h = MessageHeader { uuid, ..MessageHeader::new(Version::V1_2, 0x0000, 0x8001, 4096 - 40) };
        let b = h.encoded(Version::V1_2);
        assert_eq!(b.len(), 40);
        assert_eq!(&b[8..20], &[40, 0, 0, 0, 0x01, 0x80, 0x00, 0x00, 0xd8, 0x0f, 0, 0]);
        assert_eq!(&b[20..24], &[0; 4]);
        assert_eq!(&b[24..40], &uuid.0);
        assert_eq!(MessageHeader::decode(b, Version::V1_2), Some(h));
        assert_eq!(MessageHeader::size_for(Version::V1_3), 40);
        assert_eq!(MessageHeader::size_for(Version::V1_1), 20);
    }
}
