//! More pending than one INFO_GET answer holds (DEN0077A v1.1 17, FFA_NOTIFICATION_INFO_GET:
//! at most 20 IDs in the 64-bit form; x2 bit 0 says more is pending, and the scheduler calls
//! again for the rest). The image, as the hypervisor, creates bitmaps for as many VMs as the
//! SPMC has room for (Hafnium: MAX_VMS = 16 slots in `nwd_vms` for secure_qemu_aarch64,
//! project/reference/BUILD.gn, beside the hypervisor's own VM 0), binds a bit of each to our
//! sp, and the sp sets each one; every instance of our sp with notification receipt that the
//! stack runs binds a bit of its own to the image's VM, which sets it (one ID each: an SP with
//! a global bit pending). Where per-vCPU bindings exist (Hafnium 2.12) the sp also sets a
//! per-vCPU bit for every vCPU of two VMs. Hafnium 2.14 and later have no per-vCPU
//! notifications: there the 17 VMs and the four SP receivers under Hafnium on QEMU
//! (`partitions::HAFNIUM`) make 21 IDs, one past an answer.

use super::secure_side::{partition_bind, partition_get, partition_unbind, sp_set, succeeded};
use super::sp_to_vm::BIT_C;
use super::vm_to_sp::got_from_vm;
use super::{own_vm, BITMAP_ABIS, BIT_A};
use crate::sp::partitions;
use crate::sp::{sp_id, SP_UUID};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{
    decode_info, set_vcpu, InfoList, BIND_PER_VCPU, GET_FROM_SP, GET_FROM_VM, SET_DELAY_SRI, SET_PER_VCPU,
};
use ffa_harness::spec::NOTIFICATION_INFO_GET;
use ffa_harness::text::FixedText;
use ffa_harness::{case, check, check_eq, check_success, fail, CaseResult, Ctx, Need};

/// The most VMs the case creates bitmaps for (its own VM among them).
const MAX_VMS: usize = 24;
/// The most SP receivers: every instance of our sp.
const MAX_SPS: usize = partitions::ALL.len();
/// The VMs with a per-vCPU bit on every vCPU, where per-vCPU bindings exist.
const PER_VCPU_VMS: usize = 2;
/// More INFO_GET calls than the case's IDs can need.
const MAX_CALLS: usize = 6;

/// An SP receiver with [`BIT_A`] pending from the image's VM.
#[derive(Clone, Copy)]
struct SpReceiver {
    id: u16,
    /// Its execution contexts: the vCPU IDs an INFO_GET list of it may name.
    vcpus: u16,
}

/// What the case made pending.
struct Pending {
    vms: [u16; MAX_VMS],
    count: usize,
    /// How many of `vms` (the first ones) also have per-vCPU bits, one on each vCPU.
    per_vcpu: usize,
    sps: [SpReceiver; MAX_SPS],
    /// How many of `sps` bound [`BIT_A`] to the image's VM.
    sp_count: usize,
    /// How many of those the VM set it of.
    sp_set: usize,
}

impl Pending {
    fn vms(&self) -> &[u16] {
        &self.vms[..self.count]
    }

    fn sps(&self) -> &[SpReceiver] {
        &self.sps[..self.sp_count]
    }

    /// The IDs the answers must hold at the least: one per VM and SP, one per per-vCPU bit.
    fn needed(&self, vcpus: usize) -> usize {
        self.count + self.per_vcpu * vcpus + self.sp_count
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

/// Every instance of our sp with notification receipt that the stack runs binds [`BIT_A`] of
/// its own bitmap to the image's VM, which sets it (a VM sender, an SP receiver: Hafnium
/// `plat_ffa_is_notification_set_valid`).
fn make_sp_pending(ctx: &Ctx, p: &mut Pending) -> CaseResult {
    let vm = own_vm(ctx);
    for part in partitions::ALL.iter().filter(|q| q.notifications) {
        let Some(d) = ctx.find_partition(part.uuid)? else { continue };
        let bound = partition_bind(ctx, d.id, vm, 0, BIT_A)?;
        succeeded(bound, format_args!("{}'s ({:#x}) BIND of {BIT_A:#x} to VM {vm:#x}", part.name, d.id))?;
        p.sps[p.sp_count] = SpReceiver { id: d.id, vcpus: part.exec_ctx_count };
        p.sp_count += 1;
        check_success!(
            ctx.ffa.notification_set(vm, d.id, 0, BIT_A),
            "VM {vm:#x}'s SET of {}'s ({:#x}) bit",
            part.name,
            d.id
        );
        p.sp_set += 1;
    }
    Ok(())
}

/// Takes every bit of every VM the case created and of every SP receiver (checking each GET
/// returns what was set), unbinds and destroys them all.
fn clean_up(ctx: &Ctx, sp: u16, p: &Pending) -> CaseResult {
    let mut result = Ok(());
    let mut keep_first = |r: CaseResult| {
        if result.is_ok() {
            result = r;
        }
    };
    for (i, &vm) in p.vms().iter().enumerate() {
        let per_vcpu = if i < p.per_vcpu { BIT_C } else { 0 };
        for v in 0..ctx.core_count() as u16 {
            let r = ctx.ffa.notification_get(vm, v, GET_FROM_SP);
            let want = per_vcpu | if v == 0 { BIT_A } else { 0 };
            let got = u64::from(r.w(3)) << 32 | u64::from(r.w(2));
            if !r.is_success() || got != want {
                keep_first(Err(ffa_harness::Failure::new(
                    file!(),
                    line!(),
                    format_args!("GET(VM {vm:#x}, vCPU {v}) after the INFO_GETs: want {want:#x}, got {}", r.summary()),
                )));
            }
        }
        ctx.ffa.notification_unbind(sp, vm, BIT_A | per_vcpu);
        ctx.ffa.notification_bitmap_destroy(vm);
    }
    let vm = own_vm(ctx);
    for (i, r) in p.sps().iter().enumerate() {
        let want = if i < p.sp_set { BIT_A } else { 0 };
        let what = FixedText::<80>::format(format_args!("SP {:#x}'s GET of its VM bitmap after the INFO_GETs", r.id));
        keep_first(partition_get(ctx, r.id, 0, GET_FROM_VM).and_then(|a| got_from_vm(a, want, what.as_str())));
        keep_first(
            partition_unbind(ctx, r.id, vm, BIT_A)
                .and_then(|a| succeeded(a, format_args!("partition {:#x}'s UNBIND after the case", r.id))),
        );
    }
    result
}

/// What the INFO_GET answers named, per endpoint of [`Pending`]: how often as a list's
/// endpoint, and how often each of its vCPUs.
struct Named {
    vms: [u32; MAX_VMS],
    vm_vcpus: [[u32; ffa_harness::cores::MAX_CORES]; MAX_VMS],
    sps: [u32; MAX_SPS],
    sp_vcpus: [[u32; ffa_harness::cores::MAX_CORES]; MAX_SPS],
}

impl Named {
    /// Counts `list` of answer `call`, which must name an endpoint of `p` and only vCPUs it may
    /// name: a VM's with a per-vCPU bit; an SP's own (Hafnium 2.14 and later add the vCPUs of
    /// a waiting SP with interrupts pending, `vm_interrupts_info_get`, which the case accepts).
    fn count(&mut self, p: &Pending, vcpus: usize, call: usize, list: &InfoList) -> CaseResult {
        let ids = &list.vcpus[..list.vcpu_count];
        if let Some(i) = p.vms().iter().position(|&v| v == list.id) {
            self.vms[i] += 1;
            for &v in ids {
                check!(
                    i < p.per_vcpu && usize::from(v) < vcpus,
                    "INFO_GET call {call} names VM {:#x} vCPU {v}, which has no per-vCPU bit",
                    list.id
                );
                self.vm_vcpus[i][usize::from(v)] += 1;
            }
        } else if let Some(i) = p.sps().iter().position(|s| s.id == list.id) {
            self.sps[i] += 1;
            for &v in ids {
                check!(
                    v < p.sps[i].vcpus,
                    "INFO_GET call {call} names SP {:#x} vCPU {v}, which it does not have",
                    list.id
                );
                self.sp_vcpus[i][usize::from(v)] += 1;
            }
        } else {
            fail!("INFO_GET call {call} names {:#x}, which has nothing pending", list.id)
        }
        Ok(())
    }
}

/// Follows INFO_GET until NO_DATA and checks what the answers named against `p`.
fn follow(ctx: &Ctx, p: &Pending) -> CaseResult {
    let vcpus = ctx.core_count();
    let needed = p.needed(vcpus);
    let mut named = Named {
        vms: [0; MAX_VMS],
        vm_vcpus: [[0; ffa_harness::cores::MAX_CORES]; MAX_VMS],
        sps: [0; MAX_SPS],
        sp_vcpus: [[0; ffa_harness::cores::MAX_CORES]; MAX_SPS],
    };
    let mut calls = 0;
    let mut more_pending = false;
    loop {
        let r = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
        if r.error() == Some(FfaError::NoData) {
            // x2 bit 0 of an answer says another one follows.
            check!(!more_pending, "INFO_GET call {calls} said more is pending, but the next call is NO_DATA");
            break;
        }
        calls += 1;
        check!(calls <= MAX_CALLS, "INFO_GET answered {MAX_CALLS} times without NO_DATA");
        check_success!(r, "INFO_GET call {calls}");
        let info = match decode_info(&r, true) {
            Ok(i) => i,
            Err(e) => fail!("INFO_GET call {calls}: {e}"),
        };
        more_pending = info.more_pending;
        if calls == 1 && needed > 20 {
            check!(more_pending, "call 1's more-pending flag is clear with {needed} IDs pending");
        }
        for list in info.lists() {
            named.count(p, vcpus, calls, list)?;
        }
        if !more_pending {
            let after = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
            ffa_harness::check_error!(after, FfaError::NoData, "INFO_GET after an answer with nothing more pending");
            break;
        }
    }
    let note = FixedText::<120>::format(format_args!(
        "INFO_GET: {} VMs, {} per-vCPU bits, {} SPs, {needed} IDs in {calls} answers",
        p.count,
        p.per_vcpu * vcpus,
        p.sp_count
    ));
    ffa_harness::executor::emit(ctx.platform, ffa_harness::event::Event::Note { msg: note.as_str().into() });
    check!(needed <= 20 || calls >= 2, "{needed} IDs pending came in {calls} INFO_GET answers of at most 20");
    for (i, &vm) in p.vms().iter().enumerate() {
        check!(named.vms[i] > 0, "no INFO_GET answer named VM {vm:#x} (lost)");
        if i >= p.per_vcpu {
            check_eq!(named.vms[i], 1, "how often INFO_GET named VM {vm:#x}, which has one global bit");
        }
        let with_per_vcpu = if i < p.per_vcpu { vcpus } else { 0 };
        for (v, &n) in named.vm_vcpus[i][..with_per_vcpu].iter().enumerate() {
            check_eq!(n, 1, "how often INFO_GET named VM {vm:#x} vCPU {v}");
        }
    }
    for (i, sp) in p.sps().iter().enumerate() {
        check!(named.sps[i] > 0, "no INFO_GET answer named SP {:#x} (lost)", sp.id);
        if named.sp_vcpus[i].iter().all(|&n| n == 0) {
            check_eq!(named.sps[i], 1, "how often INFO_GET named SP {:#x}, which has one global bit", sp.id);
        }
        for (v, &n) in named.sp_vcpus[i].iter().enumerate() {
            check!(n <= 1, "INFO_GET named SP {:#x} vCPU {v} {n} times", sp.id);
        }
    }
    Ok(())
}

case! {
    /// With more IDs pending than one answer holds, INFO_GET says so in x2 bit 0 and the next
    /// call brings the rest: every VM and SP with a bit pending is named, each vCPU with a
    /// per-vCPU bit exactly once, an endpoint with only a global bit once, nothing that has
    /// nothing pending; an answer with the flag set is followed by another, the last one has
    /// it clear and the call after it is NO_DATA (Hafnium reports each pending notification
    /// to the scheduler once, `info_get_retrieved`); INFO_GET takes nothing: the GETs
    /// afterwards, the VMs' and the SPs', return every bit set.
    "notifications.info_get.pages_through_many_vms", NOTIFICATION_INFO_GET,
    abis(&[FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_BIND, BITMAP_ABIS[0]]),
    since(Version::V1_1),
    needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Abi(FuncId::NOTIFICATION_SET), Need::Abi(BITMAP_ABIS[0]), Need::Partition(SP_UUID)]);
    fn pages(ctx) {
        let sp = sp_id(ctx)?;
        let mut p = Pending {
            vms: [0; MAX_VMS],
            count: 0,
            per_vcpu: 0,
            sps: [SpReceiver { id: 0, vcpus: 0 }; MAX_SPS],
            sp_count: 0,
            sp_set: 0,
        };
        let made = make_pending(ctx, sp, &mut p).and_then(|()| make_sp_pending(ctx, &mut p));
        let complete = made.is_ok();
        let result = made.and_then(|()| follow(ctx, &p));
        let cleaned = clean_up(ctx, sp, &p);
        // After a set-up that failed half-way the GETs find half the bits: only its failure counts.
        result.and(if complete { cleaned } else { Ok(()) })
    }
}
