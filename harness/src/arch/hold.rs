//! The ns image's hold point, where the runner snapshots a booted machine: everything the image
//! set up before it (vectors, MMU, GIC, the watchdog's timer) is in the snapshot, and nothing
//! host-side is open across it (the image reads its arguments after it, and semihosting keeps
//! no handle of the console lines before it). While the command line says `hold` the image
//! prints `held` once and naps on its timer between looks at the line; only a machine restored
//! into a QEMU started with other arguments reads another line and goes on.

use super::platform::BareMetal;
use super::watchdog;
use crate::args::holds;
use crate::event::Event;
use crate::executor::emit;
use core::mem::MaybeUninit;

/// The nap between two looks at the command line: a restored machine goes on within it.
const LOOK_EVERY_US: u32 = 1000;

impl BareMetal {
    /// The run's arguments, as [`BareMetal::command_line`] reads them, once they no longer say
    /// `hold`.
    pub fn command_line_after_hold<'a>(&self, buf: &'a mut [MaybeUninit<u8>]) -> &'a str {
        let mut announced = false;
        while holds(self.command_line(buf)) {
            if !announced {
                emit(self, Event::Held);
                announced = true;
            }
            watchdog::nap(LOOK_EVERY_US);
        }
        self.command_line(buf)
    }
}
