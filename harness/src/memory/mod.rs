//! Memory transactions over the TX/RX buffers: a sender that writes a descriptor of any size
//! into TX and drives FFA_MEM_FRAG_TX until the SPMC has all of it, and a borrower's reader
//! that drives FFA_MEM_FRAG_RX until it has the whole retrieve response. Cases and sp commands
//! use these and need no fragmentation code of their own. A borrower's held transactions are
//! tracked so that a fault can give them back.

#[cfg(target_os = "none")]
mod borrowed;
mod held;
mod retrieve;
mod send;

#[cfg(target_os = "none")]
pub use borrowed::Borrowed;
pub use held::{relinquish, relinquish_held};
pub use retrieve::{retrieve, RetrieveError, Retrieved};
pub use send::{send, write_tx};
