//! FFA_SECONDARY_EP_REGISTER (DEN0077A v1.1 18.3) gives the SPMC a secure partition's entry
//! point for its other cores: a secure-side ABI, refused to the normal world
//! (`common::refused_to_normal_world`).

use crate::common::refused_to_normal_world;
use ffa_harness::case;
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::SECONDARY_EP_REGISTER;

case! {
    "setup.secondary_ep_register.from_normal_world_refused", SECONDARY_EP_REGISTER,
    abis(&[FuncId::SECONDARY_EP_REGISTER_64]);
    run: |ctx| refused_to_normal_world(ctx, FuncId::SECONDARY_EP_REGISTER_64)
}
