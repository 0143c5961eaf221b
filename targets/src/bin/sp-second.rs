//! Hafnium's second MP partition (FF-A v1.2, DIRECT_REQ2): the sp as
//! ffa_cases::partitions::SECOND, linked at its package's image (ld/sp-second.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

ffa_targets::sp_image!(ffa_cases::partitions::SECOND);
