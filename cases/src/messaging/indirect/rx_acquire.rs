//! FFA_RX_ACQUIRE (DEN0077A v1.1 13.4): the hypervisor takes the RX buffer of a VM from the
//! SPMC, which produces into it too, before writing to it itself, and hands it back with
//! FFA_RX_RELEASE. The image acquires its own VM's buffer (ID 0): an ID with no buffer is the
//! Hafnium panic `setup.features.consistent.rx_acquire` already records, and no case here
//! asks for one. Hafnium `api_ffa_rx_acquire` marks the mailbox `OTHER_WORLD_OWNED`.

use super::{sp_error, sp_send, NEEDS};
use crate::common::with_rxtx_unmapped;
use crate::notifications::check_error_one_of;
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::spec::RX_ACQUIRE;
use ffa_harness::{case, check_eq, check_error, check_mbz, check_success, CaseResult, Ctx, Need};

const ABIS: &[FuncId] = &[FuncId::RX_ACQUIRE, FuncId::RX_RELEASE];
const NEEDS_ACQUIRE: &[Need] = &[Need::Abi(FuncId::RX_ACQUIRE)];
/// Cases where the sp sends to the acquired buffer need it, and FFA_MSG_SEND2, too.
const NEEDS_ACQUIRE_AND_SP: &[Need] = &[Need::Abi(FuncId::RX_ACQUIRE), NEEDS[0], NEEDS[1]];

/// Acquires the image's own RX buffer (which must succeed), runs `body`, and releases it
/// whatever `body` returned.
fn with_acquired(ctx: &mut Ctx, body: impl FnOnce(&mut Ctx) -> CaseResult) -> CaseResult {
    let vm = ctx.session.own_id;
    check_success!(ctx.ffa.rx_acquire(vm), "FFA_RX_ACQUIRE(VM {vm:#x}) (set-up)");
    let result = body(ctx);
    let release = ctx.ffa.rx_release();
    result?;
    check_success!(release, "FFA_RX_RELEASE of the acquired buffer");
    Ok(())
}

case! {
    /// The hypervisor acquires a VM's RX buffer from the SPMC: FFA_SUCCESS_32 with w1..w7 zero,
    /// and FFA_RX_RELEASE hands it back (13.4, 13.5).
    "messaging.indirect.rx_acquire.then_release", RX_ACQUIRE, abis(ABIS), since(Version::V1_1), needs(NEEDS_ACQUIRE);
    fn then_release(ctx) {
        let vm = ctx.session.own_id;
        let r = ctx.ffa.rx_acquire(vm);
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RX_ACQUIRE(VM {vm:#x})");
        check_mbz!(r, 1, 7, "FFA_RX_ACQUIRE result");
        check_success!(ctx.ffa.rx_release(), "FFA_RX_RELEASE of the acquired buffer");
        Ok(())
    }
}

case! {
    /// A buffer the hypervisor already holds cannot be acquired again: DENIED (13.4: the
    /// SPMC cannot hand over what it does not own; Hafnium "Mailbox busy").
    "messaging.indirect.rx_acquire.twice_denied", RX_ACQUIRE, abis(ABIS), since(Version::V1_1), needs(NEEDS_ACQUIRE);
    fn twice(ctx) {
        with_acquired(ctx, |ctx| {
            let vm = ctx.session.own_id;
            check_error!(ctx.ffa.rx_acquire(vm), FfaError::Denied, "a second FFA_RX_ACQUIRE(VM {vm:#x})");
            Ok(())
        })
    }
}

case! {
    /// Once released, the buffer can be acquired again (13.4: FFA_RX_RELEASE hands ownership
    /// back to the producer; Hafnium `api_ffa_rx_acquire`: "Mailbox busy" only while the mailbox is not empty).
    "messaging.indirect.rx_acquire.again_after_release", RX_ACQUIRE, abis(ABIS), since(Version::V1_1), needs(NEEDS_ACQUIRE);
    fn again(ctx) {
        with_acquired(ctx, |_| Ok(()))?;
        with_acquired(ctx, |_| Ok(()))
    }
}

case! {
    /// While the hypervisor holds the buffer the SPMC cannot deliver into it: the sp's message
    /// is BUSY (Hafnium `vm_is_mailbox_busy`: the mailbox is not empty).
    "messaging.indirect.rx_acquire.blocks_delivery", RX_ACQUIRE, abis(&[FuncId::RX_ACQUIRE, FuncId::RX_RELEASE, FuncId::MSG_SEND2]), since(Version::V1_1), needs(NEEDS_ACQUIRE_AND_SP);
    fn blocks(ctx) {
        with_acquired(ctx, |ctx| {
            let vm = ctx.session.own_id;
            check_eq!(sp_send(ctx, vm, 8)?, sp_error(FfaError::Busy), "the sp's FFA_MSG_SEND2 to the acquired buffer");
            Ok(())
        })
    }
}

case! {
    /// RX_ACQUIRE is for VMs' buffers: an SP's ID is refused, NOT_SUPPORTED (Hafnium: "not
    /// supported at this FF-A instance" for a receiver that is no VM) or INVALID_PARAMETERS.
    "messaging.indirect.rx_acquire.sp_id_refused", RX_ACQUIRE, abis(ABIS), since(Version::V1_1), needs(NEEDS_ACQUIRE_AND_SP);
    fn sp_id(ctx) {
        let sp = crate::sp::sp_id(ctx)?;
        let r = ctx.ffa.rx_acquire(sp);
        check_error_one_of(&r, &[FfaError::NotSupported, FfaError::InvalidParameters], format_args!("FFA_RX_ACQUIRE(SP {sp:#x})"))
    }
}

case! {
    /// A VM with no RX buffer mapped has nothing to acquire: INVALID_PARAMETERS (13.4; Hafnium
    /// "Cannot retrieve RX buffer for VM ID"). The image's own VM is one Hafnium knows, so this
    /// is not the unknown-VM path that panics.
    "messaging.indirect.rx_acquire.without_buffers_invalid", RX_ACQUIRE, abis(&[FuncId::RX_ACQUIRE, FuncId::RXTX_UNMAP]), since(Version::V1_1), needs(NEEDS_ACQUIRE);
    fn unmapped(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let vm = ctx.session.own_id;
            let r = ctx.ffa.rx_acquire(vm);
            // A wrong success leaves the ledger thinking RX is owned; the remap resets it.
            check_error!(r, FfaError::InvalidParameters, "FFA_RX_ACQUIRE(VM {vm:#x}) with no buffers mapped");
            Ok(())
        })
    }
}
