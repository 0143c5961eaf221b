//! BIND and UNBIND (and INFO_GET and GET beside them) from every core at once, round after
//! round, with the invariants checked after each round: a bit has at most one sender, so of
//! several binds of one free bit exactly one succeeds and every other is DENIED (DEN0077A v1.1
//! 17, FFA_NOTIFICATION_BIND; Hafnium and OP-TEE take one lock per bitmap, `vm_lock` and
//! `spmc_notif_lock`); binds of distinct bits at once are all kept (none lost to another
//! core's update of the same bitmap), and unbinds likewise; binding makes nothing pending for
//! INFO_GET or GET. In a run of the whole suite QEMU runs the cores one at a time
//! (single-threaded TCG), so the calls interleave at the emulator's scheduling points; `make
//! test` runs these cases again on multi-threaded TCG (`ffa-cts run --mttcg`: a host thread per
//! core), where they really run at the same time, gated by `results/baselines/<stack>-mttcg.json`.
//! A round takes far longer there (a waiting core's WFE is a no-op under multi-threaded TCG),
//! hence the long timeouts.

use super::{sender_sp, unbind, with_own_bitmap, BITMAP_ABIS};
use core::sync::atomic::{AtomicU64, Ordering};
use ffa_harness::cores::CoreValue;
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::spec::{NOTIFICATION_BIND, NOTIFICATION_INFO_GET};
use ffa_harness::{case, check, check_eq, check_error, check_success, fail, CaseResult, Ctx, Failure, Need};

const ABIS: &[FuncId] = &[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_UNBIND, BITMAP_ABIS[0], BITMAP_ABIS[1]];
const NEEDS: &[Need] = &[
    Need::Abi(FuncId::NOTIFICATION_BIND),
    Need::Abi(FuncId::NOTIFICATION_UNBIND),
    Need::Abi(BITMAP_ABIS[0]),
    Need::Abi(BITMAP_ABIS[1]),
];

/// Rounds per case.
const ROUNDS: u64 = 1000;

/// What the jobs of a round work on: the sender in bits [47:32], the receiver in [31:16], the
/// round in [15:0]. A job is a plain function, so it reads its round from here.
static ROUND: AtomicU64 = AtomicU64::new(0);

fn post(sender: u16, receiver: u16, round: u64) {
    ROUND.store(u64::from(sender) << 32 | u64::from(receiver) << 16 | (round & 0xffff), Ordering::Release);
}

fn round() -> (u16, u16, u64) {
    let v = ROUND.load(Ordering::Acquire);
    ((v >> 32) as u16, (v >> 16) as u16, v & 0xffff)
}

/// The bit every core binds in round `round` of the one-winner race.
fn shared_bit(round: u64) -> u64 {
    1 << (round % 64)
}

/// The bit core `core` binds in round `round` of the distinct-bits race.
fn own_bit(core: usize, round: u64) -> u64 {
    1 << ((core as u64 + 8 * (round % 8)) % 64)
}

/// A call's answer as a job returns it: w0 and w2.
fn answer(r: &ffa_harness::ffa::Regs) -> CoreValue {
    [r.w(0).into(), r.w(2).into(), 0, 0]
}

fn bind_shared(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let (sender, receiver, round) = round();
    Ok(answer(&ctx.ffa.notification_bind(sender, receiver, 0, shared_bit(round))))
}

fn bind_own(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let (sender, receiver, round) = round();
    Ok(answer(&ctx.ffa.notification_bind(sender, receiver, 0, own_bit(ctx.platform.this_core(), round))))
}

fn unbind_own(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let (sender, receiver, round) = round();
    Ok(answer(&ctx.ffa.notification_unbind(sender, receiver, own_bit(ctx.platform.this_core(), round))))
}

fn is_success(v: &CoreValue) -> bool {
    v[0] == u64::from(FuncId::SUCCESS_32.0) || v[0] == u64::from(FuncId::SUCCESS_64.0)
}

/// Runs `body` with the sender partition's ID and a bitmap of the image's own VM, where there
/// are cores to race; a single core does not apply.
fn racing(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx, u16, u16) -> CaseResult) -> CaseResult {
    let sp = sender_sp(ctx)?;
    if ctx.core_count() < 2 {
        ffa_harness::not_applicable!("one core: nothing to race");
    }
    with_own_bitmap(ctx, |ctx, vm| body(ctx, sp, vm))
}

fn is_denied(v: &CoreValue) -> bool {
    v[0] == u64::from(FuncId::ERROR.0) && v[1] as u32 as i32 == FfaError::Denied.code()
}

case! {
    /// Every core binds the same free bit at once: exactly one bind succeeds, every other is
    /// DENIED, and the winner's binding is the one that stands, 1000 rounds over all 64 bits.
    /// The bits of 64 rounds stay bound until one unbind for the sender releases them all,
    /// which Hafnium grants only when every bit is bound to that sender
    /// (`api_ffa_notification_update_bindings`: `vm_notifications_validate_bound_sender`);
    /// OP-TEE unbinds without looking (`handle_notification_unbind`), as it did one bit a round.
    "notifications.bind.race_one_bind_wins", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS), timeout_ms(60000);
    fn race_one_wins(ctx) {
        racing(ctx, |ctx, sp, vm| {
            let mut bound = 0;
            let mut first = 0;
            for round in 0..ROUNDS {
                post(sp, vm, round);
                let raced = one_wins_round(ctx, round);
                bound |= shared_bit(round);
                if raced.is_err() {
                    unbind_each(ctx, sp, vm, bound);
                    return raced;
                }
                if round % 64 == 63 || round == ROUNDS - 1 {
                    let r = ctx.ffa.notification_unbind(sp, vm, bound);
                    if !is_success(&answer(&r)) {
                        unbind_each(ctx, sp, vm, bound);
                    }
                    check_success!(r, "rounds {first}..={round}: the unbind of bits {bound:#x}, each bound by its round's winner, from {sp:#x}");
                    (bound, first) = (0, round + 1);
                }
            }
            Ok(())
        })
    }
}

/// Leaves none of `bits` bound behind a failure, one bit at a time: a round without a winner
/// left its bit free, and Hafnium unbinds no free bit, so one unbind of all could leave the
/// others bound.
fn unbind_each(ctx: &mut Ctx, sp: u16, vm: u16, bits: u64) {
    for bit in (0..64).map(|b| 1u64 << b).filter(|bit| bits & bit != 0) {
        ctx.ffa.notification_unbind(sp, vm, bit);
    }
}

/// One round of the one-winner race: every core binds [`shared_bit`]`(round)`.
fn one_wins_round(ctx: &mut Ctx, round: u64) -> CaseResult {
    let all = ctx.on_all_cores(bind_shared)?;
    let won = all.iter().filter(|(_, v)| is_success(v)).count();
    if let Some((core, v)) = all.iter().find(|(_, v)| !is_success(v) && !is_denied(v)) {
        fail!(
            "round {round}: core {core}'s bind of bit {} got w0 = {:#x}, w2 = {:#x}: neither SUCCESS nor DENIED",
            round % 64,
            v[0],
            v[1]
        );
    }
    check_eq!(won, 1, "round {round}: binds of bit {} that succeeded of {} at once", round % 64, all.count);
    Ok(())
}

case! {
    /// Every core binds a bit of its own of one bitmap at once: all succeed and all stay
    /// bound (a bind of each bit from the boot core is then DENIED); then every core unbinds
    /// its bit at once: all succeed and all are free (a bind of all of them together
    /// succeeds). 1000 rounds; a lost update of the bitmap shows as a bit bound or free when
    /// it must not be. The rounds cycle through 8 sets of bits, and the boot core's bind of a
    /// round's set stays until one unbind of every set before the cycle starts again.
    "notifications.bind.race_distinct_bits_all_kept", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS), timeout_ms(60000);
    fn race_distinct(ctx) {
        racing(ctx, |ctx, sp, vm| {
            let mut kept = 0;
            for round in 0..ROUNDS {
                post(sp, vm, round);
                match distinct_round(ctx, sp, vm, round) {
                    Ok(all_bits) => kept |= all_bits,
                    Err(f) => {
                        // The earlier rounds' bits, bound by the boot core, and whatever the
                        // failed round left bound go with the failure.
                        let round_bits = (0..ctx.core_count()).fold(0, |bits, core| bits | own_bit(core, round));
                        unbind_each(ctx, sp, vm, kept | round_bits);
                        return Err(f);
                    }
                }
                if round % 8 == 7 || round == ROUNDS - 1 {
                    unbind(ctx, sp, vm, kept)?;
                    kept = 0;
                }
            }
            Ok(())
        })
    }
}

/// One round of the distinct-bits race, on the bits of [`own_bit`]`(core, round)`, free when
/// it starts: returns them, bound by the boot core's check that the unbinds freed them all.
fn distinct_round(ctx: &mut Ctx, sp: u16, vm: u16, round: u64) -> Result<u64, Failure> {
    let bound = ctx.on_all_cores(bind_own)?;
    if let Some((core, v)) = bound.iter().find(|(_, v)| !is_success(v)) {
        fail!("round {round}: core {core}'s bind of its own bit got w0 = {:#x}, w2 = {:#x}", v[0], v[1]);
    }
    let mut all_bits = 0;
    for core in 0..bound.count {
        let bit = own_bit(core, round);
        all_bits |= bit;
        let r = ctx.ffa.notification_bind(sp, vm, 0, bit);
        check_error!(r, FfaError::Denied, "round {round}: a bind of core {core}'s bit {bit:#x} after the race");
    }
    let freed = ctx.on_all_cores(unbind_own)?;
    if let Some((core, v)) = freed.iter().find(|(_, v)| !is_success(v)) {
        fail!("round {round}: core {core}'s unbind of its own bit got w0 = {:#x}, w2 = {:#x}", v[0], v[1]);
    }
    check_success!(
        ctx.ffa.notification_bind(sp, vm, 0, all_bits),
        "round {round}: a bind of every core's bit after the unbinds"
    );
    Ok(all_bits)
}

/// Odd cores bind and unbind their own bit; even cores ask INFO_GET_64 and GET of the SP
/// bitmap. Returns the answers' w0 and w2 (for the askers, INFO_GET's in [0..2] and GET's w0
/// and its bitmap in [2..4]).
fn bind_or_ask(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let (sender, receiver, round) = round();
    let core = ctx.platform.this_core();
    if core % 2 == 1 {
        let bit = own_bit(core, round);
        let b = ctx.ffa.notification_bind(sender, receiver, 0, bit);
        let u = ctx.ffa.notification_unbind(sender, receiver, bit);
        return Ok([b.w(0).into(), b.w(2).into(), u.w(0).into(), u.w(2).into()]);
    }
    let info = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
    let got = ctx.ffa.notification_get(receiver, 0, ffa_harness::notifications::GET_FROM_SP);
    Ok([info.w(0).into(), info.w(2).into(), got.w(0).into(), u64::from(got.w(3)) << 32 | u64::from(got.w(2))])
}

case! {
    /// Binding makes nothing pending: while odd cores bind and unbind bits, INFO_GET on the
    /// even cores is NO_DATA every time and GET returns an empty SP bitmap (DEN0077A v1.1 17:
    /// a notification is pending only once its sender set it; Hafnium and OP-TEE keep bound
    /// and pending bits apart). 1000 rounds; every bind and unbind succeeds.
    "notifications.info_get.race_no_data_while_binding", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_GET, FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_UNBIND]),
    since(Version::V1_1), timeout_ms(60000),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_GET), Need::Abi(FuncId::NOTIFICATION_BIND), Need::Abi(BITMAP_ABIS[0])]);
    fn race_info_get(ctx) {
        racing(ctx, |ctx, sp, vm| {
            let (success, error) = (u64::from(FuncId::SUCCESS_32.0), u64::from(FuncId::ERROR.0));
            let no_data = FfaError::NoData.code() as u32 as u64;
            for round in 0..ROUNDS {
                post(sp, vm, round);
                let all = ctx.on_all_cores(bind_or_ask)?;
                for (core, v) in all.iter() {
                    if core % 2 == 1 {
                        check!(v[0] == success && v[2] == success, "round {round}: core {core}'s bind/unbind got w0 {:#x} (w2 {:#x}) / w0 {:#x} (w2 {:#x})", v[0], v[1], v[2], v[3]);
                    } else {
                        check!(v[0] == error && v[1] == no_data, "round {round}: core {core}'s INFO_GET_64 with nothing pending got w0 {:#x} w2 {:#x}", v[0], v[1]);
                        check!(v[2] == success && v[3] == 0, "round {round}: core {core}'s GET with nothing pending got w0 {:#x}, SP bitmap {:#x}", v[2], v[3]);
                    }
                }
            }
            Ok(())
        })
    }
}
