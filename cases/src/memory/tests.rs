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
