# tfa-el3-fvp: the tfa-el3 stack (TF-A 2.12.1 SPMD + EL3 SPMC, the suite's sp as BL32) for the
# Arm FVP Base RevC (TF-A PLAT=fvp): tfa-el3's recipe with the platform changed. On FVP with
# SPMC_AT_EL3=1, BL2 loads BL32 at BL32_BASE = ARM_AP_TZC_DRAM1_BASE + 2 MB = 0xff200000
# (include/plat/arm/common/arm_def.h, DRAM1's top 16 MB being secure), where the sp built for
# it is linked (targets/ld/platform/sp-fvp-el3-spmc.ld), and plat/arm/board/fvp/platform.mk
# takes the SP's manifest as ARM_SPMC_MANIFEST_DTS (the FIP's TOS_FW_CONFIG, as TF-A's own
# fvp_tsp_sp_manifest.dts for its TSP). The `platform` file beside this one says the runner
# cannot boot it in QEMU: `make run PLATFORM=fvp STACK=tfa-el3-fvp FVP=MODEL` packs the FVP
# ns and sp images into its FIP and boots the model. Built and packed, not run, by `make test`.
# shellcheck source=../tfa-el3/stack.sh
. "$STACK_DIR/../tfa-el3/stack.sh"
STACK_DESCRIPTION="$STACK_DESCRIPTION (FVP)"
TFA_PLAT=fvp
TFA_PLAT_FLAGS=("ARM_SPMC_MANIFEST_DTS=$STACK_DIR/sp-manifest.dts")
# For the build script's cache key: the recipe this one reuses.
STACK_SHARED_DIR="$STACK_DIR/../tfa-el3"
