//! ffa-cases: the conformance cases, one module per ABI family. Every file registers its own
//! cases in `ffa_harness::CASES`; nothing else lists them.
#![cfg_attr(not(test), no_std)]

#[cfg(test)]
mod broken_spmc;
mod common;
mod interop;
mod memory;
mod messaging;
mod notifications;
mod optee;
mod run;
mod setup;
mod sp;

/// The sp instances and their manifests, for each sp image to know which one it is.
pub use sp::partitions;

#[cfg(all(feature = "self-test", target_os = "none"))]
mod selftest;

#[cfg(test)]
mod tests {
    use ffa_harness::case::sorted;
    use ffa_harness::command::{duplicate_id, COMMANDS};
    use ffa_harness::CASES;

    #[test]
    fn case_ids_are_valid_and_unique() {
        let mut out = [None; ffa_harness::executor::MAX_CASES];
        let n = sorted(&CASES, &mut out).expect("a valid registry");
        assert!(n >= 60, "only {n} cases registered");
    }

    #[test]
    fn sp_command_ids_are_unique() {
        assert!(!COMMANDS.is_empty());
        assert_eq!(duplicate_id(), None);
    }

    #[test]
    fn every_case_cites_a_section() {
        for c in CASES.iter() {
            assert!(!c.section.is_empty(), "{} cites no section", c.id);
        }
    }
}
