//! A scripted SPMC for host tests: it answers every call with a function the test gives, so
//! that a test can play an SPMC that breaks one rule and show that the case checking that
//! rule fails (and that it passes against one that keeps it).

use ffa_harness::ffa::{Conduit, Ffa, FfaError, FuncId, Regs, Version, CALLEE_SAVED_CANARY};
use ffa_harness::platform::{MachineInfo, Platform};
use ffa_harness::{CaseResult, Ctx, Session};

/// How the scripted SPMC answers one call; `callee_saved` is what x18..x30 hold after it.
pub struct Script {
    /// The answer to a call.
    pub answer: fn(&Regs) -> Regs,
    /// x18..x30 after a call (the canaries when the SPMC preserves them).
    pub callee_saved: fn() -> [u64; 13],
}

impl Conduit for Script {
    fn call(&self, regs: Regs) -> Regs {
        (self.answer)(&regs)
    }

    fn call_probing_callee_saved(&self, regs: Regs) -> (Regs, [u64; 13]) {
        ((self.answer)(&regs), (self.callee_saved)())
    }
}

/// x18..x30 as a preserving callee leaves them.
pub fn preserved() -> [u64; 13] {
    core::array::from_fn(|i| CALLEE_SAVED_CANARY | (18 + i) as u64)
}

/// FFA_SUCCESS_32 with nothing in it.
pub fn success() -> Regs {
    Regs::call(FuncId::SUCCESS_32)
}

/// FFA_ERROR(`e`).
pub fn error(e: FfaError) -> Regs {
    Regs::call(FuncId::ERROR).with(2, e.code() as u32 as u64)
}

/// The machine under the scripted SPMC: one core, no watchdog, nothing to restart.
struct Host(MachineInfo);

impl Platform for Host {
    fn info(&self) -> &MachineInfo {
        &self.0
    }
    fn emit(&self, line: &str) {
        println!("{line}");
    }
    fn now_us(&self) -> u64 {
        0
    }
    fn arm_watchdog(&self, _: u32) {}
    fn disarm_watchdog(&self) {}
    fn restart(&self, _: usize) -> ! {
        panic!("a host test restarted the image")
    }
    fn exit(&self, code: u32) -> ! {
        panic!("a host test exited with {code}")
    }
}

/// Runs case body `body` at FF-A `version` against the scripted SPMC, with `spmc_id` as the
/// session's SPMC ID.
pub fn run(script: Script, version: Version, spmc_id: u16, body: fn(&mut Ctx) -> CaseResult) -> CaseResult {
    let conduit: &'static Script = Box::leak(Box::new(script));
    let ffa = Ffa::new(conduit);
    let session = Session { requested: version, returned: 0x1_0002, negotiated: version, own_id: 0, spmc_id };
    let host = Host(MachineInfo { name: "scripted", secure_ram: 0x0e10_0000, not_ns_memory: 0 });
    let mut ctx = Ctx::new(&ffa, &session, &host);
    body(&mut ctx)
}
