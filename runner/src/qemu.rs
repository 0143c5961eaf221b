//! Booting the image for real in QEMU: the `virt` command line (secure world, the platform's
//! GIC version, the stack's flash image as `-bios`, the image arguments through semihosting),
//! run as a [`ProcessSession`], with UART1 on a socket the runner owns ([`SecureUart`]).

use crate::boot::{BootSession, Booter, Output, Spawned};
use crate::image_args::ImageArgs;
use crate::process::{shown, ProcessSession};
use crate::qmp::Qmp;
use crate::secure_uart::SecureUart;
use crate::snapshot::{self, SnapshotStore};
use ffa_harness::event::Event;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The `-machine` value of a QEMU platform: `virt` with the secure world and EL2, and the GIC
/// the platform's ns image drives (`None`: not a QEMU platform).
pub fn machine(platform: &str) -> Option<&'static str> {
    match platform {
        "qemu-virt" => Some("virt,secure=on,gic-version=3,virtualization=on"),
        "qemu-virt-gicv2" => Some("virt,secure=on,gic-version=2,virtualization=on"),
        _ => None,
    }
}

/// The `gic-version=` of a `-machine` value (QEMU's default, 2, when it names none).
pub fn gic_version(machine: &str) -> &str {
    machine.split(',').find_map(|o| o.strip_prefix("gic-version=")).unwrap_or("2")
}

/// Boots `firmware` in QEMU, one boot after the other, with logs in `run_dir`.
pub struct QemuBooter {
    /// The QEMU binary.
    pub qemu: PathBuf,
    /// The stack's flash image.
    pub firmware: PathBuf,
    /// Where `uart1-N.log` goes.
    pub run_dir: PathBuf,
    /// Appended to the command line (from `FFA_CTS_QEMU_ARGS`).
    pub extra_args: Vec<String>,
    /// The `-machine` value: the platform's ([`machine`]), or the one the stack names.
    pub machine: String,
    /// Multi-threaded TCG (`thread=multi`): a host thread per core, the cores in parallel.
    pub mttcg: bool,
    /// Where boots restore the firmware's finished boot from; `None`: every boot runs the
    /// firmware (`--no-snapshot`, or a snapshot that failed).
    pub snapshots: Option<Snapshots>,
}

/// What restoring boots need: the store, and what the key of this machine's snapshot is made of.
pub struct Snapshots {
    /// The snapshot files.
    pub store: SnapshotStore,
    /// The SHA-256 of the firmware file.
    pub firmware_sha256: String,
    /// The QEMU binary's version line.
    pub qemu_version: String,
    /// The run folder has the firmware's boot log of the snapshot.
    logs_copied: bool,
}

impl Snapshots {
    /// Snapshots in `store` of machines booting the firmware with this SHA-256 in this QEMU.
    pub fn new(store: SnapshotStore, firmware_sha256: String, qemu_version: String) -> Self {
        Self { store, firmware_sha256, qemu_version, logs_copied: false }
    }
}

/// How many snapshots the store keeps (a few MB each): those of every QEMU stack, `--mttcg`
/// and self-test build of a few worktrees.
const KEPT_SNAPSHOTS: usize = 64;
/// How long the boot that makes a snapshot may take to reach the hold point.
const HOLD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a started QEMU may take to open its QMP socket.
const QMP_TIMEOUT: Duration = Duration::from_secs(10);

impl QemuBooter {
    /// The QEMU arguments of boot number `boot`, UART1 connecting to `uart1_socket`.
    pub fn arguments(&self, args: &ImageArgs, boot: u32, uart1_socket: &Path) -> Result<Vec<String>, String> {
        let uart1 = self.run_dir.join(format!("uart1-{boot}.log"));
        Ok(self.line(
            &args.words(),
            &option_value(uart1_socket, "the UART1 socket")?,
            &option_value(&uart1, "the run folder")?,
            &option_value(&self.firmware, "--firmware")?,
        ))
    }

    /// The command line with the image's words, UART1's socket and log file and the firmware.
    fn line(&self, words: &[String], uart1_socket: &str, uart1_log: &str, firmware: &str) -> Vec<String> {
        let semihosting_args: String = words.iter().map(|w| format!(",arg={w}")).collect();
        let mut line: Vec<String> = [
            "-machine",
            self.machine.as_str(),
            "-cpu",
            "max",
            "-smp",
            "4",
            "-accel",
            if self.mttcg { "tcg,thread=multi" } else { "tcg,thread=single" },
            "-m",
            "1057",
            "-display",
            "none",
            "-monitor",
            "none",
            "-nodefaults",
            "-chardev",
            "stdio,id=con,mux=on,signal=off",
            "-serial",
            "chardev:con",
        ]
        .map(str::to_owned)
        .into();
        line.push("-chardev".into());
        line.push(format!("socket,id=uart1,path={uart1_socket},logfile={uart1_log}"));
        line.push("-serial".into());
        line.push("chardev:uart1".into());
        line.push("-semihosting-config".into());
        line.push(format!("enable=on,target=native,chardev=con{semihosting_args}"));
        line.push("-bios".into());
        line.push(firmware.to_owned());
        line.extend(self.extra_args.iter().cloned());
        line
    }

    /// What shapes the machine: the command line without the image's words and with the
    /// per-boot paths and the firmware's path (its bytes are in the key) left out.
    fn machine_line(&self) -> Vec<String> {
        self.line(&[], "UART1", "UART1-LOG", "FIRMWARE")
    }

    /// Boot number `boot` of the firmware itself.
    fn firmware_boot(&self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        let uart1 = SecureUart::listen().map_err(|e| format!("cannot open a socket for UART1: {e}"))?;
        let arguments = self.arguments(args, boot, &uart1.socket())?;
        let command = shown(&self.qemu, &arguments);
        let process = self.spawn(&arguments)?;
        Ok(Spawned::booted(command, Box::new(QemuSession { process, uart1 })))
    }

    fn spawn(&self, arguments: &[String]) -> Result<ProcessSession, String> {
        ProcessSession::spawn(&self.qemu, arguments).map_err(|e| {
            format!("cannot start {}: {e}; install qemu-system-aarch64 or pass --qemu PATH", self.qemu.display())
        })
    }

    /// Boot number `boot` restored from the snapshot of this machine, made first when the
    /// store has none.
    fn restored_boot(
        &self,
        snapshots: &mut Snapshots,
        key: &str,
        args: &ImageArgs,
        boot: u32,
    ) -> Result<Spawned, RestoreError> {
        if snapshots.store.has(key) {
            snapshots.store.touch(key);
        } else {
            self.make_snapshot(&snapshots.store, key).map_err(RestoreError::Snapshot)?;
            snapshots.store.prune(KEPT_SNAPSHOTS);
        }
        if !snapshots.logs_copied {
            let copy = |from: PathBuf, name: &str| {
                std::fs::copy(&from, self.run_dir.join(name))
                    .map_err(|e| format!("cannot copy {} into the run folder: {e}", from.display()))
            };
            copy(snapshots.store.console_log(key), "firmware-boot.log").map_err(RestoreError::Other)?;
            copy(snapshots.store.uart1_log(key), "firmware-boot-uart1.log").map_err(RestoreError::Other)?;
            snapshots.logs_copied = true;
        }
        let uart1 =
            SecureUart::listen().map_err(|e| RestoreError::Other(format!("cannot open a socket for UART1: {e}")))?;
        let control = Control::new().map_err(RestoreError::Other)?;
        let mut arguments = self.arguments(args, boot, &uart1.socket()).map_err(RestoreError::Other)?;
        arguments.extend(control.arguments());
        arguments.extend(["-incoming".into(), "defer".into()]);
        let command = format!("restored from snapshot {key}: {}", shown(&self.qemu, &arguments));
        let spawned = Instant::now();
        let mut process = self.spawn(&arguments).map_err(RestoreError::Other)?;
        let mut qmp = Qmp::connect(&control.socket(), QMP_TIMEOUT).map_err(|e| {
            RestoreError::Other(format!("cannot reach QEMU's QMP socket: {e}{}", what_qemu_said(&mut process)))
        })?;
        if let Err(e) = snapshot::restore(&mut qmp, &snapshots.store.ram(key)) {
            return Err(RestoreError::Snapshot(format!(
                "cannot restore snapshot {key}: {e}{}",
                what_qemu_said(&mut process)
            )));
        }
        let session = Box::new(QemuSession { process, uart1 });
        Ok(Spawned { command, session, snapshot: Some(key.to_owned()), spawned })
    }

    /// Boots the firmware with `hold` on the image's command line, saves the machine at the
    /// `held` event and publishes the snapshot with the boot's console and UART1 logs.
    fn make_snapshot(&self, store: &SnapshotStore, key: &str) -> Result<(), String> {
        let ram = store.temporary(key, "ram")?;
        let uart1_log = store.temporary(key, "uart1")?;
        let made = self
            .save_held_boot(key, &ram, &uart1_log)
            .and_then(|console| store.publish(key, &ram, &console, &uart1_log));
        if made.is_err() {
            let _ = std::fs::remove_file(&ram);
            let _ = std::fs::remove_file(&uart1_log);
        }
        made
    }

    /// Runs the boot that reaches the hold point and saves it to `ram`; returns its console.
    fn save_held_boot(&self, key: &str, ram: &Path, uart1_log: &Path) -> Result<String, String> {
        let uart1 = SecureUart::listen().map_err(|e| format!("cannot open a socket for UART1: {e}"))?;
        let control = Control::new()?;
        let mut arguments = self.line(
            &ImageArgs::hold_words(),
            &option_value(&uart1.socket(), "the UART1 socket")?,
            &option_value(uart1_log, "the snapshot folder")?,
            &option_value(&self.firmware, "--firmware")?,
        );
        arguments.extend(control.arguments());
        eprintln!("making snapshot {key} of the firmware's boot: {}", shown(&self.qemu, &arguments));
        let mut process = self.spawn(&arguments)?;
        let mut console = String::new();
        let deadline = Instant::now() + HOLD_TIMEOUT;
        loop {
            let output = match deadline.checked_duration_since(Instant::now()) {
                Some(left) => process.next(left),
                None => Output::Silent,
            };
            match output {
                Output::Line(line) => {
                    console.push_str(&line);
                    console.push('\n');
                    if Event::parse(&line) == Some(Event::Held) {
                        break;
                    }
                }
                Output::Exited(code) => {
                    let lines: Vec<&str> = console.lines().collect();
                    let last = lines[lines.len().saturating_sub(5)..].join("\n  ");
                    return Err(format!(
                        "the boot that makes snapshot {key} ended ({code:?}) before `held`; its last lines:\n  {last}"
                    ));
                }
                Output::Silent => {
                    return Err(format!(
                        "the boot that makes snapshot {key} printed no `held` within {} s",
                        HOLD_TIMEOUT.as_secs()
                    ))
                }
            }
        }
        let saved = Qmp::connect(&control.socket(), QMP_TIMEOUT).and_then(|mut qmp| snapshot::save(&mut qmp, ram));
        if let Err(e) = saved {
            return Err(format!("cannot save snapshot {key}: {e}{}", what_qemu_said(&mut process)));
        }
        process.kill();
        Ok(console)
    }
}

/// A QMP socket for one QEMU, in a fresh temporary folder (short and comma-free).
struct Control {
    dir: tempfile::TempDir,
}

impl Control {
    fn new() -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("ffa-cts-qmp-")
            .tempdir()
            .map_err(|e| format!("cannot create a folder for the QMP socket: {e}"))?;
        Ok(Self { dir })
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("qmp.sock")
    }

    /// QEMU's `-qmp` option: a server on the socket that does not wait for the client.
    fn arguments(&self) -> [String; 2] {
        ["-qmp".into(), format!("unix:{},server=on,wait=off", self.socket().display())]
    }
}

/// QEMU's last words after a failed snapshot step (it prints migration errors on stderr), to
/// append to the error: what it printed within a short while, after stopping it.
fn what_qemu_said(process: &mut ProcessSession) -> String {
    process.kill();
    let mut said = String::new();
    while let Output::Line(line) = process.next(Duration::from_millis(200)) {
        said.push_str("\n  qemu: ");
        said.push_str(&line);
    }
    said
}

/// A path as a QEMU option value, which cannot hold a ','.
fn option_value(path: &Path, what: &str) -> Result<String, String> {
    let text = path.to_str().ok_or_else(|| format!("{what} path {} is not UTF-8", path.display()))?;
    if text.contains(',') {
        return Err(format!(
            "{what} path {text} contains ',', which QEMU cannot take in an option value; use a path without ','"
        ));
    }
    Ok(text.to_owned())
}

impl Booter for QemuBooter {
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        if let Some(mut snapshots) = self.snapshots.take() {
            let key = snapshot::key(&snapshots.firmware_sha256, &snapshots.qemu_version, &self.machine_line());
            match self.restored_boot(&mut snapshots, &key, args, boot) {
                Ok(spawned) => {
                    self.snapshots = Some(snapshots);
                    return Ok(spawned);
                }
                Err(RestoreError::Snapshot(e)) => {
                    snapshots.store.discard(&key);
                    eprintln!(
                        "runner: warning: {e}\nrunner: dropped snapshot {key}; every boot of this run boots the firmware \
                         (--no-snapshot does so without trying)"
                    );
                }
                Err(RestoreError::Other(e)) => {
                    // Not the snapshot's fault: this boot boots the firmware, the next tries again.
                    self.snapshots = Some(snapshots);
                    eprintln!("runner: warning: {e}; boot {boot} boots the firmware");
                }
            }
        }
        self.firmware_boot(args, boot)
    }
}

/// Why a boot could not be restored from a snapshot.
enum RestoreError {
    /// Making or loading the snapshot failed: it is dropped, and the run boots the firmware.
    Snapshot(String),
    /// Something around it failed (a socket, a copy, QEMU's start): only this boot boots the
    /// firmware.
    Other(String),
}

/// A running QEMU and its UART1.
struct QemuSession {
    process: ProcessSession,
    uart1: SecureUart,
}

impl BootSession for QemuSession {
    fn next(&mut self, timeout: Duration) -> Output {
        self.process.next(timeout)
    }

    fn kill(&mut self) {
        self.process.kill();
    }

    fn cpu_time(&self) -> Option<Duration> {
        self.process.cpu_time()
    }

    fn secure_uart_input(&mut self) -> Result<(), String> {
        self.uart1.input()
    }
}

#[cfg(test)]
mod snapshot_boots;

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::ffa::Version;

    fn booter(firmware: &str) -> QemuBooter {
        QemuBooter {
            qemu: "qemu-system-aarch64".into(),
            firmware: firmware.into(),
            run_dir: "/r/run".into(),
            extra_args: vec!["-d".into(), "guest_errors".into()],
            machine: machine("qemu-virt").unwrap().to_owned(),
            mttcg: false,
            snapshots: None,
        }
    }

    #[test]
    fn the_machine_line_leaves_out_what_differs_per_boot() {
        let line = booter("/fw/flash.bin").machine_line();
        let moved = QemuBooter { run_dir: "/other/run".into(), ..booter("/elsewhere/flash.bin") };
        assert_eq!(moved.machine_line(), line, "the run folder and the firmware's path (not its bytes) are not in it");
        let shown = line.join(" ");
        assert!(shown.contains("-accel tcg,thread=single -m 1057 ") && shown.ends_with(" -d guest_errors"), "{shown}");
        assert!(shown.contains("chardev=con -bios FIRMWARE"), "no image words: {shown}");
        for other in [
            QemuBooter { mttcg: true, ..booter("/fw/flash.bin") },
            QemuBooter { machine: "virt,secure=on,gic-version=3,virtualization=on,mte=on".into(), ..booter("/f") },
            QemuBooter { extra_args: vec!["-d".into(), "int".into()], ..booter("/fw/flash.bin") },
        ] {
            assert_ne!(other.machine_line(), line);
        }
    }

    #[test]
    fn gic_version_of_a_machine() {
        assert_eq!(gic_version(machine("qemu-virt").unwrap()), "3");
        assert_eq!(gic_version(machine("qemu-virt-gicv2").unwrap()), "2");
        assert_eq!(gic_version("virt,secure=on,gic-version=3,virtualization=on,mte=on"), "3");
        assert_eq!(gic_version("virt,secure=on"), "2");
    }

    #[test]
    fn command_line() {
        let args = ImageArgs::new(Version::V1_1, Some("setup.a;b".into())).resumed_after("setup.a.x");
        let socket = Path::new("/t/uart1.sock");
        let line = booter("/fw/flash.bin").arguments(&args, 2, socket).unwrap().join(" ");
        assert_eq!(
            line,
            "-machine virt,secure=on,gic-version=3,virtualization=on -cpu max -smp 4 -accel tcg,thread=single -m 1057 \
             -display none -monitor none -nodefaults -chardev stdio,id=con,mux=on,signal=off -serial chardev:con \
             -chardev socket,id=uart1,path=/t/uart1.sock,logfile=/r/run/uart1-2.log -serial chardev:uart1 \
             -semihosting-config enable=on,target=native,chardev=con,arg=ns,arg=version=1.1,arg=only=setup.a;b,arg=after=setup.a.x \
             -bios /fw/flash.bin -d guest_errors"
        );
        let error = booter("/fw/a,b.bin").arguments(&args, 1, socket).unwrap_err();
        assert!(error.contains("--firmware path /fw/a,b.bin contains ','"), "{error}");
        let gicv2 = QemuBooter { machine: machine("qemu-virt-gicv2").unwrap().to_owned(), ..booter("/fw/flash.bin") };
        assert!(gicv2
            .arguments(&args, 1, socket)
            .unwrap()
            .join(" ")
            .starts_with("-machine virt,secure=on,gic-version=2,"));
        assert_eq!(machine("fvp"), None);
        let parallel =
            QemuBooter { mttcg: true, ..booter("/fw/flash.bin") }.arguments(&args, 1, socket).unwrap().join(" ");
        assert!(parallel.contains(" -smp 4 -accel tcg,thread=multi -m "), "{parallel}");
    }
}
