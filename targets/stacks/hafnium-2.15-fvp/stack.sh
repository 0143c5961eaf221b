# hafnium-2.15-fvp: TF-A 2.12.1 SPMD + Hafnium v2.15.0 as the S-EL2 SPMC for the Arm FVP Base
# RevC, with the suite's sp as its one partition: the hafnium-2.15 stack's recipe
# (../hafnium-common/hafnium.sh, which sets the cache key's STACK_SHARED_DIR) with the
# platform changed. Hafnium's platform is its
# project/reference `secure_aem_v8a_fvp_vhe` (origin 0x06000000 = TF-A fvp's
# PLAT_ARM_SPMC_BASE, GICv3 at 0x2f000000, its log on UART0 0x1c090000, SMMUv3 at 0x2b400000,
# eight cores); TF-A's is PLAT=fvp at Armv8.5 (FEAT_SEL2, as Hafnium's docs build it), which
# takes the SPMC manifest as ARM_SPMC_MANIFEST_DTS and puts the secure-partitions list that
# its sptool generates from the layout (sp_list_fragment.dts: the sp manifest's UUID and
# load-address) into fvp_tb_fw_config.dts through ARM_BL2_SP_LIST_DTS, as TF-A's CI does.
# The `platform` file beside this one says the runner cannot boot it in QEMU: `make run
# PLATFORM=fvp STACK=hafnium-2.15-fvp FVP=MODEL` packs the FVP ns image and the sp built for
# Hafnium on the FVP into its FIP and boots the model with the S-EL2 parameters
# (runner/src/fvp.rs). Built and packed, not run, by `make test`.
# The release: hafnium-2.15's, the newest pinned.
HAFNIUM_VERSION=2.15.0
# shellcheck source=../hafnium-common/hafnium.sh
. "$STACK_DIR/../hafnium-common/hafnium.sh"
STACK_DESCRIPTION="$STACK_DESCRIPTION (FVP)"
HAFNIUM_PLATFORM=secure_aem_v8a_fvp_vhe
TFA_PLAT=fvp
TFA_ARCH_MINOR=5
# TB_FW_CONFIG's partitions: the list TF-A's sptool generates from the layout.
HAFNIUM_SP_LIST=
TFA_PLAT_FLAGS=("ARM_SPMC_MANIFEST_DTS=$STACK_DIR/spmc-manifest.dts")
# Its one partition: the primary sp (cases/src/sp/partitions.rs PRIMARY), with the FVP's
# manifest (partitions/sp.dts) and image (the `sp` bin built with features "hafnium fvp").
HAFNIUM_PARTITIONS_DIR=$STACK_DIR/partitions
SP_PARTITIONS="sp"
