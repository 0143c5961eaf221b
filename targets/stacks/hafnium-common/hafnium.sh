# What every hafnium-<release> stack shares: TF-A 2.12.1 (BL1, BL2, BL31 with the SPMD, SPMC
# at S-EL2) + Hafnium as the S-EL2 SPMC (BL32) on QEMU virt. A stack's stack.sh sets
# HAFNIUM_VERSION (a Hafnium release pinned in targets/stacks/sources.lock) and
# STACK_FFA_VERSIONS (the FF-A versions that release agrees to), then sources this file;
# scripts/build-stack.sh then calls stack_build with TFA_SRC, OUT, LOGS, JOBS,
# PLACEHOLDER_BL33, `source_dir` and the helpers `step` and `run_logged`.
#
# Hafnium is built from its own tree (the SPMC platform `secure_qemu_aarch64` of its
# project/reference: origin 0x0e100000 = TF-A qemu's BL32_BASE, GICv3, PL011 UART0) with
# Debian's clang-19/lld-19/llvm-19 (clang-14 lacks -fsanitize=memtag-stack, which the
# platform's enable_mte asks for), gn and ninja. Two parts of its tree are not in the pinned
# sources and are stood in for from hafnium-common/: third_party/dtc (upstream libfdt, see
# libfdt/BUILD.gn) and third_party/googletest (a stub, googletest.BUILD.gn).
#
# TF-A's SPMD_SPM_AT_SEL2=1 puts Hafnium's manifest in TOS_FW_CONFIG and needs TB_FW_CONFIG
# and an SP_LAYOUT_FILE, from which its sptool packs each partition (header, manifest DTB at
# 0x1000, image at 0x4000) into the FIP under the partition's UUID. The partitions are
# instances of the suite's sp (partitions/*.dts, SP_PARTITIONS): the build packs a stand-in
# image (placeholder-sp/) under each manifest, and keeps the manifests' DTBs, sptool and
# `sp-packages` (each FIP entry's UUID) in $OUT so that scripts/pack-firmware.sh packs the
# sp images built for Hafnium in their place.
# QEMU must offer what both were built
# for: S-EL2 (virtualization=on), MTE (mte=on; Hafnium with enable_mte hangs at its MMU set-up
# without it) and PAuth (-cpu max, which the runner always passes; TF-A's BRANCH_PROTECTION).
STACK_SHARED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STACK_SOURCES="arm-trusted-firmware hafnium=$HAFNIUM_VERSION device-tree-compiler"
STACK_DESCRIPTION="TF-A 2.12.1 SPMD + Hafnium $HAFNIUM_VERSION S-EL2 SPMC"
STACK_QEMU_MACHINE="virt,secure=on,gic-version=3,virtualization=on,mte=on"
LLVM_BIN=${LLVM_BIN:-/usr/lib/llvm-19/bin}
# The platform, which a stack for a board (hafnium-2.15-fvp) sets after sourcing this file:
# Hafnium's platform in project/reference, TF-A's PLAT and the architecture revision, TF-A's
# flags naming the manifests there, the folder of the partition manifests (<name>.dts) and the
# partitions (SP_PARTITIONS), and TB_FW_CONFIG's list of the partitions: ours, or empty for
# the list TF-A's sptool generates from the layout (sp_list_fragment.dts: each partition
# manifest's UUID and load-address), which the build then passes as ARM_BL2_SP_LIST_DTS for
# the platform's own TB_FW_CONFIG to include (TF-A's fvp).
HAFNIUM_PLATFORM=secure_qemu_aarch64
TFA_PLAT=qemu
TFA_ARCH_MINOR=3
TFA_PLAT_FLAGS=(QEMU_USE_GIC_DRIVER=QEMU_GICV3 BL32_RAM_LOCATION=tdram
	"QEMU_TOS_FW_CONFIG_DTS=$STACK_SHARED_DIR/spmc-manifest.dts"
	"QEMU_TB_FW_CONFIG_DTS=$STACK_SHARED_DIR/tb-fw-config.dts")
HAFNIUM_PARTITIONS_DIR=$STACK_SHARED_DIR/partitions
HAFNIUM_SP_LIST=$STACK_SHARED_DIR/tb-fw-config.dts
# The partitions, in the order of the SPMC manifest's `hypervisor` nodes: each one's manifest
# is $HAFNIUM_PARTITIONS_DIR/<name>.dts, its image the sp built as <name>
# (cases/src/sp/partitions.rs).
SP_PARTITIONS="sp sp-second sp-up sp-third sp-fourth"

# Hafnium builds inside its tree: a copy under $OUT, with the stand-ins put in.
hafnium_tree() {
	local tree=$OUT/hafnium-src
	rm -rf "$tree"
	cp -a "$(source_dir "hafnium=$HAFNIUM_VERSION")" "$tree"
	rm -f "$tree/.ffa-cts-unpacked"
	local dtc=$tree/third_party/dtc
	rm -rf "$dtc" && mkdir -p "$dtc"
	cp -r "$(source_dir device-tree-compiler)/libfdt" "$dtc/"
	cp "$STACK_SHARED_DIR"/libfdt/* "$dtc/"
	sed -i -e '/#include <stdlib.h>/d' -e 's|#include <string.h>|#include "../hf_string.h"|' \
		"$dtc/libfdt/libfdt_env.h"
	grep -q '"../hf_string.h"' "$dtc/libfdt/libfdt_env.h" || die "libfdt_env.h: no <string.h> include to replace"
	mkdir -p "$tree/third_party/googletest"
	cp "$STACK_SHARED_DIR/googletest.BUILD.gn" "$tree/third_party/googletest/BUILD.gn"
	echo "$tree"
}

# The stand-in image, the partitions' manifests and the SP_LAYOUT_FILE naming them, in $OUT/sp.
placeholder_sp() {
	local sp=$OUT/sp src=$STACK_SHARED_DIR/placeholder-sp name layout=""
	mkdir -p "$sp"
	aarch64-linux-gnu-as -o "$sp/placeholder-sp.o" "$src/placeholder-sp.S"
	aarch64-linux-gnu-ld -nostdlib -T "$src/placeholder-sp.ld" -o "$sp/placeholder-sp.elf" "$sp/placeholder-sp.o"
	aarch64-linux-gnu-objcopy -O binary "$sp/placeholder-sp.elf" "$sp/placeholder-sp.bin"
	for name in $SP_PARTITIONS; do
		cp "$HAFNIUM_PARTITIONS_DIR/$name.dts" "$sp/$name.dts"
		# Paths in the layout are relative to the layout file.
		layout="$layout${layout:+, }\"$name\": { \"image\": \"placeholder-sp.bin\", \"pm\": \"$name.dts\" }"
	done
	printf '{ %s }\n' "$layout" > "$sp/sp-layout.json"
}

# TB_FW_CONFIG's list of partitions (see HAFNIUM_SP_LIST).
sp_list() { echo "${HAFNIUM_SP_LIST:-$OUT/tfa/$TFA_PLAT/debug/sp_list_fragment.dts}"; }

# What scripts/pack-firmware.sh needs to pack each partition's image into the FIP: its
# manifest's DTB as TF-A built it (sp/<name>.dtb), TF-A's sptool, and `sp-packages`, one line
# per partition: its name and the UUID of the FIP entry TF-A's build packed it under (its
# sp_gen.mk, which sp_mk_generator.py writes from the layout: the manifest's `uuid`, the one
# BL2 finds the package by in TB_FW_CONFIG's list).
sp_package_kit() {
	local name uuid debug=$OUT/tfa/$TFA_PLAT/debug
	mkdir -p "$OUT/sptool"
	cp "$TFA_SRC/tools/sptool/sptool.py" "$TFA_SRC/tools/sptool/spactions.py" "$OUT/sptool/"
	: > "$OUT/sp-packages"
	for name in $SP_PARTITIONS; do
		cp "$debug/fdts/$name.dtb" "$OUT/sp/$name.dtb"
		uuid=$(sed -n "s|^FIP_ARGS += --blob uuid=\([0-9a-f-]*\),file=.*/$name\.pkg\$|\1|p" "$debug/sp_gen.mk")
		[ -n "$uuid" ] || die "$debug/sp_gen.mk: no FIP entry for $name.pkg"
		echo "$name $uuid" >> "$OUT/sp-packages"
	done
}

stack_build() {
	[ -x "$LLVM_BIN/clang" ] || die "no $LLVM_BIN/clang: run scripts/setup-host.sh (clang-19, lld-19, llvm-19)"
	step "building Hafnium $HAFNIUM_VERSION (SPMC, $HAFNIUM_PLATFORM; about 10-25 s)"
	local tree; tree=$(hafnium_tree)
	# The build calls clang, ld.lld and the llvm-* tools by their bare names.
	run_logged hafnium env PATH="$LLVM_BIN:$PATH" make -C "$tree" PROJECT=reference \
		PLATFORM="$HAFNIUM_PLATFORM" GN=/usr/bin/gn NINJA=/usr/bin/ninja
	local built=$tree/out/reference/${HAFNIUM_PLATFORM}_clang
	cp "$built/hafnium.bin" "$built/hafnium.elf" "$OUT/"
	rm -rf "$tree"
	run_logged placeholder-sp placeholder_sp
	local sp_list_flag=()
	[ -n "$HAFNIUM_SP_LIST" ] || sp_list_flag=("ARM_BL2_SP_LIST_DTS=$(sp_list)")
	step "building TF-A 2.12.1 (PLAT=$TFA_PLAT: BL1, BL2, BL31 + SPMD, SPMC at S-EL2, the partition packages, fiptool)"
	# The feature flags are those of OP-TEE's build for Hafnium on qemu_v8 (SPMC_AT_EL=2):
	# ARMv8.3 (the FVP: 8.5) with BRANCH_PROTECTION, MTE2, and SVE/SME for both worlds.
	run_logged tfa make -C "$TFA_SRC" -j"$JOBS" \
		CROSS_COMPILE=aarch64-linux-gnu- CFLAGS=--param=min-pagesize=0 \
		BUILD_BASE="$OUT/tfa" PLAT="$TFA_PLAT" DEBUG=1 LOG_LEVEL=40 \
		SPD=spmd SPMD_SPM_AT_SEL2=1 ENABLE_FEAT_SEL2=1 NEED_FDT=yes \
		BRANCH_PROTECTION=1 ARM_ARCH_MAJOR=8 ARM_ARCH_MINOR="$TFA_ARCH_MINOR" ENABLE_FEAT_MTE2=2 \
		ENABLE_SME_FOR_NS=2 ENABLE_SME_FOR_SWD=1 ENABLE_SVE_FOR_NS=2 ENABLE_SVE_FOR_SWD=1 \
		ENABLE_FEAT_FGT=2 ENABLE_FEAT_HCX=2 ENABLE_FEAT_ECV=2 "${TFA_PLAT_FLAGS[@]}" \
		"${sp_list_flag[@]}" \
		SP_LAYOUT_FILE="$OUT/sp/sp-layout.json" \
		BL32="$OUT/hafnium.bin" \
		BL33="$PLACEHOLDER_BL33" all fip
	# DEBUG=1 builds into <plat>/debug (not <plat>/release).
	cp "$OUT/tfa/$TFA_PLAT/debug/bl1.bin" "$OUT/tfa/$TFA_PLAT/debug/fip.bin" "$OUT/"
	sp_package_kit
}
