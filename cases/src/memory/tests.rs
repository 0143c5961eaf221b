//! The memory cases against a scripted SPMC that breaks their rule (and one that keeps it).

use crate::broken_spmc::{preserved, run, success, Script};
use ffa_harness::desc::memory::{
    AccessPerms, Constituent, Handle, MemAttributes, Receiver, Transaction, TransactionFlags,
};
use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::memory::send;
use ffa_harness::pages::PAGE_SIZE;
use ffa_harness::{CaseResult, Ctx};

/// A share of 300 constituents, larger than one TX page.
fn send_large(ctx: &mut Ctx) -> CaseResult {
    let to = [Receiver::new(0x8001, AccessPerms::RW)];
    let c: Vec<Constituent> = (0..300).map(|i| Constituent::new(0x4000_0000 + 0x2000 * i, 1)).collect();
    let tx = Transaction {
        sender: 0,
        attributes: MemAttributes::NORMAL_WB_INNER,
        flags: TransactionFlags(0),
        handle: Handle(0),
        tag: 0,
        receivers: &to,
        constituents: Some(&c),
    };
    let r = send(ctx.ffa, &ctx.pages.tx, FuncId::MEM_SHARE_32, &tx.encoded(ctx.session.negotiated), 0, PAGE_SIZE)?;
    ffa_harness::check_success!(r, "the fragmented share");
    Ok(())
}

/// Asks for the second fragment at the offset the first one ended, completes on FRAG_TX.
fn fragments_right(r: &Regs) -> Regs {
    match r.func() {
        FuncId::MEM_SHARE_32 => Regs::call(FuncId::MEM_FRAG_RX).with(1, 7).with(3, r.x(2)),
        _ => success().with(2, 7),
    }
}

/// Asks for the second fragment at a wrong offset.
fn fragments_wrong(r: &Regs) -> Regs {
    match r.func() {
        FuncId::MEM_SHARE_32 => Regs::call(FuncId::MEM_FRAG_RX).with(1, 7).with(3, 100),
        _ => success().with(2, 7),
    }
}

#[test]
fn the_sender_checks_each_frag_rx_offset() {
    let script = |answer| Script { answer, callee_saved: preserved };
    assert!(run(script(fragments_right), Version::V1_1, 0, send_large).is_ok());
    let e = run(script(fragments_wrong), Version::V1_1, 0, send_large).unwrap_err();
    assert!(e.message.as_str().contains("FFA_MEM_FRAG_RX w3"), "{}", e.message.as_str());
}

/// The rules with several readings, each held against a scripted SPMC that lists one secure
/// partition able to receive direct requests (0x8001), takes every share (handle 7) and
/// reclaim, and answers the call the rule is about with the reading under test: every reading
/// an implementation has passes, one no implementation has fails.
mod readings {
    use crate::broken_spmc::{error, preserved, run, success, Script};
    use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
    use ffa_harness::pages::{provide_pools, Pools, PAGES};
    use ffa_harness::{CaseResult, Ctx, CASES};
    use std::cell::Cell;

    thread_local! {
        /// The answer to the call under test.
        static READING: Cell<Option<Regs>> = const { Cell::new(None) };
        /// How many shares the script has taken.
        static SHARES: Cell<u32> = const { Cell::new(0) };
    }

    /// Lists partition 0x8001 (a v1.1 descriptor, direct requests received) in RX.
    fn listing() -> Regs {
        let mut d = [0u8; 24];
        d[..2].copy_from_slice(&0x8001u16.to_le_bytes());
        d[2..4].copy_from_slice(&1u16.to_le_bytes());
        d[4..8].copy_from_slice(&1u32.to_le_bytes());
        PAGES.rx.write(0, &d);
        success().with(2, 1).with(3, 24)
    }

    /// The share that opens the transaction, handle 7.
    fn shared() -> Regs {
        success().with(2, 7)
    }

    /// Pages already in a transaction shared again: the second share gets the reading.
    fn second_share_reads(r: &Regs) -> Regs {
        match r.func() {
            FuncId::PARTITION_INFO_GET => listing(),
            FuncId::MEM_SHARE_32 => {
                let n = SHARES.with(|s| s.replace(s.get() + 1));
                if n == 0 {
                    shared()
                } else {
                    READING.with(Cell::get).expect("a reading")
                }
            }
            _ => success(),
        }
    }

    /// FFA_MEM_FRAG_RX of the owner's own transaction gets the reading.
    fn frag_rx_reads(r: &Regs) -> Regs {
        match r.func() {
            FuncId::PARTITION_INFO_GET => listing(),
            FuncId::MEM_SHARE_32 => shared(),
            FuncId::MEM_FRAG_RX => READING.with(Cell::get).expect("a reading"),
            _ => success(),
        }
    }

    /// Runs case `id` against `answer` with the call under test answered `reading`.
    fn case_with(id: &str, answer: fn(&Regs) -> Regs, reading: Regs) -> CaseResult {
        static POOLS: Pools = Pools::zeroed();
        provide_pools(&POOLS);
        READING.with(|r| r.set(Some(reading)));
        SHARES.with(|s| s.set(0));
        let case = CASES.iter().find(|c| c.id == id).expect("the case is registered");
        let body: fn(&mut Ctx) -> CaseResult = case.run;
        run(Script { answer, callee_saved: preserved }, Version::V1_1, 0x8000, body)
    }

    #[test]
    fn pages_shared_twice_are_refused_denied_or_invalid() {
        let id = "memory.share.same_pages_twice_refused";
        assert!(case_with(id, second_share_reads, error(FfaError::Denied)).is_ok(), "Hafnium's reading");
        assert!(case_with(id, second_share_reads, error(FfaError::InvalidParameters)).is_ok(), "TF-A's reading");
        assert!(case_with(id, second_share_reads, error(FfaError::NoMemory)).is_err(), "no implementation's");
        assert!(case_with(id, second_share_reads, success().with(2, 8)).is_err(), "a second handle");
    }

    #[test]
    fn a_frag_rx_past_the_end_is_refused_denied_or_invalid() {
        let id = "memory.frag_rx.bad_offset_refused";
        assert!(case_with(id, frag_rx_reads, error(FfaError::InvalidParameters)).is_ok(), "TF-A's reading");
        assert!(case_with(id, frag_rx_reads, error(FfaError::Denied)).is_ok(), "the other code accepted");
        assert!(case_with(id, frag_rx_reads, error(FfaError::NotSupported)).is_err(), "no implementation's");
        let fragment = Regs::call(FuncId::MEM_FRAG_TX).with(1, 7).with(3, 16);
        assert!(case_with(id, frag_rx_reads, fragment).is_err(), "a fragment handed out");
    }
}
