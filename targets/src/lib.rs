//! ffa-targets: what the bootable images share beyond the harness: their entry code and the
//! platform ports, and the sp's entry every sp instance shares. The images themselves are the
//! `src/bin/*` binaries.
#![cfg_attr(target_os = "none", no_std)]

#[cfg(target_os = "none")]
mod entry;
#[cfg(target_os = "none")]
pub mod platform;
mod sp_bin;
#[cfg(target_os = "none")]
pub mod sp_image;
