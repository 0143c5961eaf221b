//! Booting the image for real: the QEMU `virt` command line (secure world, GICv3, the stack's
//! flash image as `-bios`, the image arguments through semihosting), and a session that
//! reads QEMU's output on background threads so the boot loop can wait with a timeout. A
//! line longer than [`MAX_LINE`] arrives in pieces of that size, so that output without
//! newlines cannot grow the runner's memory.

use crate::boot::{BootSession, Booter, Output, Spawned};
use crate::image_args::ImageArgs;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

/// Boots `firmware` in QEMU, one boot after the other, with logs in `run_dir`.
pub struct QemuBooter {
    /// The QEMU binary.
    pub qemu: PathBuf,
    /// The stack's flash image.
    pub firmware: PathBuf,
    /// Where `uart1-N.log` goes.
    pub run_dir: PathBuf,
    /// The `-machine` value (`--machine`).
    pub machine: String,
    /// Appended to the command line (from `FFA_CTS_QEMU_ARGS`).
    pub extra_args: Vec<String>,
}

impl QemuBooter {
    /// The QEMU arguments of boot number `boot`.
    pub fn arguments(&self, args: &ImageArgs, boot: u32) -> Result<Vec<String>, String> {
        let uart1 = self.run_dir.join(format!("uart1-{boot}.log"));
        let semihosting_args: String = args.words().iter().map(|w| format!(",arg={w}")).collect();
        let mut line: Vec<String> = [
            "-machine",
            self.machine.as_str(),
            "-cpu",
            "max",
            "-smp",
            "4",
            "-accel",
            "tcg,thread=single",
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
        line.push("-serial".into());
        line.push(format!("file:{}", option_value(&uart1, "the run folder")?));
        line.push("-semihosting-config".into());
        line.push(format!("enable=on,target=native,chardev=con{semihosting_args}"));
        line.push("-bios".into());
        line.push(option_value(&self.firmware, "--firmware")?);
        line.extend(self.extra_args.iter().cloned());
        Ok(line)
    }
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

/// `a b 'c d'`: a command line to show, with words quoted where a shell would need it.
fn shown(program: &Path, args: &[String]) -> String {
    let program = program.display().to_string();
    std::iter::once(&program)
        .chain(args)
        .map(|w| {
            if w.is_empty() || w.contains([' ', '\'', '"', ';', '$']) {
                format!("'{}'", w.replace('\'', "'\\''"))
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Booter for QemuBooter {
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        let arguments = self.arguments(args, boot)?;
        let command = shown(&self.qemu, &arguments);
        let session = QemuSession::spawn(&self.qemu, &arguments).map_err(|e| {
            format!("cannot start {}: {e}; install qemu-system-aarch64 or pass --qemu PATH", self.qemu.display())
        })?;
        Ok(Spawned { command, session: Box::new(session) })
    }
}

/// The longest line the reader holds; a longer one is passed on in pieces of this size.
pub const MAX_LINE: usize = 64 * 1024;

/// Passes each line of `reader` (lossy UTF-8, `\n` removed; at most `max` bytes, longer
/// lines in pieces) to `send` until the input ends, a read fails, or `send` returns false.
fn split_lines(mut reader: impl BufRead, max: usize, mut send: impl FnMut(String) -> bool) {
    let mut line = Vec::new();
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) => break,
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = max - line.len();
        let window = &buf[..buf.len().min(room)];
        let (take, ends) = match window.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (window.len(), false),
        };
        line.extend_from_slice(&window[..take]);
        reader.consume(take);
        if ends || line.len() == max {
            if ends {
                line.pop();
            }
            if !send(String::from_utf8_lossy(&line).into_owned()) {
                return;
            }
            line.clear();
        }
    }
    if !line.is_empty() {
        send(String::from_utf8_lossy(&line).into_owned());
    }
}

/// Sends each line of `pipe` until it closes.
fn forward_lines(pipe: impl Read + Send + 'static, sender: Sender<String>) {
    thread::spawn(move || split_lines(BufReader::new(pipe), MAX_LINE, |line| sender.send(line).is_ok()));
}

/// One running QEMU.
struct QemuSession {
    child: Child,
    /// Lines of stdout and stderr; disconnected once both pipes closed.
    lines: Receiver<String>,
    reaped: bool,
}

impl QemuSession {
    /// Starts `program` with stdin from /dev/null and both output pipes forwarded as lines.
    fn spawn(program: &Path, arguments: &[String]) -> std::io::Result<Self> {
        let mut child = Command::new(program)
            .args(arguments)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (sender, lines) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            forward_lines(stdout, sender.clone());
        }
        if let Some(stderr) = child.stderr.take() {
            forward_lines(stderr, sender);
        }
        Ok(Self { child, lines, reaped: false })
    }

    fn wait(&mut self) -> Option<i32> {
        self.reaped = true;
        self.child.wait().ok().and_then(|status| status.code())
    }
}

impl BootSession for QemuSession {
    fn next(&mut self, timeout: Duration) -> Output {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => Output::Line(line),
            Err(RecvTimeoutError::Timeout) => Output::Silent,
            Err(RecvTimeoutError::Disconnected) => Output::Exited(self.wait()),
        }
    }

    fn kill(&mut self) {
        if !self.reaped {
            // Fails only when it already exited; the wait reaps it either way.
            let _ = self.child.kill();
            self.wait();
        }
    }
}

impl Drop for QemuSession {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::ffa::Version;

    fn booter(firmware: &str) -> QemuBooter {
        QemuBooter {
            qemu: "qemu-system-aarch64".into(),
            firmware: firmware.into(),
            run_dir: "/r/run".into(),
            machine: crate::cli::DEFAULT_MACHINE.into(),
            extra_args: vec!["-d".into(), "guest_errors".into()],
        }
    }

    #[test]
    fn command_line() {
        let args =
            ImageArgs { version: Version::V1_1, only: Some("setup.a;b".into()), after: Some("setup.a.x".into()) };
        let line = booter("/fw/flash.bin").arguments(&args, 2).unwrap().join(" ");
        assert_eq!(
            line,
            "-machine virt,secure=on,gic-version=3,virtualization=on -cpu max -smp 4 -accel tcg,thread=single -m 1057 \
             -display none -monitor none -nodefaults -chardev stdio,id=con,mux=on,signal=off -serial chardev:con \
             -serial file:/r/run/uart1-2.log \
             -semihosting-config enable=on,target=native,chardev=con,arg=ns,arg=version=1.1,arg=only=setup.a;b,arg=after=setup.a.x \
             -bios /fw/flash.bin -d guest_errors"
        );
        let error = booter("/fw/a,b.bin").arguments(&args, 1).unwrap_err();
        assert!(error.contains("--firmware path /fw/a,b.bin contains ','"), "{error}");
        assert_eq!(shown(Path::new("q"), &["a b".into(), "x;y".into(), "c".into()]), "q 'a b' 'x;y' c");
    }

    #[test]
    fn long_lines_come_in_pieces_and_nothing_is_lost() {
        let input = format!("ab\n{}\n\nlast", "x".repeat(10));
        let mut lines = Vec::new();
        split_lines(std::io::BufReader::with_capacity(3, input.as_bytes()), 4, |l| {
            lines.push(l);
            true
        });
        assert_eq!(lines, ["ab", "xxxx", "xxxx", "xx", "", "last"]);
        // A newline-free flood: memory stays at one piece.
        let flood = std::io::repeat(b'y').take(10 * MAX_LINE as u64 + 5);
        let mut sizes = Vec::new();
        split_lines(std::io::BufReader::new(flood), MAX_LINE, |l| {
            sizes.push(l.len());
            true
        });
        assert_eq!(sizes.len(), 11);
        assert!(sizes[..10].iter().all(|&n| n == MAX_LINE) && sizes[10] == 5);
        let mut first = None;
        split_lines("a\nb\n".as_bytes(), 8, |l| first.replace(l).is_none());
        assert_eq!(first.as_deref(), Some("b"), "stops when send says so, after the second line");
    }

    fn shell(script: &str) -> QemuSession {
        QemuSession::spawn(Path::new("sh"), &["-c".into(), script.into()]).unwrap()
    }

    #[test]
    fn output_lines_and_the_exit_code_arrive_in_order() {
        let mut session = shell("printf 'a\\r\\nb'; exit 3");
        let second = Duration::from_secs(5);
        assert_eq!(session.next(second), Output::Line("a\r".into()));
        assert_eq!(session.next(second), Output::Line("b".into()));
        assert_eq!(session.next(second), Output::Exited(Some(3)));
    }

    #[test]
    fn a_silent_process_times_out_and_is_killed() {
        let mut session = shell("echo up >&2; exec sleep 30");
        assert_eq!(session.next(Duration::from_secs(5)), Output::Line("up".into()));
        assert_eq!(session.next(Duration::from_millis(20)), Output::Silent);
        session.kill();
        assert!(session.reaped);
    }
}
