//! SMCCC's register rules for FF-A calls (DEN0028, which FF-A's calls follow): the callee
//! preserves x18..x30, and from SMCCC v1.2 (FF-A v1.2) it also preserves x8..x17 in a call
//! that returns nothing there. TF-A's SPMD says the same where it passes x8..x17 through
//! ("SMCCC requires that these registers be preserved"), and Hafnium writes x8..x17 only for
//! ABIs that return results in them. Each case makes the calls every stack answers and sweeps
//! every register, so one report lists every register a call did not preserve.

use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FuncId, Regs, Version, CALLEE_SAVED_CANARY};
use ffa_harness::spec::SMCCC_PRESERVED;
use ffa_harness::{case, expect_eq, CaseResult, Ctx, Expectations};

const ABIS: &[FuncId] = &[FuncId::VERSION, FuncId::FEATURES, FuncId::ID_GET, FuncId::SPM_ID_GET, FuncId::RX_RELEASE];

/// Calls that return nothing in x8..x17 and leave the harness's state as it was (the RX
/// release is refused: the harness does not own RX between cases).
fn probes(ctx: &Ctx) -> [(&'static str, Regs); 6] {
    [
        ("FFA_VERSION", Regs::call(FuncId::VERSION).with(1, ctx.version().to_u32().into())),
        ("FFA_FEATURES", Regs::call(FuncId::FEATURES).with(1, FuncId::FEATURES.0.into())),
        ("FFA_ID_GET", Regs::call(FuncId::ID_GET)),
        ("FFA_SPM_ID_GET", Regs::call(FuncId::SPM_ID_GET)),
        ("FFA_RX_RELEASE", Regs::call(FuncId::RX_RELEASE)),
        ("FFA_PARTITION_INFO_GET(count only)", {
            // Count only (w5 bit 0, v1.1) leaves RX with the producer; at v1.0 the flag does
            // not exist and the call fills RX, which the case releases.
            let flags = u64::from(ctx.version() >= Version::V1_1);
            let w = Uuid::NIL.to_regs();
            Regs::call(FuncId::PARTITION_INFO_GET).with(1, w[0].into()).with(5, flags)
        }),
    ]
}

/// Releases RX after a v1.0 listing filled it, so the case leaves the state as it found it.
fn settle(ctx: &Ctx, call: &Regs, answer: &Regs) {
    if call.func() == FuncId::PARTITION_INFO_GET && call.x(5) == 0 && answer.is_success() {
        ctx.ffa.rx_release();
    }
}

case! {
    "setup.smccc.callee_saved_registers_preserved", SMCCC_PRESERVED, abis(ABIS);
    run: callee_saved
}

/// x18..x30 hold canaries across each call and must hold them after it.
fn callee_saved(ctx: &mut Ctx) -> CaseResult {
    let mut e = Expectations::new();
    for (name, call) in probes(ctx) {
        let (answer, after) = ctx.ffa.call_probing_callee_saved(call);
        settle(ctx, &call, &answer);
        for (i, v) in after.iter().enumerate() {
            expect_eq!(e, *v, CALLEE_SAVED_CANARY | (18 + i) as u64, "x{} after {name}", 18 + i);
        }
    }
    e.done()
}

case! {
    "setup.smccc.unused_result_registers_preserved", SMCCC_PRESERVED,
    abis(ABIS), since(Version::V1_2);
    run: unused_results
}

/// A v1.2 caller (SMCCC v1.2) puts canaries in x8..x17 of calls that return nothing there:
/// they come back unchanged.
fn unused_results(ctx: &mut Ctx) -> CaseResult {
    let mut e = Expectations::new();
    for (name, mut call) in probes(ctx) {
        for n in 8..18 {
            call.0[n] = CALLEE_SAVED_CANARY | n as u64;
        }
        let answer = ctx.ffa.call(call);
        settle(ctx, &call, &answer);
        for n in 8..18 {
            expect_eq!(e, answer.x(n), CALLEE_SAVED_CANARY | n as u64, "x{n} after {name}");
        }
    }
    e.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{preserved, run, success, Script};

    fn echo(r: &Regs) -> Regs {
        let mut a = *r;
        a.0[0] = FuncId::SUCCESS_32.0.into();
        a
    }

    #[test]
    fn callee_saved_fails_when_a_register_is_clobbered() {
        let keeps = Script { answer: |_| success(), callee_saved: preserved };
        assert!(run(keeps, Version::V1_1, 0x8000, callee_saved).is_ok());
        let clobbers = Script {
            answer: |_| success(),
            callee_saved: || {
                let mut r = preserved();
                r[2] = 0;
                r
            },
        };
        let f = run(clobbers, Version::V1_1, 0x8000, callee_saved).unwrap_err();
        assert!(f.message.as_str().starts_with("6 of 78 expectations failed: x20 after FFA_VERSION"), "{}", f.message);
    }

    #[test]
    fn unused_results_fail_when_x8_to_x17_are_zeroed() {
        let keeps = Script { answer: echo, callee_saved: preserved };
        assert!(run(keeps, Version::V1_2, 0x8000, unused_results).is_ok());
        let zeroes = Script { answer: |_| success(), callee_saved: preserved };
        assert!(run(zeroes, Version::V1_2, 0x8000, unused_results).is_err());
    }
}
