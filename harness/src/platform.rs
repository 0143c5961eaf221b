//! What the executor needs from the machine it runs on: a console for events, a clock, a
//! watchdog for per-case timeouts, a way to restart on a fresh stack after a fault, and exit.
//! The bare-metal implementation is `arch::BareMetal`; host tests use a fake.

/// Facts about the machine that cases need (addresses they must not be able to share).
#[derive(Clone, Copy, Debug)]
pub struct MachineInfo {
    /// The platform's name, as results report it.
    pub name: &'static str,
    /// A page-aligned address in secure memory that the normal world must not hand to the
    /// SPMC as a buffer.
    pub secure_ram: u64,
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
    /// Ends the run with an exit code (0 all green, 1 failures, >1 harness errors).
    fn exit(&self, code: u32) -> !;
}
