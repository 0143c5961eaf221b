//! FF-A status codes returned in w2 of FFA_ERROR (DEN0077A v1.1 section 11.2, Table 11.2:
//! "Error status codes"). An unknown code keeps its value, so it can still be reported.

/// An FF-A error status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FfaError {
    /// -1: the ABI or the requested feature is not implemented.
    NotSupported,
    /// -2: an argument is not valid.
    InvalidParameters,
    /// -3: not enough memory to complete the call.
    NoMemory,
    /// -4: the resource is in use by another operation.
    Busy,
    /// -5: the call was interrupted.
    Interrupted,
    /// -6: the caller is not allowed to do this.
    Denied,
    /// -7: retry the call.
    Retry,
    /// -8: the operation was aborted.
    Aborted,
    /// -9: there is no data to return (v1.1).
    NoData,
    /// -10: the callee is not ready (v1.2).
    NotReady,
    /// Any other value.
    Unknown(i32),
}

impl FfaError {
    /// Decodes a status code as returned in w2.
    pub const fn from_code(code: i32) -> Self {
        match code {
            -1 => Self::NotSupported,
            -2 => Self::InvalidParameters,
            -3 => Self::NoMemory,
            -4 => Self::Busy,
            -5 => Self::Interrupted,
            -6 => Self::Denied,
            -7 => Self::Retry,
            -8 => Self::Aborted,
            -9 => Self::NoData,
            -10 => Self::NotReady,
            other => Self::Unknown(other),
        }
    }

    /// The status code as it is carried in w2.
    pub const fn code(self) -> i32 {
        match self {
            Self::NotSupported => -1,
            Self::InvalidParameters => -2,
            Self::NoMemory => -3,
            Self::Busy => -4,
            Self::Interrupted => -5,
            Self::Denied => -6,
            Self::Retry => -7,
            Self::Aborted => -8,
            Self::NoData => -9,
            Self::NotReady => -10,
            Self::Unknown(c) => c,
        }
    }

    /// The spec's name of the code.
    pub const fn name(self) -> &'static str {
        match self {
            Self::NotSupported => "NOT_SUPPORTED",
            Self::InvalidParameters => "INVALID_PARAMETERS",
            Self::NoMemory => "NO_MEMORY",
            Self::Busy => "BUSY",
            Self::Interrupted => "INTERRUPTED",
            Self::Denied => "DENIED",
            Self::Retry => "RETRY",
            Self::Aborted => "ABORTED",
            Self::NoData => "NO_DATA",
            Self::NotReady => "NOT_READY",
            Self::Unknown(_) => "UNKNOWN",
        }
    }
}

impl core::fmt::Display for FfaError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Unknown(c) => write!(f, "UNKNOWN({c})"),
            known => f.write_str(known.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in -12..=1 {
            assert_eq!(FfaError::from_code(c).code(), c);
        }
        assert_eq!(FfaError::from_code(-6), FfaError::Denied);
        assert_eq!(FfaError::Unknown(-42).to_string(), "UNKNOWN(-42)");
    }
}
