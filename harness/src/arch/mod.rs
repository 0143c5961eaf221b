//! Bare-metal AArch64 support shared by the images: the SMC conduit, exception vectors that
//! turn faults into case outcomes, the generic-timer watchdog behind the GICv3, the console,
//! the MMU, the secondary cores, and the [`BareMetal`] platform the executor runs on.

mod conduit;
mod console;
mod cores;
mod fault;
pub mod mmu;
mod platform;
mod watchdog;

pub use conduit::Smc;
pub use console::Console;
pub use cores::spmc_secondary_entry;
pub use fault::install_vectors;
pub use platform::{set_restart_entry, BareMetal, GicBases};
