//! [`BareMetal`]: the executor's platform on real or emulated hardware.

use super::board::{ArgSource, Board};
use super::{calls_in_flight, console::Console, cores, fault, gic, hang_monitor, watchdog};
use crate::cores::{CoreJob, CoreResults};
use crate::ctx::Ctx;
use crate::global::SetOnce;
use crate::platform::{LongestCall, MachineInfo, Platform};
use core::arch::asm;
use core::mem::MaybeUninit;

/// The executor's services on a bare-metal board.
pub struct BareMetal {
    /// The board.
    pub board: &'static Board,
    /// What cases may know about the machine.
    pub info: MachineInfo,
}

impl BareMetal {
    /// The services over `board`.
    pub const fn new(board: &'static Board) -> Self {
        Self {
            board,
            info: MachineInfo { name: board.name, secure_ram: board.secure_ram, not_ns_memory: board.not_ns_memory },
        }
    }

    /// Sets up the watchdog interrupt and the other cores, which run jobs (powered up on
    /// their first one): the ns image.
    pub fn init(&'static self) {
        cores::init_jobs(self.board.cores, self);
        watchdog::init(self.board.gic, cores::count());
        // Every core up before the image reads its arguments, so that a runner's snapshot of
        // the machine holds them up (each boot would take about 18 ms to start them on
        // Hafnium) and the hang monitor has them before the first case.
        cores::start_all();
    }

    /// Names the cores and what each further execution context runs once the SPMC entered
    /// it at [`super::spmc_secondary_entry`]: the sp.
    pub fn init_contexts(&'static self, secondary_main: fn(usize) -> !) {
        cores::init(self.board.cores, secondary_main);
    }

    /// The run's arguments: the semihosting command line, read once into `buf`, or the
    /// board's fixed ones.
    pub fn command_line<'a>(&self, buf: &'a mut [MaybeUninit<u8>]) -> &'a str {
        match self.board.args {
            ArgSource::Semihosting => match semihosting::sys::arm_compat::sys_get_cmdline_uninit(buf) {
                Ok(bytes) => core::str::from_utf8(bytes).unwrap_or(""),
                Err(_) => "",
            },
            ArgSource::Fixed(args) => args,
        }
    }
}

/// Where [`Platform::restart`] continues: the ns image's executor, or the sp's message loop.
static RESTART_ENTRY: SetOnce<fn(usize) -> !> = SetOnce::new();

/// Sets where execution continues after a fault (see [`Platform::restart`]).
pub fn set_restart_entry(entry: fn(usize) -> !) {
    RESTART_ENTRY.set(entry);
}

#[no_mangle]
extern "C" fn ffa_restart_entry(next: usize) -> ! {
    match RESTART_ENTRY.get() {
        Some(entry) => entry(next),
        None => semihosting::process::exit(5),
    }
}

impl Platform for BareMetal {
    fn info(&self) -> &MachineInfo {
        &self.info
    }

    fn emit(&self, line: &str) {
        self.board.console.line(line);
    }

    fn now_us(&self) -> u64 {
        watchdog::now_us()
    }

    fn arm_watchdog(&self, ms: u32) {
        watchdog::arm(ms);
    }

    fn disarm_watchdog(&self) {
        watchdog::disarm();
    }

    fn core_count(&self) -> usize {
        cores::count()
    }

    fn this_core(&self) -> usize {
        cores::this_core()
    }

    fn mpidr(&self) -> u64 {
        use aarch64_cpu::registers::{Readable, MPIDR_EL1};
        MPIDR_EL1.get()
    }

    fn route_interrupt(&self, intid: u32, on: bool) -> bool {
        let id = match intid {
            0..16 => arm_gic::IntId::sgi(intid),
            16..32 => arm_gic::IntId::ppi(intid - 16),
            _ => return false,
        };
        gic::route(cores::this_core(), id, on)
    }

    fn paravirtual_call(&self, args: [u64; 4]) -> Option<u64> {
        let mut x0 = args[0];
        // SAFETY: `hvc #0` to the S-EL2 SPMC hosting the partition (only Hafnium sends the
        // FFA_INTERRUPT that leads here): x0..x3 in and out as Hafnium's `hf_call` declares
        // them, x4..x17 clobbered as SMCCC allows; no memory of ours is touched.
        unsafe {
            asm!(
                "hvc #0",
                inout("x0") x0, inout("x1") args[1] => _, inout("x2") args[2] => _, inout("x3") args[3] => _,
                out("x4") _, out("x5") _, out("x6") _, out("x7") _, out("x8") _, out("x9") _,
                out("x10") _, out("x11") _, out("x12") _, out("x13") _, out("x14") _, out("x15") _,
                out("x16") _, out("x17") _,
                options(nostack)
            );
        }
        Some(x0)
    }

    fn run_on_cores(&self, ctx: &Ctx<'_>, cores: u32, job: CoreJob, out: &mut CoreResults) {
        cores::run(ctx, cores, job, out);
    }

    fn watch_calls(&self, limit_ms: u32) -> usize {
        hang_monitor::start(limit_ms)
    }

    fn begin_case_calls(&self, until_timeout: bool) {
        calls_in_flight::take_longest();
        calls_in_flight::set_calls_may_run_until_timeout(until_timeout);
    }

    fn longest_call(&self) -> Option<LongestCall> {
        calls_in_flight::take_longest()
    }

    fn restart(&self, next: usize) -> ! {
        fault::recovered();
        fault::unmask_serror();
        let top = fault::reset_stack();
        // SAFETY: everything on the current stack is abandoned: nothing returns into it, and
        // the executor keeps what must survive in statics. ffa_restart_entry never returns.
        unsafe {
            asm!("mov sp, {top}", "b {entry}", top = in(reg) top, entry = sym ffa_restart_entry, in("x0") next, options(noreturn))
        }
    }

    fn exit(&self, code: u32) -> ! {
        match self.board.console {
            Console::Semihosting => semihosting::process::exit(code as i32),
            Console::Pl011(_) => {
                // PSCI SYSTEM_OFF: the board (or model) powers off; the verdict is on the UART.
                let _ = smccc::psci::system_off::<smccc::Smc>();
                loop {
                    aarch64_cpu::asm::wfe();
                }
            }
        }
    }
}
