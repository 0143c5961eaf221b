# hafnium-2.15: TF-A 2.12.1 SPMD + Hafnium v2.15.0 (the newest release pinned) as the S-EL2
# SPMC. Everything but the release is in ../hafnium-common/hafnium.sh.
HAFNIUM_VERSION=2.15.0
# v2.15.0 answers FFA_VERSION with 1.3 (FFA_VERSION_COMPILED in its inc/vmapi/hf/ffa.h).
STACK_FFA_VERSIONS="1.1 1.0 1.2 1.3"
# shellcheck source=../hafnium-common/hafnium.sh
. "$STACK_DIR/../hafnium-common/hafnium.sh"
