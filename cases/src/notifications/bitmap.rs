//! FFA_NOTIFICATION_BITMAP_CREATE and _DESTROY, called by the hypervisor for a VM ID
//! (DEN0077A v1.1 17.2, 17.3; Hafnium `ffa_notifications_is_bitmap_access_valid`: only the
//! hypervisor may, and only for a VM ID).

use super::{bind, sender_sp, unbind, BIT_A};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::spec::{NOTIFICATION_BITMAP_CREATE, NOTIFICATION_BITMAP_DESTROY};
use ffa_harness::{case, check_error, check_success, fail, Need};

const CREATE: FuncId = FuncId::NOTIFICATION_BITMAP_CREATE;
const DESTROY: FuncId = FuncId::NOTIFICATION_BITMAP_DESTROY;
const NEEDS: &[Need] = &[Need::Abi(CREATE), Need::Abi(DESTROY)];

case! {
    /// The hypervisor creates the bitmap of a VM, giving its vCPU count, and destroys it:
    /// both succeed with FFA_SUCCESS (Hafnium `ffa_notifications_bitmap_create`, OP-TEE
    /// `handle_notification_bitmap_create`; TF-A-Tests
    /// `test_ffa_notifications_bitmap_create_destroy`).
    "notifications.bitmap_create.then_destroy", NOTIFICATION_BITMAP_CREATE,
    abis(&[CREATE, DESTROY]), since(Version::V1_1), needs(NEEDS);
    fn create_destroy(ctx) {
        let vm = super::own_vm(ctx);
        let r = ctx.ffa.notification_bitmap_create(vm, ctx.core_count() as u32);
        check_success!(r, "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x}, {} vCPUs)", ctx.core_count());
        let r = ctx.ffa.notification_bitmap_destroy(vm);
        check_success!(r, "FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x})");
        Ok(())
    }
}

case! {
    /// A bitmap is created once: a second FFA_NOTIFICATION_BITMAP_CREATE for the same VM is
    /// DENIED (Hafnium and OP-TEE: "already created").
    "notifications.bitmap_create.twice_denied", NOTIFICATION_BITMAP_CREATE,
    abis(&[CREATE, DESTROY]), since(Version::V1_1), needs(NEEDS);
    fn create_twice(ctx) {
        super::with_own_bitmap(ctx, |ctx, vm| {
            let r = ctx.ffa.notification_bitmap_create(vm, ctx.core_count() as u32);
            check_error!(r, FfaError::Denied, "a second FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x})");
            Ok(())
        })
    }
}

case! {
    /// A bitmap is created for a VM: an SP's ID (bit 15 set) in w1 is INVALID_PARAMETERS
    /// (Hafnium `ffa_notifications_is_bitmap_access_valid`: "must be a valid VM ID"; OP-TEE
    /// finds no bitmap for it).
    "notifications.bitmap_create.sp_id_invalid", NOTIFICATION_BITMAP_CREATE,
    abis(&[CREATE]), since(Version::V1_1), needs(NEEDS);
    fn create_for_sp(ctx) {
        let sp = sender_sp(ctx)?;
        let r = ctx.ffa.notification_bitmap_create(sp, 1);
        if r.is_success() {
            ctx.ffa.notification_bitmap_destroy(sp);
        }
        check_error!(r, FfaError::InvalidParameters, "FFA_NOTIFICATION_BITMAP_CREATE(SP {sp:#x})");
        Ok(())
    }
}

case! {
    /// Destroying a bitmap that was never created is DENIED (Hafnium
    /// `ffa_notifications_bitmap_destroy`: "notification disabled"; TF-A-Tests
    /// `test_ffa_notifications_destroy_not_created` expects DENIED). The case runs when no
    /// bitmap of the caller's VM exists: every other case destroys the one it made.
    "notifications.bitmap_destroy.never_created_denied", NOTIFICATION_BITMAP_DESTROY,
    abis(&[DESTROY]), since(Version::V1_1), needs(NEEDS);
    fn destroy_never_created(ctx) {
        let vm = super::own_vm(ctx);
        let r = ctx.ffa.notification_bitmap_destroy(vm);
        check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x}) of no bitmap");
        Ok(())
    }
}

case! {
    /// A destroyed bitmap is gone: destroying it again is DENIED, as for one never created
    /// (Hafnium `ffa_notifications_bitmap_destroy`).
    "notifications.bitmap_destroy.twice_denied", NOTIFICATION_BITMAP_DESTROY,
    abis(&[CREATE, DESTROY]), since(Version::V1_1), needs(NEEDS);
    fn destroy_twice(ctx) {
        let vm = super::own_vm(ctx);
        check_success!(ctx.ffa.notification_bitmap_create(vm, 1), "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x})");
        check_success!(ctx.ffa.notification_bitmap_destroy(vm), "FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x})");
        let r = ctx.ffa.notification_bitmap_destroy(vm);
        check_error!(r, FfaError::Denied, "a second FFA_NOTIFICATION_BITMAP_DESTROY(VM {vm:#x})");
        Ok(())
    }
}

case! {
    /// A bitmap with bits bound: OP-TEE refuses to destroy it (DENIED while anything is bound
    /// or pending, `handle_notification_bitmap_destroy`), Hafnium destroys it and its bindings
    /// with it (only pending bits are DENIED, `ffa_notifications_bitmap_destroy`). No DEN0077A
    /// sentence read here settles it, so both readings pass, each held to what it implies: a
    /// DENIED bitmap still exists (creating it again is DENIED), a destroyed one does not
    /// (creating it again succeeds).
    "notifications.bitmap_destroy.with_bits_bound", NOTIFICATION_BITMAP_DESTROY,
    abis(&[CREATE, DESTROY, FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_UNBIND]), since(Version::V1_1),
    needs(&[Need::Abi(CREATE), Need::Abi(DESTROY), Need::Abi(FuncId::NOTIFICATION_BIND)]);
    fn destroy_bound(ctx) {
        let (vm, sp) = (super::own_vm(ctx), sender_sp(ctx)?);
        check_success!(ctx.ffa.notification_bitmap_create(vm, 1), "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x})");
        bind(ctx, sp, vm, BIT_A)?;
        let r = ctx.ffa.notification_bitmap_destroy(vm);
        let again = ctx.ffa.notification_bitmap_create(vm, 1);
        if r.is_success() {
            check_success!(again, "FFA_NOTIFICATION_BITMAP_CREATE after the bitmap was destroyed with bits bound");
        } else {
            check_error!(r, FfaError::Denied, "FFA_NOTIFICATION_BITMAP_DESTROY with a bit bound");
            check_error!(again, FfaError::Denied, "FFA_NOTIFICATION_BITMAP_CREATE of a bitmap whose destroy was DENIED");
        }
        // Either way a bitmap exists now; clear it.
        if !r.is_success() {
            unbind(ctx, sp, vm, BIT_A)?;
        }
        if !ctx.ffa.notification_bitmap_destroy(vm).is_success() {
            fail!("could not destroy the bitmap of VM {vm:#x} after the case");
        }
        Ok(())
    }
}

case! {
    /// Bitmaps of VMs are the hypervisor's to create: FFA_NOTIFICATION_BITMAP_CREATE from an
    /// SP is refused (Hafnium `ffa_notifications_is_bitmap_access_valid`: NOT_SUPPORTED unless
    /// the caller is the hypervisor; any refusal passes). The sp makes the call for the
    /// caller's VM (its FFA_CALL command); should it succeed, the normal world destroys the
    /// bitmap again.
    "notifications.bitmap_create.from_secure_side_refused", NOTIFICATION_BITMAP_CREATE,
    abis(&[CREATE]), since(Version::V1_1), needs(&[Need::Abi(CREATE), Need::Abi(DESTROY), Need::Partition(crate::sp::SP_UUID)]);
    fn create_from_sp(ctx) {
        use crate::sp::{command, Width, FFA_CALL};
        let vm = super::own_vm(ctx);
        let r = command(ctx, Width::W64, FFA_CALL, [CREATE.0.into(), vm.into(), 1, 0])?;
        let w0 = r[0] as u32;
        if w0 != FuncId::ERROR.0 && w0 != u32::MAX {
            ctx.ffa.notification_bitmap_destroy(vm);
            fail!("FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x}) from the sp: want a refusal, got w0 = {w0:#x}");
        }
        Ok(())
    }
}

/// More VM IDs than an SPMC of this kind keeps bitmaps for (Hafnium: 16, MAX_VMS).
const MANY_VMS: u16 = 64;

case! {
    /// The SPMC keeps bitmaps for a bounded number of VMs: creating them for VMs 1, 2, ...
    /// succeeds until it has no room, and then it says NO_MEMORY (Hafnium
    /// `plat_ffa_notifications_bitmap_create`: "No memory to create VM ID", once the MAX_VMS
    /// slots of `nwd_vms` are taken); destroying one makes room for one more. An SPMC that
    /// knows only its own VM refuses VM 1 with INVALID_PARAMETERS (OP-TEE without
    /// CFG_NS_VIRTUALIZATION, `get_notif_vm_bitmap`): the case does not apply there.
    "notifications.bitmap_create.slots_run_out_no_memory", NOTIFICATION_BITMAP_CREATE,
    abis(&[CREATE, DESTROY]), since(Version::V1_1), needs(NEEDS);
    fn slots(ctx) {
        let vcpus = ctx.core_count() as u32;
        let mut created = 0u16;
        let mut refusal = None;
        for vm in 1..=MANY_VMS {
            let r = ctx.ffa.notification_bitmap_create(vm, vcpus);
            if !r.is_success() {
                refusal = Some((vm, r));
                break;
            }
            created = vm;
        }
        let reopened = match refusal {
            Some((vm, _)) if created > 0 => {
                ctx.ffa.notification_bitmap_destroy(created);
                let again = ctx.ffa.notification_bitmap_create(vm, vcpus);
                let ok = again.is_success();
                if ok {
                    ctx.ffa.notification_bitmap_destroy(vm);
                }
                created -= 1;
                Some(again)
            }
            _ => None,
        };
        for vm in 1..=created {
            ctx.ffa.notification_bitmap_destroy(vm);
        }
        match (refusal, reopened) {
            (None, _) => fail!("{MANY_VMS} VM bitmaps created: no limit reached"),
            (Some((1, r)), _) if r.error() == Some(FfaError::InvalidParameters) => {
                ffa_harness::not_applicable!("the SPMC keeps a bitmap for its own VM only (VM 1: INVALID_PARAMETERS)")
            }
            (Some((vm, r)), reopened) => {
                check_error!(r, FfaError::NoMemory, "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x}) once the SPMC had no room");
                if let Some(again) = reopened {
                    check_success!(again, "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x}) after one bitmap was destroyed");
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, success, Script};
    use core::sync::atomic::{AtomicBool, Ordering};
    use ffa_harness::ffa::Regs;

    /// Whether the scripted SPMC's bitmap of VM 0 exists (one test uses it at a time).
    static CREATED: AtomicBool = AtomicBool::new(false);

    /// A bitmap that keeps the rules: created once, destroyed once.
    fn keeps_rules(r: &Regs) -> Regs {
        match r.func() {
            CREATE if !CREATED.swap(true, Ordering::SeqCst) => success(),
            DESTROY if CREATED.swap(false, Ordering::SeqCst) => success(),
            _ => error(FfaError::Denied),
        }
    }

    #[test]
    fn create_and_destroy_fail_where_an_spmc_accepts_every_call() {
        CREATED.store(false, Ordering::SeqCst);
        let good = || Script { answer: keeps_rules, callee_saved: preserved };
        for body in [create_destroy, create_twice, destroy_never_created, destroy_twice] {
            assert!(run(good(), Version::V1_1, 0x8000, body).is_ok());
        }
        // OP-TEE's reading: any destroy succeeds, and so does a second create.
        let accepts = || Script { answer: |_| success(), callee_saved: preserved };
        assert!(run(accepts(), Version::V1_1, 0x8000, create_destroy).is_ok());
        for body in [create_twice, destroy_never_created, destroy_twice] {
            assert!(run(accepts(), Version::V1_1, 0x8000, body).is_err());
        }
    }

    /// How a scripted SPMC answers a call.
    type Answer = fn(&Regs) -> Regs;

    /// Bitmaps the slot-counting SPMC holds for VMs other than 0.
    static SLOTS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

    /// Sixteen slots, then NO_MEMORY (Hafnium's MAX_VMS), or `full` when they run out.
    fn slots_then(r: &Regs, full: FfaError) -> Regs {
        match r.func() {
            CREATE if SLOTS.load(Ordering::SeqCst) < 16 => {
                SLOTS.fetch_add(1, Ordering::SeqCst);
                success()
            }
            CREATE => error(full),
            DESTROY => {
                SLOTS.fetch_sub(1, Ordering::SeqCst);
                success()
            }
            _ => error(FfaError::NotSupported),
        }
    }

    #[test]
    fn slots_fail_where_an_spmc_never_runs_out_or_runs_out_with_another_error() {
        let cases: [(Answer, bool); 3] = [
            (|r| slots_then(r, FfaError::NoMemory), true),
            (|r| slots_then(r, FfaError::Denied), false),
            (|_| success(), false),
        ];
        for (answer, passes) in cases {
            SLOTS.store(0, Ordering::SeqCst);
            let result = run(Script { answer, callee_saved: preserved }, Version::V1_1, 0x8000, slots);
            assert_eq!(result.is_ok(), passes, "{result:?}");
        }
        // OP-TEE's reading, a bitmap for its own VM only: the case does not apply.
        let own_only = Script { answer: |_| error(FfaError::InvalidParameters), callee_saved: preserved };
        let skipped = run(own_only, Version::V1_1, 0x8000, slots).unwrap_err();
        assert_eq!(skipped.kind, ffa_harness::check::FailureKind::NotApplicable, "{skipped:?}");
    }
}
