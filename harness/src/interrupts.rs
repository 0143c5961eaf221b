//! The interrupts each core took at the image's exception level, other than the watchdog's and
//! the parked cores' wake-up SGI (`arch::wake`): a count per core of each SGI and PPI (INTID
//! 0..31), which the IRQ vector adds to and cases read (the schedule-receiver interrupt of
//! notifications). Counts only grow; a case compares before and after.

use crate::cores::MAX_CORES;
use core::sync::atomic::{AtomicU32, Ordering};

/// SGIs and PPIs: the interrupts private to a core.
const PRIVATE: usize = 32;

static TAKEN: [[AtomicU32; PRIVATE]; MAX_CORES] = [const { [const { AtomicU32::new(0) }; PRIVATE] }; MAX_CORES];
/// Taken interrupts with an INTID of 32 or more (SPIs, LPIs), all cores together, and any
/// taken on a core past [`MAX_CORES`].
static SHARED: AtomicU32 = AtomicU32::new(0);

/// Counts interrupt `intid` as taken on `core`.
pub fn record(core: usize, intid: u32) {
    match TAKEN.get(core).and_then(|c| c.get(intid as usize)) {
        Some(n) => n.fetch_add(1, Ordering::AcqRel),
        None => SHARED.fetch_add(1, Ordering::AcqRel),
    };
}

/// How often `core` took `intid` (an SGI or PPI) so far.
pub fn taken(core: usize, intid: u32) -> u32 {
    TAKEN.get(core).and_then(|c| c.get(intid as usize)).map_or(0, |n| n.load(Ordering::Acquire))
}

/// How often any core took `intid` so far, and the lowest core that took it at all.
pub fn taken_anywhere(intid: u32) -> (u32, Option<usize>) {
    let counts = (0..MAX_CORES).map(|c| taken(c, intid));
    let first = (0..MAX_CORES).find(|&c| taken(c, intid) != 0);
    (counts.sum(), first)
}

/// How many shared interrupts (INTID 32 and up) were taken.
pub fn shared_taken() -> u32 {
    SHARED.load(Ordering::Acquire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_core_and_intid() {
        // SGI 13 is used by no other test in this binary.
        assert_eq!(taken(2, 13), 0);
        record(2, 13);
        record(2, 13);
        record(3, 13);
        assert_eq!(taken(2, 13), 2);
        assert_eq!(taken(1, 13), 0);
        assert_eq!(taken_anywhere(13), (3, Some(2)));
        let before = shared_taken();
        record(0, 40);
        record(MAX_CORES, 3);
        assert_eq!(shared_taken(), before + 2);
    }
}
