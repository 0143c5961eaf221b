//! The primary sp image: TF-A's EL3 SPMC's one partition (stack tfa-el3), or with the
//! `hafnium` feature the first of Hafnium's (stacks hafnium-*), where it is the same partition
//! with Hafnium's execution contexts (ffa_cases::partitions). Linked where its SPMC loads
//! it (ld/sp.ld).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(feature = "hafnium"))]
ffa_targets::sp_image!(ffa_cases::partitions::EL3_SP);
#[cfg(feature = "hafnium")]
ffa_targets::sp_image!(ffa_cases::partitions::PRIMARY);
