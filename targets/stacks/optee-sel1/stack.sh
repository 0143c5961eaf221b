# optee-sel1: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD) + OP-TEE 4.10 as the S-EL1 SPMC,
# on QEMU virt. Sourced by scripts/build-stack.sh, which sets TFA_SRC, OPTEE_SRC, OUT, LOGS,
# STACK_DIR, PLACEHOLDER_BL33 and the helpers `step` and `run_logged`.
# The SPMC manifest's min_ver must be 1, or the SPMD answers FFA_VERSION itself with 1.0
# and never tells OP-TEE.
# A stack that builds the same SPMC for another platform (optee-sel1-fvp) sources this file
# and sets the four platform variables below after it.
STACK_SOURCES="arm-trusted-firmware optee-os"
STACK_DESCRIPTION="TF-A 2.12.1 SPMD + OP-TEE 4.10.0 S-EL1 SPMC"
# OP-TEE's platform and core count, TF-A's platform, and TF-A's platform-specific flags.
OPTEE_PLATFORM=vexpress-qemu_armv8a
OPTEE_CORES=4
TFA_PLAT=qemu
TFA_PLAT_FLAGS=(QEMU_USE_GIC_DRIVER=QEMU_GICV3 BL32_RAM_LOCATION=tdram
	"QEMU_TOS_FW_CONFIG_DTS=$STACK_DIR/spmc-manifest.dts")

stack_build() {
	step "building OP-TEE 4.10 ($OPTEE_PLATFORM) as S-EL1 SPMC (about 1-2 minutes)"
	run_logged optee make -C "$OPTEE_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CROSS_COMPILE_core=aarch64-linux-gnu- \
		CROSS_COMPILE_ta_arm64=aarch64-linux-gnu- PYTHON3=/usr/bin/python3 \
		PLATFORM="$OPTEE_PLATFORM" CFG_ARM64_core=y CFG_USER_TA_TARGETS=ta_arm64 \
		CFG_ARM_GICV3=y CFG_CORE_SEL1_SPMC=y CFG_TEE_CORE_NB_CORE="$OPTEE_CORES" \
		CFG_TEE_CORE_LOG_LEVEL=2 DEBUG=0 O="$OUT/optee" all
	step "building TF-A 2.12.1 (PLAT=$TFA_PLAT: BL1, BL2, BL31 + SPMD, fiptool)"
	run_logged tfa make -C "$TFA_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CFLAGS=--param=min-pagesize=0 \
		BUILD_BASE="$OUT/tfa" PLAT="$TFA_PLAT" DEBUG=0 LOG_LEVEL=30 \
		SPD=spmd SPMD_SPM_AT_SEL2=0 SPMC_OPTEE=1 CTX_INCLUDE_EL2_REGS=0 \
		ENABLE_SME_FOR_NS=0 ENABLE_SME_FOR_SWD=0 "${TFA_PLAT_FLAGS[@]}" \
		BL32="$OUT/optee/core/tee-header_v2.bin" \
		BL32_EXTRA1="$OUT/optee/core/tee-pager_v2.bin" \
		BL32_EXTRA2="$OUT/optee/core/tee-pageable_v2.bin" \
		BL33="$PLACEHOLDER_BL33" all fip
	cp "$OUT/tfa/$TFA_PLAT/release/bl1.bin" "$OUT/tfa/$TFA_PLAT/release/fip.bin" "$OUT/"
}
