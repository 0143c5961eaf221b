//! FFA_MSG_SEND2 between two of the suite's partitions (DEN0077A v1.1 15.1): the sp sends to
//! its second instance (`partitions::SECOND`, which declares indirect messaging). A stack
//! that does not run it skips.

use super::{drained, pattern_digest, NEEDS, SP_SEED};
use super::{INDIRECT_READ, INDIRECT_SEND};
use crate::sp::partitions::SECOND;
use crate::sp::{command_to, peer_id, Width};
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::notifications::SET_DELAY_SRI;
use ffa_harness::spec::MSG_SEND2;
use ffa_harness::{case, check_eq, Need};

/// The indirect-messaging needs, and the sp's second instance, the receiver.
const NEEDS_SECOND: &[Need] = &[NEEDS[0], NEEDS[1], Need::Partition(SECOND.uuid)];

case! {
    /// One secure partition's message reaches another's RX buffer with the sender's ID in the
    /// header (15.1; Hafnium handles SP-to-SP FFA_MSG_SEND2 inside the SPMC). Needs the sp's
    /// second instance.
    "messaging.indirect.sp_to_sp.delivered", MSG_SEND2, abis(&[FuncId::MSG_SEND2]), since(Version::V1_1), needs(NEEDS_SECOND);
    fn delivered(ctx) {
        drained(ctx, |ctx, sp| {
            let other = peer_id(ctx, &SECOND)?;
            let v = crate::sp::command(ctx, Width::W64, INDIRECT_SEND, [other.into(), 64, 0, SET_DELAY_SRI.into()])?;
            let read = command_to(ctx, other, Width::W64, INDIRECT_READ, [0; 4]);
            check_eq!(v[0] as u32, FuncId::SUCCESS_32.0, "w0 of the sp's FFA_MSG_SEND2 to {other:#x} (w2 {:#x})", v[1]);
            let got = read?;
            check_eq!(got[0], u64::from(sp) << 16 | u64::from(other), "sender << 16 | receiver in {other:#x}'s RX");
            check_eq!(got[1], 64, "payload size in {other:#x}'s RX");
            check_eq!((got[2] >> 32) as u32, FuncId::SUCCESS_32.0, "w0 of {other:#x}'s FFA_RX_RELEASE");
            check_eq!(got[3], pattern_digest(SP_SEED, 64), "digest of the payload {other:#x} read");
            Ok(())
        })
    }
}
