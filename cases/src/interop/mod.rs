//! Interoperability with the partitions a stack brings (family `interop`): their own
//! protocols over FF-A, which FF-A does not define. Kept apart from the conformance families
//! in the matrix and the summary.

mod optee;
mod optee_memory;
