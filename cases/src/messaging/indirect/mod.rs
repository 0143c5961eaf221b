//! `messaging.indirect.*`: indirect messaging (FF-A v1.1 and up, DEN0077A v1.1 chapter 15,
//! FFA_MSG_SEND2, with the partition message header of Table 7.1). A sender writes a header
//! and a payload into its TX buffer and calls FFA_MSG_SEND2; the SPMC copies them into the
//! receiver's RX buffer, which the receiver then owns until FFA_RX_RELEASE, and makes the "RX
//! buffer full" framework notification pending for it. The image at NS-EL2 is the
//! hypervisor, endpoint 0: it sends to the suite's sp and receives from it, and takes its own
//! RX buffer from the SPMC with FFA_RX_ACQUIRE. The sp's half is its commands
//! (`commands.rs`). Hafnium implements it (src/api.c `api_ffa_msg_send2`,
//! `api_ffa_rx_acquire`); OP-TEE 4.10 (thread_spmc.c) and TF-A's EL3 SPMC answer
//! FFA_FEATURES(FFA_MSG_SEND2) and FFA_FEATURES(FFA_RX_ACQUIRE) with NOT_SUPPORTED, and every
//! case is `not-supported` there.
//!
//! Every case leaves both RX buffers with their producer: what a case delivered is read and
//! released by [`with_sp_drained`] and [`with_ns_receiving`] whatever the case's checks said.

mod commands;
mod from_sp;
mod rx_acquire;
mod sp_to_sp;
#[cfg(test)]
mod tests;
mod to_sp;

pub use commands::{INDIRECT_ECHO, INDIRECT_READ, INDIRECT_SEND, SENDER_OVERRIDE, SP_SEED};

use crate::notifications::with_own_bitmap;
use crate::sp::{command, SP_UUID};
use core::sync::atomic::{AtomicU8, Ordering};
use ffa_harness::desc::MessageHeader;
use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::notifications::{GET_FROM_SPM, SET_DELAY_SRI};
use ffa_harness::pages::{Page, PAGE_SIZE};
use ffa_harness::{not_applicable, CaseResult, Ctx, Need};

/// What every case needs: FFA_MSG_SEND2 (its absence is `not-supported`) and the sp.
pub const NEEDS: &[Need] = &[Need::Abi(FuncId::MSG_SEND2), Need::Partition(SP_UUID)];

/// The normal world's seed for the payloads it sends.
pub const NS_SEED: u8 = 0xa7;

/// An endpoint ID no partition or VM has (outside Hafnium's SPMD logical partition range).
pub const NOBODY_SP: u16 = 0x8ffe;
/// A VM ID no VM has.
pub const NOBODY_VM: u16 = 0x0005;

/// Byte `i` of the payload pattern `seed` makes: no two neighbours alike, different per seed.
pub fn pattern(seed: u8, i: usize) -> u8 {
    (seed as usize).wrapping_add(i.wrapping_mul(7)).wrapping_add(i >> 8) as u8
}

/// A 64-bit FNV-1a digest of `bytes`, to compare payloads across the worlds in one register.
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// The digest of the first `len` bytes of pattern `seed`.
pub fn pattern_digest(seed: u8, len: usize) -> u64 {
    let mut bytes = [0u8; PAGE_SIZE];
    for (i, b) in bytes[..len].iter_mut().enumerate() {
        *b = pattern(seed, i);
    }
    digest(&bytes[..len])
}

/// Writes pattern `seed` as the payload `header` describes, as much of it as fits in `page`.
pub fn write_payload(page: &Page, header: &MessageHeader, seed: u8) {
    let start = (header.offset as usize).min(PAGE_SIZE);
    let end = start.saturating_add(header.size as usize).min(PAGE_SIZE);
    let mut bytes = [0u8; PAGE_SIZE];
    for (i, b) in bytes[..end - start].iter_mut().enumerate() {
        *b = pattern(seed, i);
    }
    page.write(start, &bytes[..end - start]);
}

/// A message as its receiver found it in RX.
#[derive(Clone, Copy, Debug)]
pub struct Received {
    /// The header (the v1.1 fields every version shares, and the v1.2 ones at v1.2).
    pub header: MessageHeader,
    /// The digest of the payload the header describes (the part inside the buffer).
    pub digest: u64,
}

impl Received {
    /// Reads the message in `rx` with the header layout of `version`.
    pub fn read(rx: &Page, version: Version) -> Self {
        let mut bytes = [0u8; PAGE_SIZE];
        rx.read(0, &mut bytes);
        let header = MessageHeader::decode(&bytes, version).unwrap_or_default();
        let start = (header.offset as usize).min(PAGE_SIZE);
        let end = start.saturating_add(header.size as usize).min(PAGE_SIZE);
        Self { header, digest: digest(&bytes[start..end]) }
    }

    /// The sender and receiver as one word, sender in the high half.
    pub fn ids(&self) -> u64 {
        u64::from(self.header.sender) << 16 | u64::from(self.header.receiver)
    }

    /// How many payload bytes lie inside the buffer.
    pub fn payload_len(&self) -> usize {
        let start = (self.header.offset as usize).min(PAGE_SIZE);
        (self.header.size as usize).min(PAGE_SIZE - start)
    }
}

/// The header the normal world sends to `receiver`: its own version's layout, a `size`-byte
/// payload right after it, the image's ID as the sender.
pub fn ns_header(ctx: &Ctx, receiver: u16, size: u32) -> MessageHeader {
    MessageHeader::new(ctx.version(), ctx.session.own_id, receiver, size)
}

/// Writes `header` (the negotiated version's layout) and its pattern payload into TX, and
/// calls FFA_MSG_SEND2 with w1 = `w1` and w2 = `flags`.
pub fn ns_send(ctx: &Ctx, header: &MessageHeader, w1: u64, flags: u32) -> Regs {
    let tx = &ctx.pages.tx;
    tx.fill(0);
    tx.write(0, header.encoded(ctx.version()));
    write_payload(tx, header, NS_SEED);
    ctx.ffa.msg_send2(w1, flags)
}

/// Runs `body` with the sp as receiver of the image's messages, once the SPMC is known to
/// take the negotiated version's header ([`require_version_header`]), then has the sp
/// release its RX buffer whatever `body` left in it.
pub fn with_sp_drained(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx, u16) -> CaseResult) -> CaseResult {
    require_version_header(ctx)?;
    drained(ctx, body)
}

/// Runs `body` with the sp as receiver, then has the sp release its RX buffer (a DENIED
/// release, nothing delivered, is fine).
fn drained(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx, u16) -> CaseResult) -> CaseResult {
    let sp = crate::sp::sp_id(ctx)?;
    let result = body(ctx, sp);
    // The RX buffer full notification first: Hafnium refuses the release while it is pending
    // (`api_release_mailbox`); refused where the partition has no notifications, which is fine.
    let framework = u64::from(ffa_harness::notifications::GET_FROM_SPM | ffa_harness::notifications::GET_FROM_HYP);
    command(
        ctx,
        crate::sp::Width::W64,
        crate::sp::FFA_CALL,
        [FuncId::NOTIFICATION_GET.0.into(), sp.into(), framework, 0],
    )?;
    command(ctx, crate::sp::Width::W64, crate::sp::FFA_CALL, [FuncId::RX_RELEASE.0.into(), 0, 0, 0])?;
    result
}

/// Sends the sp a 16-byte message with the 20-byte v1.1 header at the negotiated version and
/// returns the answer; when it was delivered, the sp releases it again.
fn send_v1_1_header(ctx: &mut Ctx) -> Result<Regs, ffa_harness::Failure> {
    let mut answer = Regs::default();
    drained(ctx, |ctx, sp| {
        let h = MessageHeader::new(Version::V1_1, ctx.session.own_id, sp, 16);
        answer = ns_send(ctx, &h, 0, 0);
        Ok(())
    })?;
    Ok(answer)
}

/// What [`require_version_header`] found this boot: 0 not asked yet, 1 the SPMC refuses the
/// v1.1 header at v1.2 (it takes the v1.2 one), 2 it delivers it.
static V1_1_HEADER_AT_V1_2: AtomicU8 = AtomicU8::new(0);

/// From v1.2 the header is 40 bytes; an SPMC that delivers a 20-byte v1.1 header at v1.2
/// does not implement it (`to_sp.v1_1_offset_at_v1_2_invalid` fails there), and the case is
/// `skip`: Hafnium v2.12.0 is one (its `struct ffa_partition_rxtx_header` has no UUID, and
/// `api_ffa_msg_send2` requires offset 20), and it returns from that offset check with the
/// sender's VM still locked, so a 40-byte header would hang the normal world's next call.
/// The answer is asked once per boot, with a 20-byte header (which no SPMC hangs on).
fn require_version_header(ctx: &mut Ctx) -> CaseResult {
    if ctx.version() < Version::V1_2 {
        return Ok(());
    }
    if V1_1_HEADER_AT_V1_2.load(Ordering::Relaxed) == 0 {
        let r = send_v1_1_header(ctx)?;
        V1_1_HEADER_AT_V1_2.store(if r.is_success() { 2 } else { 1 }, Ordering::Relaxed);
    }
    if V1_1_HEADER_AT_V1_2.load(Ordering::Relaxed) == 2 {
        not_applicable!(
            "the SPMC delivered a 20-byte v1.1 header at FF-A {}: it does not take the v1.2 header",
            ctx.version()
        );
    }
    Ok(())
}

/// Runs `body` with the image as receiver of the sp's messages: its VM's notification bitmap
/// exists (the RX buffer full notification is a framework notification of it), and after
/// `body` the image takes any pending framework notification and releases its RX buffer,
/// whatever `body` left (Hafnium's `api_release_mailbox` refuses a release while the
/// notification is pending).
pub fn with_ns_receiving(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx, u16, u16) -> CaseResult) -> CaseResult {
    let sp = crate::sp::sp_id(ctx)?;
    with_own_bitmap(ctx, |ctx, vm| {
        let result = body(ctx, vm, sp);
        ctx.ffa.notification_get(vm, 0, GET_FROM_SPM);
        ctx.ffa.rx_release();
        result
    })
}

/// Has the sp send a `size`-byte message to `receiver` with its own header; returns w0 and
/// w2 of its FFA_MSG_SEND2. The sp sets the delay-SRI flag: Hafnium otherwise pends the
/// schedule-receiver SGI for the normal world at once, which preempts the sp in the middle
/// of its command (the image's direct request returns FFA_INTERRUPT); delayed, the SPMC
/// raises it when the sp's response returns to the normal world.
pub fn sp_send(ctx: &Ctx, receiver: u16, size: u32) -> Result<(u32, u32), ffa_harness::Failure> {
    sp_send_with(ctx, u64::from(receiver), size, 0, u64::from(SET_DELAY_SRI))
}

/// INDIRECT_SEND with every argument given: `target` (receiver, and sender override), size,
/// offset (0: after the header), w1 << 32 | w2.
pub fn sp_send_with(
    ctx: &Ctx,
    target: u64,
    size: u32,
    offset: u32,
    w1w2: u64,
) -> Result<(u32, u32), ffa_harness::Failure> {
    let v = command(ctx, crate::sp::Width::W64, INDIRECT_SEND, [target, size.into(), offset.into(), w1w2])?;
    Ok((v[0] as u32, v[1] as u32))
}

/// FFA_ERROR(`e`) as w0/w2 of a call the sp made.
pub fn sp_error(e: ffa_harness::ffa::FfaError) -> (u32, u32) {
    (FuncId::ERROR.0, e.code() as u32)
}
