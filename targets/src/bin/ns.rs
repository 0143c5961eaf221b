//! The ns image: the test driver. TF-A boots it as BL33; it negotiates FF-A with the SPMC, runs
//! every selected case and reports each as an event on the console.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod image {
    use core::mem::MaybeUninit;
    use ffa_harness::arch::{install_vectors, mmu, set_restart_entry, Smc};
    use ffa_harness::executor;
    use ffa_harness::ffa::Ffa;
    use ffa_harness::global::SetOnce;
    use ffa_harness::pages::{provide_pools, Pools};
    use ffa_harness::Outcome;
    use ffa_targets::platform::MACHINE;
    // The cases register themselves; referencing the crate is what links them in.
    use ffa_cases as _;

    static FFA: Ffa = Ffa::new(&Smc);
    static CMDLINE: SetOnce<(usize, [u8; 512])> = SetOnce::new();
    /// The pages the cases lend, share and donate.
    static POOLS: Pools = Pools::zeroed();

    fn on_fault(outcome: Outcome, what: core::fmt::Arguments<'_>) -> ! {
        executor::abort(&MACHINE, outcome, what)
    }

    #[no_mangle]
    extern "C" fn image_main(_x0: u64, _x4: u64) -> ! {
        install_vectors(on_fault);
        set_restart_entry(executor::run_from);
        // SAFETY: once, on the boot core with the MMU off as TF-A entered BL33; the board maps
        // normal-world DRAM (this image, its stack and shared pages) and the devices.
        if let Err(e) = unsafe { mmu::enable_identity(MACHINE.board.ns_memory) } {
            on_fault(Outcome::Crash, format_args!("turning the MMU on: {e:?}"));
        }
        MACHINE.init();
        provide_pools(&POOLS);
        // The hold point: what is above is in a runner's snapshot, what is below is not.
        let mut raw = [MaybeUninit::uninit(); 512];
        let line = MACHINE.command_line_after_hold(&mut raw);
        let mut copy = [0u8; 512];
        copy[..line.len()].copy_from_slice(line.as_bytes());
        CMDLINE.set((line.len(), copy));
        let (len, bytes) = CMDLINE.get().expect("set just above");
        let cmdline = core::str::from_utf8(&bytes[..*len]).unwrap_or("");
        executor::start(&MACHINE, &FFA, cmdline, "ns")
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("ns is a bare-metal image: build it with `make image` (--target aarch64-unknown-none-softfloat)");
    std::process::exit(2);
}
