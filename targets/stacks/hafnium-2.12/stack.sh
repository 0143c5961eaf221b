# hafnium-2.12: TF-A 2.12.1 SPMD + Hafnium v2.12.0 (the release that goes with TF-A 2.12) as
# the S-EL2 SPMC. Everything but the release is in ../hafnium-common/hafnium.sh.
HAFNIUM_VERSION=2.12.0
# v2.12.0 answers FFA_VERSION with 1.2 (FFA_VERSION_COMPILED in its inc/vmapi/hf/ffa.h).
STACK_FFA_VERSIONS="1.1 1.0 1.2"
# shellcheck source=../hafnium-common/hafnium.sh
. "$STACK_DIR/../hafnium-common/hafnium.sh"
