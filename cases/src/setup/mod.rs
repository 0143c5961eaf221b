//! Setup and discovery interfaces (DEN0077A v1.1 chapter 13): version negotiation, feature
//! discovery, endpoint IDs, RX/TX buffer management and partition discovery.

mod features;
mod features_consistency;
mod id;
mod partition_info;
mod partition_info_get_regs;
mod partition_manifests;
mod per_core;
mod rx_release;
mod rxtx_map;
mod rxtx_unmap;
mod secondary_ep_register;
mod smc64_variants;
mod smccc;
mod sp_view;
mod version;
mod version_lock;
