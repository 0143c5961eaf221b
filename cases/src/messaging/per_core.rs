//! Direct messaging from every core. A direct request runs synchronously on the sender's PE
//! (DEN0077A v1.1 15.2: the receiver runs in the CPU cycles of the sender), so a partition
//! with one execution context per PE receives it in the context of that PE: TF-A's EL3 SPMC
//! picks `sp->ec[plat_my_core_pos()]` (spmc_main.c direct_req_smc_handler, get_ec_index in
//! spmc_setup.c), and OP-TEE serves it on the calling core. Each case sends from every core at
//! once, released together.

use crate::common::{check_direct_response, OPTEE_UUID};
use crate::sp::{command, sp_id, Width, ECHO, NEEDS_SP};
use core::sync::atomic::{AtomicU32, Ordering};

use ffa_harness::command::Reply;
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::DIRECT_REQ;
use ffa_harness::{case, check_eq, command, CaseResult, Ctx, Need};

/// WHERE: x4 = the index of the sp's execution context serving the request, x5 = MPIDR_EL1 as
/// that context reads it, x6 = the ID the SPMC gave the context when it entered it.
const WHERE: u16 = 40;

command!(WHERE, "where", |ctx, _| Reply::ok([ctx.core as u64, ctx.mpidr, ctx.vcpu_id, 0]));

const ABIS: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64];
const AFFINITY: u64 = 0xff_00ff_ffff;

case! {
    /// Every core's request is answered, with the right envelope and its own payload: the SPMC
    /// keeps the cores' requests apart.
    "messaging.sp.direct_req_from_every_core", DIRECT_REQ, abis(ABIS), needs(NEEDS_SP);
    fn sp_every_core(ctx) {
        // Looked up once here: a lookup goes through the one RX buffer.
        sp_id(ctx)?;
        ctx.on_all_cores(|ctx| {
            let marker = ctx.platform.this_core() as u64;
            let v = command(ctx, Width::W64, ECHO, [marker, !marker, marker << 32, 0x5a])?;
            check_eq!(v, [marker, !marker, marker << 32, 0x5a], "ECHO payload");
            Ok([0; 4])
        })?;
        Ok(())
    }
}

case! {
    "messaging.sp.served_by_core_context", DIRECT_REQ, abis(ABIS), needs(NEEDS_SP);
    run: served_by_core_context
}

/// The request from core n is served by the sp's execution context n, running on the same PE
/// (the MPIDR the context reads is the sender's), which the SPMC entered as vCPU n (TF-A's
/// EL3 SPMC passes the linear core ID, plat_my_core_pos, in x4: spmc_el1_sp_setup).
fn served_by_core_context(ctx: &mut Ctx) -> CaseResult {
    sp_id(ctx)?;
    ctx.on_all_cores(|ctx| {
        let v = command(ctx, Width::W64, WHERE, [0; 4])?;
        check_eq!(v[0], ctx.platform.this_core() as u64, "execution context serving the request");
        check_eq!(v[1] & AFFINITY, ctx.platform.mpidr() & AFFINITY, "MPIDR of the serving context");
        check_eq!(v[2], ctx.platform.this_core() as u64, "ID the SPMC gave the serving context");
        Ok([0; 4])
    })?;
    Ok(())
}

case! {
    "messaging.optee.direct_req_from_every_core", DIRECT_REQ,
    abis(&[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32]), needs(&[Need::Partition(OPTEE_UUID)]);
    run: optee_every_core
}

/// OPTEE_FFA_GET_API_VERSION (service 0) from every core is answered with a direct response
/// from OP-TEE to the caller, w2 MBZ.
fn optee_every_core(ctx: &mut Ctx) -> CaseResult {
    let optee = ctx.partition_id(OPTEE_UUID)?;
    OPTEE_ID.store(optee.into(), Ordering::Relaxed);
    ctx.on_all_cores(|ctx| {
        let optee = OPTEE_ID.load(Ordering::Relaxed) as u16;
        let req = FuncId::MSG_SEND_DIRECT_REQ_32;
        let r = ctx.ffa.direct_req(req, ctx.session.own_id, optee, [0; 5]);
        check_direct_response(&r, req, optee, ctx.session.own_id)?;
        Ok([0; 4])
    })?;
    Ok(())
}

/// OP-TEE's endpoint ID for the jobs of [`optee_every_core`] (a job is a plain function).
static OPTEE_ID: AtomicU32 = AtomicU32::new(0);
