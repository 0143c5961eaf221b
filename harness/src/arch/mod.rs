//! Bare-metal AArch64 support shared by the images: the SMC conduit, exception vectors that
//! turn faults into case outcomes, the generic-timer watchdog behind the GIC, the console,
//! the MMU, the secondary cores, the [`Board`] facts, the [`BareMetal`] platform the
//! executor runs on, and a deliberate undefined instruction for the fault self-tests.

mod board;
mod conduit;
mod console;
mod cores;
mod fault;
mod gic;
pub mod mmu;
mod platform;
mod undefined;
mod wake;
mod watchdog;

pub use board::{ArgSource, Board};
pub use conduit::Smc;
pub use console::Console;
pub use cores::spmc_secondary_entry;
pub use fault::install_vectors;
pub use gic::GicKind;
pub use platform::{set_restart_entry, BareMetal};
pub use undefined::raise_undefined_instruction;
