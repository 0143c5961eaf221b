//! The memory transactions the caller has open: a handle is open from the FFA_SUCCESS that
//! completed its FFA_MEM_SHARE, LEND or DONATE (or the last FFA_MEM_FRAG_TX of it) until a
//! successful FFA_MEM_RECLAIM of it (DEN0077A v1.1 16.2-16.4, 16.11). The executor reclaims
//! what a case left open, so that the next case starts with none.

use super::tracked::Tracked;
use super::{FuncId, Regs};
use crate::desc::memory::Handle;

/// How many open handles are tracked; more than any case opens at once.
pub const MAX_OPEN: usize = 16;

/// The open handles.
pub struct OpenHandles(Tracked<MAX_OPEN>);

impl OpenHandles {
    /// None open.
    pub const fn new() -> Self {
        Self(Tracked::new())
    }

    /// Takes note of one call and what it returned.
    pub fn observe(&self, call: &Regs, answer: &Regs) {
        if !answer.is_success() {
            return;
        }
        match call.func() {
            FuncId::MEM_SHARE_32
            | FuncId::MEM_SHARE_64
            | FuncId::MEM_LEND_32
            | FuncId::MEM_LEND_64
            | FuncId::MEM_DONATE_32
            | FuncId::MEM_DONATE_64
            | FuncId::MEM_FRAG_TX => self.insert(Handle::from_words(answer.w(2), answer.w(3))),
            FuncId::MEM_RECLAIM => self.forget(Handle::from_words(call.w(1), call.w(2))),
            _ => {}
        }
    }

    /// Starts tracking `h` (a no-op when it is tracked already or every slot is taken).
    pub fn insert(&self, h: Handle) {
        self.0.insert(h.0);
    }

    /// Stops tracking `h`.
    pub fn forget(&self, h: Handle) {
        self.0.forget(h.0);
    }

    /// The open handles.
    pub fn list(&self) -> [Option<Handle>; MAX_OPEN] {
        self.0.list().map(|h| h.map(Handle))
    }
}

impl Default for OpenHandles {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_is_open_from_the_send_to_the_reclaim() {
        let o = OpenHandles::new();
        let ok = |lo: u64, hi: u64| Regs::call(FuncId::SUCCESS_32).with(2, lo).with(3, hi);
        o.observe(&Regs::call(FuncId::MEM_SHARE_32), &ok(5, 1));
        o.observe(&Regs::call(FuncId::MEM_LEND_64), &Regs::call(FuncId::ERROR).with(2, 5));
        o.observe(&Regs::call(FuncId::MEM_FRAG_TX), &ok(6, 0));
        assert_eq!(o.list().iter().flatten().copied().collect::<Vec<_>>(), [Handle(0x1_0000_0005), Handle(6)]);
        o.observe(&Regs::call(FuncId::MEM_RECLAIM).with(1, 5).with(2, 1), &Regs::call(FuncId::ERROR));
        assert_eq!(o.list().iter().flatten().count(), 2, "a refused reclaim leaves it open");
        o.observe(&Regs::call(FuncId::MEM_RECLAIM).with(1, 5).with(2, 1), &Regs::call(FuncId::SUCCESS_32));
        assert_eq!(o.list().iter().flatten().copied().collect::<Vec<_>>(), [Handle(6)]);
    }
}
