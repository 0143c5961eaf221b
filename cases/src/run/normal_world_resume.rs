//! FFA_NORMAL_WORLD_RESUME is the SPMC's return to the normal world after a secure interrupt
//! preempted it, not a call the normal world makes: refused to it
//! (`common::refused_to_normal_world`).

use crate::common::refused_to_normal_world;
use ffa_harness::case;
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::RUN;

case! {
    "run.normal_world_resume.from_normal_world_refused", RUN, abis(&[FuncId::NORMAL_WORLD_RESUME]);
    run: |ctx| refused_to_normal_world(ctx, FuncId::NORMAL_WORLD_RESUME)
}
