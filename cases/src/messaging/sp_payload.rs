//! Direct requests to our secure partition carry their payload intact (DEN0077A v1.1 15.2,
//! 15.3): every argument register arrives at the sp as sent (all 64 bits in the 64-bit call),
//! w1 names source and destination, w2 is zero, and the response comes back the same way.

use crate::common::UPPER_JUNK;
use crate::sp::{command, exchange, request, sp_id, Width, ECHO, LAST_REGS, NEEDS_SP};
use ffa_harness::command::{Reply, Request, SpCtx, Status};
use ffa_harness::ffa::FuncId;
use ffa_harness::spec::{DIRECT_REQ, DIRECT_RESP, SMC32_UPPER_BITS};
use ffa_harness::{case, check_eq, command, CaseResult, Ctx};

const ABIS_32: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_32, FuncId::MSG_SEND_DIRECT_RESP_32];
const ABIS_64: &[FuncId] = &[FuncId::MSG_SEND_DIRECT_REQ_64, FuncId::MSG_SEND_DIRECT_RESP_64];

/// Distinct values with every byte set, so a lost or swapped byte shows.
const PATTERN: [u64; 4] = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 0xa5a5_5a5a_c3c3_3c3c, 0x8000_0001_7fff_fffe];

fn low(v: u64) -> u64 {
    v & 0xffff_ffff
}

case! {
    /// w4..w7 of a 32-bit request reach the sp and come back in its 32-bit response unchanged.
    "messaging.sp.echo_32_payload", DIRECT_RESP, abis(ABIS_32), needs(NEEDS_SP);
    fn echo_32(ctx) {
        let back = command(ctx, Width::W32, ECHO, PATTERN)?;
        for (i, (got, sent)) in back.iter().zip(PATTERN).enumerate() {
            check_eq!(low(*got), low(sent), "w{} echoed", 4 + i);
        }
        Ok(())
    }
}

case! {
    /// All 64 bits of x4..x7 of a 64-bit request reach the sp and come back unchanged.
    "messaging.sp.echo_64_payload", DIRECT_RESP, abis(ABIS_64), needs(NEEDS_SP);
    fn echo_64(ctx) {
        let back = command(ctx, Width::W64, ECHO, PATTERN)?;
        for (i, (got, sent)) in back.iter().zip(PATTERN).enumerate() {
            check_eq!(*got, sent, "x{} echoed", 4 + i);
        }
        Ok(())
    }
}

case! {
    "messaging.sp.response_32_junk_upper_halves_delivered", SMC32_UPPER_BITS,
    abis(ABIS_32), needs(NEEDS_SP);
    run: resp_32_upper
}

/// JUNK_RESPONSE(a, b, c, d): the sp answers with FFA_MSG_SEND_DIRECT_RESP_32 carrying the
/// status in w3 and a..d in w4..w7, with junk in bits [63:32] of x3..x7. Should the SPMC
/// refuse that response, the sp reports what it answered in a proper one (x4 = w0, x5 = w2).
const JUNK_RESPONSE: u16 = 5;

command!(JUNK_RESPONSE, "junk-response", junk_response);

fn junk_response(ctx: &mut SpCtx, req: &Request) -> Reply {
    let mut r = req.response(Reply::ok(core::array::from_fn(|i| req.arg(i))));
    for x in &mut r.0[3..8] {
        *x |= UPPER_JUNK;
    }
    let answer = ctx.ffa.call(r);
    if answer.func() == FuncId::MSG_SEND_DIRECT_REQ_32 || answer.func() == FuncId::MSG_SEND_DIRECT_REQ_64 {
        // The SPMC delivered the response; this is the next request.
        ctx.next = Some(answer);
        return Reply::status(Status::Ok);
    }
    Reply::call_failed(&answer)
}

/// A 32-bit response is an SMC32 call, so its message is w3..w7 (SMCCC): when the sp puts junk
/// in bits [63:32] of x3..x7 the SPMC still delivers the 32-bit message intact. What the
/// normal world then finds in those upper halves is not asserted: Hafnium zeroes them
/// (`api_ffa_value_copy32`), and an SMC32 caller ignores them anyway.
fn resp_32_upper(ctx: &mut Ctx) -> CaseResult {
    let (r, reply) = exchange(ctx, Width::W32, JUNK_RESPONSE, PATTERN)?;
    check_eq!(reply.status, Status::Ok, "status (the SPMC refused the response if CallFailed: x4 = {:#x})", r.x(4));
    for (i, sent) in PATTERN.iter().enumerate() {
        check_eq!(r.w(4 + i), low(*sent) as u32, "w{} of the response with junk upper halves", 4 + i);
    }
    Ok(())
}

/// What the sp saw of the request before this call: x(first)..x(first+3).
fn seen(ctx: &Ctx, first: u64) -> Result<[u64; 4], ffa_harness::Failure> {
    command(ctx, Width::W64, LAST_REGS, [first, 0, 0, 0])
}

case! {
    /// The sp receives x0 = FFA_MSG_SEND_DIRECT_REQ_32, w1 = our ID << 16 | its ID, w2 = 0, and the
    /// command word in w3, exactly as sent.
    "messaging.sp.request_header_as_sent", DIRECT_REQ, abis(ABIS_32), needs(NEEDS_SP);
    fn header_32(ctx) {
        let sp = sp_id(ctx)?;
        let sent = request(ctx, sp, Width::W32, ECHO, PATTERN);
        command(ctx, Width::W32, ECHO, PATTERN)?;
        let got = seen(ctx, 0)?;
        check_eq!(got[0] as u32, FuncId::MSG_SEND_DIRECT_REQ_32.0, "w0 at the sp");
        check_eq!(got[1] as u32, sent.w(1), "w1 (source, destination) at the sp");
        check_eq!(got[2] as u32, 0, "w2 (flags) at the sp");
        check_eq!(got[3] as u32, sent.w(3), "w3 at the sp");
        Ok(())
    }
}

case! {
    /// In a 64-bit request, x3..x7 reach the sp with all 64 bits: the sp saw the pattern in x4..x7
    /// and the command word in x3.
    "messaging.sp.request_64_arguments_full_width", DIRECT_REQ, abis(ABIS_64), needs(NEEDS_SP);
    fn args_64(ctx) {
        command(ctx, Width::W64, ECHO, PATTERN)?;
        let got = seen(ctx, 4)?;
        for (i, (g, s)) in got.iter().zip(PATTERN).enumerate() {
            check_eq!(*g, s, "x{} at the sp", 4 + i);
        }
        Ok(())
    }
}

case! {
    /// In a 32-bit request only w3..w7 are the message: the sp sees their low halves as sent.
    "messaging.sp.request_32_arguments_low_halves", DIRECT_REQ, abis(ABIS_32), needs(NEEDS_SP);
    fn args_32(ctx) {
        command(ctx, Width::W32, ECHO, PATTERN)?;
        let got = seen(ctx, 4)?;
        for (i, (g, s)) in got.iter().zip(PATTERN).enumerate() {
            check_eq!(low(*g), low(s), "w{} at the sp", 4 + i);
        }
        Ok(())
    }
}

case! {
    /// Five hundred requests in a row, alternating widths and payloads, are each answered with
    /// their own payload: the sp returns to waiting after every response.
    "messaging.sp.back_to_back_requests", DIRECT_RESP, abis(ABIS_64), needs(NEEDS_SP);
    fn back_to_back(ctx) {
        for i in 0..500u64 {
            let width = if i % 2 == 0 { Width::W32 } else { Width::W64 };
            let args = [i, !i, i << 20, i.rotate_left(40)];
            let back = command(ctx, width, ECHO, args)?;
            let want = if width == Width::W32 { args.map(low) } else { args };
            check_eq!(back, want, "echo of request {i} ({width:?})");
        }
        Ok(())
    }
}

case! {
    /// FFA_MSG_SEND_DIRECT_REQ_32 is an SMC32 call: junk in bits [63:32] of x1..x7 is not part of
    /// the message (SMCCC), so the request is delivered and answered as without it.
    "messaging.sp.request_32_upper_bits_ignored", SMC32_UPPER_BITS,
    abis(ABIS_32), needs(NEEDS_SP);
    fn upper_32(ctx) {
        let sp = sp_id(ctx)?;
        let mut r = request(ctx, sp, Width::W32, ECHO, PATTERN);
        for i in 1..8 {
            r.0[i] |= UPPER_JUNK;
        }
        let back = ctx.ffa.call(r);
        check_eq!(back.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "answer to a request with junk upper halves");
        let reply = Reply::from_response(&back);
        check_eq!(reply.map(|r| r.status), Some(Status::Ok), "status of the echo");
        for (i, sent) in PATTERN.iter().enumerate() {
            check_eq!(low(back.x(4 + i)), low(*sent), "w{} echoed", 4 + i);
        }
        Ok(())
    }
}

case! {
    /// At the non-secure physical instance the hypervisor sends on behalf of its VMs: a request
    /// with source VM 5 reaches the sp with that source, and the response is addressed to VM 5.
    "messaging.sp.hypervisor_sends_for_a_vm", DIRECT_REQ, abis(ABIS_32), needs(NEEDS_SP);
    fn for_a_vm(ctx) {
        let sp = sp_id(ctx)?;
        let r = request(ctx, sp, Width::W32, ECHO, PATTERN).with(1, 0x0005 << 16 | u64::from(sp));
        let back = ctx.ffa.call(r);
        check_eq!(back.func(), FuncId::MSG_SEND_DIRECT_RESP_32, "answer to a request from VM 5");
        check_eq!(back.w(1), u32::from(sp) << 16 | 0x0005, "w1 of the response (sp to VM 5)");
        let got = seen(ctx, 1)?;
        check_eq!(got[0] as u32 >> 16, 0x0005, "source the sp saw");
        Ok(())
    }
}
