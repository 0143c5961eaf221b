//! Platform ports: memory map, GIC and console of each machine an image runs on.

pub mod qemu_virt;
pub mod qemu_virt_secure;
