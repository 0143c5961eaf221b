//! The notification ABIs called by our sp, the secure endpoint (DEN0077A v1.1 17): BIND and
//! UNBIND of its own bitmap to a VM sender, SET of a VM's bits as the sender, GET of its own
//! bits. One sp command makes the call with a 64-bit bitmap in w3/w4 and answers every
//! register a notification ABI returns, so each case reads the result it checks; the
//! wrappers here name the partitions the way Hafnium wants them from an SP
//! (`plat_ffa_is_notifications_bind_valid`: the caller is the receiver of a bind and the
//! sender of a set, `plat_ffa_is_notification_get_valid`: the receiver of a get).

use crate::common::check_direct_response;
use crate::sp::{request, sp_id, Width};
use core::sync::atomic::{AtomicU32, Ordering};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::cores::CoreValue;
use ffa_harness::ffa::{FfaError, FuncId, Regs};
use ffa_harness::{check, check_eq, command, fail, CaseResult, Ctx, Failure};

/// NOTIFICATION_CALL(fid, w1, w2, bitmap): the sp calls `fid` with w1, w2 and the bitmap in
/// w3 (low half) and w4 (high half); x4..x7 = w0, w3:w2, w5:w4, w7:w6 of the result (for a
/// GET: the SP, VM and framework bitmaps).
pub const NOTIFICATION_CALL: u16 = 90;

command!(NOTIFICATION_CALL, "notification-call", notification_call);

fn notification_call(ctx: &mut SpCtx, req: &Request) -> Reply {
    let bitmap = req.arg(3);
    let call = Regs::call(FuncId(req.arg(0) as u32))
        .with(1, req.arg(1))
        .with(2, req.arg(2))
        .with(3, bitmap & 0xffff_ffff)
        .with(4, bitmap >> 32);
    let r = ctx.ffa.call(call);
    let pair = |lo: usize| u64::from(r.w(lo + 1)) << 32 | u64::from(r.w(lo));
    Reply::ok([r.w(0).into(), pair(2), pair(4), pair(6)])
}

/// What a notification ABI answered the sp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecureAnswer {
    /// w0.
    pub func: u32,
    /// w3:w2: the SP bitmap of a GET, the error code of an FFA_ERROR in the low half.
    pub from_sp: u64,
    /// w5:w4: the VM bitmap of a GET.
    pub from_vm: u64,
    /// w7:w6: the framework bitmaps of a GET.
    pub framework: u64,
}

impl SecureAnswer {
    /// FFA_SUCCESS_32 (or _64).
    pub fn is_success(&self) -> bool {
        self.func == FuncId::SUCCESS_32.0 || self.func == FuncId::SUCCESS_64.0
    }

    /// The error code of an FFA_ERROR.
    pub fn error(&self) -> Option<FfaError> {
        (self.func == FuncId::ERROR.0).then_some(FfaError::from_code(self.from_sp as u32 as i32))
    }
}

impl core::fmt::Display for SecureAnswer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.error() {
            Some(code) => write!(f, "FFA_ERROR({})", code.name()),
            None if self.is_success() => write!(
                f,
                "FFA_SUCCESS (w3:w2 {:#x}, w5:w4 {:#x}, w7:w6 {:#x})",
                self.from_sp, self.from_vm, self.framework
            ),
            None => write!(f, "w0 {:#x}", self.func),
        }
    }
}

/// Has the sp call `fid` with `w1`, `w2` and `bitmap`. A SET that raises the SRI at once
/// preempts the sp with that non-secure interrupt (its manifest's `ns-interrupts-action` 2,
/// signaled): the request returns FFA_INTERRUPT, and the scheduler resumes the sp with FFA_RUN
/// of the vCPU it names in w1 (DEN0077A v1.1 8.3, 14.4) until its response arrives.
pub fn sp_call(ctx: &Ctx, fid: FuncId, w1: u32, w2: u32, bitmap: u64) -> Result<SecureAnswer, Failure> {
    partition_call(ctx, sp_id(ctx)?, fid, w1, w2, bitmap)
}

/// [`sp_call`] made by partition `sp`, an instance of our sp.
pub fn partition_call(ctx: &Ctx, sp: u16, fid: FuncId, w1: u32, w2: u32, bitmap: u64) -> Result<SecureAnswer, Failure> {
    let args = [fid.0.into(), w1.into(), w2.into(), bitmap];
    let mut r = ctx.ffa.call(request(ctx, sp, Width::W64, NOTIFICATION_CALL, args));
    for _ in 0..MAX_RESUMES {
        if r.func() != FuncId::INTERRUPT {
            break;
        }
        // FFA_INTERRUPT's w1 names the preempted endpoint in [31:16] and its vCPU in [15:0].
        r = ctx.ffa.run((r.w(1) >> 16) as u16, r.w(1) as u16);
    }
    check_direct_response(&r, Width::W64.request(), sp, ctx.session.own_id)?;
    let Some(reply) = Reply::from_response(&r) else { fail!("w3 {:#x} of the sp's response is no status", r.w(3)) };
    check_eq!(reply.status, Status::Ok, "status of the sp's notification-call");
    let v = reply.values;
    Ok(SecureAnswer { func: v[0] as u32, from_sp: v[1], from_vm: v[2], framework: v[3] })
}

/// How often a preempted sp is resumed before the case gives up on its response.
const MAX_RESUMES: usize = 8;

/// w1 of a BIND, UNBIND or SET: the sender in [31:16], the receiver in [15:0].
pub fn endpoints(sender: u16, receiver: u16) -> u32 {
    u32::from(sender) << 16 | u32::from(receiver)
}

/// Partition `sp` (an instance of our sp) binds `bitmap` of its own bitmap to `sender` with
/// `flags`.
pub fn partition_bind(ctx: &Ctx, sp: u16, sender: u16, flags: u32, bitmap: u64) -> Result<SecureAnswer, Failure> {
    partition_call(ctx, sp, FuncId::NOTIFICATION_BIND, endpoints(sender, sp), flags, bitmap)
}

/// Partition `sp` unbinds `bitmap` of its own bitmap from `sender`.
pub fn partition_unbind(ctx: &Ctx, sp: u16, sender: u16, bitmap: u64) -> Result<SecureAnswer, Failure> {
    partition_call(ctx, sp, FuncId::NOTIFICATION_UNBIND, endpoints(sender, sp), 0, bitmap)
}

/// Partition `sp` gets the bitmaps `flags` selects of its own vCPU `vcpu`.
pub fn partition_get(ctx: &Ctx, sp: u16, vcpu: u16, flags: u32) -> Result<SecureAnswer, Failure> {
    partition_call(ctx, sp, FuncId::NOTIFICATION_GET, u32::from(vcpu) << 16 | u32::from(sp), flags, 0)
}

/// The sp binds `bitmap` of its own bitmap to `sender` with `flags`.
pub fn sp_bind(ctx: &Ctx, sender: u16, flags: u32, bitmap: u64) -> Result<SecureAnswer, Failure> {
    partition_bind(ctx, sp_id(ctx)?, sender, flags, bitmap)
}

/// The sp unbinds `bitmap` of its own bitmap from `sender`.
pub fn sp_unbind(ctx: &Ctx, sender: u16, bitmap: u64) -> Result<SecureAnswer, Failure> {
    partition_unbind(ctx, sp_id(ctx)?, sender, bitmap)
}

/// The sp sets `bitmap` of `receiver` with `flags`, as the sender.
pub fn sp_set(ctx: &Ctx, receiver: u16, flags: u32, bitmap: u64) -> Result<SecureAnswer, Failure> {
    let sp = sp_id(ctx)?;
    sp_call(ctx, FuncId::NOTIFICATION_SET, endpoints(sp, receiver), flags, bitmap)
}

/// The sp gets the bitmaps `flags` selects of its own vCPU `vcpu`.
pub fn sp_get(ctx: &Ctx, vcpu: u16, flags: u32) -> Result<SecureAnswer, Failure> {
    partition_get(ctx, sp_id(ctx)?, vcpu, flags)
}

/// The GET flags [`sp_get_on`]'s job uses: a job is a plain function.
static GET_FLAGS: AtomicU32 = AtomicU32::new(0);

fn get_job(ctx: &mut Ctx) -> Result<CoreValue, Failure> {
    let a = sp_get(ctx, ctx.platform.this_core() as u16, GET_FLAGS.load(Ordering::Acquire))?;
    Ok([a.func.into(), a.from_sp, a.from_vm, a.framework])
}

/// The sp gets the bitmaps `flags` selects on core `core`, of the vCPU running there (one
/// execution context per core, vCPU index = core index under Hafnium).
pub fn sp_get_on(ctx: &Ctx, core: usize, flags: u32) -> Result<SecureAnswer, Failure> {
    GET_FLAGS.store(flags, Ordering::Release);
    let v = ctx.on_core(core, get_job)?;
    Ok(SecureAnswer { func: v[0] as u32, from_sp: v[1], from_vm: v[2], framework: v[3] })
}

/// Fails unless the sp's call succeeded.
pub fn succeeded(a: SecureAnswer, what: core::fmt::Arguments<'_>) -> CaseResult {
    check!(a.is_success(), "{what}: want FFA_SUCCESS, got {a}");
    Ok(())
}

/// Fails unless the sp's call failed with `code`.
pub fn refused(a: SecureAnswer, code: FfaError, what: core::fmt::Arguments<'_>) -> CaseResult {
    check!(a.error() == Some(code), "{what}: want FFA_ERROR({}), got {a}", code.name());
    Ok(())
}
