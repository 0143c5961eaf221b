//! Where the rules come from: the spec document and the sections of DEN0077A v1.1 that cases
//! cite, in one place so that a citation is corrected once.
//!
//! The spec PDF is not on the machines this suite was written on. The numbers come from what
//! implementations cite: Hafnium quotes v1.1 Beta0 §13.9 for FFA_SPM_ID_GET and v1.1 EAC0
//! Tables 13.34/13.37 for FFA_PARTITION_INFO_GET, and v1.2 ALP1 §13.2/§13.3 for
//! FFA_VERSION/FFA_FEATURES; chapter 13 holds the setup and discovery ABIs in v1.1. Each
//! citation names the ABI beside the number: where a release numbered differently, the
//! ABI name is what to look up.

/// The specification the cases check.
pub const SPEC: &str = "DEN0077A v1.1";

/// FFA_VERSION, and the version compatibility rules (13.2.1).
pub const VERSION: &str = "13.2 FFA_VERSION";
/// FFA_FEATURES.
pub const FEATURES: &str = "13.3 FFA_FEATURES";
/// FFA_RX_RELEASE.
pub const RX_RELEASE: &str = "13.5 FFA_RX_RELEASE";
/// FFA_RXTX_MAP.
pub const RXTX_MAP: &str = "13.6 FFA_RXTX_MAP";
/// FFA_RXTX_UNMAP.
pub const RXTX_UNMAP: &str = "13.7 FFA_RXTX_UNMAP";
/// FFA_PARTITION_INFO_GET (count flag Table 13.34, descriptor Table 13.37 in EAC0).
pub const PARTITION_INFO_GET: &str = "13.8 FFA_PARTITION_INFO_GET";
/// FFA_ID_GET.
pub const ID_GET: &str = "13.9 FFA_ID_GET";
/// FFA_SPM_ID_GET.
pub const SPM_ID_GET: &str = "13.10 FFA_SPM_ID_GET";
/// FFA_PARTITION_INFO_GET_REGS (DEN0077A v1.2).
pub const PARTITION_INFO_GET_REGS: &str = "v1.2 14.9 FFA_PARTITION_INFO_GET_REGS";
/// FFA_MSG_SEND_DIRECT_REQ.
pub const DIRECT_REQ: &str = "15.2 FFA_MSG_SEND_DIRECT_REQ";
/// FFA_MSG_SEND_DIRECT_RESP.
pub const DIRECT_RESP: &str = "15.3 FFA_MSG_SEND_DIRECT_RESP";
/// FFA_MSG_SEND_DIRECT_REQ2 (DEN0077A v1.2; the section number is not verified, look it up by
/// the ABI name).
pub const DIRECT_REQ2: &str = "v1.2 FFA_MSG_SEND_DIRECT_REQ2";
/// FFA_MSG_SEND_DIRECT_RESP2 (DEN0077A v1.2; as for DIRECT_REQ2).
pub const DIRECT_RESP2: &str = "v1.2 FFA_MSG_SEND_DIRECT_RESP2";
/// FFA_RUN.
pub const RUN: &str = "14.4 FFA_RUN";
/// FFA_SECONDARY_EP_REGISTER.
pub const SECONDARY_EP_REGISTER: &str = "18.3 FFA_SECONDARY_EP_REGISTER";
/// FFA_MSG_WAIT.
pub const MSG_WAIT: &str = "14.2 FFA_MSG_WAIT";
/// The SMC32 convention: a callee ignores bits [63:32] of x1..x7 (SMCCC, DEN0028, 2.6),
/// which FF-A's SMC32 ABIs inherit.
pub const SMC32_UPPER_BITS: &str = "DEN0028 2.6 SMC32 (FF-A 13.x SMC32 ABIs)";

/// SMCCC (DEN0028) register use across a call: x18..x30 and SP are callee-saved; from SMCCC
/// v1.2 (the convention of FF-A v1.2) x4..x17 may carry results, and a register a function
/// returns nothing in is preserved. No section number: the PDF was not read here.
pub const SMCCC_PRESERVED: &str = "DEN0028 register preservation";

/// FFA_NOTIFICATION_BITMAP_CREATE. The notification ABIs are chapter 17 of v1.1 (Hafnium
/// cites 17.7.1 for INFO_GET and Table 17.19 for SET's flags, from Beta0); the section numbers
/// of the single ABIs were not read here: look them up by the ABI name.
pub const NOTIFICATION_BITMAP_CREATE: &str = "17 FFA_NOTIFICATION_BITMAP_CREATE";
/// FFA_NOTIFICATION_BITMAP_DESTROY.
pub const NOTIFICATION_BITMAP_DESTROY: &str = "17 FFA_NOTIFICATION_BITMAP_DESTROY";
/// FFA_NOTIFICATION_BIND.
pub const NOTIFICATION_BIND: &str = "17 FFA_NOTIFICATION_BIND";
/// FFA_NOTIFICATION_UNBIND.
pub const NOTIFICATION_UNBIND: &str = "17 FFA_NOTIFICATION_UNBIND";
/// FFA_NOTIFICATION_SET (flags in Table 17.19 of Beta0, as Hafnium cites it).
pub const NOTIFICATION_SET: &str = "17 FFA_NOTIFICATION_SET";
/// FFA_NOTIFICATION_GET.
pub const NOTIFICATION_GET: &str = "17 FFA_NOTIFICATION_GET";
/// FFA_NOTIFICATION_INFO_GET (17.7.1 in Beta0, as Hafnium cites it).
pub const NOTIFICATION_INFO_GET: &str = "17 FFA_NOTIFICATION_INFO_GET";
/// The schedule-receiver interrupt: its ID from FFA_FEATURES (Table 13.11 feature ID 2) and
/// its delivery to the normal world's scheduler when a notification becomes pending.
pub const SCHEDULE_RECEIVER_INTERRUPT: &str = "13.3 FFA_FEATURES (SRI) and 17 notifications";
/// The memory transaction descriptor and its parts (v1.1 EAC0 chapter 10: Tables 10.13-10.20
/// as Hafnium's `ffa.h` quotes them; the v1.2 access descriptor is Table 1.16 of the FF-A
/// Memory Management Protocol v1.2).
pub const MEM_DESCRIPTOR: &str = "10.11 memory transaction descriptor (Table 10.20)";
/// The NS bit of the memory region attributes, reserved for a sender (v1.1 EAC0 10.10.4.1,
/// as Hafnium quotes it).
pub const MEM_NS_BIT: &str = "10.10.4.1 memory region attributes, NS bit";
/// The memory management ABIs are chapter 16 of v1.1 EAC0 (Hafnium quotes its Table 16.25,
/// the relinquish descriptor); the section of each ABI is not verified, look it up by name.
pub const MEM_SHARE: &str = "16 FFA_MEM_SHARE";
/// FFA_MEM_LEND.
pub const MEM_LEND: &str = "16 FFA_MEM_LEND";
/// FFA_MEM_DONATE.
pub const MEM_DONATE: &str = "16 FFA_MEM_DONATE";
/// FFA_MEM_RETRIEVE_REQ and FFA_MEM_RETRIEVE_RESP.
pub const MEM_RETRIEVE: &str = "16 FFA_MEM_RETRIEVE_REQ";
/// FFA_MEM_RELINQUISH (descriptor: Table 16.25).
pub const MEM_RELINQUISH: &str = "16 FFA_MEM_RELINQUISH";
/// FFA_MEM_RECLAIM.
pub const MEM_RECLAIM: &str = "16 FFA_MEM_RECLAIM";
/// FFA_MEM_FRAG_TX and FFA_MEM_FRAG_RX.
pub const MEM_FRAG: &str = "16 FFA_MEM_FRAG_TX/FFA_MEM_FRAG_RX";
/// FFA_MSG_SEND2, indirect messaging (chapter 15 of v1.1, before the direct messages; the
/// section number is not verified, look it up by the ABI name).
pub const MSG_SEND2: &str = "15.1 FFA_MSG_SEND2";
/// The partition message header of an indirect message (Table 7.1 of v1.1, as Hafnium's
/// `ffa.h` quotes its v1.3 successor).
pub const MESSAGE_HEADER: &str = "7.1 partition message header (Table 7.1)";
/// FFA_RX_ACQUIRE (chapter 13 of v1.1, before FFA_RX_RELEASE; not verified).
pub const RX_ACQUIRE: &str = "13.4 FFA_RX_ACQUIRE";
/// The RX buffer full framework notification (chapter 17 of v1.1, notifications; the
/// section of the framework notifications is not verified).
pub const RX_BUFFER_FULL: &str = "17 framework notifications (RX buffer full)";
