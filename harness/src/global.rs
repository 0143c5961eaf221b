//! A value set once at boot and read afterwards: the images run on one core and set their
//! session before any case runs, so a flag and a cell are all that is needed.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

/// A write-once global.
pub struct SetOnce<T> {
    set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the value is written once, before `set` is published with Release ordering, and
// only shared references are handed out after an Acquire load sees `set`; `T: Sync` makes
// those shared references safe to use from anywhere.
unsafe impl<T: Sync> Sync for SetOnce<T> {}

impl<T> SetOnce<T> {
    /// An unset global.
    pub const fn new() -> Self {
        Self { set: AtomicBool::new(false), value: UnsafeCell::new(MaybeUninit::uninit()) }
    }

    /// Sets the value. Returns false, and leaves the first value, when it was already set.
    pub fn set(&self, value: T) -> bool {
        if self.set.load(Ordering::Acquire) {
            return false;
        }
        // SAFETY: not yet published, so no reference to the cell exists; the images set
        // their globals from one core before anything reads them.
        unsafe { (*self.value.get()).write(value) };
        self.set.store(true, Ordering::Release);
        true
    }

    /// The value, once set.
    pub fn get(&self) -> Option<&T> {
        if self.set.load(Ordering::Acquire) {
            // SAFETY: `set` is true, so the value was initialised and is never written again.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_once_keeps_the_first_value() {
        let g = SetOnce::new();
        assert_eq!(g.get(), None);
        assert!(g.set(1));
        assert!(!g.set(2));
        assert_eq!(g.get(), Some(&1));
    }
}
