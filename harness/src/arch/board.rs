//! A board: the facts of one machine the images run on, kept apart from the services the
//! executor gets from it ([`super::BareMetal`]). One `static` per board in the targets crate
//! (QEMU virt today; FVP and Juno are one file each): its cores, its interrupt controller, its
//! console, how the run's arguments (case selection, FF-A version, resume point) reach the
//! image, and the memory the ns image maps. What a secure partition maps depends on the stack
//! too (where the SPMC loads it), so that map lives with the stack's sp port, not here.

use super::console::Console;
use super::gic::GicKind;
use super::mmu::Region;

/// How the run's arguments (`version=`, `only=`, `after=`) reach the image.
#[derive(Clone, Copy, Debug)]
pub enum ArgSource {
    /// The semihosting command line (QEMU `-append`, FVP's semihosting cmd_line): the runner
    /// restarts a wedged boot with `after=` the last case reported.
    Semihosting,
    /// Fixed when the image is built; a board without a host channel cannot resume after a
    /// wedge, so its runner boots the whole selection again.
    Fixed(&'static str),
}

/// One board.
#[derive(Debug)]
pub struct Board {
    /// The name results report.
    pub name: &'static str,
    /// Each core's MPIDR affinity, the boot core first (a core's index is its place here).
    pub cores: &'static [u64],
    /// The interrupt controller.
    pub gic: GicKind,
    /// Where events go.
    pub console: Console,
    /// Where the run's arguments come from.
    pub args: ArgSource,
    /// What the ns image maps: its DRAM as Normal memory, the GIC and UARTs as Device.
    pub ns_memory: &'static [Region],
    /// A page-aligned address in secure memory that the normal world must not be able to hand
    /// to the SPMC as a buffer.
    pub secure_ram: u64,
    /// A page-aligned address that is no memory the normal world owns (not its DRAM, not a
    /// device it may share): what a buffer address it does not own looks like.
    pub not_ns_memory: u64,
}
