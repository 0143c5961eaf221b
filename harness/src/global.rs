//! A value set once at boot and read afterwards (the executor's session, the sp's server).

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU8, Ordering};

const UNSET: u8 = 0;
const WRITING: u8 = 1;
const SET: u8 = 2;

/// A write-once global.
pub struct SetOnce<T> {
    state: AtomicU8,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: only the caller that wins the UNSET -> WRITING exchange writes the cell, and only
// once; shared references are handed out after an Acquire load sees SET, which the writer
// publishes with Release after the write. `T: Send` lets the value move to the reading
// thread, `T: Sync` lets it be shared there.
unsafe impl<T: Send + Sync> Sync for SetOnce<T> {}

impl<T> SetOnce<T> {
    /// An unset global.
    pub const fn new() -> Self {
        Self { state: AtomicU8::new(UNSET), value: UnsafeCell::new(MaybeUninit::uninit()) }
    }

    /// Sets the value. Returns false, and drops `value`, when it was already set (or is being
    /// set).
    pub fn set(&self, value: T) -> bool {
        if self.state.compare_exchange(UNSET, WRITING, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return false;
        }
        // SAFETY: the exchange above made this call the only writer, and no reader looks at
        // the cell before SET is published below.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(SET, Ordering::Release);
        true
    }

    /// The value, once set.
    pub fn get(&self) -> Option<&T> {
        if self.state.load(Ordering::Acquire) == SET {
            // SAFETY: SET is only stored after the value was written, and it is never written
            // again.
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
