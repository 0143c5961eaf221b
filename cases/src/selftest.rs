//! Cases that break on purpose, registered only by test builds (`--features self-test`): they
//! show that a fault, a panic and a hang inside a case each end that case as `crash` or
//! `timeout` and that the run goes on with the next case. Ids sort in the order they run.

use ffa_harness::linkme::distributed_slice;
use ffa_harness::{check_success, Case, CaseResult, Ctx, CASES};

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static UNDEFINED_INSTRUCTION: Case = Case::new("selftest.a_undefined_instruction", "-", undefined_instruction);

fn undefined_instruction(_: &mut Ctx) -> CaseResult {
    // SAFETY: `udf` only raises an undefined-instruction exception, which the harness's
    // vectors turn into this case's `crash` outcome; no state is touched.
    unsafe { core::arch::asm!("udf #0", options(nomem, nostack)) };
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static HANG: Case = Case::new("selftest.b_hang", "-", hang).timeout_ms(300);

fn hang(_: &mut Ctx) -> CaseResult {
    loop {
        core::hint::spin_loop();
    }
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static PANIC: Case = Case::new("selftest.c_panic", "-", panics);

fn panics(_: &mut Ctx) -> CaseResult {
    panic!("deliberate panic in a self-test case")
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static STILL_RUNNING: Case = Case::new("selftest.d_still_running", "-", still_running);

/// After the faults above, the FF-A session still works: RX/TX is mapped again.
fn still_running(ctx: &mut Ctx) -> CaseResult {
    check_success!(ctx.ffa.id_get(), "FFA_ID_GET after the faults");
    let r = ctx.ffa.rxtx_map(ctx.pages.tx.addr(), ctx.pages.rx.addr(), 1);
    ffa_harness::check_error!(
        r,
        ffa_harness::ffa::FfaError::Denied,
        "RX/TX is mapped again after the faults, so mapping twice"
    );
    Ok(())
}
