//! What the executor needs from the machine it runs on: a console for events, a clock, a
//! watchdog for per-case timeouts, a hang monitor for calls that do not return and the
//! longest call of each case, a way to restart on a fresh stack after a fault, the other
//! cores, and exit. The bare-metal implementation is `arch::BareMetal`; host tests use a fake.

use crate::cores::{CoreJob, CoreResults};
use crate::ctx::Ctx;
use crate::ffa::FuncId;

/// Facts about the machine that cases need (addresses they must not be able to share).
#[derive(Clone, Copy, Debug)]
pub struct MachineInfo {
    /// The platform's name, as results report it.
    pub name: &'static str,
    /// A page-aligned address in secure memory that the normal world must not hand to the
    /// SPMC as a buffer.
    pub secure_ram: u64,
    /// A page-aligned address that is no memory the normal world owns.
    pub not_ns_memory: u64,
}

/// The longest FF-A call of a case that returned, on any core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongestCall {
    /// How long it took, from the `smc` to its return.
    pub micros: u64,
    /// Its function ID.
    pub func: FuncId,
}

/// The machine under the executor.
pub trait Platform: Sync {
    /// What cases may know about the machine.
    fn info(&self) -> &MachineInfo;
    /// Writes one console line (no trailing newline in `line`).
    fn emit(&self, line: &str);
    /// Microseconds since boot.
    fn now_us(&self) -> u64;
    /// Arms the per-case watchdog and unmasks its interrupt.
    fn arm_watchdog(&self, ms: u32);
    /// Disarms the watchdog.
    fn disarm_watchdog(&self);
    /// Abandons the current stack and continues on a fresh one at the image's restart entry
    /// (the ns executor's `run_from(next)`, the sp's message loop).
    fn restart(&self, next: usize) -> !;
    /// How many cores can run jobs, the boot core (index 0) included.
    fn core_count(&self) -> usize {
        1
    }
    /// The index of the core running this (0 is the boot core).
    fn this_core(&self) -> usize {
        0
    }
    /// The running core's MPIDR_EL1.
    fn mpidr(&self) -> u64 {
        0
    }
    /// Runs `job` on every core whose bit is set in `cores` (bit 0 is the boot core, which runs
    /// its share itself with `ctx`'s session), releases them together, and writes what each
    /// returned into `out`. A fault or a hang of the job on another core ends the case as
    /// `crash` or `timeout` with the core named, as on the boot core: this does not return then.
    fn run_on_cores(&self, ctx: &Ctx<'_>, cores: u32, job: CoreJob, out: &mut CoreResults) {
        if cores & 1 != 0 {
            out[0] = Some(job(&mut Ctx::new(ctx.ffa, ctx.session, ctx.platform)));
        }
    }
    /// Enables (`on`) or disables interrupt `intid`, an SGI or PPI, on the running core as a
    /// non-secure Group 1 interrupt taken by the image; [`crate::interrupts`] counts it when
    /// it is taken while the case runs (IRQs are unmasked while the watchdog is armed). False
    /// when the machine has no such interrupt controller.
    fn route_interrupt(&self, _intid: u32, _on: bool) -> bool {
        false
    }
    /// Hafnium's paravirtualised interface, which a partition it hosts reaches with `hvc #0`
    /// (x0 the function ID, `inc/vmapi/hf/abi.h`; Hafnium refuses these IDs over SMC): x0 of
    /// the answer. `None` where the image cannot make the call.
    fn paravirtual_call(&self, _args: [u64; 4]) -> Option<u64> {
        None
    }
    /// Starts the hang monitor: the idle secondary cores watch every other core's FF-A call
    /// and report one that has not returned after `limit_ms` (event `stuck`), since nothing
    /// on the calling core can. Returns how many cores were started to watch (0 where none
    /// can).
    fn watch_calls(&self, _limit_ms: u32) -> usize {
        0
    }
    /// A case starts: its longest call is measured from here, and `until_timeout` lets its calls
    /// last until its watchdog fires before the hang monitor counts one as stuck.
    fn begin_case_calls(&self, _until_timeout: bool) {}
    /// The longest FF-A call that returned since [`Platform::begin_case_calls`], if the
    /// platform measures them.
    fn longest_call(&self) -> Option<LongestCall> {
        None
    }
    /// Ends the run with an exit code (0 all green, 1 failures, >1 harness errors).
    fn exit(&self, code: u32) -> !;
}
