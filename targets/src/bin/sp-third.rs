//! Hafnium's third MP partition (FF-A v1.2, DIRECT_REQ2, the receiver of sp-second's): the
//! sp as ffa_cases::partitions::THIRD, linked at its package's image (ld/sp-third.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

ffa_targets::sp_image!(ffa_cases::partitions::THIRD);
