//! Self-test cases (`--features self-test`): a fault and a hang inside an sp memory command,
//! with the sp holding a retrieved transaction. Each ends as an outcome, and the memory is
//! clean for the case after: the sp's fault path relinquishes what the faulting command held
//! (`ffa_harness::memory::relinquish_held`), so the owner reclaims. A hang either costs the
//! boot (TF-A's EL3 SPMC keeps the CPU: the runner boots again, with no transaction at all)
//! or the hung execution context (Hafnium hands the core back at the normal world's watchdog
//! interrupt and keeps that vCPU preempted): the share stays with it, the executor's reclaim
//! is denied and it moves to a spare pool, and the case after uses another core. The hang
//! runs on core 0 (a hang on a secondary core under TF-A's EL3 SPMC would keep that core in
//! the secure world for the rest of the boot); where an earlier case left core 0's context
//! hung it skips. Ids sort after the other self-test cases, in the order they run.

use super::reclaim_ok;
use super::retrieve::{lifecycle, send_filled, sp_side, Ask};
use crate::sp::{self, Width, ECHO, NEEDS_SP};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::desc::memory::TransactionType;
use ffa_harness::ffa::FuncId;
use ffa_harness::{case, check_eq, command, not_applicable};

/// The core whose sp context serves the fault cases: core 0's may be the one an earlier
/// self-test case hung (`selftest.g_sp_never_answers`; Hafnium keeps that vCPU preempted),
/// core 3's served again after a fault (`selftest.k_sp_faults_on_secondary_core`).
const HEALTHY_AFTER_FAULT: usize = 3;

/// MEM_RETRIEVE_THEN_FAULT(as mem-retrieve): retrieves like `mem-retrieve`, then executes
/// `udf` before it could relinquish.
const MEM_RETRIEVE_THEN_FAULT: u16 = 100;
/// MEM_RETRIEVE_THEN_HANG(as mem-retrieve): retrieves like `mem-retrieve`, then never answers.
const MEM_RETRIEVE_THEN_HANG: u16 = 101;

fn retrieve_then_fault(ctx: &mut SpCtx, req: &Request) -> Reply {
    let reply = sp_side::mem_retrieve(ctx, req);
    ffa_harness::arch::raise_undefined_instruction();
    reply
}

fn retrieve_then_hang(ctx: &mut SpCtx, req: &Request) -> Reply {
    sp_side::mem_retrieve(ctx, req);
    loop {
        core::hint::spin_loop();
    }
}

command!(MEM_RETRIEVE_THEN_FAULT, "mem-retrieve-then-fault", retrieve_then_fault);
command!(MEM_RETRIEVE_THEN_HANG, "mem-retrieve-then-hang", retrieve_then_hang);

case! {
    /// The sp faults holding a share it retrieved: its request is answered `Faulted`, and the
    /// owner reclaims the pages at once (the sp's fault path relinquished them; DEN0077A v1.1
    /// 16.7 denies a reclaim while a borrower holds them).
    "selftest.q_sp_faults_holding_memory", "-", needs(NEEDS_SP);
    fn faults_holding(ctx) {
        ctx.on_core(HEALTHY_AFTER_FAULT, |ctx| {
            let h = send_filled(ctx, FuncId::MEM_SHARE_32, 1)?;
            let ask = Ask::of(ctx, h, TransactionType::Share);
            let (_, reply) = sp::exchange(ctx, Width::W64, MEM_RETRIEVE_THEN_FAULT, ask.args())?;
            check_eq!(reply.status, Status::Faulted, "status of the command that faulted holding the share");
            reclaim_ok(ctx, h).map(|()| [0; 4])
        })?;
        Ok(())
    }
}

case! {
    /// After the fault, a whole share-retrieve-relinquish-reclaim cycle of the same pages.
    "selftest.r_memory_clean_after_sp_fault", "-", needs(NEEDS_SP);
    fn clean_after_fault(ctx) {
        ctx.on_core(HEALTHY_AFTER_FAULT, |ctx| lifecycle(ctx, FuncId::MEM_SHARE_32, TransactionType::Share).map(|()| [0; 4]))?;
        Ok(())
    }
}

case! {
    /// The sp hangs holding a share it retrieved: the case ends as `timeout` (the runner stops
    /// the boot, on the hang monitor's `stuck` once the watchdog's deadline has passed) and the
    /// run goes on.
    "selftest.s_sp_hangs_holding_memory", "-", needs(NEEDS_SP), timeout_ms(500), calls_until_timeout();
    fn hangs_holding(ctx) {
        if sp::exchange(ctx, Width::W32, ECHO, [0; 4]).is_err() {
            not_applicable!("the sp's context on core 0 no longer answers: an earlier self-test case hung it and the SPMC keeps it so");
        }
        let h = send_filled(ctx, FuncId::MEM_SHARE_32, 1)?;
        let ask = Ask::of(ctx, h, TransactionType::Share);
        sp::exchange(ctx, Width::W64, MEM_RETRIEVE_THEN_HANG, ask.args())?;
        reclaim_ok(ctx, h)
    }
}

case! {
    /// After the hang, a whole share-retrieve-relinquish-reclaim cycle from the pool in use,
    /// served by the sp's context on core 1 (the one on core 0 may still be the hung one).
    "selftest.t_memory_clean_after_sp_hang", "-", needs(NEEDS_SP);
    fn clean_after_hang(ctx) {
        ctx.on_core(1, |ctx| lifecycle(ctx, FuncId::MEM_SHARE_32, TransactionType::Share).map(|()| [0; 4]))?;
        Ok(())
    }
}
