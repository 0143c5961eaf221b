//! ffa-harness: everything the ffa-cts images share. The FF-A call layer, the descriptor
//! codecs, the case registry and its checks, the event stream, the executor, and (on bare
//! metal) the architecture support: SMC conduit, exception vectors, watchdog, console.
#![cfg_attr(not(test), no_std)]

pub mod args;
pub mod case;
pub mod check;
pub mod command;
pub mod cores;
pub mod ctx;
pub mod desc;
pub mod discovery;
pub mod event;
pub mod executor;
pub mod ffa;
pub mod global;
pub mod interrupts;
pub mod memory;
pub mod notifications;
pub mod outcome;
pub mod pages;
pub mod platform;
pub mod server;
pub mod spec;
pub mod text;

#[cfg(target_os = "none")]
pub mod arch;

pub use case::{Case, Need, CASES};
pub use check::{CaseResult, Expectations, Failure};
pub use ctx::{Ctx, Session};
pub use linkme;
pub use outcome::{Counts, Outcome};
