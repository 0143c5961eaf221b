//! Partition UUIDs. A UUID is kept as its 16 bytes in RFC 4122 order, which is how the v1.1
//! partition information descriptor stores it. FFA_PARTITION_INFO_GET takes it in w1..w4,
//! each register holding four of those bytes read as a little-endian word (the encoding the
//! Linux driver, Hafnium and OP-TEE use; OP-TEE's 486178e0-e7f8-11e3-bc5e-0002a5d5c51b is
//! w1=0xe0786148 w2=0xe311f8e7 w3=0x02005ebc w4=0x1bc5d5a5).

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// A 16-byte UUID in RFC 4122 byte order.
#[derive(Clone, Copy, PartialEq, Eq, Default, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct Uuid(pub [u8; 16]);

/// Shown in canonical form, so that failed checks read well.
impl core::fmt::Debug for Uuid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

impl Uuid {
    /// The nil UUID: "every partition" in FFA_PARTITION_INFO_GET.
    pub const NIL: Uuid = Uuid([0; 16]);

    /// Parses the canonical text form, `const` so that cases can name UUIDs as constants.
    pub const fn parse(text: &str) -> Uuid {
        let t = text.as_bytes();
        assert!(t.len() == 36, "a UUID has 36 characters");
        let mut out = [0u8; 16];
        let (mut i, mut o) = (0, 0);
        while i < 36 {
            if t[i] == b'-' {
                i += 1;
                continue;
            }
            out[o] = (hex(t[i]) << 4) | hex(t[i + 1]);
            o += 1;
            i += 2;
        }
        assert!(o == 16, "a UUID has 32 hex digits");
        Uuid(out)
    }

    /// The w1..w4 register encoding.
    pub const fn to_regs(self) -> [u32; 4] {
        let b = self.0;
        let mut w = [0u32; 4];
        let mut i = 0;
        while i < 4 {
            w[i] = u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
            i += 1;
        }
        w
    }

    /// The encoding in two 64-bit registers (FFA_PARTITION_INFO_GET_REGS, FFA_MSG_SEND_DIRECT_REQ2,
    /// the sp's command arguments): w1..w4 of [`Uuid::to_regs`] paired low word first, as
    /// Hafnium's `ffa_uuid_to_u64x2` packs them.
    pub const fn to_u64_pair(self) -> [u64; 2] {
        let w = self.to_regs();
        [(w[1] as u64) << 32 | w[0] as u64, (w[3] as u64) << 32 | w[2] as u64]
    }

    /// Decodes the two-register encoding of [`Uuid::to_u64_pair`].
    pub fn from_u64_pair(x: [u64; 2]) -> Uuid {
        Uuid::from_regs([x[0] as u32, (x[0] >> 32) as u32, x[1] as u32, (x[1] >> 32) as u32])
    }

    /// Decodes w1..w4.
    pub fn from_regs(w: [u32; 4]) -> Uuid {
        let mut b = [0u8; 16];
        for (i, word) in w.iter().enumerate() {
            b[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
        }
        Uuid(b)
    }
}

const fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

impl core::fmt::Display for Uuid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTEE: Uuid = Uuid::parse("486178e0-e7f8-11e3-bc5e-0002a5d5c51b");

    #[test]
    fn optee_uuid_register_encoding_matches_the_stack() {
        // Observed in the RX buffer of OP-TEE 4.10.
        assert_eq!(OPTEE.to_regs(), [0xe0786148, 0xe311f8e7, 0x02005ebc, 0x1bc5d5a5]);
        assert_eq!(Uuid::from_regs(OPTEE.to_regs()), OPTEE);
        assert_eq!(OPTEE.to_string(), "486178e0-e7f8-11e3-bc5e-0002a5d5c51b");
        assert_eq!(OPTEE.to_u64_pair(), [0xe311f8e7_e0786148, 0x1bc5d5a5_02005ebc]);
        assert_eq!(Uuid::from_u64_pair(OPTEE.to_u64_pair()), OPTEE);
    }
}
