//! The notification bitmaps the caller created and has not destroyed: a VM's bitmap exists
//! from the FFA_SUCCESS of an FFA_NOTIFICATION_BITMAP_CREATE of its ID (w1) until a
//! successful FFA_NOTIFICATION_BITMAP_DESTROY of it (DEN0077A v1.1 17,
//! FFA_NOTIFICATION_BITMAP_CREATE and _DESTROY). A second create of an existing bitmap is
//! DENIED, so a case that stops between the two would make every later case's create fail;
//! the executor destroys what a case left created.

use super::{FuncId, Regs};
use core::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use spin::Mutex;

/// How many created bitmaps are tracked; more than any case creates at once.
pub const MAX_CREATED: usize = 8;

/// The VM IDs whose bitmap is created, in atomics so that a `static` call layer can read
/// them; changes take `changing`, so that two cores cannot claim one slot.
pub struct CreatedBitmaps {
    vms: [AtomicU16; MAX_CREATED],
    used: AtomicU32,
    changing: Mutex<()>,
}

impl CreatedBitmaps {
    /// None created.
    pub const fn new() -> Self {
        Self { vms: [const { AtomicU16::new(0) }; MAX_CREATED], used: AtomicU32::new(0), changing: Mutex::new(()) }
    }

    /// Takes note of one call and what it returned.
    pub fn observe(&self, call: &Regs, answer: &Regs) {
        if !answer.is_success() {
            return;
        }
        let vm = call.w(1) as u16;
        match call.func() {
            FuncId::NOTIFICATION_BITMAP_CREATE => self.insert(vm),
            FuncId::NOTIFICATION_BITMAP_DESTROY => self.forget(vm),
            _ => {}
        }
    }

    fn slot_of(&self, vm: u16) -> Option<usize> {
        let used = self.used.load(Ordering::Relaxed);
        (0..MAX_CREATED).find(|&i| used & (1 << i) != 0 && self.vms[i].load(Ordering::Relaxed) == vm)
    }

    fn insert(&self, vm: u16) {
        let _changing = self.changing.lock();
        let used = self.used.load(Ordering::Relaxed);
        if self.slot_of(vm).is_some() {
            return;
        }
        // A case that creates more than MAX_CREATED at once leaves the rest to the SPMC.
        if let Some(i) = (0..MAX_CREATED).find(|i| used & (1 << i) == 0) {
            self.vms[i].store(vm, Ordering::Relaxed);
            self.used.store(used | 1 << i, Ordering::Relaxed);
        }
    }

    /// Stops tracking `vm`'s bitmap.
    pub fn forget(&self, vm: u16) {
        let _changing = self.changing.lock();
        if let Some(i) = self.slot_of(vm) {
            self.used.fetch_and(!(1 << i), Ordering::Relaxed);
        }
    }

    /// The VM IDs whose bitmap is created.
    pub fn list(&self) -> [Option<u16>; MAX_CREATED] {
        let used = self.used.load(Ordering::Relaxed);
        core::array::from_fn(|i| (used & (1 << i) != 0).then(|| self.vms[i].load(Ordering::Relaxed)))
    }
}

impl Default for CreatedBitmaps {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bitmap_is_created_from_the_create_to_the_destroy() {
        let c = CreatedBitmaps::new();
        let ok = Regs::call(FuncId::SUCCESS_32);
        let denied = Regs::call(FuncId::ERROR).with(2, (-6i32) as u32 as u64);
        c.observe(&Regs::call(FuncId::NOTIFICATION_BITMAP_CREATE).with(1, 5).with(2, 4), &ok);
        c.observe(&Regs::call(FuncId::NOTIFICATION_BITMAP_CREATE).with(1, 6).with(2, 4), &denied);
        c.observe(&Regs::call(FuncId::NOTIFICATION_BITMAP_CREATE).with(1, 7).with(2, 4), &ok);
        assert_eq!(c.list().iter().flatten().copied().collect::<Vec<_>>(), [5, 7]);
        c.observe(&Regs::call(FuncId::NOTIFICATION_BITMAP_DESTROY).with(1, 5), &denied);
        assert_eq!(c.list().iter().flatten().count(), 2, "a refused destroy leaves it created");
        c.observe(&Regs::call(FuncId::NOTIFICATION_BITMAP_DESTROY).with(1, 5), &ok);
        assert_eq!(c.list().iter().flatten().copied().collect::<Vec<_>>(), [7]);
    }
}
