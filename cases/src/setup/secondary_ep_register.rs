//! FFA_SECONDARY_EP_REGISTER (DEN0077A v1.1 18.3): an SP gives the SPMC the entry point of
//! its further execution contexts during its initialisation; the SPMC then enters the SP there
//! on each core the normal world powers up. The normal-world view of that is in
//! messaging/per_core.rs (every core is served); here the sp calls the ABI again at run time,
//! and the normal world, for which it is a secure-side ABI, is refused it.

use crate::common::refused_to_normal_world;
use crate::sp::{command, Width, FFA_CALL, NEEDS_SP};
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::spec::SECONDARY_EP_REGISTER;
use ffa_harness::{case, check_error};

case! {
    /// The ABI is valid only while the partition initialises (TF-A's EL3 SPMC refuses it with
    /// DENIED once the calling context left RT_MODEL_INIT, ffa_sec_ep_register_handler in
    /// spmc_main.c; Hafnium likewise accepts it only from a vCPU being booted). The sp asks from
    /// a request, with its own load address (BL32_BASE), so an SPMC that took it anyway would
    /// enter a later core at the sp's cold entry and not at a stray address.
    "setup.secondary_ep_register.after_init_denied", SECONDARY_EP_REGISTER,
    abis(&[FuncId::SECONDARY_EP_REGISTER_64]), needs(NEEDS_SP);
    fn after_init(ctx) {
        let v =
            command(ctx, Width::W64, FFA_CALL, [FuncId::SECONDARY_EP_REGISTER_64.0.into(), ctx.machine.secure_ram, 0, 0])?;
        let r = Regs::default().with(0, v[0]).with(1, v[1]).with(2, v[2]).with(3, v[3]);
        check_error!(r, FfaError::Denied, "FFA_SECONDARY_EP_REGISTER_64 from the sp at run time");
        Ok(())
    }
}

case! {
    "setup.secondary_ep_register.from_normal_world_refused", SECONDARY_EP_REGISTER,
    abis(&[FuncId::SECONDARY_EP_REGISTER_64]);
    run: |ctx| refused_to_normal_world(ctx, FuncId::SECONDARY_EP_REGISTER_64)
}
