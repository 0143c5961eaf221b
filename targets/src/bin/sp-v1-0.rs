//! The sp under TF-A's EL3 SPMC at FF-A v1.0 (stack tfa-el3-sp1.0): the primary sp image as
//! ffa_cases::partitions::EL3_SP_V1_0, linked where the EL3 SPMC loads its BL32 like it
//! (ld/sp-v1-0.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

ffa_targets::sp_image!(ffa_cases::partitions::EL3_SP_V1_0);
