//! The ns side of our secure test partition: its UUID, the call that sends it a command and
//! checks the FF-A envelope of the answer, and the commands several cases share. Each case
//! family registers the commands only it needs beside its cases.

mod commands;

pub use commands::{ECHO, FFA_CALL, LAST_REGS, WHOAMI};

use crate::common::check_direct_response;
use core::sync::atomic::{AtomicU32, Ordering};
use ffa_harness::command::{word, Reply, Status};
use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FuncId, Regs};
use ffa_harness::{check_eq, fail, Ctx, Failure, Need};

/// The sp's UUID, as its manifest declares it (targets/stacks/tfa-el3/sp-manifest.dts).
pub const SP_UUID: Uuid = manifest::UUID;

/// What the sp's manifest declares (targets/stacks/tfa-el3/sp-manifest.dts): the ns view of
/// the partition must match it, and the sp image asks for its FF-A version. A host test reads
/// the manifest itself and checks every value here against it, so the two cannot drift.
pub mod manifest {
    use ffa_harness::desc::Uuid;
    use ffa_harness::ffa::Version;

    /// `uuid`.
    pub const UUID: Uuid = Uuid::parse("b4b5671e-4a90-4fe1-b81f-fb13dae1dacb");
    /// `ffa-version`: the SPMC (TF-A's EL3 SPMC asserts it) holds the sp to asking exactly it.
    pub const FFA_VERSION: Version = Version::V1_1;
    /// `id`.
    pub const ID: u16 = 0x8001;
    /// `execution-ctx-count` (PLATFORM_CORE_COUNT on TF-A's PLAT=qemu).
    pub const EXEC_CTX_COUNT: u16 = 32;
    /// `messaging-method` = 3: receives and sends direct requests; with AArch64 (bit 8) this is
    /// the whole of the v1.1 partition properties.
    pub const PROPERTIES: u32 = 0x103;
    /// Messaging-method bit 2, indirect messages: the Hafnium manifest adds it to
    /// [`PROPERTIES`] (Hafnium refuses FFA_MSG_SEND2 for a partition without it), the tfa-el3
    /// one cannot (TF-A's EL3 SPMC refuses the manifest). The sp declares it exactly where
    /// the SPMC implements FFA_MSG_SEND2.
    pub const INDIRECT_MESSAGING: u32 = 1 << 2;
}

/// Cases that talk to the sp need it to be present.
pub const NEEDS_SP: &[Need] = &[Need::Partition(SP_UUID)];

/// The width of a direct request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// FFA_MSG_SEND_DIRECT_REQ_32.
    W32,
    /// FFA_MSG_SEND_DIRECT_REQ_64.
    W64,
}

impl Width {
    /// The request function ID.
    pub const fn request(self) -> FuncId {
        match self {
            Width::W32 => FuncId::MSG_SEND_DIRECT_REQ_32,
            Width::W64 => FuncId::MSG_SEND_DIRECT_REQ_64,
        }
    }
}

/// The sp's endpoint ID, 0 until the first case looked it up.
static SP_ID: AtomicU32 = AtomicU32::new(0);

/// The sp's endpoint ID: looked up once per boot with FFA_PARTITION_INFO_GET (cases that
/// exercise that ABI call it themselves), so that a command costs one direct request.
pub fn sp_id(ctx: &Ctx) -> Result<u16, Failure> {
    match SP_ID.load(Ordering::Relaxed) {
        0 => {
            let id = ctx.partition_id(SP_UUID)?;
            SP_ID.store(id.into(), Ordering::Relaxed);
            Ok(id)
        }
        id => Ok(id as u16),
    }
}

/// The raw request registers of command `id` with `args` in x4..x7.
pub fn request(ctx: &Ctx, sp: u16, width: Width, id: u16, args: [u64; 4]) -> Regs {
    Regs::direct_req(width.request(), ctx.session.own_id, sp, 0, [word(id).into(), args[0], args[1], args[2], args[3]])
}

/// Sends command `id` to the sp and checks the answer is a direct response of the request's
/// width from the sp to us with w2 zero (DEN0077A v1.1 15.3) and a protocol status. Returns
/// the raw registers and the decoded reply.
pub fn exchange(ctx: &Ctx, width: Width, id: u16, args: [u64; 4]) -> Result<(Regs, Reply), Failure> {
    let sp = sp_id(ctx)?;
    let r = ctx.ffa.call(request(ctx, sp, width, id, args));
    check_direct_response(&r, width.request(), sp, ctx.session.own_id)?;
    let Some(reply) = Reply::from_response(&r) else { fail!("w3 {:#x} of the sp's response is no status", r.w(3)) };
    Ok((r, reply))
}

/// Like [`exchange`], and the command must have succeeded.
pub fn command(ctx: &Ctx, width: Width, id: u16, args: [u64; 4]) -> Result<[u64; 4], Failure> {
    let (_, reply) = exchange(ctx, width, id, args)?;
    if reply.status == Status::CallFailed {
        fail!("the sp's FF-A call in command {id} failed: w0 {:#x} w2 {:#x}", reply.values[0], reply.values[1]);
    }
    check_eq!(reply.status, Status::Ok, "status of sp command {id}");
    Ok(reply.values)
}

#[cfg(test)]
mod tests {
    use super::manifest;
    use ffa_harness::desc::Uuid;

    const DTS: &str = include_str!("../../../targets/stacks/tfa-el3/sp-manifest.dts");
    /// The sp's manifest on the Hafnium stacks.
    const HAFNIUM_DTS: &str = include_str!("../../../targets/stacks/hafnium-common/sp-manifest.dts");

    /// The cells of property `name` (`name = <a b ...>;`) in the tfa-el3 manifest.
    fn cells(name: &str) -> Vec<u32> {
        cells_in(DTS, name)
    }

    /// The cells of property `name` in manifest `dts`.
    fn cells_in(dts: &str, name: &str) -> Vec<u32> {
        let line = dts
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(&format!("{name} = <")))
            .unwrap_or_else(|| panic!("sp-manifest.dts has no {name}"));
        let inner = &line[line.find('<').unwrap() + 1..line.find('>').unwrap()];
        let number = |c: &str| match c.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
            None => c.parse().unwrap(),
        };
        inner.split_whitespace().map(number).collect()
    }

    #[test]
    fn manifest_constants_are_what_the_dts_declares() {
        assert_eq!(cells("ffa-version"), [manifest::FFA_VERSION.to_u32()]);
        assert_eq!(cells("id"), [u32::from(manifest::ID)]);
        assert_eq!(cells("execution-ctx-count"), [u32::from(manifest::EXEC_CTX_COUNT)]);
        let uuid = cells("uuid");
        assert_eq!(Uuid::from_regs([uuid[0], uuid[1], uuid[2], uuid[3]]), manifest::UUID);
        // Partition properties: messaging-method in bits [1:0], AArch64 (execution-state 0) in bit 8.
        let aarch64 = if cells("execution-state") == [0] { 1 << 8 } else { 0 };
        assert_eq!(cells("messaging-method")[0] | aarch64, manifest::PROPERTIES);
    }

    /// Under Hafnium the sp is the same partition: same UUID (the cases find it by it), FF-A
    /// version (the sp asks for it) and messaging methods, plus indirect messages. Its
    /// execution contexts are one per core there, so that count differs (the Hafnium
    /// baselines say why).
    #[test]
    fn hafnium_manifest_declares_the_same_partition() {
        for name in ["uuid", "ffa-version", "execution-state", "exception-level"] {
            assert_eq!(cells_in(HAFNIUM_DTS, name), cells(name), "{name}");
        }
        let method = cells("messaging-method")[0];
        assert_eq!(method & manifest::INDIRECT_MESSAGING, 0, "TF-A's EL3 SPMC refuses indirect messaging");
        assert_eq!(cells_in(HAFNIUM_DTS, "messaging-method"), [method | manifest::INDIRECT_MESSAGING]);
    }
}
