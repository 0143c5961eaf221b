//! More pending than one INFO_GET answer holds (DEN0077A v1.1 17, FFA_NOTIFICATION_INFO_GET:
//! at most 20 IDs in the 64-bit form; x2 bit 0 says more is pending, and the scheduler calls
//! again for the rest). The image, as the hypervisor, creates bitmaps for as many VMs as the
//! SPMC has room for (Hafnium: MAX_VMS = 16 slots in `nwd_vms` for secure_qemu_aarch64,
//! project/reference/BUILD.gn, beside the hypervisor's own VM 0), binds a bit of each to our
//! sp, and the sp sets each one; where per-vCPU bindings exist (Hafnium 2.12) the sp also sets
//! a per-vCPU bit for every vCPU of two VMs, which takes the count past 20. Hafnium 2.14 and
//! later have no per-vCPU notifications, and 17 VMs (plus each SP) stay within one answer:
//! there the case checks that one answer names them all.

use super::secure_side::{sp_set, succeeded};
use super::sp_to_vm::BIT_C;
use super::{own_vm, BITMAP_ABIS, BIT_A};
use crate::sp::{sp_id, SP_UUID};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{decode_info, set_vcpu, BIND_PER_VCPU, GET_FROM_SP, SET_DELAY_SRI, SET_PER_VCPU};
use ffa_harness::spec::NOTIFICATION_INFO_GET;
use ffa_harness::{case, check, check_eq, check_success, fail, CaseResult, Ctx, Need};

/// The most VMs the case creates bitmaps for (its own VM among them).
const MAX_VMS: usize = 24;
/// The VMs with a per-vCPU bit on every vCPU, where per-vCPU bindings exist.
const PER_VCPU_VMS: usize = 2;
/// More INFO_GET calls than the case's IDs can need.
const MAX_CALLS: usize = 6;

/// What the case made pending.
struct Pending {
    vms: [u16; MAX_VMS],
    count: usize,
    /// How many of `vms` (the first ones) also have per-vCPU bits, one on each vCPU.
    per_vcpu: usize,
}

impl Pending {
    fn vms(&self) -> &[u16] {
        &self.vms[..self.count]
    }
}

/// Creates bitmaps for the caller's VM and VMs 1, 2, ... until the SPMC has no room (or
/// [`MAX_VMS`]), binds [`BIT_A`] of each to the sp and, where the SPMC takes per-vCPU
/// bindings, [`BIT_C`] per vCPU of the first [`PER_VCPU_VMS`]; the sp sets them all.
fn make_pending(ctx: &Ctx, sp: u16, p: &mut Pending) -> CaseResult {
    let vcpus = ctx.core_count() as u32;
    for id in core::iter::once(own_vm(ctx)).chain(1..) {
        if p.count == MAX_VMS {
            break;
        }
        let r = ctx.ffa.notification_bitmap_create(id, vcpus);
        if r.error() == Some(FfaError::NoMemory) && p.count > 1 {
            break;
        }
        check_success!(r, "FFA_NOTIFICATION_BITMAP_CREATE(VM {id:#x})");
        p.vms[p.count] = id;
        p.count += 1;
        check_success!(ctx.ffa.notification_bind(sp, id, 0, BIT_A), "FFA_NOTIFICATION_BIND(VM {id:#x})");
        succeeded(sp_set(ctx, id, SET_DELAY_SRI, BIT_A)?, format_args!("the sp's SET of VM {id:#x}"))?;
    }
    for i in 0..PER_VCPU_VMS.min(p.count) {
        let vm = p.vms[i];
        let r = ctx.ffa.notification_bind(sp, vm, BIND_PER_VCPU, BIT_C);
        if r.error() == Some(FfaError::InvalidParameters) {
            break; // No per-vCPU notifications (Hafnium 2.14 and later).
        }
        check_success!(r, "a per-vCPU FFA_NOTIFICATION_BIND(VM {vm:#x})");
        p.per_vcpu = i + 1;
        for v in 0..vcpus as u16 {
            let flags = SET_DELAY_SRI | SET_PER_VCPU | set_vcpu(v);
            succeeded(sp_set(ctx, vm, flags, BIT_C)?, format_args!("the sp's per-vCPU SET of VM {vm:#x} vCPU {v}"))?;
        }
    }
    Ok(())
}

/// Takes every bit of every VM the case created (checking GET returns what was set), unbinds
/// and destroys them all.
fn clean_up(ctx: &Ctx, sp: u16, p: &Pending) -> CaseResult {
    let mut result = Ok(());
    for (i, &vm) in p.vms().iter().enumerate() {
        let per_vcpu = if i < p.per_vcpu { BIT_C } else { 0 };
        for v in 0..ctx.core_count() as u16 {
            let r = ctx.ffa.notification_get(vm, v, GET_FROM_SP);
            let want = per_vcpu | if v == 0 { BIT_A } else { 0 };
            let got = u64::from(r.w(3)) << 32 | u64::from(r.w(2));
            if result.is_ok() && (!r.is_success() || got != want) {
                result = Err(ffa_harness::Failure::new(
                    file!(),
                    line!(),
                    format_args!("GET(VM {vm:#x}, vCPU {v}) after the INFO_GETs: want {want:#x}, got {}", r.summary()),
                ));
            }
        }
        ctx.ffa.notification_unbind(sp, vm, BIT_A | per_vcpu);
        ctx.ffa.notification_bitmap_destroy(vm);
    }
    result
}

/// Follows INFO_GET until NO_DATA and checks what the answers named against `p`.
fn follow(ctx: &Ctx, p: &Pending) -> CaseResult {
    let vcpus = ctx.core_count();
    let per_vcpu_ids = p.per_vcpu * vcpus;
    let needed = p.count + per_vcpu_ids;
    // What the answers named: per VM, how often as a list's endpoint, and each vCPU pair.
    let mut named = [0u32; MAX_VMS];
    let mut pairs = [[0u32; ffa_harness::cores::MAX_CORES]; MAX_VMS];
    let mut calls = 0;
    loop {
        let r = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
        if r.error() == Some(FfaError::NoData) {
            break;
        }
        calls += 1;
        check!(calls <= MAX_CALLS, "INFO_GET answered {MAX_CALLS} times without NO_DATA");
        check_success!(r, "INFO_GET call {calls}");
        let info = match decode_info(&r, true) {
            Ok(i) => i,
            Err(e) => fail!("INFO_GET call {calls}: {e}"),
        };
        if calls == 1 {
            check_eq!(info.more_pending, needed > 20, "call 1's more-pending flag with {needed} IDs pending");
        }
        for list in info.lists() {
            let Some(i) = p.vms().iter().position(|&v| v == list.id) else {
                fail!("INFO_GET call {calls} names {:#x}, which has nothing pending", list.id)
            };
            named[i] += 1;
            for &v in &list.vcpus[..list.vcpu_count] {
                check!(
                    i < p.per_vcpu && usize::from(v) < vcpus,
                    "INFO_GET call {calls} names VM {:#x} vCPU {v}, which has no per-vCPU bit",
                    list.id
                );
                pairs[i][usize::from(v)] += 1;
            }
        }
        if !info.more_pending {
            let after = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
            ffa_harness::check_error!(after, FfaError::NoData, "INFO_GET after an answer with nothing more pending");
            break;
        }
    }
    let note = ffa_harness::text::FixedText::<120>::format(format_args!(
        "INFO_GET: {} VMs, {per_vcpu_ids} per-vCPU bits, {needed} IDs in {calls} answers",
        p.count
    ));
    ffa_harness::executor::emit(ctx.platform, ffa_harness::event::Event::Note { msg: note.as_str().into() });
    check!(needed <= 20 || calls >= 2, "{needed} IDs pending came in {calls} INFO_GET answers of at most 20");
    for (i, &vm) in p.vms().iter().enumerate() {
        check!(named[i] > 0, "no INFO_GET answer named VM {vm:#x} (lost)");
        if i >= p.per_vcpu {
            check_eq!(named[i], 1, "how often INFO_GET named VM {vm:#x}, which has one global bit");
        }
        let with_per_vcpu = if i < p.per_vcpu { vcpus } else { 0 };
        for (v, &n) in pairs[i][..with_per_vcpu].iter().enumerate() {
            check_eq!(n, 1, "how often INFO_GET named VM {vm:#x} vCPU {v}");
        }
    }
    Ok(())
}

case! {
    /// With more IDs pending than one answer holds, INFO_GET says so in x2 bit 0 and the next
    /// call brings the rest: every VM with a bit pending is named, each vCPU with a per-vCPU
    /// bit exactly once, a VM with only a global bit once, nothing that has nothing pending;
    /// the last answer has the flag clear and the call after it is NO_DATA (Hafnium reports
    /// each pending notification to the scheduler once, `info_get_retrieved`); INFO_GET takes
    /// nothing: the GETs afterwards return every bit set.
    "notifications.info_get.pages_through_many_vms", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_BIND, BITMAP_ABIS[0]]),
    since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(BITMAP_ABIS[0]), Need::Partition(SP_UUID)]);
    fn pages(ctx) {
        let sp = sp_id(ctx)?;
        let mut p = Pending { vms: [0; MAX_VMS], count: 0, per_vcpu: 0 };
        let made = make_pending(ctx, sp, &mut p);
        let complete = made.is_ok();
        let result = made.and_then(|()| follow(ctx, &p));
        let cleaned = clean_up(ctx, sp, &p);
        // After a set-up that failed half-way the GETs find half the bits: only its failure counts.
        result.and(if complete { cleaned } else { Ok(()) })
    }
}
