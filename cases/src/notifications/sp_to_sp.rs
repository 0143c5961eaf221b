//! Notifications from one secure partition to another (DEN0077A v1.1 17: any endpoint may be
//! a sender, the receiver binds its bits to it): a second instance of our sp binds a bit to
//! the first, the first sets it, and the second's GET of the SP bitmap returns it. The
//! second instance is the one with `partitions::SECOND`'s UUID; a stack that does not run it
//! skips the cases.

use super::secure_side::{
    endpoints, partition_bind, partition_call, partition_get, partition_unbind, refused, succeeded, SecureAnswer,
};
use super::BIT_A;
use crate::sp::partitions::SECOND;
use crate::sp::{peer_id, sp_id, SP_UUID};
use ffa_harness::ffa::{FfaError, FuncId, Version};
use ffa_harness::notifications::{GET_FROM_SP, SET_DELAY_SRI};
use ffa_harness::spec::NOTIFICATION_SET;
use ffa_harness::{case, check_eq, not_applicable, CaseResult, Ctx, Failure, Need};

const ABIS: &[FuncId] = &[FuncId::NOTIFICATION_BIND, FuncId::NOTIFICATION_SET, FuncId::NOTIFICATION_GET];
const NEEDS: &[Need] = &[
    Need::Abi(FuncId::NOTIFICATION_SET),
    Need::Abi(FuncId::NOTIFICATION_GET),
    Need::Partition(SP_UUID),
    Need::Partition(SECOND.uuid),
];

/// The second sp binds `bits` to the first, runs `body` with (first, second), takes what is
/// left and unbinds again.
fn with_second_bound(ctx: &mut Ctx, bits: u64, body: impl FnOnce(&mut Ctx, u16, u16) -> CaseResult) -> CaseResult {
    let (first, second) = (sp_id(ctx)?, peer_id(ctx, &SECOND)?);
    let bound = partition_bind(ctx, second, first, 0, bits)?;
    if bound.error() == Some(FfaError::NotSupported) {
        not_applicable!(
            "the second sp {second:#x} has no notification bitmap (no notification-support in its manifest)"
        );
    }
    succeeded(bound, format_args!("partition {second:#x}'s BIND of {bits:#x} to {first:#x} (set-up)"))?;
    let result = body(ctx, first, second);
    get_of(ctx, second)?;
    let unbound = partition_unbind(ctx, second, first, bits)?;
    result?;
    succeeded(unbound, format_args!("partition {second:#x}'s UNBIND after the case"))
}

/// `partition`'s GET of its SP bitmap (vCPU 0).
fn get_of(ctx: &Ctx, partition: u16) -> Result<SecureAnswer, Failure> {
    partition_get(ctx, partition, 0, GET_FROM_SP)
}

case! {
    /// One SP's SET of a bit another SP bound to it is the other's to take: its GET of the SP
    /// bitmap returns exactly that bit, and a second GET nothing (Hafnium: an SP sender sets
    /// the SP bitmap of its receiver, `vm_notifications_partition_set_pending`).
    "notifications.sp_to_sp.set_taken_by_the_receiver", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn sp_to_sp(ctx) {
        with_second_bound(ctx, BIT_A, |ctx, first, second| {
            let set = partition_call(ctx, first, FuncId::NOTIFICATION_SET, endpoints(first, second), SET_DELAY_SRI, BIT_A)?;
            succeeded(set, format_args!("{first:#x}'s SET of {second:#x}'s bit"))?;
            let got = get_of(ctx, second)?;
            succeeded(got, format_args!("{second:#x}'s GET"))?;
            check_eq!(got.from_sp, BIT_A, "{second:#x}'s SP bitmap");
            check_eq!(get_of(ctx, second)?.from_sp, 0, "{second:#x}'s second GET");
            Ok(())
        })
    }
}

case! {
    /// A bit has one sender: the second sp's bit bound to the first sp cannot be set by the
    /// caller's VM, DENIED (Hafnium `api_ffa_notification_set`: "Notifications bindings not
    /// valid").
    "notifications.sp_to_sp.other_sender_denied", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(NEEDS);
    fn other_sender(ctx) {
        with_second_bound(ctx, BIT_A, |ctx, _, second| {
            let vm = super::own_vm(ctx);
            let r = ctx.ffa.notification_set(vm, second, 0, BIT_A);
            ffa_harness::check_error!(r, FfaError::Denied, "VM {vm:#x}'s SET of a bit {second:#x} bound to another SP");
            Ok(())
        })
    }
}

case! {
    /// An endpoint cannot notify itself: an SP's SET naming itself as the receiver is
    /// INVALID_PARAMETERS (Hafnium `plat_ffa_is_notification_set_valid`: "sender can't target
    /// itself").
    "notifications.sp_to_sp.set_to_itself_invalid", NOTIFICATION_SET, abis(ABIS), since(Version::V1_1), needs(super::vm_to_sp::NEEDS);
    fn to_itself(ctx) {
        let sp = sp_id(ctx)?;
        let a = partition_call(ctx, sp, FuncId::NOTIFICATION_SET, endpoints(sp, sp), 0, BIT_A)?;
        refused(a, FfaError::InvalidParameters, format_args!("the sp's SET of its own bit"))
    }
}
