//! Platform ports: one file per board (its cores, GIC, console, argument channel and the ns
//! image's memory map), and one per stack that runs the sp on it (the sp's memory map). The
//! board the ns image is built for is a cargo feature of this crate (`fvp`, `juno`,
//! `qemu-virt-gicv2`; none: QEMU virt with its GICv3), and its link address the matching file
//! under `ld/platform/` (build.rs): one build-time choice, no copy of the image. The same
//! holds for the SPMC the sp is built for (feature `hafnium`; none: TF-A's EL3 SPMC): [`sp`]
//! is its port (on the FVP too, with the `fvp` feature).

pub mod fvp;
pub mod fvp_el3_spmc;
pub mod fvp_hafnium;
pub mod juno;
pub mod qemu_virt;
pub mod qemu_virt_el3_spmc;
pub mod qemu_virt_gicv2;
pub mod qemu_virt_hafnium;

#[cfg(any(
    all(feature = "fvp", feature = "juno"),
    all(feature = "fvp", feature = "qemu-virt-gicv2"),
    all(feature = "juno", feature = "qemu-virt-gicv2")
))]
compile_error!("build the ns image for one platform: at most one of the features fvp, juno, qemu-virt-gicv2");

/// The ns image's board and its services, as the platform feature chose.
#[cfg(feature = "fvp")]
pub use fvp::MACHINE;
#[cfg(feature = "juno")]
pub use juno::MACHINE;
#[cfg(not(any(feature = "fvp", feature = "juno", feature = "qemu-virt-gicv2")))]
pub use qemu_virt::MACHINE;
#[cfg(feature = "qemu-virt-gicv2")]
pub use qemu_virt_gicv2::MACHINE;

/// The sp's port (its services and memory map) for the SPMC the `hafnium` feature chose, on
/// QEMU virt or, with the `fvp` feature, on the FVP.
#[cfg(all(feature = "fvp", not(feature = "hafnium")))]
pub use fvp_el3_spmc as sp;
#[cfg(all(feature = "fvp", feature = "hafnium"))]
pub use fvp_hafnium as sp;
#[cfg(all(not(feature = "fvp"), not(feature = "hafnium")))]
pub use qemu_virt_el3_spmc as sp;
#[cfg(all(not(feature = "fvp"), feature = "hafnium"))]
pub use qemu_virt_hafnium as sp;
