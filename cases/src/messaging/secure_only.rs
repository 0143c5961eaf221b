//! ABIs the normal world has no business calling (DEN0077A v1.1 chapters 13-14 give each ABI
//! the FF-A instances it is valid at): FFA_YIELD and FFA_SECONDARY_EP_REGISTER are for
//! secure partitions, FFA_INTERRUPT and FFA_NORMAL_WORLD_RESUME are returns to or from the
//! SPMC, not calls a normal-world endpoint makes. Each is refused with FFA_ERROR (or as an
//! unknown function), and the SPMC goes on serving.

use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::linkme::distributed_slice;
use ffa_harness::spec::{MSG_WAIT, RUN};
use ffa_harness::{check, check_success, Case, CaseResult, Ctx, CASES};

fn refused(ctx: &mut Ctx, fid: FuncId) -> CaseResult {
    let r = ctx.ffa.call(Regs::call(fid));
    check!(
        r.error().is_some() || r.is_not_supported(),
        "{fid} from the normal world must be refused, got {}",
        r.summary()
    );
    check_success!(ctx.ffa.id_get(), "FFA_ID_GET after {fid}");
    Ok(())
}

macro_rules! refused_case {
    ($name:ident, $id:literal, $section:expr, $fid:expr, $doc:literal) => {
        #[distributed_slice(CASES)]
        #[linkme(crate = ffa_harness::linkme)]
        #[doc = $doc]
        static $name: Case = Case::new($id, $section, |ctx| refused(ctx, $fid)).abis(&[$fid]);
    };
}

refused_case!(
    YIELD,
    "messaging.yield.from_normal_world_refused",
    MSG_WAIT,
    FuncId::YIELD,
    "FFA_YIELD is how a secure partition hands its CPU back while busy: refused to the normal world."
);
refused_case!(
    INTERRUPT,
    "messaging.interrupt.from_normal_world_refused",
    RUN,
    FuncId::INTERRUPT,
    "FFA_INTERRUPT reports a preemption to the caller of FFA_RUN; the normal world does not call it."
);
refused_case!(
    NWD_RESUME,
    "run.normal_world_resume.from_normal_world_refused",
    RUN,
    FuncId::NORMAL_WORLD_RESUME,
    "FFA_NORMAL_WORLD_RESUME is the SPMC's return to the normal world after a secure interrupt: refused to it."
);
refused_case!(
    SECONDARY_EP,
    "setup.secondary_ep_register.from_normal_world_refused",
    ffa_harness::spec::SECONDARY_EP_REGISTER,
    FuncId::SECONDARY_EP_REGISTER_64,
    "FFA_SECONDARY_EP_REGISTER gives the SPMC a secure partition's entry point for its other cores: refused to the normal world."
);
