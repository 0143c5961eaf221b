//! Where the rules come from: the spec document and the sections of DEN0077A v1.1 that cases
//! cite. Cases name these constants so that a citation is corrected in one place.

/// The specification the cases check.
pub const SPEC: &str = "DEN0077A v1.1";
