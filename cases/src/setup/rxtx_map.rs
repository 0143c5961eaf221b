//! FFA_RXTX_MAP (DEN0077A v1.1 13.6): x1 = TX buffer address, x2 = RX buffer address, w3 =
//! page count (4 KiB pages). One pair per endpoint; errors: INVALID_PARAMETERS for bad
//! addresses, sizes or alignment, DENIED when a pair is already mapped, NO_MEMORY.
//! The harness keeps its own pair mapped between cases; these cases unmap it first where
//! they need a clean slate, and restore it.

use crate::common::{with_rxtx_unmapped, UPPER_JUNK};
use ffa_harness::ffa::{FfaError, FuncId, Regs, Version};
use ffa_harness::spec::{RXTX_MAP, SMC32_UPPER_BITS};
use ffa_harness::{
    case, check, check_eq, check_error, check_mbz, check_success, not_applicable, CaseResult, Ctx, Need,
};

const ABIS: &[FuncId] = &[FuncId::RXTX_MAP_64, FuncId::RXTX_UNMAP];

/// Checks that a mapping call was refused with `want` and nothing got mapped.
fn refused_nothing_mapped(ctx: &mut Ctx, r: Regs, want: FfaError, what: &str) -> CaseResult {
    check_error!(r, want, "{what}");
    nothing_mapped(ctx, what)
}

/// Like [`refused_nothing_mapped`], for a refusal whose status implementations disagree on.
fn refused_with_one_of(ctx: &mut Ctx, r: Regs, allowed: &[FfaError], what: &str) -> CaseResult {
    let code = r.error().filter(|c| allowed.contains(c));
    check!(code.is_some(), "{what}: want FFA_ERROR with one of {allowed:?}, got {}", r.summary());
    check_error!(r, code.unwrap_or(FfaError::NotSupported), "{what}");
    nothing_mapped(ctx, what)
}

/// After a refused map, an unmap must fail: nothing was mapped.
fn nothing_mapped(ctx: &mut Ctx, what: &str) -> CaseResult {
    let unmap = ctx.ffa.rxtx_unmap();
    check!(unmap.error().is_some(), "{what} was refused, yet FFA_RXTX_UNMAP then succeeded: something was mapped");
    Ok(())
}

case! {
    /// An endpoint has one RX/TX pair: mapping another while one is mapped is DENIED.
    "setup.rxtx_map.second_pair_denied", RXTX_MAP, abis(ABIS);
    fn twice(ctx) {
        let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 1);
        check_error!(r, FfaError::Denied, "FFA_RXTX_MAP while the harness pair is mapped");
        Ok(())
    }
}

case! {
    /// After FFA_RXTX_UNMAP another pair can be mapped: FFA_SUCCESS_32.
    "setup.rxtx_map.other_pair_after_unmap", RXTX_MAP, abis(ABIS);
    fn remap(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 1);
            check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_MAP of a fresh pair");
            Ok(())
        })
    }
}

case! {
    /// FFA_SUCCESS of FFA_RXTX_MAP carries nothing: w1..w7 are reserved (MBZ).
    "setup.rxtx_map.result_registers_mbz", RXTX_MAP, abis(ABIS);
    fn result_mbz(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 1);
            check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_MAP of a fresh pair");
            check_mbz!(r, 1, 7, "FFA_RXTX_MAP result");
            Ok(())
        })
    }
}

case! {
    "setup.rxtx_map.two_page_count_accepted", RXTX_MAP, abis(ABIS), since(Version::V1_2);
    run: two_pages
}

/// A page count of 2 (w3 counts 4 KiB pages) for two separate two-page buffers is accepted
/// where FFA_FEATURES(FFA_RXTX_MAP) allows it: from v1.2 w2[31:16] is the largest page count
/// the callee takes (0: no limit given); below v1.2 an SPMC has no way to say it takes one
/// page only (Hafnium's mailbox is one page), so the case starts at v1.2, and does not apply
/// where the reported maximum is one page. It sees only the answer: that the SPMC then uses
/// the second page of each buffer needs a message longer than a page.
fn two_pages(ctx: &mut Ctx) -> CaseResult {
    let props = ctx.ffa.features(FuncId::RXTX_MAP_64, 0);
    check_success!(props, "FFA_FEATURES(FFA_RXTX_MAP_64)");
    let max = props.w(2) >> 16;
    if max == 1 {
        not_applicable!("FFA_FEATURES(FFA_RXTX_MAP_64) reports one page as the largest buffer");
    }
    with_rxtx_unmapped(ctx, |ctx| {
        let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[2].addr(), 2);
        check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_MAP of two-page buffers");
        Ok(())
    })
}

case! {
    /// A page count of 0 describes no buffer: INVALID_PARAMETERS.
    "setup.rxtx_map.zero_pages_invalid", RXTX_MAP, abis(ABIS);
    fn zero_pages(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 0);
            refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with 0 pages")
        })
    }
}

case! {
    "setup.rxtx_map.page_count_reserved_bits_invalid", RXTX_MAP, abis(ABIS);
    run: page_count_mbz
}

/// The page count is w3[5:0]; w3[31:6] are reserved (MBZ) (TF-A's EL3 SPMC names the field
/// "Bits [5:0]", OP-TEE refuses any of bits [63:6]): a count of 1 with bit 6 set is
/// INVALID_PARAMETERS, and nothing is mapped.
fn page_count_mbz(ctx: &mut Ctx) -> CaseResult {
    with_rxtx_unmapped(ctx, |ctx| {
        let (tx, rx) = (ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr());
        let r = ctx.ffa.call(Regs::call(FuncId::RXTX_MAP_64).with(1, tx).with(2, rx).with(3, 1 | 1 << 6));
        refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with w3 = 0x41 (bit 6 reserved)")
    })
}

case! {
    "setup.rxtx_map.page_count_bit5_honoured", RXTX_MAP, abis(ABIS);
    run: page_count_bit5
}

/// Bit 5 is part of the page count (w3[5:0], up to 63 pages): 33-page buffers whose RX starts
/// one page after TX overlap in 32 pages, so the pair is INVALID_PARAMETERS. A callee that
/// drops bit 5 reads two one-page buffers side by side and maps them. (A callee that does
/// not check overlap at all fails this case too: `overlapping_buffers_invalid` tells the
/// two apart.)
fn page_count_bit5(ctx: &mut Ctx) -> CaseResult {
    with_rxtx_unmapped(ctx, |ctx| {
        let (tx, rx) = (ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr());
        let r = ctx.ffa.rxtx_map(tx, rx, 33);
        refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP of overlapping 33-page buffers")
    })
}

case! {
    /// Buffers are aligned to the minimum granule (4 KiB here): a TX address 0x10 past a page
    /// boundary is INVALID_PARAMETERS.
    "setup.rxtx_map.misaligned_tx_invalid", RXTX_MAP, abis(ABIS);
    fn misaligned_tx(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr() + 0x10, ctx.pages.spare[2].addr(), 1);
            refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with TX at page + 0x10")
        })
    }
}

case! {
    /// As for TX: an RX address 0x800 past a page boundary is INVALID_PARAMETERS.
    "setup.rxtx_map.misaligned_rx_invalid", RXTX_MAP, abis(ABIS);
    fn misaligned_rx(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[2].addr() + 0x800, 1);
            refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with RX at page + 0x800")
        })
    }
}

case! {
    "setup.rxtx_map.same_page_for_both_invalid", RXTX_MAP, abis(ABIS);
    run: same
}

/// TX and RX are distinct buffers: the same address for both is INVALID_PARAMETERS (Hafnium,
/// TF-A's EL3 SPMC; OP-TEE 4.10 maps it).
fn same(ctx: &mut Ctx) -> CaseResult {
    with_rxtx_unmapped(ctx, |ctx| {
        let page = ctx.pages.spare[0].addr();
        let r = ctx.ffa.rxtx_map(page, page, 1);
        refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with TX == RX")
    })
}

case! {
    "setup.rxtx_map.overlapping_buffers_invalid", RXTX_MAP, abis(ABIS);
    run: overlap
}

/// Two-page buffers one page apart overlap in their second page: INVALID_PARAMETERS.
fn overlap(ctx: &mut Ctx) -> CaseResult {
    with_rxtx_unmapped(ctx, |ctx| {
        let r = ctx.ffa.rxtx_map(ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr(), 2);
        refused_nothing_mapped(ctx, r, FfaError::InvalidParameters, "FFA_RXTX_MAP with overlapping 2-page buffers")
    })
}

case! {
    "setup.rxtx_map.secure_memory_invalid", RXTX_MAP, abis(ABIS);
    run: secure
}

/// What a refusal of memory the caller does not own may say: OP-TEE and TF-A's EL3 SPMC
/// answer INVALID_PARAMETERS, Hafnium DENIED (`arch_other_world_vm_configure_rxtx_map`: the
/// pages are not the caller's normal-world memory); no DEN0077A sentence read settles which.
const NOT_OWNED: &[FfaError] = &[FfaError::InvalidParameters, FfaError::Denied];

/// The normal world cannot hand secure memory to the SPMC as its buffers: a TX and RX pair in
/// secure DRAM is refused ([`NOT_OWNED`]).
fn secure(ctx: &mut Ctx) -> CaseResult {
    with_rxtx_unmapped(ctx, |ctx| {
        let s = ctx.machine.secure_ram;
        let r = ctx.ffa.rxtx_map(s, s + 0x1000, 1);
        refused_with_one_of(ctx, r, NOT_OWNED, "FFA_RXTX_MAP of secure DRAM")
    })
}

case! {
    /// A TX buffer at an address that is no memory the normal world owns (the board names one:
    /// QEMU virt's secure flash at 0) is refused ([`NOT_OWNED`]).
    "setup.rxtx_map.tx_outside_normal_world_memory_invalid", RXTX_MAP, abis(ABIS);
    fn tx_not_ns_memory(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let tx = ctx.machine.not_ns_memory;
            let r = ctx.ffa.rxtx_map(tx, ctx.pages.spare[0].addr(), 1);
            refused_with_one_of(ctx, r, NOT_OWNED, "FFA_RXTX_MAP with TX outside normal-world memory")
        })
    }
}

case! {
    /// FFA_RXTX_MAP_32 takes 32-bit addresses and maps like the 64-bit form.
    "setup.rxtx_map.smc32_form_maps", RXTX_MAP, abis(&[FuncId::RXTX_MAP_32]),
    needs(&[Need::Abi(FuncId::RXTX_MAP_32)]);
    fn smc32(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let (tx, rx) = (ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr());
            check!(tx >> 32 == 0 && rx >> 32 == 0, "the spare pages are above 4 GiB: SMC32 cannot name them");
            let r = ctx.ffa.call(Regs::call(FuncId::RXTX_MAP_32).with(1, tx).with(2, rx).with(3, 1));
            check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_MAP_32");
            Ok(())
        })
    }
}

case! {
    /// An SMC32 callee ignores bits [63:32] of its arguments (SMCCC): FFA_RXTX_MAP_32 with junk
    /// above the 32-bit addresses and page count maps the same pair.
    "setup.rxtx_map.smc32_upper_bits_ignored", SMC32_UPPER_BITS, abis(&[FuncId::RXTX_MAP_32]),
    needs(&[Need::Abi(FuncId::RXTX_MAP_32)]);
    fn smc32_upper(ctx) {
        with_rxtx_unmapped(ctx, |ctx| {
            let (tx, rx) = (ctx.pages.spare[0].addr(), ctx.pages.spare[1].addr());
            let r = ctx.ffa.call(
                Regs::call(FuncId::RXTX_MAP_32).with(1, UPPER_JUNK | tx).with(2, UPPER_JUNK | rx).with(3, UPPER_JUNK | 1),
            );
            check_eq!(r.func(), FuncId::SUCCESS_32, "FFA_RXTX_MAP_32 with junk in x1..x3[63:32]");
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broken_spmc::{error, preserved, run, success, Script};
    use ffa_harness::ffa::Version;

    std::thread_local! {
        /// Whether the scripted SPMC has a pair mapped (a case starts with the harness's).
        static MAPPED: core::cell::Cell<bool> = const { core::cell::Cell::new(true) };
    }

    /// An SPMC that maps a pair when w3[5:0] is 1..=63 and nothing else is set and the buffers
    /// do not overlap, refuses a second pair, and unmaps only what is mapped.
    fn strict(r: &Regs) -> Regs {
        match r.func() {
            FuncId::RXTX_MAP_64 => {
                let pages = r.x(3);
                let overlap = r.x(1).abs_diff(r.x(2)) < pages * 0x1000;
                if pages == 0 || pages >> 6 != 0 || overlap {
                    return error(FfaError::InvalidParameters);
                }
                if MAPPED.replace(true) {
                    return error(FfaError::Denied);
                }
                success()
            }
            FuncId::RXTX_UNMAP if !MAPPED.replace(false) => error(FfaError::InvalidParameters),
            _ => success(),
        }
    }

    /// Like `strict`, but it reads the page count as TF-A 2.12's EL3 SPMC does (w3 & 0x1f).
    fn masks_page_count(r: &Regs) -> Regs {
        strict(&r.with(3, r.x(3) & 0x1f))
    }

    fn against(answer: fn(&Regs) -> Regs, body: fn(&mut Ctx) -> CaseResult) -> CaseResult {
        MAPPED.set(true);
        run(Script { answer, callee_saved: preserved }, Version::V1_1, 0x8000, body)
    }

    #[test]
    fn page_count_cases_pass_on_a_strict_spmc_and_fail_on_a_masking_one() {
        for body in [page_count_mbz as fn(&mut Ctx) -> CaseResult, page_count_bit5, two_pages] {
            assert!(against(strict, body).is_ok());
        }
        for body in [page_count_mbz as fn(&mut Ctx) -> CaseResult, page_count_bit5] {
            let f = against(masks_page_count, body).unwrap_err();
            assert!(
                f.message.as_str().contains("want FFA_ERROR(INVALID_PARAMETERS), got FFA_SUCCESS_32"),
                "{}",
                f.message
            );
        }
        let one_page_only = |r: &Regs| {
            if r.func() == FuncId::RXTX_MAP_64 && r.x(3) != 1 {
                error(FfaError::InvalidParameters)
            } else {
                strict(r)
            }
        };
        assert!(against(one_page_only, two_pages).is_err());
    }
}
