//! A fixed-capacity set of values that the static call layer keeps of what the SPMC holds for
//! the caller (open memory handles, created notification bitmaps): in atomics, so that a
//! `static` can be read from every core, with changes under a lock, so that two cores cannot
//! claim one slot or lose each other's update. Past its capacity a value is not tracked (the
//! executor then leaves it to the SPMC).

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use spin::Mutex;

/// Up to `N` (at most 32) distinct values.
pub struct Tracked<const N: usize> {
    values: [AtomicU64; N],
    used: AtomicU32,
    changing: Mutex<()>,
}

impl<const N: usize> Tracked<N> {
    const FITS: () = assert!(N <= 32, "one bit of `used` per slot");

    /// Empty.
    pub const fn new() -> Self {
        let () = Self::FITS;
        Self { values: [const { AtomicU64::new(0) }; N], used: AtomicU32::new(0), changing: Mutex::new(()) }
    }

    fn slot_of(&self, value: u64) -> Option<usize> {
        let used = self.used.load(Ordering::Relaxed);
        (0..N).find(|&i| used & (1 << i) != 0 && self.values[i].load(Ordering::Relaxed) == value)
    }

    /// Starts tracking `value` (a no-op when it is tracked already or every slot is taken).
    pub fn insert(&self, value: u64) {
        let _changing = self.changing.lock();
        let used = self.used.load(Ordering::Relaxed);
        if self.slot_of(value).is_some() {
            return;
        }
        if let Some(i) = (0..N).find(|i| used & (1 << i) == 0) {
            self.values[i].store(value, Ordering::Relaxed);
            self.used.store(used | 1 << i, Ordering::Relaxed);
        }
    }

    /// Stops tracking `value`.
    pub fn forget(&self, value: u64) {
        let _changing = self.changing.lock();
        if let Some(i) = self.slot_of(value) {
            self.used.fetch_and(!(1 << i), Ordering::Relaxed);
        }
    }

    /// The tracked values, by slot.
    pub fn list(&self) -> [Option<u64>; N] {
        let used = self.used.load(Ordering::Relaxed);
        core::array::from_fn(|i| (used & (1 << i) != 0).then(|| self.values[i].load(Ordering::Relaxed)))
    }
}

impl<const N: usize> Default for Tracked<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_value_once_and_up_to_its_capacity() {
        let t = Tracked::<2>::new();
        t.insert(5);
        t.insert(5);
        t.insert(7);
        t.insert(9);
        assert_eq!(t.list(), [Some(5), Some(7)], "a second insert and one past capacity change nothing");
        t.forget(5);
        t.forget(8);
        assert_eq!(t.list(), [None, Some(7)]);
        t.insert(9);
        assert_eq!(t.list(), [Some(9), Some(7)], "a freed slot is taken again");
    }
}
