//! FFA_MSG_SEND2 from the sp to the normal world (DEN0077A v1.1 15.1): the SPMC copies the
//! sp's message into the image's RX buffer and makes the "RX buffer full" framework
//! notification pending for its VM (17; an SP's message sets the SPM's bit, 0, Hafnium
//! `FFA_NOTIFICATION_SPM_BUFFER_FULL_MASK`), which FFA_NOTIFICATION_GET of the SPM framework
//! bitmap (w6) returns and clears.

use super::{
    ns_header, ns_send, pattern_digest, sp_error, sp_send, sp_send_with, with_ns_receiving, with_sp_drained, Received,
    INDIRECT_ECHO, NEEDS, NOBODY_SP, NS_SEED, SENDER_OVERRIDE, SP_SEED,
};
use crate::common::with_rxtx_unmapped;
use crate::notifications::BITMAP_ABIS;
use crate::sp::{command, Width};
use ffa_harness::desc::MessageHeader;
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{GET_FROM_SPM, SET_DELAY_SRI};
use ffa_harness::pages::PAGE_SIZE;
use ffa_harness::spec::{MESSAGE_HEADER, MSG_SEND2, RX_BUFFER_FULL};
use ffa_harness::{case, check, check_eq, check_error, check_success, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::MSG_SEND2, FuncId::RX_RELEASE, FuncId::NOTIFICATION_GET];
/// The image as receiver also needs its VM's bitmap for the framework notification.
const NEEDS_RX: &[Need] =
    &[NEEDS[0], NEEDS[1], Need::Abi(FuncId::NOTIFICATION_GET), Need::Abi(BITMAP_ABIS[0]), Need::Abi(BITMAP_ABIS[1])];

/// The SPM's RX buffer full notification: bit 0 of the framework bitmap, w6 of GET.
const SPM_RX_FULL: u32 = 1 << 0;

/// Checks the message in the image's RX buffer: from the sp to the image, `size` bytes of
/// `seed`'s pattern after a v1.1 header (the sp's version).
fn check_received(ctx: &Ctx, sp: u16, vm: u16, size: u32, seed: u8) -> CaseResult {
    let got = Received::read(&ctx.pages.rx, Version::V1_1);
    check_eq!(got.header.sender, sp, "sender in the image's RX");
    check_eq!(got.header.receiver, vm, "receiver in the image's RX");
    check_eq!(got.header.size, size, "payload size in the image's RX");
    check_eq!(got.header.offset, MessageHeader::size_for(Version::V1_1) as u32, "payload offset in the image's RX");
    check_eq!(got.digest, pattern_digest(seed, size as usize), "digest of the payload in the image's RX");
    Ok(())
}

/// Has the sp send `size` bytes to the image, which must succeed.
fn sp_sends(ctx: &Ctx, vm: u16, size: u32) -> CaseResult {
    let (w0, w2) = sp_send(ctx, vm, size)?;
    check_eq!(w0, FuncId::SUCCESS_32.0, "w0 of the sp's FFA_MSG_SEND2 to the image (w2 {w2:#x})");
    Ok(())
}

/// Takes the framework notifications and releases RX, both of which must succeed.
fn take_and_release(ctx: &Ctx, vm: u16) -> CaseResult {
    check_success!(ctx.ffa.notification_get(vm, 0, GET_FROM_SPM), "FFA_NOTIFICATION_GET(SPM framework)");
    check_success!(ctx.ffa.rx_release(), "FFA_RX_RELEASE of the delivered message");
    Ok(())
}

/// The sp sends `size` bytes; the image finds them in RX and releases it.
fn delivered(ctx: &mut Ctx, size: u32) -> CaseResult {
    with_ns_receiving(ctx, |ctx, vm, sp| {
        sp_sends(ctx, vm, size)?;
        check_received(ctx, sp, vm, size, SP_SEED)?;
        take_and_release(ctx, vm)
    })
}

case! {
    /// The sp's message lands in the image's RX buffer, header and payload as the sp wrote
    /// them (15.1; Hafnium `api_ffa_msg_send2_copy_data`).
    "messaging.indirect.from_sp.delivered", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    run: |ctx| delivered(ctx, 100)
}

case! {
    /// A message that fills the image's RX buffer to its last byte is delivered whole (15.1:
    /// header and payload fit the receiver's buffer; Hafnium `api_ffa_msg_send2_copy_data`).
    "messaging.indirect.from_sp.fills_the_buffer", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    run: |ctx| delivered(ctx, (PAGE_SIZE - MessageHeader::size_for(Version::V1_1)) as u32)
}

case! {
    /// The delivery makes the SPM's RX buffer full notification (framework bit 0) pending for
    /// the image's VM; GET returns it in w6 and clears it, so a second GET has w6 zero (17;
    /// Hafnium sets `FFA_NOTIFICATION_SPM_BUFFER_FULL_MASK` for an SP's message).
    "messaging.indirect.from_sp.rx_full_notification", RX_BUFFER_FULL, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn rx_full(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            sp_sends(ctx, vm, 8)?;
            let r = ctx.ffa.notification_get(vm, 0, GET_FROM_SPM);
            check_success!(r, "FFA_NOTIFICATION_GET(SPM framework) after the sp's message");
            check_eq!(r.w(6), SPM_RX_FULL, "w6 (SPM framework bitmap) after the sp's message");
            check_eq!(r.w(7), 0, "w7 (hypervisor framework bitmap)");
            let again = ctx.ffa.notification_get(vm, 0, GET_FROM_SPM);
            check_success!(again, "a second FFA_NOTIFICATION_GET(SPM framework)");
            check_eq!(again.w(6), 0, "w6 after the notification was taken");
            check_success!(ctx.ffa.rx_release(), "FFA_RX_RELEASE of the delivered message");
            Ok(())
        })
    }
}

case! {
    /// While the RX buffer full notification is pending, the image has not taken the message:
    /// its FFA_RX_RELEASE is DENIED (Hafnium `api_release_mailbox`: "has pending messages");
    /// after GET the release succeeds.
    "messaging.indirect.from_sp.release_before_notification_denied", RX_BUFFER_FULL, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn release_early(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            sp_sends(ctx, vm, 8)?;
            check_error!(ctx.ffa.rx_release(), FfaError::Denied, "FFA_RX_RELEASE with the RX full notification pending");
            take_and_release(ctx, vm)
        })
    }
}

case! {
    /// While the image owns its RX buffer (a message not yet released), a second message from
    /// the sp is BUSY (15.1; Hafnium `vm_is_mailbox_busy`).
    "messaging.indirect.from_sp.receiver_rx_busy", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn busy(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            sp_sends(ctx, vm, 8)?;
            check_eq!(sp_send(ctx, vm, 8)?, sp_error(FfaError::Busy), "the sp's second FFA_MSG_SEND2 before the image released RX");
            take_and_release(ctx, vm)
        })
    }
}

case! {
    /// With no RX buffer mapped the image cannot receive: the sp's message is BUSY (Hafnium
    /// `vm_is_mailbox_busy` counts a missing RX buffer as busy) or DENIED, both accepted.
    "messaging.indirect.from_sp.receiver_without_buffers_refused", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn unmapped(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            with_rxtx_unmapped(ctx, |ctx| {
                let got = sp_send(ctx, vm, 8)?;
                check!(
                    got == sp_error(FfaError::Busy) || got == sp_error(FfaError::Denied),
                    "the sp's FFA_MSG_SEND2 to the image with no buffers mapped: want FFA_ERROR(BUSY or DENIED), got w0 {:#x} w2 {:#x}",
                    got.0,
                    got.1
                );
                Ok(())
            })
        })
    }
}

case! {
    /// The sp's message must fit the buffer too: one byte past it is INVALID_PARAMETERS
    /// (Hafnium `api_ffa_msg_send2_copy_data`: "Message is too big").
    "messaging.indirect.from_sp.past_the_buffer_invalid", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn past(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            let size = (PAGE_SIZE - MessageHeader::size_for(Version::V1_1) + 1) as u32;
            check_eq!(sp_send(ctx, vm, size)?, sp_error(FfaError::InvalidParameters), "the sp's FFA_MSG_SEND2 of {size} bytes");
            Ok(())
        })
    }
}

case! {
    /// An SP's header must name the SP as the sender: another ID is INVALID_PARAMETERS (15.1;
    /// Hafnium "doesn't match header's VM ID").
    "messaging.indirect.from_sp.wrong_sender_invalid", MESSAGE_HEADER, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn wrong_sender(ctx) {
        with_ns_receiving(ctx, |ctx, vm, _| {
            let target = SENDER_OVERRIDE | u64::from(NOBODY_SP) << 16 | u64::from(vm);
            check_eq!(sp_send_with(ctx, target, 8, 0, SET_DELAY_SRI.into())?, sp_error(FfaError::InvalidParameters), "the sp's FFA_MSG_SEND2 with sender {NOBODY_SP:#x}");
            Ok(())
        })
    }
}

case! {
    /// Only the hypervisor may name a sender in w1[31:16]: an SP's nonzero sender field is
    /// INVALID_PARAMETERS (Hafnium "Sender VM ID must be zero").
    "messaging.indirect.from_sp.w1_sender_invalid", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn w1_sender(ctx) {
        with_ns_receiving(ctx, |ctx, vm, sp| {
            let w1w2 = (u64::from(sp) << 16) << 32 | u64::from(SET_DELAY_SRI);
            check_eq!(sp_send_with(ctx, vm.into(), 8, 0, w1w2)?, sp_error(FfaError::InvalidParameters), "the sp's FFA_MSG_SEND2 with w1 sender {sp:#x}");
            Ok(())
        })
    }
}

case! {
    /// Round trip: the image's message reaches the sp, which reads it, releases its RX buffer
    /// and sends the same payload back; the image receives it from the sp unchanged (15.1;
    /// Hafnium `api_ffa_msg_send2_copy_data` copies header and payload as written).
    "messaging.indirect.from_sp.echo_round_trip", MSG_SEND2, abis(ABIS), since(Version::V1_1), needs(NEEDS_RX);
    fn echo(ctx) {
        with_ns_receiving(ctx, |ctx, vm, sp| {
            with_sp_drained(ctx, |ctx, _| {
                let size = 200;
                check_success!(ns_send(ctx, &ns_header(ctx, sp, size), 0, 0), "FFA_MSG_SEND2 to the sp");
                let v = command(ctx, Width::W64, INDIRECT_ECHO, [0; 4])?;
                check_eq!(v[0], u64::from(vm) << 16 | u64::from(sp), "sender << 16 | receiver the sp read");
                check_eq!(v[2] as u32, FuncId::SUCCESS_32.0, "w0 of the sp's echo (w2 {:#x})", v[3]);
                check_received(ctx, sp, vm, size, NS_SEED)?;
                take_and_release(ctx, vm)
            })
        })
    }
}
