//! Descriptor codecs shared by the images and the host tests. Each wire struct mirrors one
//! table of DEN0077A and is read with zerocopy from bytes copied out of a buffer.

pub mod memory;
mod message;
mod partition_info;
mod partition_info_regs;
mod uuid;

pub use message::MessageHeader;
pub use partition_info::{PartitionInfo, PartitionInfoV1_0, PartitionInfoV1_1, PartitionProps};
pub use partition_info_regs::{start_and_tag, RegsBatch, FIRST_REGISTER, LAST_REGISTER};
pub use uuid::Uuid;
