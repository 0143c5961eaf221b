//! `notifications.*`: the FF-A v1.1 notification ABIs as the normal world calls them
//! (DEN0077A v1.1 chapter 17). The image runs at NS-EL2, the hypervisor: it creates and
//! destroys bitmaps for VM IDs, binds bits of its own VM (its endpoint ID) to a secure
//! sender, asks for them with GET and, as the scheduler, with INFO_GET. Hafnium (src/api.c
//! `api_ffa_notification_*`, src/ffa/spmc/notifications.c) and OP-TEE (thread_spmc.c
//! `handle_notification_*`) are the SPMCs that implement them; TF-A's EL3 SPMC does not,
//! and FFA_FEATURES makes every case `not-supported` there. Under Hafnium our sp is the
//! secure endpoint on the other side, sender and receiver (`secure_side`): VM to SP, SP to
//! VM and SP to SP, globally and per vCPU.
//!
//! Every case leaves no bitmap and no binding behind: the next one starts from nothing.
//! `notifications.via_sri.*` is the exception it cannot help being (OP-TEE's test watchdog,
//! once started, pends a bit once a second until the next boot), which is why its id sorts
//! after every other notification case.

mod bind;
mod bitmap;
mod get;
mod info_get;
mod pagination;
mod per_vcpu;
mod race;
mod secure_side;
mod set;
mod sp_to_sp;
mod sp_to_vm;
mod sri;
mod vm_to_sp;

use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::{check_success, fail, CaseResult, Ctx, Failure};

/// A bit no case binds but the one using it.
pub const BIT_A: u64 = 1 << 5;
/// A second bit, in the high half (w4) of the bitmap.
pub const BIT_B: u64 = 1 << 40;

/// A VM ID for the receiver in cases about the caller's own VM.
pub fn own_vm(ctx: &Ctx) -> u16 {
    ctx.session.own_id
}

/// The secure endpoint the cases bind bits to: the first partition that takes direct requests
/// (OP-TEE itself on optee-sel1, a test SP on Hafnium).
pub fn sender_sp(ctx: &Ctx) -> Result<u16, Failure> {
    crate::common::direct_receiver(ctx)
}

/// A secure endpoint ID no partition has; outside 0xffc0..=0xfffe, which Hafnium keeps for the
/// SPMD's logical partitions (`EL3_SPMD_LP_ID_START`), whose IDs it refuses as invalid first.
pub const ABSENT_SP: u16 = 0x8ffe;

/// Creates the bitmap of the caller's own VM (one vCPU per core), runs `body`, and destroys
/// the bitmap again whatever `body` returned; the body must leave nothing bound or pending.
pub fn with_own_bitmap(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx, u16) -> CaseResult) -> CaseResult {
    let vm = own_vm(ctx);
    let r = ctx.ffa.notification_bitmap_create(vm, ctx.core_count() as u32);
    check_success!(r, "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x}) (set-up)");
    let result = body(ctx, vm);
    let r = ctx.ffa.notification_bitmap_destroy(vm);
    result?;
    check_success!(r, "FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x}) after the case");
    Ok(())
}

/// Binds `bitmap` of `vm` to `sender`, which must succeed.
pub fn bind(ctx: &Ctx, sender: u16, vm: u16, bitmap: u64) -> CaseResult {
    let r = ctx.ffa.notification_bind(sender, vm, 0, bitmap);
    check_success!(r, "FFA_NOTIFICATION_BIND({bitmap:#x} of VM {vm:#x} to {sender:#x})");
    Ok(())
}

/// Unbinds `bitmap` of `vm` from `sender`, which must succeed.
pub fn unbind(ctx: &Ctx, sender: u16, vm: u16, bitmap: u64) -> CaseResult {
    let r = ctx.ffa.notification_unbind(sender, vm, bitmap);
    check_success!(r, "FFA_NOTIFICATION_UNBIND({bitmap:#x} of VM {vm:#x} from {sender:#x})");
    Ok(())
}

/// Fails unless `r` is FFA_ERROR with one of `codes` (the readings the case's comment names),
/// encoded as `check_error!` wants.
pub fn check_error_one_of(
    r: &ffa_harness::ffa::Regs,
    codes: &[FfaError],
    what: core::fmt::Arguments<'_>,
) -> CaseResult {
    for &c in codes {
        if ffa_harness::check::error_encoding(r, c).is_none() {
            return Ok(());
        }
    }
    fail!("{what}: want FFA_ERROR({codes:?}), got {}", r.summary())
}

/// The ABIs a case that works on the caller's own bitmap needs beside its own.
pub const BITMAP_ABIS: [FuncId; 2] = [FuncId::NOTIFICATION_BITMAP_CREATE, FuncId::NOTIFICATION_BITMAP_DESTROY];
