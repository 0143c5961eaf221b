# tfa-el3: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD and the EL3 SPMC) on QEMU virt, with the
# suite's own S-EL1 secure partition (the `sp` image) as BL32. Sourced by
# scripts/build-stack.sh, which sets TFA_SRC, OUT, LOGS, STACK_DIR, JOBS, PLACEHOLDER_BL32,
# PLACEHOLDER_BL33 and the helpers `step` and `run_logged`.
# There is no SPMC manifest in this mode: TOS_FW_CONFIG
# is the SP's manifest (sp-manifest.dts), which BL31's SPMC parses; the SP is entered at
# BL32_BASE = 0x0e100000. The FIP is built with a placeholder BL32; scripts/pack-firmware.sh
# puts target/images/sp.bin in its place (STACK_NEEDS_SP=1 tells the Makefile to pass it).
# DEBUG=1 keeps the SPMC's assert()s (e.g. the SP's FFA_VERSION must equal the manifest's
# ffa-version) live: they print `ASSERT:` and stop instead of going on in a bad state.
STACK_SOURCES="arm-trusted-firmware"
STACK_DESCRIPTION="TF-A 2.12.1 SPMD + EL3 SPMC, ffa-cts sp (S-EL1)"
STACK_NEEDS_SP=1
# This recipe's own folder, which a stack that reuses it sources it from. Such a stack sets the
# platform after sourcing it: TFA_QEMU_GIC_DRIVER (tfa-el3-gicv2: QEMU_GICV2), or TFA_PLAT and
# TFA_PLAT_FLAGS, TF-A's platform and the flags that name the SP manifest there (tfa-el3-fvp),
# or TFA_SP_MANIFEST, the SP manifest on QEMU (tfa-el3-sp1.0: the sp at FF-A v1.0).
TFA_EL3_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TFA_SP_MANIFEST="$TFA_EL3_DIR/sp-manifest.dts"
TFA_PLAT=qemu
TFA_PLAT_FLAGS=()

stack_build() {
	[ "$TFA_PLAT" != qemu ] || TFA_PLAT_FLAGS=(QEMU_USE_GIC_DRIVER="${TFA_QEMU_GIC_DRIVER:-QEMU_GICV3}"
		QEMU_TOS_FW_CONFIG_DTS="$TFA_SP_MANIFEST")
	step "building TF-A 2.12.1 (PLAT=$TFA_PLAT: BL1, BL2, BL31 + SPMD + EL3 SPMC, fiptool; about 10-30 s)"
	run_logged tfa make -C "$TFA_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CFLAGS=--param=min-pagesize=0 \
		BUILD_BASE="$OUT/tfa" PLAT="$TFA_PLAT" DEBUG=1 LOG_LEVEL=40 \
		SPD=spmd SPMD_SPM_AT_SEL2=0 SPMC_AT_EL3=1 "${TFA_PLAT_FLAGS[@]}" \
		BL32="$PLACEHOLDER_BL32" \
		BL33="$PLACEHOLDER_BL33" all fip
	# DEBUG=1 builds into <plat>/debug (not <plat>/release).
	cp "$OUT/tfa/$TFA_PLAT/debug/bl1.bin" "$OUT/tfa/$TFA_PLAT/debug/fip.bin" "$OUT/"
}
