//! Notifications from our sp to the caller's VM (DEN0077A v1.1 17): the hypervisor creates its
//! VM's bitmap and binds a bit to the sp, the sp sets it (an SP sender, a VM receiver: Hafnium
//! `plat_ffa_is_notification_set_valid`, the caller must be the sender), INFO_GET names the VM
//! and the hypervisor's GET of the SP bitmap returns it.

use super::secure_side::{endpoints, refused, sp_call, sp_set, succeeded};
use super::{bind, unbind, with_own_bitmap, BITMAP_ABIS, BIT_A};
use crate::sp::{sp_id, SP_UUID};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::notifications::{decode_info, GET_FROM_SP, GET_FROM_SPM, SET_DELAY_SRI};
use ffa_harness::spec::{NOTIFICATION_GET, NOTIFICATION_INFO_GET, NOTIFICATION_SET, NOTIFICATION_UNBIND};
use ffa_harness::{case, check, check_eq, check_error, check_mbz, check_success, fail, CaseResult, Ctx, Need};

const ABIS: &[FuncId] =
    &[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_GET, BITMAP_ABIS[0], BITMAP_ABIS[1]];
const NEEDS: &[Need] = &[
    Need::Abi(FuncId::NOTIFICATION_SET),
    Need::Abi(FuncId::NOTIFICATION_GET),
    Need::Abi(BITMAP_ABIS[0]),
    Need::Partition(SP_UUID),
];
/// A second bit, in the low half (our sp's SET carries 64 bits, but one half is enough).
pub const BIT_C: u64 = 1 << 7;

/// The SP bitmap of a GET's answer (w3:w2).
pub fn sp_bits(r: &Regs) -> u64 {
    u64::from(r.w(3)) << 32 | u64::from(r.w(2))
}

/// Creates the caller's VM bitmap and binds `bits` to the sp (with `flags`), runs `body`
/// with the VM's and the sp's IDs, takes what is left pending (each vCPU) and unbinds and
/// destroys again whatever `body` returned.
pub fn with_vm_bound(
    ctx: &mut Ctx,
    flags: u32,
    bits: u64,
    body: impl FnOnce(&mut Ctx, u16, u16) -> CaseResult,
) -> CaseResult {
    let sp = sp_id(ctx)?;
    with_own_bitmap(ctx, |ctx, vm| {
        check_success!(
            ctx.ffa.notification_bind(sp, vm, flags, bits),
            "FFA_NOTIFICATION_BIND({bits:#x} of VM {vm:#x} to the sp, flags {flags:#x})"
        );
        let result = body(ctx, vm, sp);
        for vcpu in 0..ctx.core_count() {
            ctx.ffa.notification_get(vm, vcpu as u16, GET_FROM_SP);
        }
        let unbound = unbind(ctx, sp, vm, bits);
        result.and(unbound)
    })
}

/// Has the sp set `bits` of `vm` with `flags`, which must succeed.
pub fn sp_sets(ctx: &Ctx, vm: u16, flags: u32, bits: u64) -> CaseResult {
    succeeded(
        sp_set(ctx, vm, flags, bits)?,
        format_args!("the sp's FFA_NOTIFICATION_SET({bits:#x}, flags {flags:#x}) of VM {vm:#x}"),
    )
}

/// Fails unless `r` is a GET success with `want` in the SP bitmap and the rest zero.
pub fn got_from_sp(r: &Regs, want: u64, what: &str) -> CaseResult {
    check_success!(r, "{what}");
    check_eq!(sp_bits(r), want, "{what}: the SP bitmap (w3:w2)");
    check_mbz!(r, 4, 7, "{what}: the VM and framework bitmaps");
    Ok(())
}

case! {
    /// The sp's SET of a bit the VM bound to it is delivered: INFO_GET names the VM in one
    /// global list (no vCPU IDs, nothing more pending), the hypervisor's GET of the SP bitmap
    /// returns exactly that bit and clears it, and INFO_GET is NO_DATA afterwards (DEN0077A
    /// v1.1 17, FFA_NOTIFICATION_INFO_GET and FFA_NOTIFICATION_GET; Hafnium
    /// `api_ffa_notification_info_get`, `api_ffa_notification_get`).
    "notifications.sp_to_vm.set_info_get_get", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_GET]), since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Partition(SP_UUID)]);
    fn end_to_end(ctx) {
        with_vm_bound(ctx, 0, BIT_A, |ctx, vm, _| {
            sp_sets(ctx, vm, 0, BIT_A)?;
            let info = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
            check_success!(info, "INFO_GET after the sp's SET");
            let decoded = match decode_info(&info, true) {
                Ok(d) => d,
                Err(e) => fail!("INFO_GET after the sp's SET: {e}"),
            };
            check_eq!(decoded.count, 1, "INFO_GET lists");
            check_eq!(decoded.lists()[0].id, vm, "INFO_GET list 0 endpoint");
            check_eq!(decoded.lists()[0].vcpu_count, 0, "INFO_GET list 0 vCPU IDs (a global notification)");
            check!(!decoded.more_pending, "INFO_GET says more is pending");
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), BIT_A, "GET after the sp's SET")?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), 0, "a second GET")?;
            check_error!(ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64), FfaError::NoData, "INFO_GET after the GET");
            Ok(())
        })
    }
}

case! {
    /// GET clears exactly what it returns: of two bits bound, the one the sp set is returned,
    /// the other stays bound and unset; a GET of the SPM framework bitmap alone returns no SP
    /// bits and leaves the set bit pending for the GET of the SP bitmap (Hafnium
    /// `api_ffa_notification_get`, one flag per bitmap).
    "notifications.sp_to_vm.get_returns_and_clears_only_what_is_selected", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn selective(ctx) {
        with_vm_bound(ctx, 0, BIT_A | BIT_C, |ctx, vm, _| {
            sp_sets(ctx, vm, 0, BIT_A)?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SPM), 0, "GET of the SPM framework bitmap only")?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), BIT_A, "GET of the SP bitmap")?;
            sp_sets(ctx, vm, 0, BIT_C)?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), BIT_C, "GET after the sp set the other bit")
        })
    }
}

case! {
    /// Sets accumulate until a GET: two SETs of different bits are both returned by one GET
    /// (DEN0077A v1.1 17: a bitmap of pending notifications; Hafnium ORs them in
    /// `vm_notifications_partition_set_pending`).
    "notifications.sp_to_vm.sets_accumulate_until_get", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn accumulate(ctx) {
        with_vm_bound(ctx, 0, BIT_A | BIT_C, |ctx, vm, _| {
            sp_sets(ctx, vm, 0, BIT_A)?;
            sp_sets(ctx, vm, 0, BIT_C)?;
            sp_sets(ctx, vm, 0, BIT_A)?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), BIT_A | BIT_C, "GET after three SETs")
        })
    }
}

case! {
    /// The delay-SRI flag is the secure side's to use: the sp's SET with it succeeds and the
    /// bit is pending as with any SET (Hafnium `api_ffa_notification_set`: delay SRI is valid
    /// from the secure virtual instance, `plat_ffa_sri_set_delayed`).
    "notifications.sp_to_vm.delay_sri_set_is_delivered", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn delayed(ctx) {
        with_vm_bound(ctx, 0, BIT_A, |ctx, vm, _| {
            sp_sets(ctx, vm, SET_DELAY_SRI, BIT_A)?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), BIT_A, "GET after the sp's delayed-SRI SET")
        })
    }
}

case! {
    /// A bit not bound to the sp cannot be set by it: DENIED (Hafnium
    /// `api_ffa_notification_set`: "Notifications bindings not valid"), and nothing is pending.
    "notifications.sp_to_vm.unbound_set_denied", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbound(ctx) {
        with_vm_bound(ctx, 0, BIT_A, |ctx, vm, _| {
            refused(sp_set(ctx, vm, 0, BIT_C)?, FfaError::Denied, format_args!("the sp's SET of a bit VM {vm:#x} did not bind"))?;
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), 0, "GET after the refused SET")
        })
    }
}

case! {
    /// An SP sets notifications as itself: a SET by the sp naming another endpoint as the
    /// sender is INVALID_PARAMETERS (Hafnium `plat_ffa_is_notification_set_valid`: "caller
    /// must be the sender").
    "notifications.sp_to_vm.sp_sets_as_itself_only", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn as_other(ctx) {
        with_vm_bound(ctx, 0, BIT_A, |ctx, vm, _| {
            let a = sp_call(ctx, FuncId::NOTIFICATION_SET, endpoints(super::ABSENT_SP, vm), 0, BIT_A)?;
            refused(a, FfaError::InvalidParameters, format_args!("the sp's SET naming {:#x} as sender", super::ABSENT_SP))
        })
    }
}

case! {
    /// Unbinding is refused while a bound bit is pending: DENIED (Hafnium
    /// `api_ffa_notification_update_bindings`: "Notifications within ... pending"); after the
    /// GET the unbind succeeds.
    "notifications.sp_to_vm.unbind_of_a_pending_bit_denied", NOTIFICATION_UNBIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbind_pending(ctx) {
        let sp = sp_id(ctx)?;
        super::with_own_bitmap(ctx, |ctx, vm| {
            bind(ctx, sp, vm, BIT_A)?;
            sp_sets(ctx, vm, 0, BIT_A)?;
            let r = ctx.ffa.notification_unbind(sp, vm, BIT_A);
            ctx.ffa.notification_get(vm, 0, GET_FROM_SP);
            let after = ctx.ffa.notification_unbind(sp, vm, BIT_A);
            check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_UNBIND of a pending bit");
            check_success!(after, "FFA_NOTIFICATION_UNBIND once the bit was taken");
            Ok(())
        })
    }
}

case! {
    /// A bitmap with a bit pending cannot be destroyed: DENIED (Hafnium
    /// `plat_ffa_notifications_bitmap_destroy`: "VM has notifications pending").
    "notifications.sp_to_vm.destroy_with_a_bit_pending_denied", ffa_harness::spec::NOTIFICATION_BITMAP_DESTROY, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn destroy_pending(ctx) {
        with_vm_bound(ctx, 0, BIT_A, |ctx, vm, _| {
            sp_sets(ctx, vm, 0, BIT_A)?;
            check_error!(ctx.ffa.notification_bitmap_destroy(vm), FfaError::Denied, "FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x}) with a bit pending");
            Ok(())
        })
    }
}
