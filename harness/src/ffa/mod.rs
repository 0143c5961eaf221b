//! The FF-A call layer: function IDs, status codes, versions, the register file, and the one
//! conduit every call goes through ([`Ffa::call`]), with typed calls on top of it.

mod call;
mod created_bitmaps;
mod error;
mod func;
mod ledger;
mod open_handles;
mod regs;
mod tracked;
mod version;

pub use call::{Conduit, Ffa, CALLEE_SAVED_CANARY};
pub use error::FfaError;
pub use func::{FeatureId, FuncId};
pub use ledger::EndpointState;
pub use open_handles::{OpenHandles, MAX_OPEN};
pub use regs::{Regs, Summary};
pub use version::Version;
