//! FFA_VERSION (DEN0077A v1.1 13.2). w1 carries the caller's version with bit 31 MBZ; w0
//! returns the callee's own version, or NOT_SUPPORTED (0xFFFFFFFF in w0, not FFA_ERROR).
//!
//! Implementations disagree on incompatible requests: Hafnium and TF-A's tests (TFTF
//! `test_ffa_version_bigger/smaller`) expect NOT_SUPPORTED for another major version; OP-TEE
//! 4.10 returns its own version whatever is asked ("as recommended by the specification",
//! thread_spmc.c). The cases below assert the NOT_SUPPORTED reading.

use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::spec::VERSION;
use ffa_harness::{check, check_eq, check_mbz, fail, Case, CaseResult, Ctx, CASES};

const ABIS: &[FuncId] = &[FuncId::VERSION];
const NOT_SUPPORTED: u32 = 0xffff_ffff;

fn raw_version(ctx: &Ctx, w1: u64) -> Regs {
    ctx.ffa.call(Regs::call(FuncId::VERSION).with(1, w1))
}

/// Asks for `v` and puts the negotiated version back afterwards.
fn ask(ctx: &Ctx, w1: u64) -> Regs {
    let r = raw_version(ctx, w1);
    ctx.ffa.version(ctx.version());
    r
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static COMPATIBLE: Case = Case::new("setup.version.serves_requested_version", VERSION, serves_requested).abis(ABIS);

/// The session's own request: the SPMC's version has major 1 and a minor at least the one
/// requested (13.2.1 compatibility), or the harness fell back to the SPMC's lower minor.
fn serves_requested(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, ctx.session.requested.to_u32().into());
    let Some(v) = Version::from_u32(r.w(0)) else {
        fail!("FFA_VERSION({}) returned {:#x}", ctx.session.requested, r.w(0))
    };
    check_eq!(v.major, 1, "major version of the SPMC");
    check!(v >= ctx.version(), "SPMC version {v} is below the negotiated {}", ctx.version());
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static RESULT_MBZ: Case = Case::new("setup.version.result_registers_mbz", VERSION, result_mbz).abis(ABIS);

/// FFA_VERSION returns only w0: w1..w7 are reserved (MBZ) in the result.
fn result_mbz(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, ctx.version().to_u32().into());
    check_mbz!(r, 1, 7, "FFA_VERSION result");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static BIT31: Case = Case::new("setup.version.bit31_set_not_supported", VERSION, bit31).abis(ABIS);

/// Bit 31 of w1 is MBZ: a request with it set is answered with NOT_SUPPORTED in w0.
fn bit31(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, u64::from(ctx.version().to_u32() | 1 << 31));
    check_eq!(r.w(0), NOT_SUPPORTED, "FFA_VERSION(w1 bit 31 set) w0");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static MAJOR_2: Case = Case::new("setup.version.major_2_not_supported", VERSION, major_2).abis(ABIS);

/// A caller of major version 2 is incompatible with a v1.x callee: NOT_SUPPORTED in w0.
fn major_2(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, Version::new(2, 0).to_u32().into());
    check_eq!(r.w(0), NOT_SUPPORTED, "FFA_VERSION(2.0) w0");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static MAJOR_0: Case = Case::new("setup.version.major_0_not_supported", VERSION, major_0).abis(ABIS);

/// A caller of major version 0 (0.9) is incompatible with a v1.x callee: NOT_SUPPORTED.
fn major_0(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, Version::new(0, 9).to_u32().into());
    check_eq!(r.w(0), NOT_SUPPORTED, "FFA_VERSION(0.9) w0");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static OWN_VERSION_STABLE: Case =
    Case::new("setup.version.own_version_independent_of_request", VERSION, own_version_stable).abis(ABIS);

/// For every compatible request (1.0, 1.1), w0 is the callee's own version: the same value.
fn own_version_stable(ctx: &mut Ctx) -> CaseResult {
    let a = ask(ctx, Version::V1_0.to_u32().into()).w(0);
    let b = ask(ctx, Version::V1_1.to_u32().into()).w(0);
    check_eq!(a, b, "FFA_VERSION(1.0) vs FFA_VERSION(1.1) w0");
    check!(a & (1 << 31) == 0, "FFA_VERSION(1.0) returned {a:#x}, not a version");
    Ok(())
}

#[distributed_slice(CASES)]
#[linkme(crate = ffa_harness::linkme)]
static HIGHER_MINOR: Case = Case::new("setup.version.higher_minor_never_claims_it", VERSION, higher_minor).abis(ABIS);

/// A request for a minor version above the callee's own (1.999) must not be answered with
/// that version: the callee returns its own lower version or NOT_SUPPORTED (Hafnium).
fn higher_minor(ctx: &mut Ctx) -> CaseResult {
    let r = ask(ctx, Version::new(1, 999).to_u32().into());
    if r.w(0) == NOT_SUPPORTED {
        return Ok(());
    }
    let Some(v) = Version::from_u32(r.w(0)) else { fail!("FFA_VERSION(1.999) returned {:#x}", r.w(0)) };
    check!(v < Version::new(1, 999), "FFA_VERSION(1.999) claimed {v}");
    check_eq!(r.w(0), ctx.session.returned, "FFA_VERSION(1.999) w0 vs the SPMC's own version");
    Ok(())
}
