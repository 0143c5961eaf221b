//! Cases that break on purpose, registered only by test builds (`--features self-test`): they
//! show that a fault, a panic and a hang inside a case each end that case as `crash` or
//! `timeout` and that the run goes on with the next case. Ids sort in the order they run.

use crate::sp::{command, Width, ECHO, NEEDS_SP};
use ffa_harness::command::{Command, Reply, Status, COMMANDS};
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

/// FAULT: the sp executes `udf`; its vectors answer the request with `Faulted`.
const SP_FAULT: u16 = 0xF001;
/// HANG: the sp never answers.
const SP_HANG: u16 = 0xF002;

#[distributed_slice(COMMANDS)]
#[linkme(crate = ffa_harness::linkme)]
static SP_FAULT_COMMAND: Command = Command {
    id: SP_FAULT,
    name: "fault",
    run: |_, _| {
        // SAFETY: `udf` only raises an undefined-instruction exception, which the sp's vectors
        // turn into a `Faulted` reply to this request.
        unsafe { core::arch::asm!("udf #0", options(nomem, nostack)) };
        Reply::status(Status::Ok)
    },
};

#[distributed_slice(COMMANDS)]
#[linkme(crate = ffa_harness::linkme)]
static SP_HANG_COMMAND: Command = Command {
    id: SP_HANG,
    name: "hang",
    run: |_, _| loop {
        core::hint::spin_loop();
    },
};

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SP_FAULTS: Case = Case::new("selftest.e_sp_command_faults", "-", sp_faults).needs(NEEDS_SP);

/// A command that faults in the sp is answered, not lost: this case fails with the sp's
/// `Faulted` status, and the sp serves the next case.
fn sp_faults(ctx: &mut Ctx) -> CaseResult {
    command(ctx, Width::W32, SP_FAULT, [0; 4])?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SP_ANSWERS_AFTER_FAULT: Case =
    Case::new("selftest.f_sp_serves_after_fault", "-", sp_answers_after_fault).needs(NEEDS_SP);

fn sp_answers_after_fault(ctx: &mut Ctx) -> CaseResult {
    command(ctx, Width::W32, ECHO, [1, 2, 3, 4])?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SP_HANGS: Case = Case::new("selftest.g_sp_never_answers", "-", sp_hangs).needs(NEEDS_SP).timeout_ms(500);

/// A command that never returns: the case ends as `timeout` (the watchdog, or the runner when
/// the secure side keeps the CPU) and the run goes on.
fn sp_hangs(ctx: &mut Ctx) -> CaseResult {
    command(ctx, Width::W32, SP_HANG, [0; 4])?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SECONDARY_FAULTS: Case = Case::new("selftest.h_secondary_core_faults", "-", secondary_faults);

/// A job that faults on core 1 ends the case as `crash` with the core named; core 1 parks
/// again and the run goes on.
fn secondary_faults(ctx: &mut Ctx) -> CaseResult {
    ctx.on_core(1, |_| {
        // SAFETY: `udf` only raises an undefined-instruction exception, which core 1's vectors
        // turn into this case's `crash` outcome; no state is touched.
        unsafe { core::arch::asm!("udf #0", options(nomem, nostack)) };
        Ok([0; 4])
    })?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SECONDARY_HANGS: Case = Case::new("selftest.i_secondary_core_hangs", "-", secondary_hangs).timeout_ms(300);

/// A job that never returns on core 2 ends the case as `timeout` with the core named; core 2's
/// own watchdog stops it and parks the core.
fn secondary_hangs(ctx: &mut Ctx) -> CaseResult {
    ctx.on_core(2, |_| loop {
        core::hint::spin_loop();
    })?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SECONDARIES_SERVE_AGAIN: Case = Case::new("selftest.j_secondary_cores_serve_again", "-", secondaries_serve);

/// After the fault and the hang above, every core runs a job again.
fn secondaries_serve(ctx: &mut Ctx) -> CaseResult {
    let all = ctx.on_all_cores(|ctx| {
        check_success!(ctx.ffa.id_get(), "FFA_ID_GET");
        Ok([1, 0, 0, 0])
    })?;
    ffa_harness::check_eq!(all.iter().map(|(_, v)| v[0]).sum::<u64>(), ctx.core_count() as u64, "cores that answered");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SP_FAULTS_ON_SECONDARY: Case =
    Case::new("selftest.k_sp_faults_on_secondary_core", "-", sp_faults_on_secondary).needs(NEEDS_SP);

/// A command that faults in the sp's execution context on core 3 is answered with `Faulted`
/// by that context, which then serves the next request on core 3.
fn sp_faults_on_secondary(ctx: &mut Ctx) -> CaseResult {
    crate::sp::sp_id(ctx)?;
    ctx.on_core(3, |ctx| {
        let (_, reply) = crate::sp::exchange(ctx, Width::W32, SP_FAULT, [0; 4])?;
        ffa_harness::check_eq!(reply.status, Status::Faulted, "status of the faulting command on core 3");
        command(ctx, Width::W32, ECHO, [1, 2, 3, 4])?;
        Ok([0; 4])
    })?;
    Ok(())
}

/// MAP_PAGE(addr): the sp maps the 4 KiB page at `addr` (x4) at run time as its own Normal
/// memory and answers the first word there in x4; mapping it a second time must succeed too.
const SP_MAP_PAGE: u16 = 0xF003;

#[distributed_slice(COMMANDS)]
#[linkme(crate = ffa_harness::linkme)]
static SP_MAP_PAGE_COMMAND: Command = Command {
    id: SP_MAP_PAGE,
    name: "map-page",
    run: |_, req| {
        use ffa_harness::arch::mmu::{map_page, Memory};
        let addr = req.arg(0) & !0xfff;
        if map_page(addr, Memory::Own).is_err() || map_page(addr, Memory::Own).is_err() {
            return Reply::status(Status::BadArguments);
        }
        // SAFETY: the page was just mapped; a 32-bit read of its first word changes nothing.
        let word = unsafe { core::ptr::read_volatile(addr as *const u32) };
        Reply::ok([word.into(), 0, 0, 0])
    },
};

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static SP_MAPS_A_PAGE: Case = Case::new("selftest.l_sp_maps_a_page_at_run_time", "-", sp_maps_a_page).needs(NEEDS_SP);

/// The sp maps a 4 KiB page its boot map left out (QEMU virt's secure flash, where BL1 lives)
/// while its MMU is on, and reads it: the run-time mapping memory sharing will need.
fn sp_maps_a_page(ctx: &mut Ctx) -> CaseResult {
    command(ctx, Width::W64, SP_MAP_PAGE, [0x1000, 0, 0, 0])?;
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static LEAVES_RX_OWNED: Case = Case::new("selftest.m_leaves_rx_owned", "-", leaves_rx_owned);

/// Passes its own checks but keeps RX after a listing: the executor's state check fails it.
fn leaves_rx_owned(ctx: &mut Ctx) -> CaseResult {
    check_success!(ctx.ffa.partition_info_get(ffa_harness::desc::Uuid::NIL, 0), "FFA_PARTITION_INFO_GET");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static LEAVES_UNMAPPED: Case = Case::new("selftest.n_leaves_pair_unmapped", "-", leaves_unmapped);

/// Passes its own checks but unmaps the harness's RX/TX pair: the state check fails it.
fn leaves_unmapped(ctx: &mut Ctx) -> CaseResult {
    check_success!(ctx.ffa.rxtx_unmap(), "FFA_RXTX_UNMAP");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static LEAVES_VERSION: Case = Case::new("selftest.o_leaves_other_version_asked", "-", leaves_version);

/// Passes its own checks but asks for FF-A 1.0 last: the state check fails it.
fn leaves_version(ctx: &mut Ctx) -> CaseResult {
    ctx.ffa.version(ffa_harness::ffa::Version::V1_0);
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static STATE_RESTORED: Case = Case::new("selftest.p_state_restored_after_leaks", "-", state_restored);

/// After the leaks above the executor put the state back: the pair is mapped (a second map is
/// DENIED), RX is not owned (a release is DENIED).
fn state_restored(ctx: &mut Ctx) -> CaseResult {
    let denied = ffa_harness::ffa::FfaError::Denied;
    let r = ctx.ffa.rxtx_map(ctx.pages.tx.addr(), ctx.pages.rx.addr(), 1);
    ffa_harness::check_error!(r, denied, "mapping the harness pair again");
    ffa_harness::check_error!(ctx.ffa.rx_release(), denied, "FFA_RX_RELEASE when RX is not owned");
    Ok(())
}
