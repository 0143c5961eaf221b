//! ffa-cases: the conformance cases, one module per ABI family. Every file registers its own
//! cases in `ffa_harness::CASES`; nothing else lists them.
#![no_std]

mod common;
mod messaging;
mod setup;

#[cfg(all(feature = "self-test", target_os = "none"))]
mod selftest;
