//! FF-A function IDs (DEN0077A v1.1 Table 7.x "Function IDs", v1.2 additions), as TF-A's
//! `include/services/ffa_svc.h` spells them. Bit 30 of an SMC function ID selects the 64-bit
//! calling convention (SMCCC v1.2).

/// One FF-A function ID: the value of w0 on entry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncId(pub u32);

/// Shown by name (or hex), so that failed checks read well.
impl core::fmt::Debug for FuncId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

macro_rules! func_ids {
    ($($name:ident = $value:literal, $text:literal, $since:literal;)*) => {
        impl FuncId {
            $(#[doc = $text] pub const $name: FuncId = FuncId($value);)*
            /// Every function ID this suite knows, with its name and the FF-A minor
            /// version (of major 1) that introduced it.
            pub const ALL: &'static [(FuncId, &'static str, u16)] = &[$((FuncId::$name, $text, $since),)*];
        }
    };
}

func_ids! {
    ERROR = 0x8400_0060, "FFA_ERROR", 0;
    SUCCESS_32 = 0x8400_0061, "FFA_SUCCESS_32", 0;
    SUCCESS_64 = 0xC400_0061, "FFA_SUCCESS_64", 0;
    INTERRUPT = 0x8400_0062, "FFA_INTERRUPT", 0;
    VERSION = 0x8400_0063, "FFA_VERSION", 0;
    FEATURES = 0x8400_0064, "FFA_FEATURES", 0;
    RX_RELEASE = 0x8400_0065, "FFA_RX_RELEASE", 0;
    RXTX_MAP_32 = 0x8400_0066, "FFA_RXTX_MAP_32", 0;
    RXTX_MAP_64 = 0xC400_0066, "FFA_RXTX_MAP_64", 0;
    RXTX_UNMAP = 0x8400_0067, "FFA_RXTX_UNMAP", 0;
    PARTITION_INFO_GET = 0x8400_0068, "FFA_PARTITION_INFO_GET", 0;
    ID_GET = 0x8400_0069, "FFA_ID_GET", 0;
    MSG_POLL = 0x8400_006A, "FFA_MSG_POLL", 0;
    MSG_WAIT = 0x8400_006B, "FFA_MSG_WAIT", 0;
    YIELD = 0x8400_006C, "FFA_YIELD", 0;
    RUN = 0x8400_006D, "FFA_RUN", 0;
    MSG_SEND = 0x8400_006E, "FFA_MSG_SEND", 0;
    MSG_SEND_DIRECT_REQ_32 = 0x8400_006F, "FFA_MSG_SEND_DIRECT_REQ_32", 0;
    MSG_SEND_DIRECT_REQ_64 = 0xC400_006F, "FFA_MSG_SEND_DIRECT_REQ_64", 0;
    MSG_SEND_DIRECT_RESP_32 = 0x8400_0070, "FFA_MSG_SEND_DIRECT_RESP_32", 0;
    MSG_SEND_DIRECT_RESP_64 = 0xC400_0070, "FFA_MSG_SEND_DIRECT_RESP_64", 0;
    MEM_DONATE_32 = 0x8400_0071, "FFA_MEM_DONATE_32", 0;
    MEM_DONATE_64 = 0xC400_0071, "FFA_MEM_DONATE_64", 0;
    MEM_LEND_32 = 0x8400_0072, "FFA_MEM_LEND_32", 0;
    MEM_LEND_64 = 0xC400_0072, "FFA_MEM_LEND_64", 0;
    MEM_SHARE_32 = 0x8400_0073, "FFA_MEM_SHARE_32", 0;
    MEM_SHARE_64 = 0xC400_0073, "FFA_MEM_SHARE_64", 0;
    MEM_RETRIEVE_REQ_32 = 0x8400_0074, "FFA_MEM_RETRIEVE_REQ_32", 0;
    MEM_RETRIEVE_REQ_64 = 0xC400_0074, "FFA_MEM_RETRIEVE_REQ_64", 0;
    MEM_RETRIEVE_RESP = 0x8400_0075, "FFA_MEM_RETRIEVE_RESP", 0;
    MEM_RELINQUISH = 0x8400_0076, "FFA_MEM_RELINQUISH", 0;
    MEM_RECLAIM = 0x8400_0077, "FFA_MEM_RECLAIM", 0;
    MEM_FRAG_RX = 0x8400_007A, "FFA_MEM_FRAG_RX", 0;
    MEM_FRAG_TX = 0x8400_007B, "FFA_MEM_FRAG_TX", 0;
    NORMAL_WORLD_RESUME = 0x8400_007C, "FFA_NORMAL_WORLD_RESUME", 0;
    NOTIFICATION_BITMAP_CREATE = 0x8400_007D, "FFA_NOTIFICATION_BITMAP_CREATE", 1;
    NOTIFICATION_BITMAP_DESTROY = 0x8400_007E, "FFA_NOTIFICATION_BITMAP_DESTROY", 1;
    NOTIFICATION_BIND = 0x8400_007F, "FFA_NOTIFICATION_BIND", 1;
    NOTIFICATION_UNBIND = 0x8400_0080, "FFA_NOTIFICATION_UNBIND", 1;
    NOTIFICATION_SET = 0x8400_0081, "FFA_NOTIFICATION_SET", 1;
    NOTIFICATION_GET = 0x8400_0082, "FFA_NOTIFICATION_GET", 1;
    NOTIFICATION_INFO_GET_32 = 0x8400_0083, "FFA_NOTIFICATION_INFO_GET_32", 1;
    NOTIFICATION_INFO_GET_64 = 0xC400_0083, "FFA_NOTIFICATION_INFO_GET_64", 1;
    RX_ACQUIRE = 0x8400_0084, "FFA_RX_ACQUIRE", 1;
    SPM_ID_GET = 0x8400_0085, "FFA_SPM_ID_GET", 1;
    MSG_SEND2 = 0x8400_0086, "FFA_MSG_SEND2", 1;
    SECONDARY_EP_REGISTER_64 = 0xC400_0087, "FFA_SECONDARY_EP_REGISTER_64", 1;
    MEM_PERM_GET_32 = 0x8400_0088, "FFA_MEM_PERM_GET_32", 1;
    MEM_PERM_GET_64 = 0xC400_0088, "FFA_MEM_PERM_GET_64", 1;
    MEM_PERM_SET_32 = 0x8400_0089, "FFA_MEM_PERM_SET_32", 1;
    MEM_PERM_SET_64 = 0xC400_0089, "FFA_MEM_PERM_SET_64", 1;
    CONSOLE_LOG_32 = 0x8400_008A, "FFA_CONSOLE_LOG_32", 2;
    CONSOLE_LOG_64 = 0xC400_008A, "FFA_CONSOLE_LOG_64", 2;
    PARTITION_INFO_GET_REGS_64 = 0xC400_008B, "FFA_PARTITION_INFO_GET_REGS_64", 2;
    EL3_INTR_HANDLE = 0x8400_008C, "FFA_EL3_INTR_HANDLE", 2;
    MSG_SEND_DIRECT_REQ2_64 = 0xC400_008D, "FFA_MSG_SEND_DIRECT_REQ2_64", 2;
    MSG_SEND_DIRECT_RESP2_64 = 0xC400_008E, "FFA_MSG_SEND_DIRECT_RESP2_64", 2;
}

impl FuncId {
    /// The function ID's name, or `None` for a value outside the table.
    pub fn name(self) -> Option<&'static str> {
        Self::ALL.iter().find(|(f, _, _)| *f == self).map(|(_, n, _)| *n)
    }

    /// True when bit 30 selects the SMC64 calling convention.
    pub const fn is_64bit(self) -> bool {
        self.0 & (1 << 30) != 0
    }

    /// True for a direct request: FFA_MSG_SEND_DIRECT_REQ_32/_64, or REQ2 (v1.2).
    pub const fn is_direct_request(self) -> bool {
        matches!(self, Self::MSG_SEND_DIRECT_REQ_32 | Self::MSG_SEND_DIRECT_REQ_64 | Self::MSG_SEND_DIRECT_REQ2_64)
    }

    /// The direct response that answers this direct request: RESP2 for REQ2 (v1.2), the
    /// 64-bit response for the 64-bit request, the 32-bit one otherwise (DEN0077A v1.1 15.3).
    pub const fn direct_response(self) -> FuncId {
        if self.0 == Self::MSG_SEND_DIRECT_REQ2_64.0 {
            Self::MSG_SEND_DIRECT_RESP2_64
        } else if self.0 == Self::MSG_SEND_DIRECT_REQ_64.0 {
            Self::MSG_SEND_DIRECT_RESP_64
        } else {
            Self::MSG_SEND_DIRECT_RESP_32
        }
    }
}

impl core::fmt::Display for FuncId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{:#010x}", self.0),
        }
    }
}

/// FFA_FEATURES feature IDs (DEN0077A v1.1 section 13.3, Table 13.11): values below 0x80000000 in
/// w1 name an interrupt feature instead of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureId(pub u32);

impl FeatureId {
    /// Notification pending interrupt (NPI): the interrupt ID an SP's vCPU gets.
    pub const NPI: FeatureId = FeatureId(1);
    /// Schedule receiver interrupt (SRI): the interrupt ID the normal-world scheduler gets.
    pub const SRI: FeatureId = FeatureId(2);
    /// Managed exit interrupt (MEI).
    pub const MEI: FeatureId = FeatureId(3);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_convention_bit_matches_suffix() {
        for (i, (f, name, _)) in FuncId::ALL.iter().enumerate() {
            assert!(FuncId::ALL[i + 1..].iter().all(|(g, _, _)| g != f), "{name} twice");
            assert_eq!(f.0 >> 24, if f.is_64bit() { 0xC4 } else { 0x84 }, "{name}");
            if name.ends_with("_64") {
                assert!(f.is_64bit(), "{name}");
            }
            if name.ends_with("_32") {
                assert!(!f.is_64bit(), "{name}");
            }
        }
    }

    #[test]
    fn names_render() {
        assert_eq!(FuncId::VERSION.to_string(), "FFA_VERSION");
        assert_eq!(FuncId(0x8400_00FF).to_string(), "0x840000ff");
    }
}
