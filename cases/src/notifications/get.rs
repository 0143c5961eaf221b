//! FFA_NOTIFICATION_GET from the normal world (DEN0077A v1.1 17, FFA_NOTIFICATION_GET): the
//! hypervisor takes the pending bits of one of its VMs. w1 holds the vCPU in [31:16] and the
//! receiver in [15:0]; w2 selects the bitmaps (bit 0 from SPs, 1 from VMs, 2 SPM framework,
//! 3 hypervisor framework; [31:4] MBZ); the answer carries the SP bitmap in w2/w3, the VM
//! bitmap in w4/w5 and the framework bitmaps in w6/w7 (Hafnium
//! `api_ffa_notification_get_success_return`, Linux `ffa_notification_get`).

use super::{sender_sp, with_own_bitmap, BITMAP_ABIS};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::GET_FROM_SP;
use ffa_harness::spec::NOTIFICATION_GET;
use ffa_harness::{case, check_error, check_mbz, check_success, Need};

const GET: FuncId = FuncId::NOTIFICATION_GET;
const ABIS: &[FuncId] = &[GET, BITMAP_ABIS[0], BITMAP_ABIS[1]];
const NEEDS: &[Need] = &[Need::Abi(GET), Need::Abi(BITMAP_ABIS[0]), Need::Abi(BITMAP_ABIS[1])];

case! {
    /// With nothing pending, a GET of the SP bitmap succeeds with every bitmap register
    /// (w2..w7) zero (Hafnium, OP-TEE `handle_notification_get`).
    "notifications.get.nothing_pending_zero", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn get_nothing(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_get(vm, 0, GET_FROM_SP);
            check_success!(r, "FFA_NOTIFICATION_GET(VM {vm:#x}, SP bitmap)");
            check_mbz!(r, 2, 7, "FFA_NOTIFICATION_GET with nothing pending");
            Ok(())
        })
    }
}

case! {
    /// GET flags [31:4] are reserved (MBZ): bit 4 set is INVALID_PARAMETERS (Hafnium: "The
    /// FF-A v1.1 EAC0 specification states bits [31:4] Must Be Zero").
    "notifications.get.reserved_flags_invalid", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn get_reserved(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_get(vm, 0, GET_FROM_SP | 1 << 4);
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_GET with flag bit 4");
            Ok(())
        })
    }
}

case! {
    /// The vCPU must be one of the receiver's: vCPU 0xffff of a VM created with one vCPU per
    /// core is INVALID_PARAMETERS (Hafnium `api_ffa_notification_get`: "Invalid VCPU ID").
    "notifications.get.vcpu_out_of_range_invalid", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn get_bad_vcpu(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_get(vm, 0xffff, GET_FROM_SP);
            check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_GET(VM {vm:#x}, vCPU 0xffff)");
            Ok(())
        })
    }
}

case! {
    /// The normal world gets notifications of its VMs only: a GET for an SP is
    /// INVALID_PARAMETERS (Hafnium `ffa_notifications_is_get_valid`; OP-TEE has no bitmap for
    /// any ID but its VM's).
    "notifications.get.sp_receiver_invalid", NOTIFICATION_GET, abis(&[GET]), since(Version::V1_1), needs(NEEDS);
    fn get_sp(ctx) {
        let sp = sender_sp(ctx)?;
        let r = ctx.ffa.notification_get(sp, 0, GET_FROM_SP);
        check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_GET(SP {sp:#x})");
        Ok(())
    }
}

/// Fails unless a GET of a VM's bitmaps that `flags` selects, which an SPMC does not hold for
/// VMs, is refused with INVALID_PARAMETERS (Hafnium) or succeeds with every bitmap zero
/// (OP-TEE `handle_notification_get` reads flag bit 0 only).
fn not_the_spmcs(ctx: &mut ffa_harness::Ctx, flags: u32, what: &str) -> ffa_harness::CaseResult {
    with_own_bitmap(ctx, |ctx, vm| {
        let r = ctx.ffa.notification_get(vm, 0, flags);
        if r.error() == Some(FfaError::InvalidParameters) {
            return Ok(());
        }
        check_success!(r, "FFA_NOTIFICATION_GET(VM {vm:#x}) of {what}");
        check_mbz!(r, 2, 7, "FFA_NOTIFICATION_GET of {what}, which the SPMC does not hold");
        Ok(())
    })
}

case! {
    /// The bitmap of notifications from VMs belongs to the hypervisor, not the SPMC: a GET of
    /// it for a VM is INVALID_PARAMETERS (Hafnium `plat_ffa_is_notification_get_valid`: "Those
    /// are managed by the hypervisor if present") or returns nothing (OP-TEE ignores the
    /// flag); both readings pass.
    "notifications.get.vm_bitmap_of_a_vm_not_the_spmcs", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| not_the_spmcs(ctx, ffa_harness::notifications::GET_FROM_VM, "the VM bitmap")
}

case! {
    /// Likewise the hypervisor framework bitmap (GET flag bit 3): the SPMC holds none for a VM
    /// (Hafnium INVALID_PARAMETERS, OP-TEE nothing).
    "notifications.get.hypervisor_bitmap_of_a_vm_not_the_spmcs", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    run: |ctx| not_the_spmcs(ctx, ffa_harness::notifications::GET_FROM_HYP, "the hypervisor framework bitmap")
}

case! {
    /// The SPM framework bitmap (GET flag bit 2) is the SPMC's to fill for a VM: with nothing
    /// pending its GET succeeds with every bitmap zero (Hafnium
    /// `plat_ffa_notifications_get_framework_notifications`; OP-TEE answers every GET without
    /// the SP flag with zeros).
    "notifications.get.spm_framework_bitmap_nothing_pending", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn spm_bitmap(ctx) {
        with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_get(vm, 0, ffa_harness::notifications::GET_FROM_SPM);
            check_success!(r, "FFA_NOTIFICATION_GET(VM {vm:#x}) of the SPM framework bitmap");
            check_mbz!(r, 2, 7, "FFA_NOTIFICATION_GET of the SPM framework bitmap with nothing pending");
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, success, Script};
    fn vm_bitmap(ctx: &mut ffa_harness::Ctx) -> ffa_harness::CaseResult {
        not_the_spmcs(ctx, ffa_harness::notifications::GET_FROM_VM, "the VM bitmap")
    }

    #[test]
    fn the_vm_bitmap_of_a_vm_fails_where_the_spmc_returns_bits_in_it() {
        let hafnium = Script {
            answer: |r| if r.func() == GET { error(FfaError::InvalidParameters) } else { success() },
            callee_saved: preserved,
        };
        assert!(run(hafnium, Version::V1_1, 0x8000, vm_bitmap).is_ok());
        let optee = Script { answer: |_| success(), callee_saved: preserved };
        assert!(run(optee, Version::V1_1, 0x8000, vm_bitmap).is_ok());
        let broken = Script {
            answer: |r| if r.func() == GET { success().with(4, 1 << 5) } else { success() },
            callee_saved: preserved,
        };
        assert!(run(broken, Version::V1_1, 0x8000, vm_bitmap).is_err());
    }
}
