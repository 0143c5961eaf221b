//! FFA_VERSION (DEN0077A v1.1 13.2). w1 carries the caller's version with bit 31 MBZ; w0
//! returns the callee's own version, or NOT_SUPPORTED (0xFFFFFFFF in w0, not FFA_ERROR).
//!
//! Implementations disagree on an incompatible request (another major version): Hafnium
//! (`api_ffa_version`) and TFTF's Hafnium list (`test_ffa_version_bigger/smaller`) expect
//! NOT_SUPPORTED; OP-TEE 4.10 returns its own version whatever is asked ("as recommended by
//! the specification", `spmc_exchange_version`), as does TF-A's EL3 SPMC
//! (`ffa_version_handler`), and both TFTF's EL3-SPMC test (`test_el3_spmc_nwd_ffa_version`:
//! "An incompatible version should return the current negotiated version") and Arm's FF-A
//! ACS (`ffa_version_data.h`, "Incompatible major version check") expect the callee's own
//! version. No DEN0077A sentence the suite can cite settles it, so the cases accept both.
//!
//! Every probe here puts the negotiated version back afterwards ([`ask`]): a callee that lets
//! a caller renegotiate (OP-TEE, TF-A's EL3 SPMC) may have switched to the probed version. A
//! callee that locks the version after the first other FF-A call (v1.2, see version_lock.rs)
//! accepts that restore, because it re-requests the version in force.

use ffa_harness::ffa::{FuncId, Regs, Version};
use ffa_harness::spec::VERSION;
use ffa_harness::{case, check, check_eq, check_mbz, fail, CaseResult, Ctx, Failure};

const ABIS: &[FuncId] = &[FuncId::VERSION];
/// FFA_VERSION's NOT_SUPPORTED: w0 = 0xFFFFFFFF.
pub(super) const NOT_SUPPORTED: u32 = 0xffff_ffff;

/// FFA_VERSION with `w1` as given, then FFA_VERSION(negotiated) to put the version in force
/// back; fails when that restore is refused, since every later case would then run at an
/// unknown version.
pub(super) fn ask(ctx: &Ctx, w1: u64) -> Result<Regs, Failure> {
    let r = ctx.ffa.call(Regs::call(FuncId::VERSION).with(1, w1));
    let restore = ctx.ffa.version(ctx.version());
    check!(
        restore.w(0) & (1 << 31) == 0,
        "restoring FFA_VERSION({}) after the probe was refused: w0 {:#x}",
        ctx.version(),
        restore.w(0)
    );
    Ok(r)
}

/// The answer `w0` to a request the callee cannot serve as asked: NOT_SUPPORTED, or the
/// callee's own version, which is what it returned to the session's request at boot.
fn refused_or_own_version(ctx: &Ctx, w0: u32, what: &str) -> CaseResult {
    if w0 == NOT_SUPPORTED {
        return Ok(());
    }
    let Some(v) = Version::from_u32(w0) else { fail!("{what} returned {w0:#x}: neither a version nor NOT_SUPPORTED") };
    check_eq!(w0, ctx.session.returned, "{what} returned version {v}; the callee's own version is the session's");
    Ok(())
}

case! {
    /// FFA_VERSION returns only w0: w1..w7 are reserved (MBZ) in the result.
    "setup.version.result_registers_mbz", VERSION, abis(ABIS);
    fn result_mbz(ctx) {
        let r = ask(ctx, ctx.version().to_u32().into())?;
        check_mbz!(r, 1, 7, "FFA_VERSION result");
        Ok(())
    }
}

case! {
    /// Bit 31 of w1 is MBZ: a request with it set is answered with NOT_SUPPORTED in w0 (every
    /// implementation agrees: Hafnium, OP-TEE, TF-A's SPMD and EL3 SPMC, Arm's FF-A ACS).
    "setup.version.bit31_set_not_supported", VERSION, abis(ABIS);
    fn bit31(ctx) {
        let r = ask(ctx, u64::from(ctx.version().to_u32() | 1 << 31))?;
        check_eq!(r.w(0), NOT_SUPPORTED, "FFA_VERSION(w1 bit 31 set) w0");
        Ok(())
    }
}

case! {
    /// A caller of major version 2 is incompatible with a v1.x callee, which answers either
    /// NOT_SUPPORTED (Hafnium) or its own version (OP-TEE, TF-A's EL3 SPMC, TFTF's and Arm's
    /// ACS expectation): both readings pass, any other value fails (see the module comment).
    "setup.version.major_2_incompatible", VERSION, abis(ABIS);
    fn major_2(ctx) {
        let r = ask(ctx, Version::new(2, 0).to_u32().into())?;
        refused_or_own_version(ctx, r.w(0), "FFA_VERSION(2.0)")
    }
}

case! {
    /// A caller of major version 0 (0.9) is incompatible with a v1.x callee: NOT_SUPPORTED or the
    /// callee's own version, as for major 2.
    "setup.version.major_0_incompatible", VERSION, abis(ABIS);
    fn major_0(ctx) {
        let r = ask(ctx, Version::new(0, 9).to_u32().into())?;
        refused_or_own_version(ctx, r.w(0), "FFA_VERSION(0.9)")
    }
}

case! {
    /// For every compatible request (1.0 up to the callee's own minor) w0 is the callee's own
    /// version, the value the session's request got at boot, not an echo of the request (13.2.1).
    /// An SPMC may lock the version after the caller's first other FF-A call (v1.2,
    /// version_lock.rs; Hafnium `api_ffa_version` does so at every version, since a case runs
    /// long after that first call), so a request other than the negotiated one may be answered
    /// with NOT_SUPPORTED; the negotiated version itself is never refused.
    "setup.version.own_version_independent_of_request", VERSION, abis(ABIS);
    fn own_version_stable(ctx) {
        let Some(own) = Version::from_u32(ctx.session.returned) else { fail!("the session has no SPMC version") };
        for minor in 0..=own.minor {
            let asked = Version::new(own.major, minor);
            let w0 = ask(ctx, asked.to_u32().into())?.w(0);
            if w0 == NOT_SUPPORTED && asked != ctx.version() {
                continue;
            }
            check_eq!(w0, ctx.session.returned, "FFA_VERSION({asked}) w0 vs the callee's own version");
        }
        Ok(())
    }
}

case! {
    /// A request for a minor version above the callee's own (1.999) must not be answered with
    /// that version: the callee returns its own lower version (OP-TEE, TF-A) or NOT_SUPPORTED
    /// (Hafnium, which refuses any request it cannot serve).
    "setup.version.higher_minor_never_claims_it", VERSION, abis(ABIS);
    fn higher_minor(ctx) {
        let r = ask(ctx, Version::new(1, 999).to_u32().into())?;
        refused_or_own_version(ctx, r.w(0), "FFA_VERSION(1.999)")
    }
}
