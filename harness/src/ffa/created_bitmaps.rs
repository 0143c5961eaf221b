//! The notification bitmaps the caller created and has not destroyed: a VM's bitmap exists
//! from the FFA_SUCCESS of an FFA_NOTIFICATION_BITMAP_CREATE of its ID (w1) until a
//! successful FFA_NOTIFICATION_BITMAP_DESTROY of it (DEN0077A v1.1 17,
//! FFA_NOTIFICATION_BITMAP_CREATE and _DESTROY). A second create of an existing bitmap is
//! DENIED, so a case that stops between the two would make every later case's create fail;
//! the executor destroys what a case left created.

use super::tracked::Tracked;
use super::{FuncId, Regs};

/// How many created bitmaps are tracked; more than any case creates at once.
pub const MAX_CREATED: usize = 8;

/// The VM IDs whose bitmap is created.
pub struct CreatedBitmaps(Tracked<MAX_CREATED>);

impl CreatedBitmaps {
    /// None created.
    pub const fn new() -> Self {
        Self(Tracked::new())
    }

    /// Takes note of one call and what it returned.
    pub fn observe(&self, call: &Regs, answer: &Regs) {
        if !answer.is_success() {
            return;
        }
        let vm = u64::from(call.w(1) as u16);
        match call.func() {
            FuncId::NOTIFICATION_BITMAP_CREATE => self.0.insert(vm),
            FuncId::NOTIFICATION_BITMAP_DESTROY => self.0.forget(vm),
            _ => {}
        }
    }

    /// Stops tracking `vm`'s bitmap.
    pub fn forget(&self, vm: u16) {
        self.0.forget(vm.into());
    }

    /// The VM IDs whose bitmap is created.
    pub fn list(&self) -> [Option<u16>; MAX_CREATED] {
        self.0.list().map(|vm| vm.map(|vm| vm as u16))
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
