//! Hafnium's UP partition (one execution context, FF-A v1.0): the sp as
//! ffa_cases::partitions::UP, linked at its package's image (ld/sp-up.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

ffa_targets::sp_image!(ffa_cases::partitions::UP);
