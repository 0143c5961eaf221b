//! FFA_MSG_SEND2 from the normal world to the sp (DEN0077A v1.1 15.1 and Table 7.1): the
//! header's sender must be the caller, its receiver another endpoint with an RX buffer the
//! producer owns, and header and payload must fit the buffer.

use super::{ns_header, ns_send, pattern_digest, with_sp_drained, INDIRECT_READ, NEEDS, NOBODY_SP, NOBODY_VM, NS_SEED};
use crate::common::with_rxtx_unmapped;
use crate::notifications::check_error_one_of;
use crate::sp::{command, Width};
use ffa_harness::desc::MessageHeader;
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::SET_DELAY_SRI;
use ffa_harness::pages::PAGE_SIZE;
use ffa_harness::spec::{MESSAGE_HEADER, MSG_SEND2};
use ffa_harness::{case, check_eq, check_error, check_mbz, check_success, CaseResult, Ctx};

const ABIS: &[FuncId] = &[FuncId::MSG_SEND2, FuncId::RX_RELEASE];

/// What the sp found in its RX buffer: (sender << 16 | receiver, size, offset, release w0,
/// digest), read with INDIRECT_READ (which releases RX).
fn sp_read(ctx: &Ctx) -> Result<(u64, u64, u32, u32, u64), ffa_harness::Failure> {
    let v = command(ctx, Width::W64, INDIRECT_READ, [0; 4])?;
    Ok((v[0], v[1], v[2] as u32, (v[2] >> 32) as u32, v[3]))
}

/// Sends a `size`-byte message to the sp, which must succeed, and checks what the sp read.
fn delivered(ctx: &mut Ctx, size: u32) -> CaseResult {
    with_sp_drained(ctx, |ctx, sp| {
        let h = ns_header(ctx, sp, size);
        check_success!(ns_send(ctx, &h, 0, 0), "FFA_MSG_SEND2 of {size} bytes to the sp");
        let (ids, got_size, offset, release, digest) = sp_read(ctx)?;
        check_eq!(ids, u64::from(ctx.session.own_id) << 16 | u64::from(sp), "sender << 16 | receiver in the sp's RX");
        check_eq!(got_size, u64::from(size), "payload size in the sp's RX");
        check_eq!(offset, h.offset, "payload offset in the sp's RX");
        check_eq!(release, FuncId::SUCCESS_32.0, "w0 of the sp's FFA_RX_RELEASE of the delivered message");
        check_eq!(digest, pattern_digest(NS_SEED, size as usize), "digest of the payload the sp read");
        Ok(())
    })
}

case! {
    /// A message to the sp is copied, header and payload, into the sp's RX buffer, which the
    /// sp then owns and releases (15.1: the SPMC copies the message to the receiver's RX
    /// buffer; Hafnium `api_ffa_msg_send2_copy_data`).
    "messaging.indirect.to_sp.delivered", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| delivered(ctx, 64)
}

case! {
    /// A payload that fills the buffer to its last byte (4096 bytes less the header) is
    /// delivered whole (Hafnium: offset + size up to `FFA_MSG_PAYLOAD_MAX`, the mailbox size).
    "messaging.indirect.to_sp.fills_the_buffer", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn fills(ctx) {
        let size = PAGE_SIZE - MessageHeader::size_for(ctx.version());
        delivered(ctx, size as u32)
    }
}

case! {
    /// An empty payload is a message too: delivered with size 0 (Hafnium
    /// `api_ffa_msg_send2_copy_data` bounds offset + size from above only).
    "messaging.indirect.to_sp.empty_payload_delivered", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| delivered(ctx, 0)
}

case! {
    /// FFA_MSG_SEND2 succeeds with FFA_SUCCESS_32 and w1..w7 zero (15.1; Hafnium returns a bare
    /// `FFA_SUCCESS_32`).
    "messaging.indirect.to_sp.success_encoding", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn success_encoding(ctx) {
        with_sp_drained(ctx, |ctx, sp| {
            let r = ns_send(ctx, &ns_header(ctx, sp, 8), 0, 0);
            check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_MSG_SEND2 to the sp");
            check_mbz!(r, 1, 7, "FFA_MSG_SEND2 result");
            Ok(())
        })
    }
}

case! {
    /// While the sp owns its RX buffer (a message it has not released), a second message
    /// cannot be delivered: BUSY (15.1: the receiver's RX buffer is not free; Hafnium
    /// `vm_is_mailbox_busy`).
    "messaging.indirect.to_sp.receiver_rx_busy", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn busy(ctx) {
        with_sp_drained(ctx, |ctx, sp| {
            let h = ns_header(ctx, sp, 16);
            check_success!(ns_send(ctx, &h, 0, 0), "the first FFA_MSG_SEND2 to the sp");
            check_error!(ns_send(ctx, &h, 0, 0), FfaError::Busy, "a second FFA_MSG_SEND2 before the sp released RX");
            Ok(())
        })
    }
}

case! {
    /// Once the sp released its RX buffer (13.5: ownership goes back to the producer), the
    /// next message is delivered.
    "messaging.indirect.to_sp.delivered_again_after_release", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn again(ctx) {
        delivered(ctx, 32)?;
        delivered(ctx, 48)
    }
}

/// Sends a header `edit` made from a valid one to the sp and checks the error is one of
/// `codes`; nothing may have been delivered (the sp's release is then DENIED).
fn refused(ctx: &mut Ctx, edit: fn(&Ctx, &mut MessageHeader), w1: u64, flags: u32, codes: &[FfaError]) -> CaseResult {
    with_sp_drained(ctx, |ctx, sp| {
        let mut h = ns_header(ctx, sp, 16);
        edit(ctx, &mut h);
        let r = ns_send(ctx, &h, w1, flags);
        check_error_one_of(&r, codes, format_args!("FFA_MSG_SEND2 with header {h:?}, w1 {w1:#x}, w2 {flags:#x}"))?;
        let (_, _, _, release, _) = sp_read(ctx)?;
        check_eq!(release, FuncId::ERROR.0, "w0 of the sp's FFA_RX_RELEASE: a refused message delivers nothing");
        Ok(())
    })
}

case! {
    /// Header and payload must fit the RX/TX buffer: one byte past its end is
    /// INVALID_PARAMETERS (15.1; Hafnium "Message is too big").
    "messaging.indirect.to_sp.past_the_buffer_invalid", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |ctx, h| h.size = (PAGE_SIZE - MessageHeader::size_for(ctx.version()) + 1) as u32, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// An offset and size whose sum wraps 32 bits do not fit either: INVALID_PARAMETERS
    /// (Hafnium checks the sum for overflow, "Overflow calculating message size").
    "messaging.indirect.to_sp.offset_size_overflow_invalid", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, h| { h.offset = 0xffff_fff0; h.size = 0x20 }, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// The payload may not overlap the header: an offset inside it is INVALID_PARAMETERS
    /// (Table 7.1: the offset is where the payload starts, after the header; Hafnium
    /// "Indirect message payload overlaps with header").
    "messaging.indirect.to_sp.offset_inside_header_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |ctx, h| h.offset = MessageHeader::size_for(ctx.version()) as u32 - 4, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// From v1.2 the header is 40 bytes (its UUID added): a v1.2 sender's payload at offset 20,
    /// the v1.1 header's end, overlaps the UUID and is INVALID_PARAMETERS (Hafnium takes the
    /// least offset from the sender's version, `FFA_RXTX_HEADER_SIZE`).
    "messaging.indirect.to_sp.v1_1_offset_at_v1_2_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_2), needs(NEEDS);
    fn v1_1_offset(ctx) {
        let r = super::send_v1_1_header(ctx)?;
        check_error!(r, FfaError::InvalidParameters, "FFA_MSG_SEND2 with the 20-byte v1.1 header at FF-A {}", ctx.version());
        Ok(())
    }
}

case! {
    /// The header's sender must be the caller: a VM ID that is not the image's is
    /// INVALID_PARAMETERS (15.1; Hafnium "Message sender VM ID ... doesn't match header's").
    "messaging.indirect.to_sp.wrong_sender_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, h| h.sender = NOBODY_VM, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// The normal world cannot send in a secure endpoint's name: the sp's own ID as the
    /// header's sender is INVALID_PARAMETERS (as `wrong_sender_invalid`; the receiver then
    /// equals the sender as well, which Hafnium refuses the same way).
    "messaging.indirect.to_sp.secure_sender_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, h| h.sender = h.receiver, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// A message to oneself is refused: INVALID_PARAMETERS (Hafnium "Sender and receive VM IDs
    /// must be different").
    "messaging.indirect.to_sp.receiver_is_sender_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |ctx, h| h.receiver = ctx.session.own_id, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// The receiver must exist: an SP ID no partition has is INVALID_PARAMETERS (15.1;
    /// Hafnium "Cannot deliver message to VM ..., not found").
    "messaging.indirect.to_sp.unknown_receiver_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, h| h.receiver = NOBODY_SP, 0, 0, &[FfaError::InvalidParameters])
}

case! {
    /// Only the hypervisor names another sender in w1[31:16], and only for a VM it forwards
    /// for, whose TX buffer then holds the message: a VM with no buffers is DENIED (Hafnium
    /// "Cannot send message from VM ID ..., not found") or INVALID_PARAMETERS; both are
    /// accepted, no spec sentence read settles which.
    "messaging.indirect.to_sp.w1_sender_without_buffers_refused", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, h| h.sender = NOBODY_VM, u64::from(NOBODY_VM) << 16, 0, &[FfaError::Denied, FfaError::InvalidParameters])
}

case! {
    /// The flags in w2 are for senders at a secure FF-A instance: a VM's delay-SRI flag is
    /// INVALID_PARAMETERS (Hafnium `api_ffa_msg_send2`: "flags must be zero" for a VM sender).
    "messaging.indirect.to_sp.flags_from_the_normal_world_invalid", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| refused(ctx, |_, _| (), 0, SET_DELAY_SRI, &[FfaError::InvalidParameters])
}

case! {
    /// A sender with no RX/TX pair mapped has no TX buffer to send from: DENIED (Hafnium
    /// "Cannot retrieve TX buffer") or INVALID_PARAMETERS, both accepted.
    "messaging.indirect.to_sp.sender_without_buffers_refused", MSG_SEND2, abis(&[FuncId::MSG_SEND2, FuncId::RXTX_UNMAP]), since(Version::V1_1), needs(NEEDS);
    fn no_tx(ctx) {
        with_sp_drained(ctx, |ctx, sp| {
            let h = ns_header(ctx, sp, 16);
            with_rxtx_unmapped(ctx, |ctx| {
                let r = ns_send(ctx, &h, 0, 0);
                check_error_one_of(&r, &[FfaError::Denied, FfaError::InvalidParameters], format_args!("FFA_MSG_SEND2 with no buffers mapped"))
            })
        })
    }
}

case! {
    /// The sp released its RX buffer after reading the message: a second FFA_RX_RELEASE from
    /// it is DENIED, the buffer is the producer's again (13.5; Hafnium `api_release_mailbox`
    /// of an empty mailbox).
    "messaging.indirect.to_sp.second_release_denied", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn second_release(ctx) {
        with_sp_drained(ctx, |ctx, sp| {
            check_success!(ns_send(ctx, &ns_header(ctx, sp, 8), 0, 0), "FFA_MSG_SEND2 to the sp");
            let (_, _, _, release, _) = sp_read(ctx)?;
            check_eq!(release, FuncId::SUCCESS_32.0, "w0 of the sp's first FFA_RX_RELEASE");
            let v = command(ctx, Width::W64, crate::sp::FFA_CALL, [FuncId::RX_RELEASE.0.into(), 0, 0, 0])?;
            check_eq!((v[0] as u32, v[2] as u32), super::sp_error(FfaError::Denied), "the sp's second FFA_RX_RELEASE");
            Ok(())
        })
    }
}
