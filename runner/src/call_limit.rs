//! How long one FF-A call may last before the image's hang monitor reports it as stuck
//! (`call_limit_ms=`): the runner's choice per platform. The boot loop then ends the boot only
//! once QEMU has also run on a host CPU for most of that time since the call began
//! (crate::host_cpu), so the limit is in QEMU's own time, not the host's: a host too loaded
//! to run QEMU makes a call slow, not hung. The monitor reports a call only while it is the
//! one call in flight, and ten times the limit while a case runs jobs on several cores (a
//! call there may wait for a lock another core holds in the secure world, which QEMU's
//! single-threaded TCG runs only at its next scheduling point, every 100 ms at worst).
//! Measured here: three full `make test` runs (every QEMU stack at every FF-A version, the
//! race cases on multi-threaded TCG and the self-test builds; about 8,150 case records each,
//! on a 2-core machine shared by five sessions, load average 4.5-9) saw as their longest
//! call that returned, under single-threaded TCG, 236 ms of host time (FFA_RXTX_UNMAP in a
//! one-core case on optee-sel1 at v1.2, the host oversubscribed; QEMU got about a quarter of
//! a CPU then) and 220 ms (FFA_NOTIFICATION_UNBIND in a race case, four cores contending for
//! QEMU's one TCG thread); with one 100 ms limit for every call, two race cases on optee-sel1
//! had a call cut at 100-110 ms with QEMU busy all along, hence the factor while jobs run.
//! The slowest call of most runs
//! took 20-130 ms of host time. Under multi-threaded TCG the longest was 300 ms (a race
//! case on hafnium-2.12). A hung firmware costs a boot the limit instead of a case's timeout
//! plus the runner's margin (5 s by default).

/// The limit under QEMU's single-threaded TCG: about 5 times the longest call of a run on a
/// quiet host (`make bench STACK=hafnium-2.12`: 18.6 ms, FFA_MEM_RECLAIM of a fragmented
/// transaction), in QEMU's own time.
const QEMU_MS: u32 = 100;

/// Multi-threaded TCG: four cores' host threads share the host's CPUs with every other QEMU,
/// and the runner's CPU check counts every thread, not the stuck core's alone, so it shows
/// less: five times the limit (500 ms; the longest call measured there took 300 ms).
const MTTCG_FACTOR: u32 = 5;

/// An FVP model runs code 10-100 times slower than QEMU. With the cases' default timeouts
/// the runner's silence watchdog (a case's timeout plus `--case-timeout-s`) ends a hang there
/// first; the monitor then matters for cases with longer timeouts.
const FVP_MS: u32 = 15_000;

/// The limit for a run on `platform` (`mttcg`: QEMU with a host thread per core), or `None`
/// where the runner passes the image no arguments (a board's console: its arguments are built
/// into its image, `targets/src/platform/juno.rs`).
pub fn default_ms(platform: &str, mttcg: bool, console: bool) -> Option<u32> {
    match platform {
        _ if console => None,
        "fvp" => Some(FVP_MS),
        _ if mttcg => Some(QEMU_MS * MTTCG_FACTOR),
        _ => Some(QEMU_MS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slower_machines_wait_longer() {
        let qemu = default_ms("qemu-virt", false, false).unwrap();
        assert_eq!(default_ms("qemu-virt-gicv2", false, false), Some(qemu));
        assert!(default_ms("qemu-virt", true, false).unwrap() > qemu);
        assert!(default_ms("fvp", false, false).unwrap() >= 10 * qemu);
        assert_eq!(default_ms("juno", false, true), None);
    }
}
