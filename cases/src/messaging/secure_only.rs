//! Messaging ABIs the normal world has no business calling: FFA_YIELD is how a secure
//! partition hands its CPU back while busy, FFA_INTERRUPT reports a preemption to the caller of
//! FFA_RUN. Each is refused to the normal world (`common::refused_to_normal_world`).

use crate::common::refused_to_normal_world;
use ffa_harness::case;
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::{MSG_WAIT, RUN};

case! {
    "messaging.yield.from_normal_world_refused", MSG_WAIT, abis(&[FuncId::YIELD]);
    run: |ctx| refused_to_normal_world(ctx, FuncId::YIELD)
}

case! {
    "messaging.interrupt.from_normal_world_refused", RUN, abis(&[FuncId::INTERRUPT]);
    run: |ctx| refused_to_normal_world(ctx, FuncId::INTERRUPT)
}
