//! FFA_NOTIFICATION_SET from the normal world (DEN0077A v1.1 17, FFA_NOTIFICATION_SET): the
//! hypervisor sets bits of an SP on behalf of one of its VMs. w1 holds the sender (a VM) in
//! [31:16] and the receiver (an SP) in [15:0], w2 the flags (bit 0 per-vCPU, bit 1 delay SRI,
//! [31:16] the vCPU), w3/w4 the bitmap. The rules are Hafnium's `api_ffa_notification_set` and
//! `ffa_notifications_is_set_valid`; OP-TEE lists FFA_NOTIFICATION_SET in FFA_FEATURES but its
//! SPMC dispatch has no case for it (thread_spmc.c), so every call is NOT_SUPPORTED there.

use super::{sender_sp, BIT_A};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{set_vcpu, SET_DELAY_SRI};
use ffa_harness::spec::NOTIFICATION_SET;
use ffa_harness::{case, check_error, CaseResult, Ctx, Need};

const SET: FuncId = FuncId::NOTIFICATION_SET;
const NEEDS: &[Need] = &[Need::Abi(SET)];

/// SET from the caller's VM to the sender SP with `flags` and `bitmap` fails with `want`.
fn set_refused(ctx: &mut Ctx, flags: u32, bitmap: u64, want: FfaError, what: &str) -> CaseResult {
    let (vm, sp) = (super::own_vm(ctx), sender_sp(ctx)?);
    let r = ctx.ffa.notification_set(vm, sp, flags, bitmap);
    check_error!(r, want, "FFA_NOTIFICATION_SET from VM {vm:#x} to {sp:#x} {what}");
    Ok(())
}

case! {
    /// Only bits bound to the sender can be set: a bit the SP never bound to the caller's VM
    /// is DENIED (Hafnium: "Notifications not bound to sender", or the SP's notifications not
    /// enabled, both DENIED).
    "notifications.set.unbound_denied", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    run: |ctx| set_refused(ctx, 0, BIT_A, FfaError::Denied, "of a bit not bound")
}

case! {
    /// An empty bitmap names nothing to set: INVALID_PARAMETERS (Hafnium "No notifications
    /// have been specified").
    "notifications.set.empty_bitmap_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    run: |ctx| set_refused(ctx, 0, 0, FfaError::InvalidParameters, "of an empty bitmap")
}

case! {
    /// The delay-SRI flag belongs to the secure side, whose senders' SETs raise the SRI: from
    /// the normal world it is INVALID_PARAMETERS (Hafnium: "The delay SRI flag can only be
    /// set at the secure virtual FF-A instance").
    "notifications.set.delay_sri_from_normal_world_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    run: |ctx| set_refused(ctx, SET_DELAY_SRI, BIT_A, FfaError::InvalidParameters, "with the delay-SRI flag")
}

case! {
    /// A global notification names no vCPU: a vCPU ID in flags [31:16] without the per-vCPU
    /// flag is INVALID_PARAMETERS (Hafnium: "For global notifications vCPU ID MBZ").
    "notifications.set.vcpu_id_on_global_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    run: |ctx| set_refused(ctx, set_vcpu(1), BIT_A, FfaError::InvalidParameters, "with vCPU 1 but no per-vCPU flag")
}

case! {
    /// From the normal world the sender is a VM and the receiver an SP: a SET naming an SP as
    /// sender and the caller's VM as receiver is INVALID_PARAMETERS (Hafnium
    /// `ffa_notifications_is_set_valid`: "sender must be a VM and receiver an SP").
    "notifications.set.sp_sender_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    fn set_sp_sender(ctx) {
        let (vm, sp) = (super::own_vm(ctx), sender_sp(ctx)?);
        let r = ctx.ffa.notification_set(sp, vm, 0, BIT_A);
        check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_SET from SP {sp:#x} to VM {vm:#x}");
        Ok(())
    }
}

case! {
    /// SET flags bits [15:2] are reserved (MBZ): bit 2 is INVALID_PARAMETERS (Hafnium
    /// `api_ffa_notification_set`: "caller shouldn't set bits that MBZ").
    "notifications.set.reserved_flags_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    run: |ctx| set_refused(ctx, 1 << 2, BIT_A, FfaError::InvalidParameters, "with flag bit 2")
}

case! {
    /// A SET names an existing receiver: an SP ID no partition has is INVALID_PARAMETERS
    /// (Hafnium `api_ffa_notification_set`: "Receiver ID is not valid").
    "notifications.set.absent_receiver_invalid", NOTIFICATION_SET, abis(&[SET]), since(Version::V1_1), needs(NEEDS);
    fn set_absent(ctx) {
        let vm = super::own_vm(ctx);
        let r = ctx.ffa.notification_set(vm, super::ABSENT_SP, 0, BIT_A);
        check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_SET from VM {vm:#x} to absent {:#x}", super::ABSENT_SP);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, success, Script};

    #[test]
    fn absent_receiver_fails_where_an_spmc_sets_for_anyone() {
        let keeps = Script { answer: |_| error(FfaError::InvalidParameters), callee_saved: preserved };
        assert!(run(keeps, Version::V1_1, 0x8000, set_absent).is_ok());
        let accepts = Script { answer: |_| success(), callee_saved: preserved };
        assert!(run(accepts, Version::V1_1, 0x8000, set_absent).is_err());
    }
}
