//! The schedule-receiver interrupt (SRI): FFA_FEATURES(feature ID 2) gives its interrupt ID,
//! and the SPMC raises it in the normal world when a notification for it becomes pending; the
//! scheduler then asks INFO_GET who has something pending and the receiver takes it with
//! GET. OP-TEE (`thread_spmc.c`) advertises SGI 8 (`CFG_CORE_ASYNC_NOTIF_GIC_INTID`,
//! donated to the normal world as non-secure Group 1 by `gic_init_donate_sgi_to_ns`) and
//! raises it on the core its notification came from (`notif_send_async`); Hafnium raises SGI
//! 8 (`HF_SCHEDULE_RECEIVER_INTID`) on a SET that does not delay it.
//!
//! On OP-TEE the only sender is OP-TEE itself: the normal world creates its bitmap, binds bit
//! n to OP-TEE and asks it to start its asynchronous notifications with bit n
//! (OPTEE_FFA_ENABLE_ASYNC_NOTIF, `optee_ffa.h`). From then on a receive interrupt on OP-TEE's
//! console, the secure UART (UART1 on QEMU `virt`), pends bit n and raises the SRI at once
//! (`console_itr_cb` in plat-vexpress `main.c`: it masks the UART's receive interrupt and calls
//! `notif_send_async`); the image asks the runner for a byte on that UART (the
//! `secure-uart-input` event) and the SRI arrives within milliseconds. Starting the
//! notifications also starts OP-TEE's test watchdog (`notif_test_wd.c`), which pends the same
//! bit about once a second until the next boot: no case waits for it, but that is why this
//! case's id sorts after every other notification case and why it leaves the bit bound.

use super::own_vm;
use crate::common::{check_direct_response, OPTEE_UUID};
use ffa_harness::event::Event;
use ffa_harness::executor::emit;
use ffa_harness::ffa::{FeatureId, FfaError, FuncId, Version};
use ffa_harness::notifications::{decode_info, GET_FROM_SP};
use ffa_harness::spec::SCHEDULE_RECEIVER_INTERRUPT;
use ffa_harness::text::FixedText;
use ffa_harness::{
    case, check, check_eq, check_error, check_mbz, check_success, fail, interrupts, not_applicable, Need,
};

case! {
    /// An SPMC with notifications names the SRI: FFA_FEATURES(SRI) succeeds with the
    /// interrupt ID in w2, an SGI (Hafnium and OP-TEE both use SGI 8: the scheduler takes it
    /// on the core it is raised on), and w1, w3 zero.
    "notifications.features.sri_is_an_sgi", SCHEDULE_RECEIVER_INTERRUPT,
    abis(&[FuncId::FEATURES]), since(Version::V1_1), needs(&[Need::Abi(FuncId::NOTIFICATION_INFO_GET_64)]);
    fn sri_intid(ctx) {
        let r = ctx.ffa.feature_id(FeatureId::SRI);
        check_success!(r, "FFA_FEATURES(SRI) of an SPMC that implements FFA_NOTIFICATION_INFO_GET");
        check!(r.w(2) < 16, "FFA_FEATURES(SRI) w2 = {:#x}: want an SGI (0..15)", r.w(2));
        check_eq!(r.w(1), 0, "FFA_FEATURES(SRI) w1");
        check_eq!(r.w(3), 0, "FFA_FEATURES(SRI) w3");
        Ok(())
    }
}

/// OPTEE_FFA_ENABLE_ASYNC_NOTIF: w3 = 5, w4 = the bit OP-TEE's notifications use.
const ENABLE_ASYNC_NOTIF: u64 = 5;
/// The bit OP-TEE is asked to use.
const OPTEE_BIT: u32 = 9;
/// How long to wait for the SRI after asking for UART input: far less than the watchdog's
/// 1000 ms period, so the watchdog cannot be what raised it.
const WAIT_MS: u64 = 300;
/// Where nobody answers the request for UART input (a LAVA job boots QEMU without our
/// runner), how much longer to wait for OP-TEE's watchdog instead, which the note reports.
const WATCHDOG_WAIT_MS: u64 = 1500;

case! {
    /// End to end on OP-TEE: once a byte on OP-TEE's console UART pends bit 9 of the caller's
    /// VM, the SRI (the INTID FFA_FEATURES names) is taken at NS-EL2 on the case's core, the
    /// primary, which took the UART's interrupt (OP-TEE's GIC driver never writes its
    /// GICD_IROUTER, so it stays routed to affinity 0) and on which OP-TEE raises the SGI
    /// (`ITR_CPU_MASK_TO_THIS_CPU`), within 300 ms, so not the watchdog's (where nobody writes
    /// the byte, a LAVA job, the case waits for the watchdog's and says so in a note); INFO_GET then names exactly the caller's VM, globally (one list, one ID,
    /// nothing more pending; the 32-bit form the same, or NO_DATA once the 64-bit form has
    /// reported it), GET of the SP bitmap returns exactly bit 9 and clears it: a
    /// second GET returns nothing. The arrival time is reported in a note.
    "notifications.via_sri.optee_async_notif_taken_info_get_get", SCHEDULE_RECEIVER_INTERRUPT,
    abis(&[FuncId::FEATURES, FuncId::NOTIFICATION_BITMAP_CREATE, FuncId::NOTIFICATION_BIND,
           FuncId::NOTIFICATION_INFO_GET_64, FuncId::NOTIFICATION_INFO_GET_32, FuncId::NOTIFICATION_GET, FuncId::MSG_SEND_DIRECT_REQ_32]),
    since(Version::V1_1), timeout_ms(3500),
    needs(&[Need::Abi(FuncId::NOTIFICATION_BIND), Need::Abi(FuncId::NOTIFICATION_INFO_GET_64), Need::Partition(OPTEE_UUID)]);
    fn optee_sri(ctx) {
        let sri = ctx.ffa.feature_id(FeatureId::SRI);
        check_success!(sri, "FFA_FEATURES(SRI)");
        let intid = sri.w(2);
        let core = ctx.platform.this_core();
        if !ctx.platform.route_interrupt(intid, true) {
            not_applicable!("this machine cannot route interrupt {intid} to the image");
        }
        let result = wait_for_sri(ctx, intid, core);
        ctx.platform.route_interrupt(intid, false);
        result
    }
}

fn wait_for_sri(ctx: &mut ffa_harness::Ctx, intid: u32, core: usize) -> ffa_harness::CaseResult {
    let (vm, optee) = (own_vm(ctx), ctx.partition_id(OPTEE_UUID)?);
    let bit = 1u64 << OPTEE_BIT;
    check_success!(
        ctx.ffa.notification_bitmap_create(vm, ctx.core_count() as u32),
        "FFA_NOTIFICATION_BITMAP_CREATE(VM {vm:#x})"
    );
    check_success!(ctx.ffa.notification_bind(optee, vm, 0, bit), "FFA_NOTIFICATION_BIND(bit {OPTEE_BIT} to OP-TEE)");
    check_error!(
        ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64),
        FfaError::NoData,
        "INFO_GET before OP-TEE starts"
    );
    let before = interrupts::taken(core, intid);
    let req = FuncId::MSG_SEND_DIRECT_REQ_32;
    let r = ctx.ffa.direct_req(req, vm, optee, [ENABLE_ASYNC_NOTIF, OPTEE_BIT.into(), 0, 0, 0]);
    check_direct_response(&r, req, optee, vm)?;
    check_eq!(r.w(3), 0, "OPTEE_FFA_ENABLE_ASYNC_NOTIF(bit {OPTEE_BIT}) result");
    let start = ctx.platform.now_us();
    emit(ctx.platform, Event::SecureUartInput);
    let wait_until = |ms: u64| {
        let deadline = start + ms * 1000;
        while interrupts::taken(core, intid) == before && ctx.platform.now_us() < deadline {
            core::hint::spin_loop();
        }
    };
    wait_until(WAIT_MS);
    let from_uart = interrupts::taken(core, intid) != before;
    if !from_uart {
        wait_until(WAIT_MS + WATCHDOG_WAIT_MS);
    }
    let waited = ctx.platform.now_us() - start;
    let (all, first) = interrupts::taken_anywhere(intid);
    let note = FixedText::<200>::format(format_args!(
        "SRI {intid}: {} on core {core} after {} ms ({all} on all cores, first on {first:?}){}",
        interrupts::taken(core, intid) - before,
        waited / 1000,
        if from_uart { "" } else { "; nobody wrote to the secure UART: raised by OP-TEE's watchdog" }
    ));
    emit(ctx.platform, Event::Note { msg: note.as_str().into() });
    if interrupts::taken(core, intid) == before {
        let info = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
        fail!(
            "no SRI (INTID {intid}) on core {core} within {} ms of asking for a byte on the secure UART; INFO_GET gives {}",
            WAIT_MS + WATCHDOG_WAIT_MS,
            info.summary()
        );
    }
    let info = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_64);
    check_success!(info, "FFA_NOTIFICATION_INFO_GET_64 after the SRI");
    let decoded = match decode_info(&info, true) {
        Ok(d) => d,
        Err(e) => fail!("FFA_NOTIFICATION_INFO_GET_64 after the SRI: {e}"),
    };
    check_eq!(decoded.count, 1, "INFO_GET lists");
    check_eq!(decoded.lists()[0].id, vm, "INFO_GET list 0 endpoint");
    check_eq!(decoded.lists()[0].vcpu_count, 0, "INFO_GET list 0 vCPU IDs (a global notification)");
    check!(!decoded.more_pending, "INFO_GET says more is pending than one list");
    // The 32-bit form: OP-TEE reports what is still pending again (`handle_notification_info_get`
    // reads the bitmap and clears nothing), Hafnium reports each pending notification to the
    // scheduler once (`vm_notifications_pending_not_retrieved_by_scheduler`) and then NO_DATA.
    let has_32 = ctx.ffa.features(FuncId::NOTIFICATION_INFO_GET_32, 0).is_success();
    let info32 = ctx.ffa.notification_info_get(FuncId::NOTIFICATION_INFO_GET_32);
    if !has_32 {
        // Hafnium implements the 64-bit form only.
    } else if info32.is_success() {
        match decode_info(&info32, false) {
            Ok(d) => check_eq!(d.lists(), decoded.lists(), "the 32-bit INFO_GET's lists against the 64-bit one's"),
            Err(e) => fail!("FFA_NOTIFICATION_INFO_GET_32 after the SRI: {e}"),
        }
    } else {
        check_error!(info32, FfaError::NoData, "FFA_NOTIFICATION_INFO_GET_32 after the 64-bit form reported the bit");
    }
    let got = ctx.ffa.notification_get(vm, 0, GET_FROM_SP);
    check_success!(got, "FFA_NOTIFICATION_GET(VM {vm:#x}, SP bitmap)");
    check_eq!(u64::from(got.w(3)) << 32 | u64::from(got.w(2)), bit, "GET's SP bitmap (w3:w2)");
    check_mbz!(got, 4, 7, "FFA_NOTIFICATION_GET of the SP bitmap only");
    let again = ctx.ffa.notification_get(vm, 0, GET_FROM_SP);
    check_success!(again, "a second FFA_NOTIFICATION_GET");
    check_eq!(
        u64::from(again.w(3)) << 32 | u64::from(again.w(2)),
        0,
        "the second GET's SP bitmap: the first cleared it"
    );
    Ok(())
}
