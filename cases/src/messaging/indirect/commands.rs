//! The sp's half of indirect messaging: read the message in its RX buffer (and hand RX back),
//! send a message of a chosen size and header from its TX buffer, and echo the message it
//! holds back to its sender. The sp negotiated v1.1, so it writes the 20-byte header.

use super::{write_payload, Received};
use ffa_harness::command;
use ffa_harness::command::{Reply, Request, SpCtx};
use ffa_harness::desc::MessageHeader;
use ffa_harness::ffa::Regs;
use ffa_harness::notifications::{GET_FROM_HYP, GET_FROM_SPM, SET_DELAY_SRI};
use ffa_harness::pages::{PAGES, PAGE_SIZE};

/// INDIRECT_READ: decodes the header in the sp's RX buffer and digests its payload, then
/// FFA_RX_RELEASE. x4 = sender << 16 | receiver, x5 = size, x6 = offset | w0 of the release
/// << 32, x7 = the payload's digest.
pub const INDIRECT_READ: u16 = 80;
/// INDIRECT_SEND(receiver, size, offset, w1w2): writes a v1.1 header to `receiver` (x4 bits
/// [15:0]; bit 32 set: bits [31:16] are the header's sender instead of the sp's own ID) of a
/// `size`-byte pattern payload at `offset` (0: right after the header) and calls
/// FFA_MSG_SEND2 with w1 = x7 bits [63:32] and w2 = x7 bits [31:0]. x4/x5 = w0/w2 of the result.
pub const INDIRECT_SEND: u16 = 81;
/// INDIRECT_ECHO: reads the message in RX as INDIRECT_READ does (RX released), then sends
/// its payload back to its sender with FFA_MSG_SEND2. x4 = sender << 16 | receiver of the
/// message read, x5 = its size, x6/x7 = w0/w2 of the send. The send delays the SRI (see
/// `sp_send`).
pub const INDIRECT_ECHO: u16 = 82;

/// The sp's seed for payload patterns it makes up.
pub const SP_SEED: u8 = 0x5b;

/// Bit 32 of INDIRECT_SEND's x4: the header names the sender in x4 bits [31:16].
pub const SENDER_OVERRIDE: u64 = 1 << 32;

/// The message in the sp's RX buffer, read and released.
fn read_and_release(ctx: &SpCtx) -> (Received, Regs) {
    let got = Received::read(&PAGES.rx, ctx.session.negotiated);
    (got, release_rx(ctx))
}

/// FFA_RX_RELEASE, after taking the RX buffer full framework notification a message to a
/// partition with `notification-support` leaves pending (DEN0077A v1.1 17, the framework
/// notifications; Hafnium `api_ffa_msg_send2` sets it, and `api_release_mailbox` refuses the
/// release with DENIED while it is pending): an FFA_NOTIFICATION_GET of both framework
/// bitmaps, whose answer does not matter (a partition without notifications is refused it).
fn release_rx(ctx: &SpCtx) -> Regs {
    ctx.ffa.notification_get(ctx.session.own_id, ctx.core as u16, GET_FROM_SPM | GET_FROM_HYP);
    ctx.ffa.rx_release()
}

command!(INDIRECT_READ, "indirect-read", |ctx, _| {
    let (got, release) = read_and_release(ctx);
    Reply::ok([
        got.ids(),
        got.header.size.into(),
        u64::from(got.header.offset) | u64::from(release.w(0)) << 32,
        got.digest,
    ])
});

command!(INDIRECT_SEND, "indirect-send", indirect_send);

fn indirect_send(ctx: &mut SpCtx, req: &Request) -> Reply {
    let v = ctx.session.negotiated;
    let target = req.arg(0);
    let sender = if target & SENDER_OVERRIDE != 0 { (target >> 16) as u16 } else { ctx.session.own_id };
    let mut h = MessageHeader::new(v, sender, target as u16, req.arg(1) as u32);
    if req.arg(2) != 0 {
        h.offset = req.arg(2) as u32;
    }
    PAGES.tx.fill(0);
    PAGES.tx.write(0, h.encoded(v));
    write_payload(&PAGES.tx, &h, SP_SEED);
    let w = req.arg(3);
    let r = ctx.ffa.msg_send2(w >> 32, w as u32);
    Reply::ok([r.w(0).into(), r.w(2).into(), 0, 0])
}

command!(INDIRECT_ECHO, "indirect-echo", |ctx, _| {
    let v = ctx.session.negotiated;
    let mut payload = [0u8; PAGE_SIZE];
    let got = Received::read(&PAGES.rx, v);
    let n = got.payload_len();
    PAGES.rx.read(got.header.offset as usize, &mut payload[..n]);
    let release = release_rx(ctx);
    if !release.is_success() {
        return Reply::call_failed(&release);
    }
    let h = MessageHeader::new(v, ctx.session.own_id, got.header.sender, n as u32);
    PAGES.tx.write(0, h.encoded(v));
    PAGES.tx.write(h.offset as usize, &payload[..n]);
    let r = ctx.ffa.msg_send2(0, SET_DELAY_SRI);
    Reply::ok([got.ids(), got.header.size.into(), r.w(0).into(), r.w(2).into()])
});
