//! Bare-metal AArch64 support shared by the images: the SMC conduit, exception vectors that
//! turn faults into case outcomes, the generic-timer watchdog behind the GIC, the console,
//! the MMU, the secondary cores, the calls in flight and the hang monitor that watches them
//! from an idle core, the [`Board`] facts, the [`BareMetal`] platform the executor runs on,
//! the ns image's hold point for snapshots, and a deliberate undefined instruction for the
//! fault self-tests.

mod board;
mod calls_in_flight;
mod conduit;
mod console;
mod cores;
mod fault;
mod gic;
mod hang_monitor;
mod hold;
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
