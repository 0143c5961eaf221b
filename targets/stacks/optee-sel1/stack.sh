# optee-sel1: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD) + OP-TEE 4.10 as the S-EL1 SPMC,
# on QEMU virt. Sourced by scripts/build-stack.sh, which sets TFA_SRC, OPTEE_SRC, OUT, LOGS,
# STACK_DIR, PLACEHOLDER_BL33 and the helpers `step` and `run_logged`.
# The SPMC manifest's min_ver must be 1, or the SPMD answers FFA_VERSION itself with 1.0
# and never tells OP-TEE.
STACK_SOURCES="arm-trusted-firmware optee-os"
STACK_DESCRIPTION="TF-A 2.12.1 SPMD + OP-TEE 4.10.0 S-EL1 SPMC"

stack_build() {
	step "building OP-TEE 4.10 as S-EL1 SPMC (about 1-2 minutes)"
	run_logged optee make -C "$OPTEE_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CROSS_COMPILE_core=aarch64-linux-gnu- \
		CROSS_COMPILE_ta_arm64=aarch64-linux-gnu- PYTHON3=/usr/bin/python3 \
		PLATFORM=vexpress-qemu_armv8a CFG_ARM64_core=y CFG_USER_TA_TARGETS=ta_arm64 \
		CFG_ARM_GICV3=y CFG_CORE_SEL1_SPMC=y CFG_TEE_CORE_NB_CORE=4 \
		CFG_TEE_CORE_LOG_LEVEL=2 DEBUG=0 O="$OUT/optee" all
	step "building TF-A 2.12.1 (BL1, BL2, BL31 + SPMD, fiptool)"
	run_logged tfa make -C "$TFA_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CFLAGS=--param=min-pagesize=0 \
		BUILD_BASE="$OUT/tfa" PLAT=qemu QEMU_USE_GIC_DRIVER=QEMU_GICV3 DEBUG=0 LOG_LEVEL=30 \
		SPD=spmd SPMD_SPM_AT_SEL2=0 SPMC_OPTEE=1 CTX_INCLUDE_EL2_REGS=0 \
		ENABLE_SME_FOR_NS=0 ENABLE_SME_FOR_SWD=0 BL32_RAM_LOCATION=tdram \
		QEMU_TOS_FW_CONFIG_DTS="$STACK_DIR/spmc-manifest.dts" \
		BL32="$OUT/optee/core/tee-header_v2.bin" \
		BL32_EXTRA1="$OUT/optee/core/tee-pager_v2.bin" \
		BL32_EXTRA2="$OUT/optee/core/tee-pageable_v2.bin" \
		BL33="$PLACEHOLDER_BL33" all fip
	cp "$OUT/tfa/qemu/release/bl1.bin" "$OUT/tfa/qemu/release/fip.bin" "$OUT/"
}
