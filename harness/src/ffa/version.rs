//! The FF-A version number (DEN0077A v1.1 section 13.2, FFA_VERSION): bit 31 must be zero,
//! bits [30:16] hold the major and bits [15:0] the minor version.

/// An FF-A version, ordered by (major, minor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major version, 15 bits.
    pub major: u16,
    /// Minor version.
    pub minor: u16,
}

impl Version {
    /// FF-A v1.0.
    pub const V1_0: Version = Version::new(1, 0);
    /// FF-A v1.1.
    pub const V1_1: Version = Version::new(1, 1);
    /// FF-A v1.2.
    pub const V1_2: Version = Version::new(1, 2);
    /// FF-A v1.3.
    pub const V1_3: Version = Version::new(1, 3);

    /// A version from its parts.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The w1 encoding of FFA_VERSION.
    pub const fn to_u32(self) -> u32 {
        ((self.major as u32 & 0x7fff) << 16) | self.minor as u32
    }

    /// Decodes a returned version. `None` when bit 31 is set: that is not a version but
    /// NOT_SUPPORTED (0xFFFFFFFF) or a malformed value.
    pub const fn from_u32(value: u32) -> Option<Self> {
        if value & (1 << 31) != 0 {
            None
        } else {
            Some(Self::new((value >> 16) as u16, value as u16))
        }
    }

    /// True when a callee of version `self` can serve a caller of version `caller`: the same
    /// major, and a minor at least the caller's (DEN0077A v1.1 section 13.2.1).
    pub const fn serves(self, caller: Version) -> bool {
        self.major == caller.major && self.minor >= caller.minor
    }

    /// Parses "1.1".
    pub fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.split_once('.')?;
        Some(Self::new(major.parse().ok()?, minor.parse().ok()?))
    }
}

impl core::fmt::Display for Version {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(Version::V1_1.to_u32(), 0x0001_0001);
        assert_eq!(Version::from_u32(0x0001_0002), Some(Version::V1_2));
        assert_eq!(Version::from_u32(0xffff_ffff), None);
        assert_eq!(Version::parse("1.2"), Some(Version::V1_2));
        assert_eq!(Version::parse("x"), None);
        assert!(Version::V1_2.serves(Version::V1_1));
        assert!(!Version::V1_0.serves(Version::V1_1));
        assert!(!Version::new(2, 0).serves(Version::V1_1));
        assert!(Version::V1_0 < Version::V1_1);
        assert_eq!(Version::V1_3.to_u32(), 0x0001_0003);
        assert!(Version::V1_3.serves(Version::V1_2) && !Version::V1_2.serves(Version::V1_3));
    }
}
