//! Memory management descriptors (DEN0077A v1.1 chapter 10 "Memory management", and the FF-A
//! Memory Management Protocol v1.2): the transaction descriptor a sender writes for
//! FFA_MEM_SHARE / LEND / DONATE and a borrower for FFA_MEM_RETRIEVE_REQ, the response an SPMC
//! writes, the relinquish descriptor and the hypervisor's retrieve request. The layout follows the FF-A version the writer
//! negotiated, a run-time parameter everywhere here.

mod attributes;
mod decode;
mod flags;
mod handle;
mod hypervisor;
pub mod layout;
mod relinquish;
mod transaction;

#[cfg(test)]
mod tests;

pub use attributes::{AccessPerms, Cacheability, MemAttributes, MemType, Shareability};
pub use decode::{Composite, Decoded, DescError};
pub use flags::{TransactionFlags, TransactionType};
pub use handle::Handle;
pub use hypervisor::HypervisorRetrieve;
pub use layout::{Constituent, Layout};
pub use relinquish::{Relinquish, RELINQUISH_ZERO_MEMORY};
pub use transaction::{Descriptor, Encoded, Patched, Receiver, Transaction};
