//! QEMU `virt` with `gic-version=2` behind TF-A's PLAT=qemu built with
//! `QEMU_USE_GIC_DRIVER=QEMU_GICV2` (stack `tfa-el3-gicv2`): the same board as [`QEMU_VIRT`]
//! but for its interrupt controller, a GICv2 with the distributor at 0x08000000 and the CPU
//! interface at 0x08010000 (QEMU hw/arm/virt.c `VIRT_GIC_DIST`, `VIRT_GIC_CPU`; TF-A
//! plat/qemu/qemu/include/platform_def.h `GICD_BASE`, `GICC_BASE`). It proves the GICv2 path
//! Juno's GIC-400 takes, on a machine that runs here.

use super::qemu_virt::QEMU_VIRT;
use ffa_harness::arch::{BareMetal, Board, GicKind};

/// The board.
pub static QEMU_VIRT_GICV2: Board =
    Board { name: "qemu-virt-gicv2", gic: GicKind::V2 { gicd: 0x0800_0000, gicc: 0x0801_0000 }, ..QEMU_VIRT };

/// The ns image's services on it.
pub static MACHINE: BareMetal = BareMetal::new(&QEMU_VIRT_GICV2);
