//! Messaging interfaces (DEN0077A v1.1 chapters 14-15): direct requests and responses,
//! indirect messages (`indirect`), and the
//! CPU-cycle ABIs the normal world may or may not call.

mod direct_req;
mod direct_req2;
mod extended_registers;
mod indirect;
mod optee;
mod per_core;
mod secure_only;
mod sp_misbehaviour;
mod sp_payload;
