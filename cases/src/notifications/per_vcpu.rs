//! Per-vCPU notifications (DEN0077A v1.1 17: BIND flag bit 0 binds the bits per vCPU, SET
//! flag bit 0 with the vCPU ID in [31:16] makes a bit pending for that vCPU only, and GET
//! returns a vCPU's per-vCPU bits and the global ones). Our sp is the SP side: a receiver
//! whose execution context k runs on core k under Hafnium (one per core), so a GET from the
//! right and from the wrong vCPU is a GET on the right and the wrong core (`Ctx::on_core`).
//!
//! Hafnium 2.12 implements them. Hafnium 2.14 and later refuse the per-vCPU flag in BIND and
//! SET with INVALID_PARAMETERS (`api_ffa_notification_update_bindings`: "per-vCPU flag not
//! supported"; FF-A v1.3's FFA_FEATURES reports per-vCPU notifications as not supported for
//! VMs and SPs): there the cases that need a per-vCPU binding do not apply, and say so.

use super::secure_side::{sp_bind, sp_get_on, succeeded};
use super::sp_to_vm::{got_from_sp, with_vm_bound, BIT_C};
use super::vm_to_sp::{got_from_vm, set_from_vm, with_sp_bound};
use super::{own_vm, BITMAP_ABIS, BIT_A};
use crate::sp::{sp_id, SP_UUID};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{decode_info, set_vcpu, BIND_PER_VCPU, GET_FROM_SP, GET_FROM_VM, SET_PER_VCPU};
use ffa_harness::spec::{NOTIFICATION_GET, NOTIFICATION_INFO_GET, NOTIFICATION_SET};
use ffa_harness::{case, check_eq, check_error, check_success, fail, not_applicable, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_GET];
const NEEDS: &[Need] =
    &[Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(FuncId::NOTIFICATION_GET), Need::Partition(SP_UUID)];

/// The vCPU (and core) a per-vCPU bit is set for: the last core, not the one the case runs on.
fn other_vcpu(ctx: &Ctx) -> Result<u16, ffa_harness::Failure> {
    match ctx.core_count() {
        0 | 1 => not_applicable!("one core: no wrong vCPU to ask from"),
        n => Ok((n - 1) as u16),
    }
}

/// Why a per-vCPU case skips where the SPMC refuses per-vCPU bindings.
const PER_VCPU_REFUSED: &str = "the SPMC refuses per-vCPU bindings with INVALID_PARAMETERS (Hafnium 2.14 and later: \
    api_ffa_notification_update_bindings, \"per-vCPU flag not supported\")";

/// Whether the sp's per-vCPU bind of `bits` to the caller's VM is refused as unsupported; it
/// is undone at once when it succeeded.
fn per_vcpu_refused(ctx: &Ctx) -> Result<bool, ffa_harness::Failure> {
    let vm = own_vm(ctx);
    let a = sp_bind(ctx, vm, BIND_PER_VCPU, BIT_A)?;
    if a.is_success() {
        succeeded(super::secure_side::sp_unbind(ctx, vm, BIT_A)?, format_args!("the sp's unbind of the probe"))?;
        return Ok(false);
    }
    if a.error() == Some(FfaError::InvalidParameters) {
        return Ok(true);
    }
    fail!("the sp's per-vCPU FFA_NOTIFICATION_BIND: want FFA_SUCCESS or INVALID_PARAMETERS (unsupported), got {a}")
}

/// Ends the case as not applicable when the SPMC refuses per-vCPU bindings.
fn need_per_vcpu(ctx: &Ctx) -> CaseResult {
    if per_vcpu_refused(ctx)? {
        not_applicable!("{PER_VCPU_REFUSED}");
    }
    Ok(())
}

case! {
    /// A per-vCPU bit the VM set for vCPU n is the sp's vCPU n's to take: a GET on another
    /// core (the sp's vCPU there) returns nothing, the GET on core n returns exactly the bit,
    /// and clears it (Hafnium `vm_notifications_partition_get_pending`: the vCPU's per-vCPU
    /// bits and the global ones).
    "notifications.per_vcpu.vm_to_sp_taken_on_its_vcpu_only", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn vm_to_sp(ctx) {
        let n = other_vcpu(ctx)?;
        need_per_vcpu(ctx)?;
        with_sp_bound(ctx, BIND_PER_VCPU, BIT_A, |ctx, vm, sp| {
            set_from_vm(ctx, vm, sp, SET_PER_VCPU | set_vcpu(n), BIT_A)?;
            got_from_vm(sp_get_on(ctx, 0, GET_FROM_VM)?, 0, "the sp's GET on core 0 (the wrong vCPU)")?;
            got_from_vm(sp_get_on(ctx, n.into(), GET_FROM_VM)?, BIT_A, "the sp's GET on the vCPU the bit was set for")?;
            got_from_vm(sp_get_on(ctx, n.into(), GET_FROM_VM)?, 0, "the sp's second GET there")
        })
    }
}

case! {
    /// Global and per-vCPU bits of one receiver stay apart: with bit A bound globally and bit
    /// C per vCPU, both set (C for vCPU n), the GET on core 0 returns A only and the GET on
    /// core n returns C only, A having been taken already (DEN0077A v1.1 17: a receiver has
    /// a global bitmap and one per vCPU; Hafnium `vm_notifications_partition_get_pending`
    /// takes both for the calling vCPU).
    "notifications.per_vcpu.global_and_per_vcpu_bits_apart", NOTIFICATION_GET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn mixed(ctx) {
        let n = other_vcpu(ctx)?;
        need_per_vcpu(ctx)?;
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            with_sp_bound(ctx, BIND_PER_VCPU, BIT_C, |ctx, _, _| {
                set_from_vm(ctx, vm, sp, 0, BIT_A)?;
                set_from_vm(ctx, vm, sp, SET_PER_VCPU | set_vcpu(n), BIT_C)?;
                got_from_vm(sp_get_on(ctx, 0, GET_FROM_VM)?, BIT_A, "the sp's GET on core 0")?;
                got_from_vm(sp_get_on(ctx, n.into(), GET_FROM_VM)?, BIT_C, "the sp's GET on the per-vCPU bit's core")
            })
        })
    }
}

case! {
    /// A bit bound globally is set globally: a per-vCPU SET of it is INVALID_PARAMETERS
    /// (Hafnium 2.12 `api_ffa_notification_set`: "Notifications in ... are global"; 2.14 and
    /// later refuse any per-vCPU SET the same way).
    "notifications.per_vcpu.set_per_vcpu_of_a_global_bit_invalid", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn per_vcpu_of_global(ctx) {
        with_sp_bound(ctx, 0, BIT_A, |ctx, vm, sp| {
            let r = ctx.ffa.notification_set(vm, sp, SET_PER_VCPU | set_vcpu(0), BIT_A);
            check_error!(r, FfaError::InvalidParameters, "a per-vCPU FFA_NOTIFICATION_SET of a globally bound bit");
            Ok(())
        })
    }
}

case! {
    /// A bit bound per vCPU is set per vCPU: a global SET of it is INVALID_PARAMETERS (Hafnium
    /// `api_ffa_notification_set`: "Notifications in ... are per-vCPU").
    "notifications.per_vcpu.set_global_of_a_per_vcpu_bit_invalid", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn global_of_per_vcpu(ctx) {
        need_per_vcpu(ctx)?;
        with_sp_bound(ctx, BIND_PER_VCPU, BIT_A, |ctx, vm, sp| {
            let r = ctx.ffa.notification_set(vm, sp, 0, BIT_A);
            check_error!(r, FfaError::InvalidParameters, "a global FFA_NOTIFICATION_SET of a bit bound per vCPU");
            Ok(())
        })
    }
}

case! {
    /// The vCPU of a per-vCPU SET must be one of the receiver's: the sp's execution context
    /// count (one per core under Hafnium, its manifest) is past the last, INVALID_PARAMETERS
    /// (Hafnium `api_ffa_notification_set`: "Invalid VCPU ID").
    "notifications.per_vcpu.set_vcpu_past_the_receiver_invalid", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn past_vcpus(ctx) {
        need_per_vcpu(ctx)?;
        let past = ctx.core_count() as u16;
        with_sp_bound(ctx, BIND_PER_VCPU, BIT_A, |ctx, vm, sp| {
            let r = ctx.ffa.notification_set(vm, sp, SET_PER_VCPU | set_vcpu(past), BIT_A);
            check_error!(r, FfaError::InvalidParameters, "a per-vCPU FFA_NOTIFICATION_SET for vCPU {past}");
            Ok(())
        })
    }
}

case! {
    /// SP to VM per vCPU: the sp's SET of a bit the VM bound per vCPU, for vCPU n, is named by
    /// INFO_GET as the VM with vCPU n (one list: the VM's ID, then n), and the hypervisor's GET
    /// returns it for vCPU n only (a GET for vCPU 0 returns nothing): DEN0077A v1.1 17,
    /// FFA_NOTIFICATION_INFO_GET's lists name the vCPUs with per-vCPU bits pending (Hafnium
    /// `vm_notifications_info_get`).
    "notifications.per_vcpu.sp_to_vm_info_get_names_the_vcpu", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_GET, BITMAP_ABIS[0]]),
    since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(BITMAP_ABIS[0]), Need::Partition(SP_UUID)]);
    fn sp_to_vm(ctx) {
        let n = other_vcpu(ctx)?;
        let sp = sp_id(ctx)?;
        super::with_own_bitmap(ctx, |ctx, vm| {
            let probe = ctx.ffa.notification_bind(sp, vm, BIND_PER_VCPU, BIT_A);
            if probe.error() == Some(FfaError::InvalidParameters) {
                not_applicable!("{PER_VCPU_REFUSED}");
            }
            check_success!(probe, "a per-vCPU FFA_NOTIFICATION_BIND");
            check_success!(ctx.ffa.notification_unbind(sp, vm, BIT_A), "FFA_NOTIFICATION_UNBIND of the probe");
            Ok(())
        })?;
        with_vm_bound(ctx, BIND_PER_VCPU, BIT_A, |ctx, vm, _| {
            super::sp_to_vm::sp_sets(ctx, vm, SET_PER_VCPU | set_vcpu(n), BIT_A)?;
            let info = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
            check_success!(info, "INFO_GET after the sp's per-vCPU SET");
            let d = match decode_info(&info, true) {
                Ok(d) => d,
                Err(e) => fail!("INFO_GET after the sp's per-vCPU SET: {e}"),
            };
            check_eq!(d.count, 1, "INFO_GET lists");
            let list = d.lists()[0];
            check_eq!((list.id, list.vcpu_count, list.vcpus[0]), (vm, 1, n), "INFO_GET list 0 (endpoint, vCPU IDs, first vCPU)");
            got_from_sp(&ctx.ffa.notification_get(vm, 0, GET_FROM_SP), 0, "GET for vCPU 0")?;
            got_from_sp(&ctx.ffa.notification_get(vm, n, GET_FROM_SP), BIT_A, "GET for the vCPU the bit was set for")
        })
    }
}
