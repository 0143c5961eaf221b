//! The hang monitor. A core inside an SMC whose SPMC spins with interrupts masked cannot report
//! anything: its watchdog's interrupt is never taken. So the secondary cores, which the ns
//! image powers up before the first case for this, look at every other core's call in flight
//! ([`super::calls_in_flight`]) each time they look for a job while they idle
//! ([`super::cores`]); one that has not returned within the limit the runner passes
//! (`call_limit_ms=`) is reported once, as event `stuck` (the core, the function ID, how long
//! it has lasted, the core that saw it), and the runner ends the boot at once. A case that
//! hangs the secure side on purpose (`calls_until_timeout()`) has its calls waited for until
//! its watchdog's deadline plus the limit. A core that runs a job does not watch meanwhile;
//! while every core is in a job or a call, nothing watches, and the runner's silence watchdog
//! is what ends the boot.

use super::calls_in_flight::{self, Call};
use super::cores;
use crate::event::Event;
use crate::executor::emit;
use aarch64_cpu::registers::{Readable, CNTVCT_EL0};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The limit in ticks of the virtual count; 0 while the monitor is off.
static LIMIT_TICKS: AtomicU64 = AtomicU64::new(0);
/// The limit as the runner gave it, for the event.
static LIMIT_MS: AtomicU64 = AtomicU64::new(0);
/// Set by the first report: one stuck call is reported, once.
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Starts watching with `limit_ms` (0 leaves the monitor off): powers the secondary cores up,
/// which watch once they idle. Returns how many cores were started.
pub(super) fn start(limit_ms: u32) -> usize {
    if limit_ms == 0 {
        return 0;
    }
    LIMIT_MS.store(limit_ms.into(), Ordering::Relaxed);
    LIMIT_TICKS.store(calls_in_flight::ms_to_ticks(limit_ms).max(1), Ordering::Release);
    cores::start_all()
}

/// One look from idle core `me` at every other core's call; reports the first that is stuck.
pub(super) fn look(me: usize) {
    let limit = LIMIT_TICKS.load(Ordering::Acquire);
    if limit == 0 || REPORTED.load(Ordering::Relaxed) {
        return;
    }
    let now = CNTVCT_EL0.get();
    for core in (0..cores::count()).filter(|&c| c != me) {
        let Some(call) = calls_in_flight::of(core) else { continue };
        if now >= stuck_at(&call, limit) && !REPORTED.swap(true, Ordering::AcqRel) {
            report(core, &call, now, me);
            return;
        }
    }
}

/// When `call` counts as stuck: `limit` after it was made, or after the watchdog deadline
/// its case lets it run to.
fn stuck_at(call: &Call, limit: u64) -> u64 {
    call.since.max(call.patient_until).saturating_add(limit)
}

fn report(core: usize, call: &Call, now: u64, me: usize) {
    let Some(platform) = cores::job_platform() else { return };
    let ms = calls_in_flight::ticks_to_us(now.saturating_sub(call.since)) / 1000;
    emit(
        platform,
        Event::Stuck {
            core: core as u32,
            func: call.func,
            ms,
            limit_ms: LIMIT_MS.load(Ordering::Relaxed) as u32,
            by: me as u32,
        },
    );
}
