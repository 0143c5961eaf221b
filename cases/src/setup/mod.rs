//! Setup and discovery interfaces (DEN0077A v1.1 chapter 13).

mod id;
