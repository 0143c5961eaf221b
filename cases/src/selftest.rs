//! Cases that break on purpose, registered only by test builds (`--features self-test`): they
//! show that a fault, a panic and a hang inside a case each end that case as `crash` or
//! `timeout` and that the run goes on with the next case. Ids sort in the order they run.

use crate::sp::{command, Width, ECHO, NEEDS_SP};
use ffa_harness::command::{Reply, Status};
use ffa_harness::{case, check_success, command, CaseResult, Ctx};

case! {
    "selftest.a_undefined_instruction", "-";
    run: undefined_instruction
}

fn undefined_instruction(_: &mut Ctx) -> CaseResult {
    ffa_harness::arch::raise_undefined_instruction();
    Ok(())
}

case! {
    "selftest.b_hang", "-", timeout_ms(300);
    run: hang
}

fn hang(_: &mut Ctx) -> CaseResult {
    loop {
        core::hint::spin_loop();
    }
}

case! {
    "selftest.c_panic", "-";
    run: panics
}

fn panics(_: &mut Ctx) -> CaseResult {
    panic!("deliberate panic in a self-test case")
}

case! {
    /// After the faults above, the FF-A session still works: RX/TX is mapped again.
    "selftest.d_still_running", "-";
    fn still_running(ctx) {
        check_success!(ctx.ffa.id_get(), "FFA_ID_GET after the faults");
        let r = ctx.ffa.rxtx_map(ctx.pages.tx.addr(), ctx.pages.rx.addr(), 1);
        ffa_harness::check_error!(
            r,
            ffa_harness::ffa::FfaError::Denied,
            "RX/TX is mapped again after the faults, so mapping twice"
        );
        Ok(())
    }
}

/// FAULT: the sp executes `udf`; its vectors answer the request with `Faulted`.
const SP_FAULT: u16 = 0xF001;
/// HANG: the sp never answers.
const SP_HANG: u16 = 0xF002;

command!(SP_FAULT, "fault", |_, _| {
    ffa_harness::arch::raise_undefined_instruction();
    Reply::status(Status::Ok)
});

command!(SP_HANG, "hang", |_, _| loop {
    core::hint::spin_loop();
});

case! {
    /// A command that faults in the sp is answered, not lost: this case fails with the sp's
    /// `Faulted` status, and the sp serves the next case.
    "selftest.e_sp_command_faults", "-", needs(NEEDS_SP);
    fn sp_faults(ctx) {
        command(ctx, Width::W32, SP_FAULT, [0; 4])?;
        Ok(())
    }
}

case! {
    "selftest.f_sp_serves_after_fault", "-", needs(NEEDS_SP);
    fn sp_answers_after_fault(ctx) {
        command(ctx, Width::W32, ECHO, [1, 2, 3, 4])?;
        Ok(())
    }
}

case! {
    /// A command that never returns: the case ends as `timeout` (the watchdog, where the SPMC
    /// returns to the normal world for its interrupt; else the runner, on the hang monitor's
    /// `stuck` once the watchdog's deadline has passed) and the run goes on.
    "selftest.g_sp_never_answers", "-", needs(NEEDS_SP), timeout_ms(500), calls_until_timeout();
    fn sp_hangs(ctx) {
        command(ctx, Width::W32, SP_HANG, [0; 4])?;
        Ok(())
    }
}

case! {
    /// A job that faults on core 1 ends the case as `crash` with the core named; core 1 parks
    /// again and the run goes on.
    "selftest.h_secondary_core_faults", "-";
    fn secondary_faults(ctx) {
        ctx.on_core(1, |_| {
            ffa_harness::arch::raise_undefined_instruction();
            Ok([0; 4])
        })?;
        Ok(())
    }
}

case! {
    /// A job that never returns on core 2 ends the case as `timeout` with the core named; core 2's
    /// own watchdog stops it and parks the core.
    "selftest.i_secondary_core_hangs", "-", timeout_ms(300);
    fn secondary_hangs(ctx) {
        ctx.on_core(2, |_| loop {
            core::hint::spin_loop();
        })?;
        Ok(())
    }
}

case! {
    /// After the fault and the hang above, every core runs a job again.
    "selftest.j_secondary_cores_serve_again", "-";
    fn secondaries_serve(ctx) {
        let all = ctx.on_all_cores(|ctx| {
            check_success!(ctx.ffa.id_get(), "FFA_ID_GET");
            Ok([1, 0, 0, 0])
        })?;
        ffa_harness::check_eq!(all.iter().map(|(_, v)| v[0]).sum::<u64>(), ctx.core_count() as u64, "cores that answered");
        Ok(())
    }
}

case! {
    /// A command that faults in the sp's execution context on core 3 is answered with `Faulted`
    /// by that context, which then serves the next request on core 3.
    "selftest.k_sp_faults_on_secondary_core", "-", needs(NEEDS_SP);
    fn sp_faults_on_secondary(ctx) {
        crate::sp::sp_id(ctx)?;
        ctx.on_core(3, |ctx| {
            let (_, reply) = crate::sp::exchange(ctx, Width::W32, SP_FAULT, [0; 4])?;
            ffa_harness::check_eq!(reply.status, Status::Faulted, "status of the faulting command on core 3");
            command(ctx, Width::W32, ECHO, [1, 2, 3, 4])?;
            Ok([0; 4])
        })?;
        Ok(())
    }
}

/// MAP_PAGE(addr): the sp maps the 4 KiB page at `addr` (x4) at run time as its own Normal
/// memory and answers the first word there in x4; mapping it a second time must succeed too.
const SP_MAP_PAGE: u16 = 0xF003;

command!(SP_MAP_PAGE, "map-page", |_, req| {
    use ffa_harness::arch::mmu::{map_page, Memory};
    let addr = req.arg(0) & !0xfff;
    if map_page(addr, Memory::Own).is_err() || map_page(addr, Memory::Own).is_err() {
        return Reply::status(Status::BadArguments);
    }
    // SAFETY: the page was just mapped; a 32-bit read of its first word changes nothing.
    let word = unsafe { core::ptr::read_volatile(addr as *const u32) };
    Reply::ok([word.into(), 0, 0, 0])
});

case! {
    /// The sp maps a 4 KiB page its boot map left out (QEMU virt's secure flash, where BL1 lives)
    /// while its MMU is on, and reads it: the run-time mapping memory sharing will need.
    "selftest.l_sp_maps_a_page_at_run_time", "-", needs(NEEDS_SP);
    fn sp_maps_a_page(ctx) {
        command(ctx, Width::W64, SP_MAP_PAGE, [0x1000, 0, 0, 0])?;
        Ok(())
    }
}

case! {
    /// Passes its own checks but keeps RX after a listing: the executor's state check fails it.
    "selftest.m_leaves_rx_owned", "-";
    fn leaves_rx_owned(ctx) {
        check_success!(ctx.ffa.partition_info_get(ffa_harness::desc::Uuid::NIL, 0), "FFA_PARTITION_INFO_GET");
        Ok(())
    }
}

case! {
    /// Passes its own checks but unmaps the harness's RX/TX pair: the state check fails it.
    "selftest.n_leaves_pair_unmapped", "-";
    fn leaves_unmapped(ctx) {
        check_success!(ctx.ffa.rxtx_unmap(), "FFA_RXTX_UNMAP");
        Ok(())
    }
}

case! {
    /// Passes its own checks but asks for FF-A 1.0 last: the state check fails it.
    "selftest.o_leaves_other_version_asked", "-";
    fn leaves_version(ctx) {
        ctx.ffa.version(ffa_harness::ffa::Version::V1_0);
        Ok(())
    }
}

case! {
    /// After the leaks above the executor put the state back: the pair is mapped (a second map is
    /// DENIED), RX is not owned (a release is DENIED).
    "selftest.p_state_restored_after_leaks", "-";
    fn state_restored(ctx) {
        let denied = ffa_harness::ffa::FfaError::Denied;
        let r = ctx.ffa.rxtx_map(ctx.pages.tx.addr(), ctx.pages.rx.addr(), 1);
        ffa_harness::check_error!(r, denied, "mapping the harness pair again");
        ffa_harness::check_error!(ctx.ffa.rx_release(), denied, "FFA_RX_RELEASE when RX is not owned");
        Ok(())
    }
}

/// What the two cases below need: a VM bitmap the image can create and destroy.
const NEEDS_BITMAP: &[ffa_harness::Need] = &[
    ffa_harness::Need::Abi(crate::notifications::BITMAP_ABIS[0]),
    ffa_harness::Need::Abi(crate::notifications::BITMAP_ABIS[1]),
];

case! {
    /// Creates the notification bitmap of the image's own VM and hangs with it created.
    "selftest.u_hangs_with_bitmap_created", "-", needs(NEEDS_BITMAP), timeout_ms(300);
    fn hangs_with_bitmap(ctx) {
        let vm = crate::notifications::own_vm(ctx);
        check_success!(ctx.ffa.notification_bitmap_create(vm, ctx.core_count() as u32), "FFA_NOTIFICATION_BITMAP_CREATE");
        hang(ctx)
    }
}

case! {
    /// After the hang above the executor destroyed the bitmap it left: a create of it succeeds.
    "selftest.v_bitmap_destroyed_after_hang", "-", needs(NEEDS_BITMAP);
    fn bitmap_destroyed(ctx) {
        crate::notifications::with_own_bitmap(ctx, |_, _| Ok(()))
    }
}
