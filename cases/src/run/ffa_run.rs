//! FFA_RUN (DEN0077A v1.1 14.4): w1 = target partition ID [31:16] and vCPU index [15:0]. It
//! gives a partition's execution context CPU time; when the partition calls FFA_MSG_WAIT the
//! call returns to the scheduler with FFA_MSG_WAIT in w0. An unknown partition or vCPU is
//! INVALID_PARAMETERS.

use crate::common::direct_receiver;
use crate::sp::{command, sp_id, Width, ECHO};
use ffa_harness::ffa::{FfaError, FuncId};
use ffa_harness::spec::RUN;
use ffa_harness::{case, check, check_eq, check_error, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::RUN];
const NEEDS_RUN: &[Need] = &[Need::Abi(FuncId::RUN)];

case! {
    "run.ffa_run.unknown_partition_invalid", RUN, abis(ABIS), needs(NEEDS_RUN);
    run: unknown
}

/// No partition has ID 0x8123: INVALID_PARAMETERS.
fn unknown(ctx: &mut Ctx) -> CaseResult {
    check_error!(ctx.ffa.run(0x8123, 0), FfaError::InvalidParameters, "FFA_RUN(0x8123, vCPU 0)");
    Ok(())
}

case! {
    /// A vCPU index beyond the partition's execution contexts (0xfffe) is INVALID_PARAMETERS.
    "run.ffa_run.vcpu_out_of_range_invalid", RUN, abis(ABIS), needs(NEEDS_RUN);
    fn bad_vcpu(ctx) {
        let target = direct_receiver(ctx)?;
        check_error!(ctx.ffa.run(target, 0xfffe), FfaError::InvalidParameters, "FFA_RUN({target:#x}, vCPU 0xfffe)");
        Ok(())
    }
}

case! {
    "run.ffa_run.waiting_partition_returns_msg_wait", RUN,
    abis(&[FuncId::RUN, FuncId::MSG_WAIT]), needs(&[Need::Abi(FuncId::RUN), Need::Partition(crate::sp::SP_UUID)]);
    run: waiting
}

/// Running our sp while it waits for a message hands it the CPU: it finds no message, calls
/// FFA_MSG_WAIT again, and FFA_RUN returns with FFA_MSG_WAIT. The sp still answers afterwards.
fn waiting(ctx: &mut Ctx) -> CaseResult {
    let sp = sp_id(ctx)?;
    let r = ctx.ffa.run(sp, 0);
    check!(r.error().is_none(), "FFA_RUN of the waiting sp: {}", r.summary());
    check_eq!(r.func(), FuncId::MSG_WAIT, "what FFA_RUN returned");
    command(ctx, Width::W32, ECHO, [1, 2, 3, 4])?;
    Ok(())
}

case! {
    "run.ffa_run.spmc_id_invalid", RUN, abis(ABIS), needs(NEEDS_RUN);
    run: spmc
}

/// The SPMC is not a partition to run: FFA_RUN(SPMC ID) is INVALID_PARAMETERS. The ID is
/// what FFA_SPM_ID_GET returned at boot; without it the case cannot name the SPMC.
fn spmc(ctx: &mut Ctx) -> CaseResult {
    let id = ctx.session.spmc_id;
    check!(id != 0xffff, "FFA_SPM_ID_GET failed at boot: the SPMC's ID is unknown");
    check_error!(ctx.ffa.run(id, 0), FfaError::InvalidParameters, "FFA_RUN(SPMC {id:#x})");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, Script};
    use ffa_harness::ffa::Version;

    #[test]
    fn spmc_id_invalid_cannot_pass_without_the_spmc_id() {
        let refuses = || Script { answer: |_| error(FfaError::InvalidParameters), callee_saved: preserved };
        assert!(run(refuses(), Version::V1_1, 0x8000, spmc).is_ok());
        assert!(run(refuses(), Version::V1_1, 0xffff, spmc).is_err());
    }
}
