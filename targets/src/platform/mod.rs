//! Platform ports: one file per board (its cores, GIC, console, argument channel and the ns
//! image's memory map), and one per stack that runs the sp on it (the sp's memory map).

pub mod qemu_virt;
pub mod qemu_virt_el3_spmc;
