//! The FF-A call each core is inside of: per core, the virtual count at which it entered its
//! `smc` and the function ID, kept by the conduit ([`super::Smc`]) around every call and
//! cleared when the call returns. A call that never comes back (an SPMC that spins with
//! interrupts masked) keeps its record, which the hang monitor ([`super::hang_monitor`]) on
//! another core reads. A call that comes back into an interrupt that ends the case (the
//! watchdog's, taken as the SPMC returns FFA_INTERRUPT for it) does not return through the
//! conduit: [`abandon`], from the fault dispatch, clears the record then. The longest call that
//! returned since the case started is kept too, for the case's `end` event. Only the ns image
//! records (the image that serves jobs, [`super::cores::serves_jobs`]): the sp's calls include
//! FFA_MSG_WAIT, which lasts until its next request, and nobody watches them.

use super::cores;
use crate::cores::MAX_CORES;
use crate::ffa::FuncId;
use crate::platform::LongestCall;
use aarch64_cpu::registers::{Readable, CNTFRQ_EL0, CNTVCT_EL0};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// One core's call in flight.
struct InFlight {
    /// The virtual count when the call was made; 0 when the core is in no call.
    since: AtomicU64,
    /// Its function ID (w0).
    func: AtomicU32,
    /// The core's watchdog deadline when the call was made, where the case lets its calls run
    /// until its timeout ([`set_calls_may_run_until_timeout`]); 0 otherwise.
    patient_until: AtomicU64,
}

static IN_FLIGHT: [InFlight; MAX_CORES] =
    [const { InFlight { since: AtomicU64::new(0), func: AtomicU32::new(0), patient_until: AtomicU64::new(0) } };
        MAX_CORES];

/// The longest call that returned since [`take_longest`] last ran: its duration in
/// microseconds in the high 32 bits, its function ID in the low 32, so that one `fetch_max`
/// keeps both.
static LONGEST: AtomicU64 = AtomicU64::new(0);

/// The virtual count when a call last returned (or was abandoned) on any core: a call counts
/// as alone in flight only since then, so the wait it had for the others' calls is not held
/// against it.
static LAST_RETURN: AtomicU64 = AtomicU64::new(0);

/// Whether the running case lets its calls last until its watchdog fires.
static PATIENT: AtomicBool = AtomicBool::new(false);

/// A call seen from another core.
#[derive(Clone, Copy, Debug)]
pub struct Call {
    /// Its function ID.
    pub func: u32,
    /// The virtual count when it was made.
    pub since: u64,
    /// The watchdog deadline before which the case lets it run (0: none).
    pub patient_until: u64,
}

/// Marks the running core as inside a call of `func` from now on; returns the count, for
/// [`returned`]. `None` in an image that does not record.
pub(super) fn entered(func: u64) -> Option<u64> {
    if !cores::serves_jobs() {
        return None;
    }
    let slot = &IN_FLIGHT[cores::this_core()];
    let now = CNTVCT_EL0.get().max(1);
    // A disarmed watchdog (u64::MAX) sets no deadline: the case is not running its body.
    let deadline = super::watchdog::deadline();
    let patient = if PATIENT.load(Ordering::Relaxed) && deadline != u64::MAX { deadline } else { 0 };
    slot.func.store(func as u32, Ordering::Relaxed);
    slot.patient_until.store(patient, Ordering::Relaxed);
    slot.since.store(now, Ordering::Release);
    Some(now)
}

/// The call [`entered`] at `since` returned: clears the record and keeps its duration if it is
/// the longest so far.
pub(super) fn returned(since: Option<u64>, func: u64) {
    let Some(since) = since else { return };
    IN_FLIGHT[cores::this_core()].since.store(0, Ordering::Release);
    let now = CNTVCT_EL0.get();
    LAST_RETURN.fetch_max(now, Ordering::Release);
    let us = ticks_to_us(now.saturating_sub(since)).min(u32::MAX.into());
    LONGEST.fetch_max(us << 32 | (func & 0xffff_ffff), Ordering::Relaxed);
}

/// The running core abandons whatever call it was in (a fault or the watchdog ends its case).
pub(super) fn abandon() {
    IN_FLIGHT[cores::this_core()].since.store(0, Ordering::Release);
    LAST_RETURN.fetch_max(CNTVCT_EL0.get(), Ordering::Release);
}

/// The virtual count when a call last returned on any core (0: none yet).
pub(super) fn last_return() -> u64 {
    LAST_RETURN.load(Ordering::Acquire)
}

/// Core `core`'s call in flight, if it is in one. The record is read twice around its other
/// fields, so that a call that ended meanwhile is not mixed with the next.
pub(super) fn of(core: usize) -> Option<Call> {
    let slot = &IN_FLIGHT[core];
    let since = slot.since.load(Ordering::Acquire);
    if since == 0 {
        return None;
    }
    let func = slot.func.load(Ordering::Relaxed);
    let patient_until = slot.patient_until.load(Ordering::Relaxed);
    (slot.since.load(Ordering::Acquire) == since).then_some(Call { func, since, patient_until })
}

/// The longest call that returned since the last time this ran, and starts over.
pub(super) fn take_longest() -> Option<LongestCall> {
    let packed = LONGEST.swap(0, Ordering::Relaxed);
    (packed != 0).then_some(LongestCall { micros: packed >> 32, func: FuncId(packed as u32) })
}

/// Lets the calls of the running case last until its watchdog fires (`true`) or not.
pub(super) fn set_calls_may_run_until_timeout(yes: bool) {
    PATIENT.store(yes, Ordering::Relaxed);
}

/// Microseconds in `ticks` of the virtual count.
pub(super) fn ticks_to_us(ticks: u64) -> u64 {
    (u128::from(ticks) * 1_000_000 / u128::from(CNTFRQ_EL0.get().max(1))) as u64
}

/// Ticks of the virtual count in `ms` milliseconds.
pub(super) fn ms_to_ticks(ms: u32) -> u64 {
    CNTFRQ_EL0.get() * u64::from(ms) / 1000
}
