//! How long one FF-A call may last before the image's hang monitor reports it as stuck
//! (`call_limit_ms=`): the runner's choice per platform, since a call takes 10-100 times
//! longer on an FVP model than under QEMU. The QEMU figure comes from measurement: the
//! longest call that returned in a full run of every stack and FF-A version was
//! PLACEHOLDER; the limit is well above it, so that no legitimate call is cut.

/// The limit under QEMU's single-threaded TCG.
const QEMU_MS: u32 = 300;

/// Multi-threaded TCG: each core gets a host thread, and four cores share this machine's two
/// CPUs with every other QEMU, so a call may wait for a CPU several times longer.
const MTTCG_FACTOR: u32 = 4;

/// An FVP model runs code 10-100 times slower than QEMU.
const FVP_FACTOR: u32 = 100;

/// The limit for a run on `platform` (`mttcg`: QEMU with a host thread per core), or `None`
/// where the runner passes the image no arguments (a board's console: its arguments are built
/// into its image).
pub fn default_ms(platform: &str, mttcg: bool, console: bool) -> Option<u32> {
    match platform {
        _ if console => None,
        "fvp" => Some(QEMU_MS * FVP_FACTOR),
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
        assert!(default_ms("qemu-virt", true, false).unwrap() > qemu);
        assert!(default_ms("fvp", false, false).unwrap() >= 10 * qemu);
        assert_eq!(default_ms("juno", false, true), None);
    }
}
