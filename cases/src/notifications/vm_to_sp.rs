//! Notifications from the normal world to our sp (DEN0077A v1.1 17): the sp, a receiver with
//! `notification-support` in its manifest (Hafnium `load.c` enables its bitmap at boot), binds
//! bits of its own bitmap to the caller's VM; the normal world sets them (a VM sender, an SP
//! receiver, `plat_ffa_is_notification_set_valid`), the SPMC raises the schedule-receiver
//! interrupt (`plat_ffa_sri_trigger_not_delayed`), the scheduler asks INFO_GET and gives the sp
//! CPU time with FFA_RUN, and the sp takes the bits with GET from the VM bitmap. Hafnium is the
//! SPMC that lets an SP receive; the cases need our sp.

use super::secure_side::{refused, sp_bind, sp_call, sp_get, sp_unbind, succeeded, SecureAnswer};
use super::{own_vm, BIT_A};
use crate::sp::{sp_id, SP_UUID};
use ffa_harness::ffa::{FeatureId, FfaError, FuncId, Version};
use ffa_harness::notifications::{decode_info, GET_FROM_SP, GET_FROM_VM};
use ffa_harness::spec::{
    self, NOTIFICATION_BIND, NOTIFICATION_GET, NOTIFICATION_INFO_GET, SCHEDULE_RECEIVER_INTERRUPT,
};
use ffa_harness::{
    case, check, check_eq, check_error, check_success, interrupts, not_applicable, CaseResult, Ctx, Need,
};

const ABIS: &[FuncId] = &[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_GET];
pub const NEEDS: &[Need] =
    &[Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(FuncId::NOTIFICATION_GET), Need::Partition(SP_UUID)];

/// Takes every bit still pending for the sp from the VM bitmap, of each vCPU.
fn drain(ctx: &Ctx) {
    for vcpu in 0..ctx.core_count() {
        let _ = sp_get(ctx, vcpu as u16, GET_FROM_VM);
    }
}

/// The sp binds `bits` of its bitmap to the caller's VM (global), runs `body` with the VM
/// and the sp's IDs, takes what is left pending and unbinds again whatever `body` returned.
pub fn with_sp_bound(
    ctx: &mut Ctx,
    flags: u32,
    bits: u64,
    body: impl FnOnce(&mut Ctx, u16, u16) -> CaseResult,
) -> CaseResult {
    let (vm, sp) = (own_vm(ctx), sp_id(ctx)?);
    succeeded(
        sp_bind(ctx, vm, flags, bits)?,
        format_args!("the sp's FFA_NOTIFICATION_BIND({bits:#x}) to VM {vm:#x} (set-up)"),
    )?;
    let result = body(ctx, vm, sp);
    drain(ctx);
    let unbound = sp_unbind(ctx, vm, bits);
    result?;
    succeeded(unbound?, format_args!("the sp's FFA_NOTIFICATION_UNBIND({bits:#x}) after the case"))
}

/// Sets `bits` of the sp from the caller's VM, which must succeed.
pub fn set_from_vm(ctx: &Ctx, vm: u16, sp: u16, flags: u32, bits: u64) -> CaseResult {
    check_success!(
        ctx.ffa.notification_set(vm, sp, flags, bits),
        "FFA_NOTIFICATION_SET({bits:#x}) from VM {vm:#x} to the sp"
    );
    Ok(())
}

/// Fails unless the sp's GET succeeded with `want` in the VM bitmap and nothing elsewhere.
pub fn got_from_vm(a: SecureAnswer, want: u64, what: &str) -> CaseResult {
    succeeded(a, format_args!("{what}"))?;
    check_eq!(a.from_vm, want, "{what}: the VM bitmap (w5:w4)");
    check_eq!(a.from_sp, 0, "{what}: the SP bitmap (w3:w2)");
    check_eq!(a.framework, 0, "{what}: the framework bitmaps (w7:w6)");
    Ok(())
}

case! {
    /// A bit the sp bound to the caller's VM, set by the VM, is the sp's to take: its GET of
    /// the VM bitmap returns exactly that bit, and clears it (a second GET returns nothing;
    /// DEN0077A v1.1 17, FFA_NOTIFICATION_GET: pending notifications are returned and
    /// cleared; Hafnium `vm_notifications_partition_get_pending`).
    "notifications.vm_to_sp.set_then_get_clears", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn set_get(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            set_from_vm(ctx, vm, sp, 0, BIT_A)?;
            got_from_vm(sp_get(ctx, 0, GET_FROM_VM)?, BIT_A, "the sp's GET after the VM's SET")?;
            got_from_vm(sp_get(ctx, 0, GET_FROM_VM)?, 0, "the sp's second GET")
        })
    }
}

case! {
    /// GET returns and clears only the bitmaps its flags select: a GET of the SP bitmap alone
    /// leaves the VM's bit pending, and the GET of the VM bitmap after it still returns it
    /// (Hafnium `api_ffa_notification_get` reads each bitmap under its own flag).
    "notifications.vm_to_sp.get_of_another_bitmap_leaves_it", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn other_bitmap(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            set_from_vm(ctx, vm, sp, 0, BIT_A)?;
            got_from_vm(sp_get(ctx, 0, GET_FROM_SP)?, 0, "the sp's GET of the SP bitmap only")?;
            got_from_vm(sp_get(ctx, 0, GET_FROM_VM)?, BIT_A, "the sp's GET of the VM bitmap after it")
        })
    }
}

case! {
    /// An SP binds bits of its own bitmap only: a bind whose receiver is the VM, called by the
    /// sp, is INVALID_PARAMETERS (Hafnium `plat_ffa_is_notifications_bind_valid`: "caller must
    /// be the receiver").
    "notifications.vm_to_sp.sp_binds_its_own_bitmap_only", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn bind_other(ctx) {
        let (vm, sp) = (own_vm(ctx), sp_id(ctx)?);
        let w1 = super::secure_side::endpoints(sp, vm);
        let a = sp_call(ctx, FuncId::NOTIFICATION_BIND, w1, 0, BIT_A)?;
        refused(a, FfaError::InvalidParameters, format_args!("the sp's BIND of VM {vm:#x}'s bit to itself"))
    }
}

case! {
    /// An SP gets its own notifications only: a GET by the sp naming the VM as receiver is
    /// INVALID_PARAMETERS (Hafnium `plat_ffa_is_notification_get_valid`: an SP asks for its
    /// own, the hypervisor for a VM's).
    "notifications.vm_to_sp.sp_gets_its_own_only", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn get_other(ctx) {
        let vm = own_vm(ctx);
        let a = sp_call(ctx, FuncId::NOTIFICATION_GET, u32::from(vm), GET_FROM_SP, 0)?;
        refused(a, FfaError::InvalidParameters, format_args!("the sp's GET of VM {vm:#x}'s notifications"))
    }
}

case! {
    /// The scheduler learns of the sp's pending bit from INFO_GET: the sp is named (its ID,
    /// globally: no vCPU list for a global bit on Hafnium 2.12; later Hafnium may add the
    /// vCPUs with interrupts pending, `vm_interrupts_info_get`, which this case accepts) and,
    /// being reported once (`info_get_retrieved`), not named by the next INFO_GET; once the
    /// sp took the bit, INFO_GET is NO_DATA.
    "notifications.vm_to_sp.info_get_names_the_sp_once", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_INFO_GET_64]), since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Partition(SP_UUID)]);
    fn info_names_sp(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            set_from_vm(ctx, vm, sp, 0, BIT_A)?;
            check!(names(ctx, sp)?, "INFO_GET after the VM set the sp's bit does not name the sp {sp:#x}");
            check!(!names(ctx, sp)?, "the second INFO_GET names the sp again: each pending notification is reported once");
            drain(ctx);
            check_error!(ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64), FfaError::NoData, "INFO_GET after the sp took its bit");
            Ok(())
        })
    }
}

/// Whether INFO_GET_64 names `id` in some list (NO_DATA: no).
fn names(ctx: &Ctx, id: u16) -> Result<bool, ffa_harness::Failure> {
    let r = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
    if r.error() == Some(FfaError::NoData) {
        return Ok(false);
    }
    check_success!(r, "FFA_NOTIFICATION_INFO_GET_64");
    match decode_info(&r, true) {
        Ok(info) => Ok(info.lists().iter().any(|l| l.id == id)),
        Err(e) => ffa_harness::fail!("FFA_NOTIFICATION_INFO_GET_64: {e}"),
    }
}

/// How long the SRI may take to arrive once the SET returned.
const SRI_WAIT_US: u64 = 100_000;

case! {
    /// End to end on Hafnium: the VM's SET of the sp's bit raises the schedule-receiver
    /// interrupt (the INTID of FFA_FEATURES(SRI)) in the normal world at once, the SET not
    /// delaying it (Hafnium `api_ffa_notification_set` -> `plat_ffa_sri_trigger_not_delayed`,
    /// an SGI to the calling core); INFO_GET names the sp; FFA_RUN of the sp's vCPU 0 gives it
    /// CPU time and returns with its FFA_MSG_WAIT (DEN0077A v1.1 14.4); the sp's GET returns
    /// the bit.
    "notifications.vm_to_sp.sri_taken_info_get_run_get", SCHEDULE_RECEIVER_INTERRUPT,
    abis(&[FuncId::FEATURES, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_INFO_GET_64, FuncId::RUN, FuncId::NOTIFICATION_GET]),
    since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(FuncId::RUN), Need::Partition(SP_UUID)]);
    fn sri_end_to_end(ctx) {
        let sri = ctx.ffa.feature_id(FeatureId::SRI);
        check_success!(sri, "FFA_FEATURES(SRI)");
        let intid = sri.w(2);
        if !ctx.platform.route_interrupt(intid, true) {
            not_applicable!("this machine cannot route interrupt {intid} to the image");
        }
        let result = with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            let core = ctx.platform.this_core();
            let before = interrupts::taken(core, intid);
            set_from_vm(ctx, vm, sp, 0, BIT_A)?;
            let deadline = ctx.platform.now_us() + SRI_WAIT_US;
            while interrupts::taken(core, intid) == before && ctx.platform.now_us() < deadline {
                core::hint::spin_loop();
            }
            check!(interrupts::taken(core, intid) > before, "no SRI (INTID {intid}) on core {core} within 100 ms of the SET");
            check!(names(ctx, sp)?, "INFO_GET after the SRI does not name the sp {sp:#x}");
            let run = ctx.ffa.run(sp, 0);
            check_eq!(run.func(), FuncId::MSG_WAIT, "FFA_RUN of the sp's vCPU 0: {}", run.summary());
            got_from_vm(sp_get(ctx, 0, GET_FROM_VM)?, BIT_A, "the sp's GET after FFA_RUN")
        });
        ctx.platform.route_interrupt(intid, false);
        result
    }
}

/// A VM ID with no bitmap and no binding anywhere in these cases.
const OTHER_VM: u16 = 0x0005;

case! {
    /// A bit has one sender: the sp's bit bound to the caller's VM, set by another VM, is
    /// DENIED (Hafnium `api_ffa_notification_set`: "Notifications bindings not valid"), and
    /// nothing becomes pending.
    "notifications.vm_to_sp.set_by_another_vm_denied", spec::NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn other_vm(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, _, sp| {
            check_error!(ctx.ffa.notification_set(OTHER_VM, sp, 0, BIT_A), FfaError::Denied, "VM {OTHER_VM:#x}'s SET of a bit bound to another VM");
            got_from_vm(sp_get(ctx, 0, GET_FROM_VM)?, 0, "the sp's GET after the refused SET")
        })
    }
}

case! {
    /// One sender per bit: the sp's bind of a bit already bound to the caller's VM to another
    /// VM is DENIED (Hafnium `vm_notifications_validate_bound_sender`).
    "notifications.vm_to_sp.sp_rebind_to_another_vm_denied", NOTIFICATION_BIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn rebind(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, _, _| {
            refused(sp_bind(ctx, OTHER_VM, 0, BIT_A)?, FfaError::Denied, format_args!("the sp's BIND to VM {OTHER_VM:#x} of a bit bound to another VM"))
        })
    }
}

case! {
    /// Only the bound sender's bits are unbound: the sp's unbind naming another VM as the
    /// sender is DENIED, and the binding stays (the bound VM's SET still succeeds; Hafnium
    /// `api_ffa_notification_update_bindings`).
    "notifications.vm_to_sp.sp_unbind_naming_another_vm_denied", spec::NOTIFICATION_UNBIND, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn unbind_other(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            refused(sp_unbind(ctx, OTHER_VM, BIT_A)?, FfaError::Denied, format_args!("the sp's UNBIND naming VM {OTHER_VM:#x}"))?;
            set_from_vm(ctx, vm, sp, 0, BIT_A)
        })
    }
}

case! {
    /// The SPM framework bitmap is the SPMC's to fill (an RX buffer full notification, Hafnium
    /// `api_ffa_msg_send2`): the sp's GET of it succeeds and clears it, so a second GET returns
    /// every bitmap zero whatever an earlier case left; GET flags [31:4] are reserved: a GET
    /// with bit 4 is INVALID_PARAMETERS (Hafnium `api_ffa_notification_get`).
    "notifications.vm_to_sp.sp_get_framework_and_reserved_flags", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn sp_framework(ctx) {
        let spm = ffa_harness::notifications::GET_FROM_SPM;
        succeeded(sp_get(ctx, 0, spm)?, format_args!("the sp's GET of the SPM framework bitmap"))?;
        got_from_vm(sp_get(ctx, 0, spm)?, 0, "the sp's second GET of the SPM framework bitmap")?;
        refused(sp_get(ctx, 0, GET_FROM_VM | 1 << 4)?, FfaError::InvalidParameters, format_args!("the sp's GET with flag bit 4"))
    }
}
