//! How a case finds the sp instances other than the primary one: by the UUID of the instance
//! it needs (a second MP partition, a third at v1.2 like it, the UP one, the one at another FF-A version than the
//! primary's), and which instance a listed partition is (each answers `IDENTITY` with its
//! entry in [`partitions::ALL`]). A case that needs one names it in `needs(..)`, so it skips
//! on a stack that does not run it (tfa-el3 runs the primary alone).

use super::partitions::{self, Partition, SECOND, THIRD, UP};
use super::{command_to, Width, IDENTITY};
use ffa_harness::{fail, Ctx, Failure, Need};

/// Cases that need a second MP partition (besides the primary sp).
pub const NEEDS_SECOND: &[Need] = &[Need::Partition(SECOND.uuid)];
/// Cases that need two MP partitions besides the primary, both at v1.2 (DIRECT_REQ2 between
/// partitions).
pub const NEEDS_SECOND_AND_THIRD: &[Need] = &[Need::Partition(SECOND.uuid), Need::Partition(THIRD.uuid)];
/// Cases that need the UP partition, which is also the one at another FF-A version than the
/// primary's (v1.0 against v1.1).
pub const NEEDS_UP: &[Need] = &[Need::Partition(UP.uuid)];

/// The endpoint ID the SPMC lists instance `p` by; fails when the stack does not run it.
pub fn peer_id(ctx: &Ctx, p: &Partition) -> Result<u16, Failure> {
    ctx.partition_id(p.uuid)
}

/// Which instance the partition with endpoint ID `id` is, by its own answer to `IDENTITY`.
pub fn identify(ctx: &Ctx, id: u16) -> Result<&'static Partition, Failure> {
    let v = command_to(ctx, id, Width::W64, IDENTITY, [0; 4])?;
    match partitions::ALL.get(v[0] as usize) {
        Some(p) => Ok(p),
        None => fail!("partition {id:#x} says it is instance {} of {}", v[0], partitions::ALL.len()),
    }
}
