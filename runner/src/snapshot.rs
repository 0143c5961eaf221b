//! Snapshots of the firmware's finished boot: QEMU's machine state (RAM with the `mapped-ram`
//! migration capability, one sparse file; CPU and device state) saved once the ns image reached
//! its hold point (`hold` on its command line: it prints `held` and waits), so that a boot can
//! restore it instead of running TF-A and the SPMC's boot again. The key of a snapshot names
//! what shapes the machine (the firmware's bytes, the QEMU binary's version, every QEMU
//! argument but the image's and the per-boot paths), so a snapshot never serves another
//! machine. Files are published by renaming a finished temporary file, so that two runs at
//! once never read half a snapshot; a snapshot that does not restore is discarded.

use crate::atomic_write::write_atomically;
use crate::qmp::Qmp;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// How long saving or loading a snapshot may take (both take well under a second).
const MIGRATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The key of the snapshot of a machine: 16 hex digits of the SHA-256 of the firmware file's
/// SHA-256, the QEMU binary's version line and each argument of the machine's command line
/// (with the per-boot values left out by the caller), each closed by a NUL.
pub fn key(firmware_sha256: &str, qemu_version: &str, machine_line: &[String]) -> String {
    let mut hasher = Sha256::new();
    for part in [firmware_sha256, qemu_version].into_iter().chain(machine_line.iter().map(String::as_str)) {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The snapshot files in one folder: `<key>.ram` (the machine state), `<key>.log` (the console
/// of the boot that made it: the firmware's boot log) and `<key>.uart1.log` (its UART1).
pub struct SnapshotStore {
    dir: PathBuf,
}

impl SnapshotStore {
    /// The store in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// `snapshots/` of the firmware cache: `$FFA_CTS_CACHE`, default `~/.cache/ffa-cts`.
    pub fn in_cache() -> Result<Self, String> {
        let cache = match std::env::var_os("FFA_CTS_CACHE") {
            Some(cache) => PathBuf::from(cache),
            None => PathBuf::from(std::env::var_os("HOME").ok_or("HOME is not set")?).join(".cache/ffa-cts"),
        };
        Ok(Self::at(cache.join("snapshots")))
    }

    /// The machine state of snapshot `key`.
    pub fn ram(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.ram"))
    }

    /// The console log of the boot that made snapshot `key`.
    pub fn console_log(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.log"))
    }

    /// The UART1 log of the boot that made snapshot `key`.
    pub fn uart1_log(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.uart1.log"))
    }

    /// Whether snapshot `key` is complete (its machine state is published last).
    pub fn has(&self, key: &str) -> bool {
        self.ram(key).is_file()
    }

    /// A fresh name in the store for the files of a snapshot being made (the folder exists).
    pub fn temporary(&self, key: &str, what: &str) -> Result<PathBuf, String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        Ok(self.dir.join(format!(".{key}.{what}.{}-{nanos}", std::process::id())))
    }

    /// Publishes snapshot `key` from a saved machine state and the boot's logs: the logs
    /// first, the machine state last, each by a rename.
    pub fn publish(&self, key: &str, ram: &Path, console: &str, uart1: &Path) -> Result<(), String> {
        write_atomically(&self.console_log(key), console)?;
        let rename = |from: &Path, to: PathBuf| {
            std::fs::rename(from, &to).map_err(|e| format!("cannot rename {} to {}: {e}", from.display(), to.display()))
        };
        rename(uart1, self.uart1_log(key))?;
        rename(ram, self.ram(key))
    }

    /// Marks snapshot `key` as just used, so that [`SnapshotStore::prune`] keeps it.
    pub fn touch(&self, key: &str) {
        if let Ok(file) = std::fs::File::options().append(true).open(self.ram(key)) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
    }

    /// Keeps the `keep` snapshots used last (a firmware build makes a new one, the old ones
    /// are never asked for again) and removes the others, and temporary files older than an
    /// hour (of a runner that was killed while it saved). A snapshot removed while another run
    /// uses it is made again by that run's next boot.
    pub fn prune(&self, keep: usize) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut snapshots = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(modified) = entry.metadata().and_then(|m| m.modified()) else { continue };
            if name.starts_with('.') {
                if modified.elapsed().unwrap_or_default() > Duration::from_secs(3600) {
                    let _ = std::fs::remove_file(entry.path());
                }
            } else if let Some(key) = name.strip_suffix(".ram") {
                snapshots.push((modified, key.to_owned()));
            }
        }
        snapshots.sort_by_key(|&(modified, _)| std::cmp::Reverse(modified));
        for (_, key) in snapshots.iter().skip(keep) {
            self.discard(key);
        }
    }

    /// Removes snapshot `key` (one that did not restore); what is not there is no error.
    pub fn discard(&self, key: &str) {
        for file in [self.ram(key), self.console_log(key), self.uart1_log(key)] {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The `file:` migration URI of `path` (QEMU reads a `,` in it as the start of an option).
fn file_uri(path: &Path) -> Result<String, String> {
    match path.to_str() {
        Some(text) if !text.contains(',') => Ok(format!("file:{text}")),
        _ => Err(format!("snapshot path {} is not UTF-8 without ',', as QEMU needs", path.display())),
    }
}

/// Turns the `mapped-ram` capability on: RAM pages at fixed offsets of one file, written and
/// read in place (QEMU 9.0 and later; an older QEMU refuses it).
fn use_mapped_ram(qmp: &mut Qmp) -> Result<(), String> {
    let capabilities = json!([{ "capability": "mapped-ram", "state": true }]);
    qmp.execute("migrate-set-capabilities", json!({ "capabilities": capabilities }))?;
    Ok(())
}

/// Stops the machine and saves its state to `file`.
pub fn save(qmp: &mut Qmp, file: &Path) -> Result<(), String> {
    qmp.execute("stop", Value::Null)?;
    use_mapped_ram(qmp)?;
    qmp.execute("migrate", json!({ "uri": file_uri(file)? }))?;
    wait_for_migration(qmp)
}

/// Loads the state in `file` into a QEMU started with `-incoming defer`, and runs it.
pub fn restore(qmp: &mut Qmp, file: &Path) -> Result<(), String> {
    use_mapped_ram(qmp)?;
    qmp.execute("migrate-incoming", json!({ "uri": file_uri(file)? }))?;
    wait_for_migration(qmp)?;
    qmp.execute("cont", Value::Null)?;
    Ok(())
}

/// Polls `query-migrate` until the migration completed; a failed one is an error with QEMU's
/// reason.
fn wait_for_migration(qmp: &mut Qmp) -> Result<(), String> {
    let deadline = Instant::now() + MIGRATION_TIMEOUT;
    loop {
        let state = qmp.execute("query-migrate", Value::Null)?;
        match state.get("status").and_then(Value::as_str) {
            Some("completed") => return Ok(()),
            Some(status @ ("failed" | "cancelled")) => {
                let why = state.get("error-desc").and_then(Value::as_str).unwrap_or("no reason given");
                return Err(format!("the migration {status}: {why}"));
            }
            _ if Instant::now() >= deadline => {
                return Err(format!("the migration did not complete within {} s", MIGRATION_TIMEOUT.as_secs()))
            }
            _ => thread::sleep(Duration::from_millis(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qmp::fake::{ok, serve};

    fn line(words: &str) -> Vec<String> {
        words.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn the_key_changes_with_what_shapes_the_machine_only() {
        let base = key("ab12", "QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=single"));
        assert_eq!(base.len(), 16);
        assert!(base.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(base, key("ab12", "QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=single")));
        for other in [
            key("ab13", "QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=single")),
            key("ab12", "QEMU emulator version 9.2.0", &line("-machine virt -accel tcg,thread=single")),
            key("ab12", "QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=multi")),
            key("ab12", "QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=single -d int")),
            // The parts are delimited: moving a character from one to the next is another key.
            key("ab1", "2QEMU emulator version 10.0.2", &line("-machine virt -accel tcg,thread=single")),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn a_snapshot_is_there_once_its_machine_state_is_published() {
        let dir = tempfile::tempdir().unwrap();
        let store = SnapshotStore::at(dir.path().join("snapshots"));
        assert!(!store.has("k"));
        let ram = store.temporary("k", "ram").unwrap();
        let uart1 = store.temporary("k", "uart1").unwrap();
        assert_ne!(ram, uart1);
        std::fs::write(&ram, "state").unwrap();
        std::fs::write(&uart1, "optee").unwrap();
        store.publish("k", &ram, "NOTICE: BL1\n", &uart1).unwrap();
        assert!(store.has("k"));
        assert_eq!(std::fs::read_to_string(store.console_log("k")).unwrap(), "NOTICE: BL1\n");
        assert_eq!(std::fs::read_to_string(store.uart1_log("k")).unwrap(), "optee");
        assert!(!ram.exists() && !uart1.exists());
        store.discard("k");
        assert!(!store.has("k"));
        assert_eq!(std::fs::read_dir(dir.path().join("snapshots")).unwrap().count(), 0);
    }

    #[test]
    fn pruning_keeps_the_snapshots_used_last() {
        let dir = tempfile::tempdir().unwrap();
        let store = SnapshotStore::at(dir.path().to_owned());
        let old = std::time::SystemTime::now() - Duration::from_secs(7200);
        for (i, key) in ["a", "b", "c"].iter().enumerate() {
            for file in [store.ram(key), store.console_log(key), store.uart1_log(key)] {
                std::fs::write(&file, key).unwrap();
                let age = old + Duration::from_secs(i as u64 * 60);
                std::fs::File::options().append(true).open(&file).unwrap().set_modified(age).unwrap();
            }
        }
        let stale = store.temporary("d", "ram").unwrap();
        std::fs::write(&stale, "half").unwrap();
        std::fs::File::options().append(true).open(&stale).unwrap().set_modified(old).unwrap();
        let fresh = store.temporary("e", "ram").unwrap();
        std::fs::write(&fresh, "being written").unwrap();
        store.touch("a");
        store.prune(2);
        assert!(store.has("a") && store.has("c") && !store.has("b"), "a was used last, then c");
        assert!(!store.console_log("b").exists() && !store.uart1_log("b").exists());
        assert!(!stale.exists() && fresh.exists(), "only a killed runner's temporaries go");
    }

    #[test]
    fn saves_and_restores_through_qmp() {
        let dir = tempfile::tempdir().unwrap();
        let caps = r#"{"capabilities":[{"capability":"mapped-ram","state":true}]}"#;
        let script = vec![
            ("qmp_capabilities", ok("{}")),
            ("stop", ok("{}")),
            ("migrate-set-capabilities", ok("{}")),
            ("migrate", ok("{}")),
            ("query-migrate", ok(r#"{"status": "active"}"#)),
            ("query-migrate", ok(r#"{"status": "completed"}"#)),
        ];
        let (socket, server) = serve(dir.path(), script);
        let mut qmp = Qmp::connect(&socket, Duration::from_secs(5)).unwrap();
        save(&mut qmp, Path::new("/s/k.ram")).unwrap();
        let sent = server.join().unwrap();
        assert!(sent[2].contains(caps), "{}", sent[2]);
        assert!(sent[3].contains(r#""uri":"file:/s/k.ram""#), "{}", sent[3]);

        std::fs::remove_file(&socket).unwrap();
        let script = vec![
            ("qmp_capabilities", ok("{}")),
            ("migrate-set-capabilities", ok("{}")),
            ("migrate-incoming", ok("{}")),
            ("query-migrate", ok("{}")),
            ("query-migrate", ok(r#"{"status": "completed"}"#)),
            ("cont", ok("{}")),
        ];
        let (socket, server) = serve(dir.path(), script);
        let mut qmp = Qmp::connect(&socket, Duration::from_secs(5)).unwrap();
        restore(&mut qmp, Path::new("/s/k.ram")).unwrap();
        assert_eq!(server.join().unwrap().len(), 6, "every step, cont last");
    }

    #[test]
    fn a_refused_capability_or_a_failed_migration_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let refused = r#"{"error": {"class": "GenericError", "desc": "Capability 'mapped-ram' is invalid"}}"#;
        let script = vec![("qmp_capabilities", ok("{}")), ("migrate-set-capabilities", vec![refused.into()])];
        let (socket, server) = serve(dir.path(), script);
        let mut qmp = Qmp::connect(&socket, Duration::from_secs(5)).unwrap();
        let error = restore(&mut qmp, Path::new("/s/k.ram")).unwrap_err();
        assert!(error.contains("'mapped-ram' is invalid"), "{error}");
        server.join().unwrap();

        std::fs::remove_file(&socket).unwrap();
        let failed = r#"{"status": "failed", "error-desc": "load of migration failed: Invalid argument"}"#;
        let script = vec![
            ("qmp_capabilities", ok("{}")),
            ("migrate-set-capabilities", ok("{}")),
            ("migrate-incoming", ok("{}")),
            ("query-migrate", ok(failed)),
        ];
        let (socket, server) = serve(dir.path(), script);
        let mut qmp = Qmp::connect(&socket, Duration::from_secs(5)).unwrap();
        let error = restore(&mut qmp, Path::new("/s/k.ram")).unwrap_err();
        assert_eq!(error, "the migration failed: load of migration failed: Invalid argument");
        server.join().unwrap();
        assert!(file_uri(Path::new("/a,b/k.ram")).is_err());
    }
}
