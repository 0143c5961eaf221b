//! FFA_NOTIFICATION_BIND and _UNBIND from the normal world (DEN0077A v1.1 17.4, 17.5): the
//! hypervisor binds bits of one of its VMs to a secure sender. w1 holds the sender in bits
//! [31:16] and the receiver in [15:0] (Linux `ffa_notification_bind_common`); each bit has at
//! most one sender, and only that sender's unbind releases it (Hafnium
//! `api_ffa_notification_update_bindings`: `vm_notifications_validate_bound_sender`).

use super::{bind, check_error_one_of, sender_sp, unbind, with_own_bitmap, ABSENT_SP, BITMAP_ABIS, BIT_A, BIT_B};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::spec::{NOTIFICATION_BIND, NOTIFICATION_UNBIND};
use ffa_harness::{case, check_error, Need};

const BIND: FuncId = FuncId::NOTIFICATION_BIND;
const UNBIND: FuncId = FuncId::NOTIFICATION_UNBIND;
const ABIS: &[FuncId] = &[BIND, UNBIND, BITMAP_ABIS[0], BITMAP_ABIS[1]];
const NEEDS: &[Need] = &[Need::Abi(BIND), Need::Abi(UNBIND), Need::Abi(BITMAP_ABIS[0]), Need::Abi(BITMAP_ABIS[1])];

case! {
    /// Bits of both halves of the bitmap (w3 and w4) bind to a secure sender and unbind from
    /// it with FFA_SUCCESS (Hafnium, OP-TEE; TF-A-Tests `test_ffa_notifications_bind_unbind`).
    "notifications.bind.then_unbind", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_unbind(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            bind(ctx, sp, vm, BIT_A | BIT_B)?;
            unbind(ctx, sp, vm, BIT_A | BIT_B)
        })
    }
}

case! {
    /// A bound bit has a sender: binding it again is DENIED, even by the same sender, and the
    /// first binding stands (Hafnium checks that every bit is unbound before a bind; OP-TEE
    /// `handle_notification_bind`: `bitmap & nvb->bound` is DENIED).
    "notifications.bind.bound_bit_denied", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_bound(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            bind(ctx, sp, vm, BIT_A)?;
            let r = ctx.ffa.notification_bind(sp, vm, 0, BIT_A | BIT_B);
            // A DENIED bind binds nothing: the free bit is still free to bind.
            let free = ctx.ffa.notification_bind(sp, vm, 0, BIT_B);
            unbind(ctx, sp, vm, BIT_A)?;
            if r.is_success() || free.is_success() {
                unbind(ctx, sp, vm, BIT_B)?;
            }
            check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_BIND of a bound bit (and a free one)");
            ffa_harness::check_success!(free, "FFA_NOTIFICATION_BIND of the bit the DENIED bind also named");
            Ok(())
        })
    }
}

case! {
    /// The sender must be an endpoint: a bind naming an ID no partition has (0x8ffe) is
    /// INVALID_PARAMETERS (Hafnium `api_ffa_notification_update_bindings`: "Sender VM does
    /// not exist"; Arm's FF-A ACS `notification_bind_client` wants an error for an invalid
    /// sender).
    "notifications.bind.absent_sender_invalid", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_absent_sender(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_bind(ABSENT_SP, vm, 0, BIT_A);
            if r.is_success() {
                unbind(ctx, ABSENT_SP, vm, BIT_A)?;
            }
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_BIND to sender {ABSENT_SP:#x}");
            Ok(())
        })
    }
}

case! {
    /// From the normal world the receiver is a VM and the sender secure: a bind whose
    /// receiver is an SP is INVALID_PARAMETERS (Hafnium `ffa_notifications_is_bind_valid`;
    /// OP-TEE has no bitmap for any ID but its VM's).
    "notifications.bind.sp_receiver_invalid", NOTIFICATION_BIND, abis(&[BIND]), since(Version::V1_1), needs(NEEDS);
    fn bind_sp_receiver(ctx) {
        let sp = sender_sp(ctx)?;
        let r = ctx.ffa.notification_bind(sp, sp, 0, BIT_A);
        check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_BIND with SP {sp:#x} as receiver");
        Ok(())
    }
}

case! {
    /// Flag bits [31:1] of a bind are reserved (MBZ): a bind with bit 4 set fails and binds
    /// nothing. Hafnium answers INVALID_PARAMETERS (every flag bit, `flags_mbz`), OP-TEE DENIED
    /// (any flag: "only global notifications"), Arm's ACS `notification_bind_client` wants
    /// an error: both codes pass, and the bit must still be free.
    "notifications.bind.reserved_flags_refused", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_reserved_flags(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_bind(sp, vm, 1 << 4, BIT_A);
            if r.is_success() {
                unbind(ctx, sp, vm, BIT_A)?;
            }
            check_error_one_of(&r, &[FfaError::InvalidParameters, FfaError::Denied], format_args!("FFA_NOTIFICATION_BIND with flag bit 4"))?;
            bind(ctx, sp, vm, BIT_A)?;
            unbind(ctx, sp, vm, BIT_A)
        })
    }
}

case! {
    /// Only the sender a bit is bound to may unbind it: an unbind naming another sender is
    /// DENIED and the binding stands (Hafnium `api_ffa_notification_update_bindings`:
    /// "Sender not permitted", DEN0077A v1.1 17.5).
    "notifications.unbind.other_sender_denied", NOTIFICATION_UNBIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbind_other(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            bind(ctx, sp, vm, BIT_A)?;
            let r = ctx.ffa.notification_unbind(ABSENT_SP, vm, BIT_A);
            // The bit is bound or free now: release it either way for the bitmap's destroy.
            let own = ctx.ffa.notification_unbind(sp, vm, BIT_A);
            check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_UNBIND by {ABSENT_SP:#x} of a bit bound to {sp:#x}");
            ffa_harness::check_success!(own, "FFA_NOTIFICATION_UNBIND by the sender that bound it, after the DENIED one");
            Ok(())
        })
    }
}

case! {
    /// Unbinding a bit that was never bound changes nothing: Hafnium answers DENIED (it is
    /// bound to no sender, so not to the one named: `vm_notifications_validate_bound_sender`),
    /// OP-TEE FFA_SUCCESS (`handle_notification_unbind` clears bound bits without asking who
    /// bound them), and neither Arm's tests nor a DEN0077A sentence read here settles it. Both
    /// pass; either way the bit is still free to bind afterwards.
    "notifications.unbind.never_bound_leaves_it_free", NOTIFICATION_UNBIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbind_never_bound(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_unbind(sp, vm, BIT_B);
            if !r.is_success() {
                check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_UNBIND of a bit never bound");
            }
            bind(ctx, sp, vm, BIT_B)?;
            unbind(ctx, sp, vm, BIT_B)
        })
    }
}

case! {
    /// An empty bitmap names nothing to unbind: INVALID_PARAMETERS (Hafnium "No
    /// notifications have been specified"; TF-A-Tests `test_ffa_notifications_bind_unbind_zeroed`).
    "notifications.unbind.empty_bitmap_invalid", NOTIFICATION_UNBIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbind_empty(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_unbind(sp, vm, 0);
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_UNBIND of an empty bitmap");
            Ok(())
        })
    }
}

case! {
    /// An empty bitmap names nothing to bind: INVALID_PARAMETERS (Hafnium "No notifications
    /// have been specified"; TF-A-Tests `test_ffa_notifications_bind_unbind_zeroed`).
    "notifications.bind.empty_bitmap_invalid", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_empty(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_bind(sp, vm, 0, 0);
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_BIND of an empty bitmap");
            Ok(())
        })
    }
}

case! {
    /// A VM's notifications from the normal world come from a secure sender (VM-to-VM ones
    /// are the hypervisor's business): a bind naming another VM as sender is
    /// INVALID_PARAMETERS (Hafnium `ffa_notifications_is_bind_valid`; TF-A-Tests
    /// `test_ffa_notifications_vm_bind_vm`).
    "notifications.bind.vm_sender_invalid", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_vm_sender(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let other = vm + 1;
            let r = ctx.ffa.notification_bind(other, vm, 0, BIT_A);
            if r.is_success() {
                unbind(ctx, other, vm, BIT_A)?;
            }
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_BIND to VM {other:#x} as sender");
            Ok(())
        })
    }
}

case! {
    /// The per-vCPU flag (bit 0): Hafnium 2.12 binds per-vCPU bits, Hafnium 2.15 refuses the
    /// flag with INVALID_PARAMETERS ("Per-vCPU delivery unsupported"), OP-TEE with DENIED
    /// ("only global notifications"). Every reading passes, held to what it implies: a
    /// refused bind bound nothing (a global bind of the bit then succeeds), an accepted one
    /// bound the bit (a global bind of it is then DENIED).
    "notifications.bind.per_vcpu_flag", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_per_vcpu(ctx) {
        let sp = sender_sp(ctx)?;
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_bind(sp, vm, ffa_harness::notifications::BIND_PER_VCPU, BIT_A);
            let global = ctx.ffa.notification_bind(sp, vm, 0, BIT_A);
            if r.is_success() || global.is_success() {
                unbind(ctx, sp, vm, BIT_A)?;
            }
            if r.is_success() {
                check_error!(global, FfaError::Denied, "a global FFA_NOTIFICATION_BIND of a bit bound per vCPU");
            } else {
                check_error_one_of(&r, &[FfaError::InvalidParameters, FfaError::Denied], format_args!("a refused per-vCPU FFA_NOTIFICATION_BIND"))?;
                ffa_harness::check_success!(global, "a global FFA_NOTIFICATION_BIND after the per-vCPU one was refused");
            }
            Ok(())
        })
    }
}
