//! The sp image's entry, shared by every instance: the SPMC (TF-A's EL3 SPMC, or Hafnium with
//! the `hafnium` feature) enters it at S-EL1 with the MMU off; it records which instance it is
//! (its bin names one entry of `ffa_cases::partitions`: UUID, FF-A version, execution
//! contexts), maps its memory, negotiates exactly its manifest's FF-A version, registers the
//! entry point of its further execution contexts (an MP instance), maps its RX/TX buffers and
//! serves the commands the ns driver (or another partition) sends in direct requests, on every
//! core it runs on. Each instance's bin is one [`sp_image!`](crate::sp_image!) line.

use crate::platform::sp::{memory_map, MACHINE};
use ffa_cases::partitions::{self, Partition};
use ffa_harness::arch::{install_vectors, mmu, set_restart_entry, spmc_secondary_entry, Smc};
use ffa_harness::ffa::{Ffa, FuncId, Regs, Version};
use ffa_harness::pages::PAGES;
use ffa_harness::platform::Platform;
use ffa_harness::{server, Outcome, Session};

static FFA: Ffa = Ffa::new(&Smc);

fn on_fault(_: Outcome, what: core::fmt::Arguments<'_>) -> ! {
    server::log(&MACHINE, format_args!("command faulted: {what}"));
    MACHINE.restart(0)
}

fn fail(what: core::fmt::Arguments<'_>) -> ! {
    server::log(&MACHINE, format_args!("set-up failed: {what}"));
    loop {
        core::hint::spin_loop();
    }
}

/// Runs instance `me` on the boot execution context, which the SPMC entered with
/// `linear_core_id` in x4. Never returns.
pub fn run(me: &'static Partition, linear_core_id: u64) -> ! {
    install_vectors(on_fault);
    set_restart_entry(server::resume_after_fault);
    partitions::set_own(me);
    // SAFETY: once, at S-EL1 with the MMU off as the SPMC entered us; the memory map maps the
    // secure memory this image lies in as secure memory, plus normal-world DRAM.
    if let Err(e) = unsafe { mmu::enable_identity(&memory_map()) } {
        fail(format_args!("turning the MMU on: {e:?}"));
    }
    // The SPMC holds the partition to its manifest's version: TF-A's EL3 SPMC asserts it asks
    // exactly that one.
    let v = FFA.version(me.ffa_version);
    let Some(returned) = Version::from_u32(v.w(0)) else { fail(format_args!("FFA_VERSION returned {:#x}", v.w(0))) };
    let id = FFA.id_get();
    if !id.is_success() {
        fail(format_args!("FFA_ID_GET: {}", id.summary()));
    }
    let spm = FFA.spm_id_get();
    if !me.is_up() {
        // The SPMC enters this SP's execution context on a further core at this entry when the
        // normal world powers that core up (TF-A spmc_cpu_on_finish_handler; Hafnium
        // vcpu_bootstrap, src/vcpu.c: both put the linear core index in x4); it may only be
        // registered during initialisation, before the first FFA_MSG_WAIT. A UP partition has
        // no further context.
        MACHINE.init_contexts(server::start_secondary);
        let ep = FFA.call(Regs::call(FuncId::SECONDARY_EP_REGISTER_64).with(1, spmc_secondary_entry()));
        if !ep.is_success() {
            server::log(
                &MACHINE,
                format_args!("FFA_SECONDARY_EP_REGISTER: {}; serving the boot core only", ep.summary()),
            );
        }
    }
    let map = FFA.rxtx_map(PAGES.tx.addr(), PAGES.rx.addr(), 1);
    if !map.is_success() {
        fail(format_args!("FFA_RXTX_MAP: {}", map.summary()));
    }
    server::log(
        &MACHINE,
        format_args!("{}: {} execution context(s), FF-A {} asked", me.name, me.exec_ctx_count, me.ffa_version),
    );
    let session = Session {
        requested: me.ffa_version,
        returned: returned.to_u32(),
        negotiated: me.ffa_version,
        own_id: id.w(2) as u16,
        spmc_id: if spm.is_success() { spm.w(2) as u16 } else { 0xffff },
    };
    server::start(&MACHINE, &FFA, session, linear_core_id)
}
