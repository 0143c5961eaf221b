//! The control protocol between the ns driver and the sp secure partition, carried in direct
//! requests, defined once for both images and the host tests.
//!
//! Request (FFA_MSG_SEND_DIRECT_REQ_32 or _64 to the SP):
//! - w3 = command word: bits [31:24] = [`MAGIC`], [23:16] = [`PROTOCOL`], [15:0] = command ID;
//! - x4..x7 = the command's arguments (32 bits each in a 32-bit request).
//!
//! Reply (FFA_MSG_SEND_DIRECT_RESP of the request's width):
//! - w3 = [`Status`];
//! - x4..x7 = the command's results.
//!
//! In FFA_MSG_SEND_DIRECT_REQ2 and RESP2 (v1.2) x2/x3 hold the UUID (reserved in RESP2), so
//! everything moves up one register: the command word or status in w4, arguments and results
//! in x5..x8.
//!
//! Commands register in the [`COMMANDS`] slice next to the cases that use them, so a case's
//! secure half lives beside it. IDs are stable numbers; the SP refuses to serve when two
//! commands share one.

use crate::ctx::Session;
use crate::ffa::{Ffa, FuncId, Regs};
use linkme::distributed_slice;

/// Top byte of a command word: "FC" for ffa-cts.
pub const MAGIC: u32 = 0xFC;
/// Version of this protocol; the SP refuses other versions.
pub const PROTOCOL: u32 = 1;

/// Every registered SP command, in link order.
#[distributed_slice]
pub static COMMANDS: [Command];

/// How a command ended, as w3 of the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The command did what it was asked.
    Ok,
    /// No command has this ID, or the magic or protocol version is wrong.
    UnknownCommand,
    /// The arguments are not valid for the command.
    BadArguments,
    /// The command faulted in the SP; the SP's log has the exception.
    Faulted,
    /// An FF-A call the command needed failed; x4 holds w0 and x5 w2 of its result.
    CallFailed,
}

impl Status {
    /// The w3 encoding.
    pub const fn code(self) -> u32 {
        match self {
            Self::Ok => 0,
            Self::UnknownCommand => 1,
            Self::BadArguments => 2,
            Self::Faulted => 3,
            Self::CallFailed => 4,
        }
    }

    /// Decodes w3.
    pub const fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            0 => Self::Ok,
            1 => Self::UnknownCommand,
            2 => Self::BadArguments,
            3 => Self::Faulted,
            4 => Self::CallFailed,
            _ => return None,
        })
    }
}

/// w2 bit 31 of a direct message: a framework message.
const FRAMEWORK_MESSAGE: u32 = 1 << 31;

/// The command word for command `id`.
pub const fn word(id: u16) -> u32 {
    (MAGIC << 24) | (PROTOCOL << 16) | id as u32
}

/// The command ID of a command word, when magic and protocol match.
pub const fn id_of(word: u32) -> Option<u16> {
    if word >> 24 == MAGIC && (word >> 16) & 0xff == PROTOCOL {
        Some(word as u16)
    } else {
        None
    }
}

/// A request as the SP received it.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// Every register of the request, as the SP's SMC returned them.
    pub regs: Regs,
}

impl Request {
    /// True for a 64-bit direct request (REQ2 is 64-bit only).
    pub fn is_64(&self) -> bool {
        self.regs.func() == FuncId::MSG_SEND_DIRECT_REQ_64 || self.regs.func() == FuncId::MSG_SEND_DIRECT_REQ2_64
    }

    /// The command word (w3, or w4 in a REQ2).
    pub fn word(&self) -> u32 {
        self.regs.w(word_register(self.regs.func()))
    }

    /// The sender's endpoint ID (w1[31:16]).
    pub fn source(&self) -> u16 {
        (self.regs.w(1) >> 16) as u16
    }

    /// The destination endpoint ID (w1[15:0]).
    pub fn destination(&self) -> u16 {
        self.regs.w(1) as u16
    }

    /// Argument `i` (0..4), from x4.., truncated to 32 bits in a 32-bit request.
    pub fn arg(&self, i: usize) -> u64 {
        let v = self.regs.x(word_register(self.regs.func()) + 1 + i);
        if self.is_64() {
            v
        } else {
            v & 0xffff_ffff
        }
    }

    /// True for a framework message (w2 bit 31 of a REQ_32/64, DEN0077A 15.2.2; a REQ2 has
    /// no flags).
    pub fn is_framework(&self) -> bool {
        self.regs.func() != FuncId::MSG_SEND_DIRECT_REQ2_64 && self.regs.w(2) & FRAMEWORK_MESSAGE != 0
    }

    /// The direct response that answers this request with `reply`: same width (RESP2 for a
    /// REQ2), source and destination swapped, w2 zero, or for a framework message the
    /// request's own w2 (flag and type): Hafnium refuses a partition message as the answer to
    /// a framework message (src/api.c, api_ffa_msg_send_direct_resp: "Mismatch in framework
    /// message bit"), and TF-A's EL3 SPMC takes either (direct_msg_validate_arg2).
    pub fn response(&self, reply: Reply) -> Regs {
        let func = self.regs.func().direct_response();
        let status = word_register(func);
        let flags = if self.is_framework() { self.regs.x(2) & 0xffff_ffff } else { 0 };
        let mut r = Regs::call(func)
            .with(1, (u64::from(self.destination()) << 16) | u64::from(self.source()))
            .with(2, flags)
            .with(status, reply.status.code().into());
        for (i, v) in reply.values.iter().enumerate() {
            r.0[status + 1 + i] = if self.is_64() { *v } else { *v & 0xffff_ffff };
        }
        r
    }
}

/// What a command answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// How it ended.
    pub status: Status,
    /// Results for x4..x7.
    pub values: [u64; 4],
}

impl Reply {
    /// Success with results.
    pub const fn ok(values: [u64; 4]) -> Self {
        Self { status: Status::Ok, values }
    }

    /// A failure status with no results.
    pub const fn status(status: Status) -> Self {
        Self { status, values: [0; 4] }
    }

    /// An FF-A call the command made failed: its w0 and w2 go to x4 and x5.
    pub fn call_failed(r: &Regs) -> Self {
        Self { status: Status::CallFailed, values: [r.w(0).into(), r.w(2).into(), 0, 0] }
    }

    /// Decodes a direct response's w3 and x4..x7 (w4 and x5..x8 of a RESP2).
    pub fn from_response(r: &Regs) -> Option<Self> {
        let at = word_register(r.func());
        Some(Self { status: Status::from_code(r.w(at))?, values: core::array::from_fn(|i| r.x(at + 1 + i)) })
    }
}

/// The register of the command word or status in a message `func`: w4 in REQ2/RESP2, whose
/// x2/x3 carry the UUID, w3 otherwise.
pub fn word_register(func: FuncId) -> usize {
    if func == FuncId::MSG_SEND_DIRECT_REQ2_64 || func == FuncId::MSG_SEND_DIRECT_RESP2_64 {
        4
    } else {
        3
    }
}

/// What a command gets: the SP's FF-A interface, its session, the execution context serving
/// it, and the previous request of that context.
pub struct SpCtx<'a> {
    /// The SP's FF-A call layer.
    pub ffa: &'a Ffa,
    /// The SP's session (its version, ID, the SPMC's ID).
    pub session: &'a Session,
    /// The index of the execution context (and core) serving the request.
    pub core: usize,
    /// MPIDR_EL1 as that context reads it.
    pub mpidr: u64,
    /// The ID the SPMC gave this execution context when it entered it (TF-A's EL3 SPMC: the
    /// linear core ID in x4).
    pub vcpu_id: u64,
    /// The request this execution context received before this one, if any.
    pub previous: Option<Request>,
    /// Set by a command whose own call already returned the next message (the SPMC took a
    /// response or FFA_MSG_WAIT the command sent): the loop then answers nothing and serves
    /// this message instead.
    pub next: Option<Regs>,
}

/// One SP command.
#[derive(Debug)]
pub struct Command {
    /// Stable ID, the low 16 bits of the command word.
    pub id: u16,
    /// A name for logs.
    pub name: &'static str,
    /// The handler.
    pub run: fn(&mut SpCtx, &Request) -> Reply,
}

/// Declares one sp command and registers it in [`COMMANDS`]: its ID, a name for logs, and
/// the handler, in the file of the cases that use it.
///
/// ```ignore
/// command!(ECHO, "echo", |_, req| Reply::ok(core::array::from_fn(|i| req.arg(i))));
/// ```
#[macro_export]
macro_rules! command {
    ($id:expr, $name:literal, $run:expr $(,)?) => {
        const _: () = {
            #[$crate::linkme::distributed_slice($crate::command::COMMANDS)]
            #[linkme(crate = $crate::linkme)]
            static COMMAND: $crate::command::Command = $crate::command::Command { id: $id, name: $name, run: $run };
        };
    };
}

/// The command with `id`, if registered.
pub fn find(id: u16) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.id == id)
}

/// The first ID registered twice, if any.
pub fn duplicate_id() -> Option<u16> {
    COMMANDS.iter().enumerate().find(|(i, c)| COMMANDS[i + 1..].iter().any(|d| d.id == c.id)).map(|(_, c)| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_word_round_trips() {
        assert_eq!(word(7), 0xFC01_0007);
        assert_eq!(id_of(word(7)), Some(7));
        assert_eq!(id_of(0xFC02_0007), None);
        assert_eq!(id_of(0x0001_0007), None);
        for s in [Status::Ok, Status::UnknownCommand, Status::BadArguments, Status::Faulted, Status::CallFailed] {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn response_mirrors_the_request() {
        let req = Request {
            regs: Regs::call(FuncId::MSG_SEND_DIRECT_REQ_32)
                .with(1, 0x0000_8001)
                .with(3, word(1).into())
                .with(4, u64::MAX),
        };
        assert_eq!(req.arg(0), 0xffff_ffff);
        let r = req.response(Reply::ok([u64::MAX, 2, 3, 4]));
        assert_eq!(r.func(), FuncId::MSG_SEND_DIRECT_RESP_32);
        assert_eq!(r.x(1), 0x8001_0000);
        assert_eq!(r.x(4), 0xffff_ffff);
        assert_eq!(Reply::from_response(&r), Some(Reply::ok([0xffff_ffff, 2, 3, 4])));
        let req2 =
            Request { regs: Regs::call(FuncId::MSG_SEND_DIRECT_REQ2_64).with(4, word(1).into()).with(5, u64::MAX) };
        assert_eq!((req2.word(), req2.arg(0)), (word(1), u64::MAX));
        let r2 = req2.response(Reply::ok([5, 6, 7, 8]));
        assert_eq!((r2.func(), r2.x(3), r2.w(4), r2.x(8)), (FuncId::MSG_SEND_DIRECT_RESP2_64, 0, 0, 8));
        assert_eq!(Reply::from_response(&r2), Some(Reply::ok([5, 6, 7, 8])));
        let wide = Request { regs: req.regs.with(0, FuncId::MSG_SEND_DIRECT_REQ_64.0.into()) };
        assert_eq!(wide.response(Reply::ok([u64::MAX; 4])).x(4), u64::MAX);
        assert_eq!(wide.arg(0), u64::MAX);
    }

    #[test]
    fn framework_message_answered_as_one() {
        let fwk =
            Request { regs: Regs::call(FuncId::MSG_SEND_DIRECT_REQ_64).with(1, 0x0000_8001).with(2, 0x8000_007f) };
        assert!(fwk.is_framework());
        assert_eq!(fwk.response(Reply::status(Status::UnknownCommand)).x(2), 0x8000_007f);
        let plain = Request { regs: fwk.regs.with(2, 0) };
        assert_eq!(plain.response(Reply::ok([0; 4])).x(2), 0);
        let req2 = Request { regs: fwk.regs.with(0, FuncId::MSG_SEND_DIRECT_REQ2_64.0.into()) };
        assert!(!req2.is_framework());
        assert_eq!(req2.response(Reply::ok([0; 4])).x(2), 0);
    }
}
