//! Hafnium's fourth MP partition (FF-A v1.1, notification receipt): the sp as
//! ffa_cases::partitions::FOURTH, linked at its package's image (ld/sp-fourth.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

ffa_targets::sp_image!(ffa_cases::partitions::FOURTH);
