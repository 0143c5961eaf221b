# tfa-el3-sp1.0: the tfa-el3 stack (TF-A 2.12.1 SPMD + EL3 SPMC, the suite's sp as BL32) with
# the sp at FF-A v1.0: its manifest (sp-manifest.dts beside this one: tfa-el3's with
# ffa-version 0x10000) and its image, the bin the `sp-image` file beside this one names
# (sp-v1-0, ffa_cases::partitions::EL3_SP_V1_0), which asks v1.0 as the EL3 SPMC asserts
# (spmc_main.c, ffa_version_handler). The normal world negotiates 1.0, 1.1 or 1.2 with the
# SPMC, so a v1.1 or v1.2 caller and the v1.0 partition meet there and the SPMC translates
# between their memory and partition descriptors. The recipe is tfa-el3's with that manifest.
# shellcheck source=../tfa-el3/stack.sh
. "$STACK_DIR/../tfa-el3/stack.sh"
STACK_DESCRIPTION="$STACK_DESCRIPTION at FF-A v1.0"
TFA_SP_MANIFEST="$STACK_DIR/sp-manifest.dts"
# For the build script's cache key: the recipe this one reuses.
STACK_SHARED_DIR="$STACK_DIR/../tfa-el3"
