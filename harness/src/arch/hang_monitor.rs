//! The hang monitor. A core inside an SMC whose SPMC spins with interrupts masked cannot report
//! anything: its watchdog's interrupt is never taken. So the secondary cores, which the ns
//! image powers up as it starts, look at every other core's call in flight
//! ([`super::calls_in_flight`]) each time they look for a job while they idle
//! ([`super::cores`]). A call that has not returned within the limit the runner passes
//! (`call_limit_ms=`), while it is the only call in flight, is reported as event `stuck` (the
//! core, the function ID, how long it has lasted, the core that saw it), and again every
//! [`REPORT_EVERY_MS`] while it lasts. The runner ends the boot on the first report that finds
//! QEMU busy on the host for most of the call (a spinning firmware keeps it busy; a host too
//! loaded to run QEMU does not), so each report says the call was still in flight then. A call
//! while another core is in one too is not reported: it may wait for that one (a firmware lock
//! whose holder QEMU's single-threaded TCG has not run yet), and what ends such a boot is the
//! runner's silence watchdog. A case that hangs the secure side on purpose
//! (`calls_until_timeout()`) has its calls waited for until its watchdog's deadline plus the
//! limit. A core that runs a job does not watch meanwhile; while every core is in a job or a
//! call, nothing watches, and the silence watchdog is what ends the boot. While a case runs
//! jobs on several cores the limit is [`SHARED_FACTOR`] times longer: a call there may wait on
//! a lock that another core holds in the secure world, and QEMU's single-threaded TCG runs that
//! core only at its next scheduling point (a kick every 100 ms when no core yields): the race
//! cases on optee-sel1 saw legitimate calls of 100-220 ms so, with QEMU busy all along.

use super::calls_in_flight::{self, Call};
use super::{cores, wake};
use crate::event::Event;
use crate::executor::emit;
use aarch64_cpu::registers::{Readable, CNTVCT_EL0};
use core::sync::atomic::{AtomicU64, Ordering};

/// The limit in ticks of the virtual count; 0 while the monitor is off.
static LIMIT_TICKS: AtomicU64 = AtomicU64::new(0);
/// The limit as the runner gave it, for the event.
static LIMIT_MS: AtomicU64 = AtomicU64::new(0);
/// The virtual count of the last report (0: none yet): one report per [`REPORT_EVERY_MS`]
/// from all the watching cores together.
static LAST_REPORT: AtomicU64 = AtomicU64::new(0);

/// How much longer a call may last while jobs run on several cores.
const SHARED_FACTOR: u64 = 10;

/// How often a stuck call is reported again while it lasts.
const REPORT_EVERY_MS: u32 = 20;

/// How often the watching core (the last one) looks while it idles; the other idle cores
/// look when they wake for a job or at their safety-net naps ([`wake::NAP_US`]), so that
/// no more than one core takes QEMU's TCG thread from the cores at work to watch.
const WATCH_EVERY_US: u32 = 5_000;

/// How long idle core `me` naps before it looks again: the watching core's period while the
/// monitor is on, else the safety net.
pub(super) fn nap_us(me: usize) -> u32 {
    let watching = LIMIT_TICKS.load(Ordering::Relaxed) != 0 && me + 1 == cores::count();
    if watching {
        WATCH_EVERY_US
    } else {
        wake::NAP_US
    }
}

/// Starts watching with `limit_ms` (0 leaves the monitor off): the secondary cores, powered up
/// (again, for any that did not come up as the image started), watch once they idle. Returns
/// how many cores are up to watch.
pub(super) fn start(limit_ms: u32) -> usize {
    if limit_ms == 0 {
        return 0;
    }
    LIMIT_MS.store(limit_ms.into(), Ordering::Relaxed);
    LIMIT_TICKS.store(calls_in_flight::ms_to_ticks(limit_ms).max(1), Ordering::Release);
    cores::start_all()
}

/// One look from idle core `me` at every other core's call; reports a stuck one when it is
/// the only call in flight and no report was made in the last [`REPORT_EVERY_MS`].
pub(super) fn look(me: usize) {
    let limit = LIMIT_TICKS.load(Ordering::Acquire);
    if limit == 0 {
        return;
    }
    let mut in_flight = (0..cores::count()).filter(|&c| c != me).filter_map(|c| Some((c, calls_in_flight::of(c)?)));
    let (Some((core, call)), None) = (in_flight.next(), in_flight.next()) else { return };
    let factor = if cores::jobs_in_progress() { SHARED_FACTOR } else { 1 };
    let limit = limit.saturating_mul(factor);
    let now = CNTVCT_EL0.get();
    let last = LAST_REPORT.load(Ordering::Acquire);
    let due = last == 0 || now.saturating_sub(last) >= calls_in_flight::ms_to_ticks(REPORT_EVERY_MS);
    if now >= stuck_at(&call, limit)
        && due
        && LAST_REPORT.compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire).is_ok()
    {
        report(core, &call, now, me, factor);
    }
}

/// When `call` counts as stuck: `limit` after it was made or after the last other call
/// returned (it may have waited for that one), or after the watchdog deadline its case lets
/// it run to.
fn stuck_at(call: &Call, limit: u64) -> u64 {
    call.since.max(call.patient_until).max(calls_in_flight::last_return()).saturating_add(limit)
}

/// Reports `call` of `core`, whose limit was the runner's times `factor`.
fn report(core: usize, call: &Call, now: u64, me: usize, factor: u64) {
    let Some(platform) = cores::job_platform() else { return };
    let ms = calls_in_flight::ticks_to_us(now.saturating_sub(call.since)) / 1000;
    emit(
        platform,
        Event::Stuck {
            core: core as u32,
            func: call.func,
            ms,
            limit_ms: (LIMIT_MS.load(Ordering::Relaxed) * factor) as u32,
            by: me as u32,
        },
    );
}
