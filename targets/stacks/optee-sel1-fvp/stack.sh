# optee-sel1-fvp: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD) + OP-TEE 4.10 as the S-EL1 SPMC
# for the Arm FVP Base RevC (TF-A PLAT=fvp, OP-TEE PLATFORM=vexpress-fvp), the optee-sel1
# stack's SPMC on the model instead of QEMU: optee-sel1's recipe with the platform variables
# changed. OP-TEE has 8 cores (two clusters of four); TF-A's SPMC manifest is its own for
# OP-TEE at S-EL1 (plat/arm/board/fvp/fdts/fvp_spmc_el1_optee_manifest.dts: spmc_id 0x8000,
# FF-A 1.1, OP-TEE at 0x06000000 in trusted DRAM, where vexpress-fvp links it). The
# `platform` file beside this one says the runner cannot boot it in QEMU: `make run
# PLATFORM=fvp STACK=optee-sel1-fvp FVP=/path/to/FVP_Base_RevC-2xAEMvA` packs the FVP ns
# image into its FIP and boots the model. Built, not run, by `make test` (there is no model).
# shellcheck source=../optee-sel1/stack.sh
. "$STACK_DIR/../optee-sel1/stack.sh"
STACK_DESCRIPTION="$STACK_DESCRIPTION (FVP)"
OPTEE_PLATFORM=vexpress-fvp
OPTEE_CORES=8
TFA_PLAT=fvp
TFA_PLAT_FLAGS=(ARM_SPMC_MANIFEST_DTS=plat/arm/board/fvp/fdts/fvp_spmc_el1_optee_manifest.dts)
# For the build script's cache key: the recipe this one reuses.
STACK_SHARED_DIR="$STACK_DIR/../optee-sel1"
