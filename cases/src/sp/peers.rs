//! How a case finds the sp instances other than the primary one: by the UUID of the instance
//! it needs (a second MP partition, the UP one, the one at another FF-A version than the
//! primary's), and which instance a listed partition is (each answers `IDENTITY` with its
//! entry in [`partitions::ALL`]). A case that needs one names it in `needs(..)`, so it skips
//! on a stack that does not run it (tfa-el3 runs the primary alone).

use super::partitions::{self, Partition};
use super::{command_to, Width, IDENTITY};
use ffa_harness::{fail, Ctx, Failure};

/// Which instance the partition with endpoint ID `id` is, by its own answer to `IDENTITY`.
pub fn identify(ctx: &Ctx, id: u16) -> Result<&'static Partition, Failure> {
    let v = command_to(ctx, id, Width::W64, IDENTITY, [0; 4])?;
    match partitions::ALL.get(v[0] as usize) {
        Some(p) => Ok(p),
        None => fail!("partition {id:#x} says it is instance {} of {}", v[0], partitions::ALL.len()),
    }
}
