//! Helpers several case families share: running with the harness's RX/TX pair unmapped,
//! checking a direct response's envelope, refusing secure-side ABIs to the normal world, and
//! known partition UUIDs.

use ffa_harness::desc::{PartitionProps, Uuid};
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::{check, check_eq, check_success, fail, CaseResult, Ctx, Failure};

/// OP-TEE's endpoint UUID (OP-TEE `thread_spmc.c`, the OP-TEE FF-A ABI).
pub const OPTEE_UUID: Uuid = Uuid::parse("486178e0-e7f8-11e3-bc5e-0002a5d5c51b");

/// A UUID no partition has.
pub const UNKNOWN_UUID: Uuid = Uuid::parse("deadbeef-0bad-4ace-8bad-f00dfeedface");

/// Junk for the upper halves of SMC32 argument registers.
pub const UPPER_JUNK: u64 = 0xa5a5_5a5a_0000_0000;

/// Unmaps the harness's RX/TX pair, runs `body`, and maps the pair again whatever `body`
/// returned. A case whose body fails still leaves the mapping in place for the next case.
pub fn with_rxtx_unmapped(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx) -> CaseResult) -> CaseResult {
    let r = ctx.ffa.rxtx_unmap();
    ffa_harness::check_success!(r, "FFA_RXTX_UNMAP of the harness buffers (set-up)");
    let result = body(ctx);
    // Undo whatever the body left mapped, then restore the harness pair.
    ctx.ffa.rxtx_unmap();
    ctx.remap_rxtx()?;
    result
}

/// The ID of the first partition that can receive direct requests (property bit 0).
pub fn direct_receiver(ctx: &Ctx) -> Result<u16, Failure> {
    match ctx.partitions(Uuid::NIL)?.iter().find(|p| p.properties.has(PartitionProps::DIRECT_REQ_RECV)) {
        Some(p) => Ok(p.id),
        None => fail!("no partition receives direct requests"),
    }
}

/// Checks the FF-A envelope of the answer to direct request `req` that `own` sent to
/// `responder` (DEN0077A v1.1 15.3): a direct response of the request's width, from the
/// responder back to the sender, with w2 zero for a partition message.
pub fn check_direct_response(r: &Regs, req: FuncId, responder: u16, own: u16) -> CaseResult {
    check_eq!(r.func(), req.direct_response(), "answer to {req}");
    check_eq!(r.w(1), u32::from(responder) << 16 | u32::from(own), "w1 of the response (responder to sender)");
    check_eq!(r.w(2), 0, "w2 of the response (MBZ for a partition message)");
    Ok(())
}

/// Calls `fid` from the normal world with every argument zero: an ABI of the secure side or of
/// the SPMC's own returns (DEN0077A v1.1 chapters 13-14 give each ABI the FF-A instances it is
/// valid at) is refused with FFA_ERROR or as an unknown function, and the SPMC goes on serving.
pub fn refused_to_normal_world(ctx: &mut Ctx, fid: FuncId) -> CaseResult {
    let r = ctx.ffa.call(Regs::call(fid));
    check!(
        r.error().is_some() || r.is_not_supported(),
        "{fid} from the normal world must be refused, got {}",
        r.summary()
    );
    check_success!(ctx.ffa.id_get(), "FFA_ID_GET after {fid}");
    Ok(())
}
