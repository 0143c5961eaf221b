//! What the boot loop needs from a way of booting the image: start a boot with some image
//! arguments, then read its console output line by line with a timeout. QEMU implements it
//! for real runs; tests replay scripted streams.

use crate::image_args::ImageArgs;
use std::time::{Duration, Instant};

/// What a running boot produced next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// One console line (firmware log or event), without its line ending.
    Line(String),
    /// The boot ended on its own with this exit code (`None`: killed by a signal).
    Exited(Option<i32>),
    /// Nothing arrived within the timeout.
    Silent,
}

/// One running boot. Dropping it must stop the boot too.
pub trait BootSession {
    /// Waits at most `timeout` for the next output.
    fn next(&mut self, timeout: Duration) -> Output;
    /// Stops the boot and reaps it.
    fn kill(&mut self);
    /// The CPU time the boot's process has used so far (`None`: not known, e.g. a board).
    fn cpu_time(&self) -> Option<Duration> {
        None
    }
    /// Writes a byte to the receiver of the platform's secure UART (QEMU's UART1), which the
    /// image asks for with `secure-uart-input`.
    fn secure_uart_input(&mut self) -> Result<(), String> {
        Err("this platform's secure UART is not the runner's to write to".into())
    }
}

/// A started boot and the command that started it (for the logs).
pub struct Spawned {
    /// The command line, for the `# boot N:` separator of `events.log`.
    pub command: String,
    /// The running boot.
    pub session: Box<dyn BootSession>,
    /// The snapshot of the firmware's boot it was restored from (`None`: the firmware booted).
    pub snapshot: Option<String>,
    /// When the process that runs it was started (its boot time counts from here).
    pub spawned: Instant,
}

impl Spawned {
    /// A boot of the firmware that started just now.
    pub fn booted(command: String, session: Box<dyn BootSession>) -> Self {
        Self { command, session, snapshot: None, spawned: Instant::now() }
    }
}

/// A way of booting the image.
pub trait Booter {
    /// Starts boot number `boot` (1-based) with `args`. An error means nothing could be
    /// started at all (missing binary, unusable path) and stops the run.
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String>;
}

/// A scripted boot, for tests: its outputs in order, each with the CPU time its process has
/// used once it has been read where the script is metered; when they run out the boot hangs
/// (`Silent`).
#[cfg(test)]
pub struct Script {
    outputs: std::collections::VecDeque<(Output, Option<Duration>)>,
    cpu: Option<Duration>,
}

#[cfg(test)]
impl Script {
    /// A boot whose CPU time is not known.
    pub fn new(outputs: Vec<Output>) -> Self {
        Self { outputs: outputs.into_iter().map(|o| (o, None)).collect(), cpu: None }
    }

    /// A boot whose process has used the CPU time given with each output once it was read.
    pub fn metered(outputs: Vec<(Output, Duration)>) -> Self {
        Self { outputs: outputs.into_iter().map(|(o, cpu)| (o, Some(cpu))).collect(), cpu: Some(Duration::ZERO) }
    }
}

#[cfg(test)]
impl BootSession for Script {
    fn next(&mut self, _timeout: Duration) -> Output {
        let Some((output, cpu)) = self.outputs.pop_front() else { return Output::Silent };
        self.cpu = cpu.or(self.cpu);
        output
    }

    fn kill(&mut self) {
        self.outputs.clear();
    }

    fn cpu_time(&self) -> Option<Duration> {
        self.cpu
    }
}
