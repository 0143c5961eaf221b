//! The transactions a borrower holds: a handle is held from the FFA_MEM_RETRIEVE_RESP that
//! answered its retrieve request (DEN0077A v1.1 16.5; complete or not) until a successful
//! FFA_MEM_RELINQUISH of it (16.8). The handle travels in the descriptors, not in registers,
//! so [`super::retrieve`] and [`relinquish`] keep the list. A command that faults while it
//! holds memory would leave the owner unable to reclaim it (16.7: DENIED while a borrower has
//! it): the sp's fault path relinquishes what is held ([`relinquish_held`]) before it answers.

use super::write_tx;
use crate::desc::memory::{Descriptor, Handle, Relinquish};
use crate::ffa::{Ffa, OpenHandles, Regs};
use crate::pages::Page;

/// The handles this image retrieved and has not relinquished.
static HELD: OpenHandles = OpenHandles::new();

/// Takes note that the SPMC answered a retrieve of `handle` with (the start of) its response.
pub(super) fn note_retrieved(handle: Handle) {
    HELD.insert(handle);
}

/// FFA_MEM_RELINQUISH of `handle` by endpoint `me` with relinquish `flags`, the descriptor
/// written to `tx`; a success ends the hold.
pub fn relinquish(ffa: &Ffa, tx: &Page, me: u16, handle: Handle, flags: u32) -> Regs {
    let endpoints = [me];
    let d = Relinquish { handle, flags, endpoints: &endpoints };
    write_tx(tx, &d, 0, d.len());
    let answer = ffa.mem_relinquish();
    if answer.is_success() {
        HELD.forget(handle);
    }
    answer
}

/// Relinquishes every held handle and stops holding each, whatever the SPMC answers (one
/// it will not take back, e.g. a retrieve still short of fragments, stays the SPMC's to
/// resolve). Returns how many the SPMC took back.
pub fn relinquish_held(ffa: &Ffa, tx: &Page, me: u16) -> usize {
    let mut released = 0;
    for handle in HELD.list().into_iter().flatten() {
        if relinquish(ffa, tx, me, handle, 0).is_success() {
            released += 1;
        }
        HELD.forget(handle);
    }
    released
}
