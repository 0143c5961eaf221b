//! Host tests: indirect messaging cases against a scripted SPMC that breaks their rule (and
//! one that keeps it), run by id from the registry. The scripted SPMC lists the sp at 0x8001
//! and answers every command the sp gets with `Ok` and FFA_SUCCESS_32 in x4.

use crate::broken_spmc::{error, preserved, run, success, Script};
use crate::sp::SP_UUID;
use core::sync::atomic::{AtomicBool, Ordering};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::pages::PAGES;
use ffa_harness::{CaseResult, CASES};

const SP: u64 = 0x8001;

/// The body of case `id`.
fn case(id: &str) -> fn(&mut ffa_harness::Ctx) -> CaseResult {
    CASES.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no case {id}")).run
}

/// What every script answers alike: the sp's listing, its commands, and success otherwise.
fn common(r: &Regs) -> Regs {
    match r.func() {
        FuncId::PARTITION_INFO_GET => {
            // The v1.1 descriptor: ID, execution contexts, properties, UUID.
            PAGES.rx.write(0, &[0x01, 0x80, 4, 0, 0x07, 0x01, 0, 0]);
            PAGES.rx.write(8, &SP_UUID.0);
            success().with(2, 1).with(3, 24)
        }
        FuncId::MSG_SEND_DIRECT_REQ_64 => {
            Regs::call(FuncId::MSG_SEND_DIRECT_RESP_64).with(1, SP << 16).with(4, FuncId::SUCCESS_32.0.into())
        }
        _ => success(),
    }
}

fn outcome(answer: fn(&Regs) -> Regs, id: &str) -> CaseResult {
    run(Script { answer, callee_saved: preserved }, Version::V1_1, 0x8000, case(id))
}

fn fails_with(answer: fn(&Regs) -> Regs, id: &str, text: &str) {
    let e = outcome(answer, id).expect_err(id);
    assert!(e.message.as_str().contains(text), "{id}: {}", e.message.as_str());
}

/// Whether the scripted SPMC has handed the image its RX buffer.
static ACQUIRED: AtomicBool = AtomicBool::new(false);

/// Keeps FFA_RX_ACQUIRE's rule: DENIED while the buffer is held.
fn acquire_tracked(r: &Regs) -> Regs {
    match r.func() {
        FuncId::RX_ACQUIRE if ACQUIRED.swap(true, Ordering::SeqCst) => error(FfaError::Denied),
        FuncId::RX_RELEASE => {
            ACQUIRED.store(false, Ordering::SeqCst);
            success()
        }
        _ => common(r),
    }
}

#[test]
fn rx_acquire_held_twice_fails_only_where_the_spmc_allows_it() {
    assert!(outcome(acquire_tracked, "messaging.indirect.rx_acquire.twice_denied").is_ok());
    fails_with(common, "messaging.indirect.rx_acquire.twice_denied", "a second FFA_RX_ACQUIRE");
}

#[test]
fn rx_acquire_of_an_unmapped_buffer_must_be_refused() {
    fails_with(common, "messaging.indirect.rx_acquire.without_buffers_invalid", "with no buffers mapped");
}

#[test]
fn rx_acquire_success_with_junk_registers_fails() {
    let junk = |r: &Regs| if r.func() == FuncId::RX_ACQUIRE { success().with(3, 1) } else { common(r) };
    fails_with(junk, "messaging.indirect.rx_acquire.then_release", "FFA_RX_ACQUIRE result");
}

#[test]
fn delivery_into_a_busy_rx_buffer_must_be_refused() {
    fails_with(common, "messaging.indirect.to_sp.receiver_rx_busy", "a second FFA_MSG_SEND2");
    fails_with(common, "messaging.indirect.to_sp.past_the_buffer_invalid", "FFA_MSG_SEND2 with header");
}

#[test]
fn the_rx_full_notification_must_be_pending_after_the_sps_message() {
    fails_with(common, "messaging.indirect.from_sp.rx_full_notification", "w6 (SPM framework bitmap)");
}

#[test]
fn a_delivered_message_must_arrive_as_sent() {
    // The sp "read" a message whose header is all zero (x4 = the success code, not its IDs).
    fails_with(common, "messaging.indirect.to_sp.delivered", "sender << 16 | receiver in the sp's RX");
}
