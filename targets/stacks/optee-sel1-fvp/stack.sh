# optee-sel1-fvp: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD) + OP-TEE 4.10 as the S-EL1 SPMC
# for the Arm FVP Base RevC (TF-A PLAT=fvp, OP-TEE PLATFORM=vexpress-fvp), the optee-sel1
# stack's SPMC on the model instead of QEMU. The recipe differs from optee-sel1's where the
# platforms do: OP-TEE's platform and core count (8, two clusters of four), TF-A's platform
# and its SPMC manifest, TF-A's own for OP-TEE at S-EL1
# (plat/arm/board/fvp/fdts/fvp_spmc_el1_optee_manifest.dts: spmc_id 0x8000, FF-A 1.1, OP-TEE
# at 0x06000000 in trusted DRAM, where vexpress-fvp links it). The `platform` file beside
# this one says the runner cannot boot it in QEMU: `make run PLATFORM=fvp STACK=optee-sel1-fvp
# FVP=/path/to/FVP_Base_RevC-2xAEMvA` packs the FVP ns image into its FIP and boots the model.
# Built, not run, by `make test` (there is no model here).
STACK_SOURCES="arm-trusted-firmware optee-os"
STACK_DESCRIPTION="TF-A 2.12.1 SPMD + OP-TEE 4.10.0 S-EL1 SPMC (FVP)"

stack_build() {
	step "building OP-TEE 4.10 for the FVP as S-EL1 SPMC (about 1-2 minutes)"
	run_logged optee make -C "$OPTEE_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CROSS_COMPILE_core=aarch64-linux-gnu- \
		CROSS_COMPILE_ta_arm64=aarch64-linux-gnu- PYTHON3=/usr/bin/python3 \
		PLATFORM=vexpress-fvp CFG_ARM64_core=y CFG_USER_TA_TARGETS=ta_arm64 \
		CFG_ARM_GICV3=y CFG_CORE_SEL1_SPMC=y CFG_TEE_CORE_NB_CORE=8 \
		CFG_TEE_CORE_LOG_LEVEL=2 DEBUG=0 O="$OUT/optee" all
	step "building TF-A 2.12.1 for the FVP (BL1, BL2, BL31 + SPMD, fiptool)"
	run_logged tfa make -C "$TFA_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CFLAGS=--param=min-pagesize=0 \
		BUILD_BASE="$OUT/tfa" PLAT=fvp DEBUG=0 LOG_LEVEL=30 \
		SPD=spmd SPMD_SPM_AT_SEL2=0 SPMC_OPTEE=1 CTX_INCLUDE_EL2_REGS=0 \
		ENABLE_SME_FOR_NS=0 ENABLE_SME_FOR_SWD=0 \
		ARM_SPMC_MANIFEST_DTS=plat/arm/board/fvp/fdts/fvp_spmc_el1_optee_manifest.dts \
		BL32="$OUT/optee/core/tee-header_v2.bin" \
		BL32_EXTRA1="$OUT/optee/core/tee-pager_v2.bin" \
		BL32_EXTRA2="$OUT/optee/core/tee-pageable_v2.bin" \
		BL33="$PLACEHOLDER_BL33" all fip
	cp "$OUT/tfa/fvp/release/bl1.bin" "$OUT/tfa/fvp/release/fip.bin" "$OUT/"
}
