//! FFA_ID_GET (DEN0077A v1.1 13.9) and FFA_SPM_ID_GET (13.10). Endpoint IDs are 16 bits; bit
//! 15 set marks a secure-world ID.

use ffa_harness::desc::Uuid;
use ffa_harness::ffa::{FuncId, Version};
use ffa_harness::spec::{ID_GET, SPM_ID_GET};
use ffa_harness::{case, check, check_eq, check_mbz, check_success, fail, Need};

case! {
    /// The caller at the non-secure physical instance (here the hypervisor) has endpoint ID 0:
    /// FFA_SUCCESS_32 with the ID in w2[15:0], w2[31:16] and w1, w3..w7 MBZ.
    "setup.id_get.ns_caller_is_zero", ID_GET, abis(&[FuncId::ID_GET]);
    fn ns_is_zero(ctx) {
        let r = ctx.ffa.id_get();
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_ID_GET function");
        check_eq!(r.w(2), 0, "FFA_ID_GET w2 (own ID, upper half MBZ)");
        check_eq!(r.w(1), 0, "FFA_ID_GET w1 (MBZ)");
        check_mbz!(r, 3, 7, "FFA_ID_GET");
        Ok(())
    }
}

case! {
    /// An endpoint's ID does not change: three calls return the same w2.
    "setup.id_get.stable_across_calls", ID_GET, abis(&[FuncId::ID_GET]);
    fn stable(ctx) {
        let first = ctx.ffa.id_get().w(2);
        for _ in 0..2 {
            check_eq!(ctx.ffa.id_get().w(2), first, "FFA_ID_GET w2 on a later call");
        }
        Ok(())
    }
}

case! {
    /// At the non-secure physical instance FFA_SPM_ID_GET returns the SPMC's ID (Hafnium quotes
    /// v1.1 Beta0 13.9.2): a secure ID (bit 15 set) in w2[15:0], w2[31:16], w1 and w3..w7 MBZ.
    "setup.spm_id_get.returns_secure_spmc_id", SPM_ID_GET,
    abis(&[FuncId::SPM_ID_GET]), since(Version::V1_1), needs(&[Need::Abi(FuncId::SPM_ID_GET)]);
    fn spm_id(ctx) {
        let r = ctx.ffa.spm_id_get();
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_SPM_ID_GET function");
        check!(r.w(2) & 0x8000 != 0, "SPMC ID {:#x} lacks bit 15 (secure)", r.w(2));
        check_eq!(r.w(2) >> 16, 0, "FFA_SPM_ID_GET w2[31:16] (MBZ)");
        check_eq!(r.w(1), 0, "FFA_SPM_ID_GET w1 (MBZ)");
        check_mbz!(r, 3, 7, "FFA_SPM_ID_GET");
        Ok(())
    }
}

case! {
    /// The SPMC ID names the SPMC alone: it is neither the caller's ID nor any partition's.
    "setup.spm_id_get.distinct_from_every_endpoint", SPM_ID_GET,
    abis(&[FuncId::SPM_ID_GET, FuncId::ID_GET, FuncId::PARTITION_INFO_GET]), since(Version::V1_1), needs(&[Need::Abi(FuncId::SPM_ID_GET)]);
    fn spm_id_distinct(ctx) {
        let spmc = ctx.ffa.spm_id_get();
        check_success!(spmc, "FFA_SPM_ID_GET");
        let spmc = spmc.w(2) as u16;
        check!(spmc != ctx.session.own_id, "SPMC ID {spmc:#x} equals the caller's own ID");
        let listing = ctx.partitions(Uuid::NIL)?;
        if let Some(p) = listing.iter().find(|p| p.id == spmc) {
            fail!("partition {:#x} has the SPMC's ID", p.id);
        }
        Ok(())
    }
}
