# tfa-el3-gicv2: the tfa-el3 stack (TF-A 2.12.1 SPMD + EL3 SPMC, the suite's sp as BL32) with
# TF-A's GICv2 driver (QEMU_USE_GIC_DRIVER=QEMU_GICV2) for QEMU virt run with gic-version=2:
# the GICv2 path that Juno's GIC-400 takes, proven on a machine that runs here. The recipe is
# tfa-el3's, with that one flag changed; the `platform` file beside this one names the board
# the ns image is built for and the runner boots (qemu-virt-gicv2).
# shellcheck source=../tfa-el3/stack.sh
. "$STACK_DIR/../tfa-el3/stack.sh"
TFA_QEMU_GIC_DRIVER=QEMU_GICV2
STACK_DESCRIPTION="$STACK_DESCRIPTION, GICv2"
# For the build script's cache key (the recipe it reuses) and QEMU's -machine (gic-version=2),
# where the build script reads them.
STACK_SHARED_DIR="$STACK_DIR/../tfa-el3"
STACK_QEMU_MACHINE="virt,secure=on,gic-version=2,virtualization=on"
