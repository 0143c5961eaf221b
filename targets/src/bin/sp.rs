//! The sp image: our secure test partition. Its SPMC (TF-A's EL3 SPMC, or Hafnium with the
//! `hafnium` feature) enters it at S-EL1 (MMU off); it maps
//! its memory, negotiates exactly its manifest's FF-A version, registers the entry point of
//! its further execution contexts, maps its RX/TX buffers and serves the commands the ns
//! driver sends in direct requests, on every core the normal world powers up.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod image {
    use ffa_harness::arch::{install_vectors, mmu, set_restart_entry, spmc_secondary_entry, Smc};
    use ffa_harness::ffa::{Ffa, FuncId, Regs, Version};
    use ffa_harness::pages::PAGES;
    use ffa_harness::platform::Platform;
    use ffa_harness::{server, Outcome, Session};
    use ffa_targets::platform::sp::{MACHINE, MEMORY_MAP};
    // The commands register themselves beside their cases; referencing the crate links them.
    use ffa_cases as _;

    /// The FF-A version in the SP's manifest; TF-A's EL3 SPMC asserts the SP asks exactly it.
    const MANIFEST_VERSION: Version = ffa_cases::manifest::FFA_VERSION;

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

    #[no_mangle]
    extern "C" fn image_main(_boot_info: u64, linear_core_id: u64) -> ! {
        install_vectors(on_fault);
        set_restart_entry(server::resume_after_fault);
        // SAFETY: once, at S-EL1 with the MMU off as the SPMC entered us; MEMORY_MAP maps
        // the secure memory this image lies in as secure memory, plus normal-world DRAM.
        if let Err(e) = unsafe { mmu::enable_identity(MEMORY_MAP) } {
            fail(format_args!("turning the MMU on: {e:?}"));
        }
        let v = FFA.version(MANIFEST_VERSION);
        let Some(returned) = Version::from_u32(v.w(0)) else {
            fail(format_args!("FFA_VERSION returned {:#x}", v.w(0)))
        };
        let id = FFA.id_get();
        if !id.is_success() {
            fail(format_args!("FFA_ID_GET: {}", id.summary()));
        }
        let spm = FFA.spm_id_get();
        // The SPMC enters this SP's execution context on a further core at this entry when
        // the normal world powers that core up (TF-A spmc_cpu_on_finish_handler; Hafnium
        // vcpu_bootstrap, src/vcpu.c: both put the linear core index in x4); it may only
        // be registered during initialisation, before the first FFA_MSG_WAIT.
        MACHINE.init_contexts(server::start_secondary);
        let ep = FFA.call(Regs::call(FuncId::SECONDARY_EP_REGISTER_64).with(1, spmc_secondary_entry()));
        if !ep.is_success() {
            server::log(
                &MACHINE,
                format_args!("FFA_SECONDARY_EP_REGISTER: {}; serving the boot core only", ep.summary()),
            );
        }
        let map = FFA.rxtx_map(PAGES.tx.addr(), PAGES.rx.addr(), 1);
        if !map.is_success() {
            fail(format_args!("FFA_RXTX_MAP: {}", map.summary()));
        }
        let session = Session {
            requested: MANIFEST_VERSION,
            returned: returned.to_u32(),
            negotiated: MANIFEST_VERSION,
            own_id: id.w(2) as u16,
            spmc_id: if spm.is_success() { spm.w(2) as u16 } else { 0xffff },
        };
        server::start(&MACHINE, &FFA, session, linear_core_id)
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("sp is a bare-metal image: build it with `make image` (--target aarch64-unknown-none-softfloat)");
    std::process::exit(2);
}
