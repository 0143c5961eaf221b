//! What the calling endpoint's FF-A state is, as the answers to its own calls say: which RX/TX
//! pair is mapped, whether it owns its RX buffer, and the FF-A version it asked for last; and
//! how many calls it made (the executor reports each case's count). Every
//! call through [`super::Ffa::call`] updates it, so reading it costs no call. The executor
//! compares it after each case with the state every case starts from, and fails a case that
//! left it changed (see `executor::check_left_state`).
//!
//! The transitions follow DEN0077A v1.1: FFA_RXTX_MAP (13.6) maps a pair with RX owned by the
//! producer; FFA_RXTX_UNMAP (13.7) removes it; FFA_RX_RELEASE (13.5) hands RX back; a
//! successful FFA_PARTITION_INFO_GET (13.8) that returns descriptors, FFA_MEM_RETRIEVE_REQ and
//! FFA_MEM_FRAG_RX (with a response in RX), and FFA_RX_ACQUIRE give RX to the caller.

use super::{FuncId, Regs};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// The endpoint state one snapshot of the ledger holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointState {
    /// The mapped pair as (TX, RX) addresses, `None` when no pair is mapped.
    pub mapped: Option<(u64, u64)>,
    /// True when the caller owns its RX buffer (the SPMC wrote it and it was not released).
    pub rx_owned: bool,
    /// The version w1 of the last FFA_VERSION call, `None` before any.
    pub last_version: Option<u32>,
}

/// The state, kept in atomics so that a `static` call layer can update it.
pub struct Ledger {
    tx: AtomicU64,
    rx: AtomicU64,
    mapped: AtomicBool,
    rx_owned: AtomicBool,
    version: AtomicU32,
    asked_version: AtomicBool,
    calls: AtomicU64,
}

/// Bit 0 of w5 of FFA_PARTITION_INFO_GET (v1.1): return the count only, RX untouched.
/// (The version that decides whether the flag exists is the one the endpoint asked for last.)
const COUNT_ONLY: u64 = 1;

impl Ledger {
    /// Nothing mapped, nothing owned, no version asked.
    pub const fn new() -> Self {
        Self {
            tx: AtomicU64::new(0),
            rx: AtomicU64::new(0),
            mapped: AtomicBool::new(false),
            rx_owned: AtomicBool::new(false),
            version: AtomicU32::new(0),
            asked_version: AtomicBool::new(false),
            calls: AtomicU64::new(0),
        }
    }

    /// Takes note of one call and what it returned.
    pub fn observe(&self, call: &Regs, answer: &Regs) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let func = call.func();
        if func == FuncId::VERSION {
            self.version.store(call.w(1), Ordering::Relaxed);
            self.asked_version.store(true, Ordering::Relaxed);
            return;
        }
        if !answer.is_success() {
            return;
        }
        match func {
            FuncId::RXTX_MAP_32 | FuncId::RXTX_MAP_64 => {
                let (tx, rx) = if func == FuncId::RXTX_MAP_32 {
                    (u64::from(call.w(1)), u64::from(call.w(2)))
                } else {
                    (call.x(1), call.x(2))
                };
                self.tx.store(tx, Ordering::Relaxed);
                self.rx.store(rx, Ordering::Relaxed);
                self.mapped.store(true, Ordering::Relaxed);
                self.rx_owned.store(false, Ordering::Relaxed);
            }
            FuncId::RXTX_UNMAP => {
                self.mapped.store(false, Ordering::Relaxed);
                self.rx_owned.store(false, Ordering::Relaxed);
            }
            FuncId::RX_RELEASE => self.rx_owned.store(false, Ordering::Relaxed),
            FuncId::PARTITION_INFO_GET if call.x(5) & COUNT_ONLY == 0 || self.asked_v1_0() => {
                self.rx_owned.store(true, Ordering::Relaxed)
            }
            FuncId::MEM_RETRIEVE_REQ_32 | FuncId::MEM_RETRIEVE_REQ_64 | FuncId::MEM_FRAG_RX | FuncId::RX_ACQUIRE => {
                self.rx_owned.store(true, Ordering::Relaxed)
            }
            _ => {}
        }
    }

    /// True when the version asked last is 1.0, which has no count-only flag: w5 is reserved
    /// there, and a successful listing always fills RX.
    fn asked_v1_0(&self) -> bool {
        self.asked_version.load(Ordering::Relaxed) && self.version.load(Ordering::Relaxed) == 0x1_0000
    }

    /// How many calls were made so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The state as the calls so far left it.
    pub fn state(&self) -> EndpointState {
        EndpointState {
            mapped: self
                .mapped
                .load(Ordering::Relaxed)
                .then(|| (self.tx.load(Ordering::Relaxed), self.rx.load(Ordering::Relaxed))),
            rx_owned: self.rx_owned.load(Ordering::Relaxed),
            last_version: self.asked_version.load(Ordering::Relaxed).then(|| self.version.load(Ordering::Relaxed)),
        }
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Regs {
        Regs::call(FuncId::SUCCESS_32)
    }

    #[test]
    fn follows_map_info_release_unmap_and_version() {
        let l = Ledger::new();
        assert_eq!(l.state(), EndpointState { mapped: None, rx_owned: false, last_version: None });
        l.observe(&Regs::call(FuncId::VERSION).with(1, 0x1_0001), &Regs::call(FuncId(0x1_0002)));
        l.observe(&Regs::call(FuncId::RXTX_MAP_64).with(1, 0x1000).with(2, 0x2000).with(3, 1), &ok());
        assert_eq!(
            l.state(),
            EndpointState { mapped: Some((0x1000, 0x2000)), rx_owned: false, last_version: Some(0x1_0001) }
        );
        l.observe(&Regs::call(FuncId::PARTITION_INFO_GET).with(5, COUNT_ONLY), &ok());
        assert!(!l.state().rx_owned, "count-only leaves RX with the producer");
        l.observe(&Regs::call(FuncId::PARTITION_INFO_GET), &ok());
        assert!(l.state().rx_owned);
        l.observe(&Regs::call(FuncId::RX_RELEASE), &Regs::call(FuncId::ERROR).with(2, (-6i32) as u32 as u64));
        assert!(l.state().rx_owned, "a refused release changes nothing");
        l.observe(&Regs::call(FuncId::RX_RELEASE), &ok());
        assert!(!l.state().rx_owned);
        l.observe(&Regs::call(FuncId::RXTX_MAP_32).with(1, 0xffff_ffff_0000_3000).with(2, 0x4000), &ok());
        assert_eq!(l.state().mapped, Some((0x3000, 0x4000)), "SMC32 addresses are the low 32 bits");
        l.observe(&Regs::call(FuncId::RXTX_UNMAP), &ok());
        assert_eq!(l.state().mapped, None);
        l.observe(&Regs::call(FuncId::VERSION).with(1, 0x1_0000), &Regs::call(FuncId(0x1_0002)));
        l.observe(&Regs::call(FuncId::PARTITION_INFO_GET).with(5, COUNT_ONLY), &ok());
        assert!(l.state().rx_owned, "v1.0 has no count-only flag: the listing filled RX");
    }
}
