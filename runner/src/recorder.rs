//! What `run` keeps while the boot loop works: `events.log` (every raw line of the run, a
//! `# boot N:` line before each boot), `boot-N.log` per boot, `results.json` rewritten after
//! every case, and a progress line on stderr per case.

use crate::atomic_write::write_atomically;
use crate::boot_loop::RunObserver;
use crate::results::RunResults;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a run's logs and results into its folder.
pub struct Recorder {
    dir: PathBuf,
    events: File,
    boot_log: Option<(PathBuf, File)>,
}

impl Recorder {
    /// Opens `events.log` in the run folder `dir`.
    pub fn create(dir: &Path) -> Result<Self, String> {
        let path = dir.join("events.log");
        let events = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        Ok(Self { dir: dir.to_owned(), events, boot_log: None })
    }

    /// Rewrites `results.json`.
    pub fn write_results(&self, results: &RunResults) -> Result<(), String> {
        write_atomically(&self.dir.join("results.json"), &results.to_json())
    }
}

fn append(file: &mut File, path: &Path, line: &str) -> Result<(), String> {
    writeln!(file, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `[ 12/70] setup.version.bit31 ... pass (41 us)`.
pub fn progress_line(results: &RunResults, index: usize) -> String {
    let case = &results.cases[index];
    let total = results.cases.len().to_string();
    let outcome = case.outcome.map_or("none", |o| o.as_str());
    let mut line = format!(
        "[{:>w$}/{total}] {} ... {outcome} ({})",
        results.ended(),
        case.id,
        duration_text(case.duration_us),
        w = total.len()
    );
    if !case.message.is_empty() {
        line.push_str(": ");
        line.push_str(&case.message);
    }
    line
}

/// `41 us`, `12 ms`, `10.3 s`.
fn duration_text(us: u64) -> String {
    match us {
        0..10_000 => format!("{us} us"),
        10_000..10_000_000 => format!("{} ms", us / 1000),
        _ => format!("{:.1} s", us as f64 / 1e6),
    }
}

impl RunObserver for Recorder {
    fn boot_started(&mut self, boot: u32, command: &str) -> Result<(), String> {
        let path = self.dir.join(format!("boot-{boot}.log"));
        let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        self.boot_log = Some((path, file));
        eprintln!("boot {boot}: {command}");
        append(&mut self.events, &self.dir.join("events.log"), &format!("# boot {boot}: {command}"))
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        if let Some((path, file)) = &mut self.boot_log {
            append(file, path, line)?;
        }
        append(&mut self.events, &self.dir.join("events.log"), line)
    }

    fn case_ended(&mut self, results: &RunResults, index: usize) -> Result<(), String> {
        eprintln!("{}", progress_line(results, index));
        self.write_results(results)
    }

    fn note(&mut self, message: &str) {
        eprintln!("note: {message}");
    }

    fn warn(&mut self, message: &str) {
        eprintln!("runner: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{CaseRecord, Ending, RunIdentity};
    use ffa_harness::Outcome;

    #[test]
    fn progress() {
        let identity = RunIdentity {
            stack: "s".into(),
            stack_description: None,
            platform: "p".into(),
            requested_version: "1.1".into(),
            started: "t".into(),
        };
        let mut r = RunResults::new(identity);
        for i in 0..12 {
            r.plan(CaseRecord::planned(&format!("c.{i:02}"), "1", "", "1.0"));
        }
        r.record(
            3,
            Ending { outcome: Outcome::Pass, duration_us: 41, at: String::new(), message: String::new(), boot: 1 },
        );
        assert_eq!(progress_line(&r, 3), "[ 1/12] c.03 ... pass (41 us)");
        r.record(
            4,
            Ending {
                outcome: Outcome::Timeout,
                duration_us: 10_300_000,
                at: String::new(),
                message: "no end".into(),
                boot: 1,
            },
        );
        assert_eq!(progress_line(&r, 4), "[ 2/12] c.04 ... timeout (10.3 s): no end");
        assert_eq!(duration_text(12_345), "12 ms");
    }
}
