//! ffa-targets: what the bootable images share beyond the harness: their entry code and the
//! platform ports. The images themselves are the `src/bin/*` binaries.
#![cfg_attr(target_os = "none", no_std)]

#[cfg(target_os = "none")]
mod entry;
#[cfg(target_os = "none")]
pub mod platform;
