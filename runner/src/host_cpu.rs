//! How much of the host's CPU a booted QEMU got: its CPU time (user + system, every thread,
//! from Linux's `/proc/<pid>/stat`), and a log of it over a boot. The boot loop holds the hang
//! monitor's `stuck` report against it: the image measures a call in guest time, which is host
//! time, so on a host too loaded to run QEMU much a slow call looks like a hung one. A call
//! counts as hung only once QEMU has spent most of the call's limit on a CPU while in it (a
//! firmware that spins with interrupts masked keeps QEMU's TCG thread busy all along).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The unit of `/proc/<pid>/stat`'s times: Linux's USER_HZ, 100 on every architecture Linux
/// runs QEMU hosts on (the kernel's `USER_HZ`, what `getconf CLK_TCK` says).
const TICKS_PER_SECOND: u64 = 100;

/// The CPU time process `pid` has used so far (`None`: not Linux, or the process is gone).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat)
}

/// utime + stime from a `/proc/<pid>/stat` line: fields 14 and 15, counted after the command
/// name, which is in parentheses and may itself hold spaces and parentheses.
fn parse_stat(stat: &str) -> Option<Duration> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_ascii_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 1000 / TICKS_PER_SECOND))
}

/// How often the boot loop samples a QEMU's CPU time while a boot runs.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(10);

/// How far back the log keeps samples: longer than any call limit.
const KEEP: Duration = Duration::from_secs(30);

/// A boot's CPU time samples, oldest first.
#[derive(Default)]
pub struct CpuLog {
    samples: VecDeque<(Instant, Duration)>,
}

impl CpuLog {
    /// Records that the process had used `cpu` at `now`.
    pub fn sample(&mut self, now: Instant, cpu: Duration) {
        while self.samples.front().is_some_and(|&(t, _)| now.duration_since(t) > KEEP) {
            self.samples.pop_front();
        }
        self.samples.push_back((now, cpu));
    }

    /// The CPU time used since `since`, by the newest sample: counted from the last sample at
    /// or before `since` (up to one [`SAMPLE_EVERY`] early: a little more than was used), or
    /// from the oldest when there is none that early (less than was used).
    pub fn used_since(&self, since: Instant) -> Duration {
        let Some(&(_, newest)) = self.samples.back() else { return Duration::ZERO };
        let from = self.samples.iter().rev().find(|&&(t, _)| t <= since).or(self.samples.front());
        from.map_or(Duration::ZERO, |&(_, cpu)| newest.saturating_sub(cpu))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_system_time_past_a_command_name_with_spaces() {
        let line = "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194560 5170 0 0 0 250 37 0 0 20 0 7 0 123 0 0";
        assert_eq!(parse_stat(line), Some(Duration::from_millis(2870)));
        assert_eq!(parse_stat("4242 (qemu) S 1"), None);
        let own = cpu_time(std::process::id()).expect("the runner's own /proc entry");
        assert!(own < Duration::from_secs(24 * 3600));
    }

    #[test]
    fn counts_from_the_sample_before_the_call_and_never_more() {
        let before = Instant::now();
        let ms = Duration::from_millis;
        let t0 = before + ms(1000);
        let mut log = CpuLog::default();
        assert_eq!(log.used_since(t0), Duration::ZERO);
        for i in 0..10u32 {
            // QEMU got a quarter of a CPU: 10 ms of CPU every 40 ms.
            log.sample(t0 + ms(40) * i, ms(10) * i);
        }
        assert_eq!(log.used_since(t0 + ms(200)), ms(40), "from the sample at 200 ms to the one at 360 ms");
        assert_eq!(log.used_since(t0 + ms(210)), ms(40), "the sample before 210 ms is the one at 200 ms");
        assert_eq!(log.used_since(before), ms(90), "before the first sample: from the oldest");
        log.sample(t0 + KEEP + ms(20), ms(100));
        assert_eq!(log.samples.front().map(|&(t, _)| t), Some(t0 + ms(40)), "samples older than KEEP go");
    }
}
