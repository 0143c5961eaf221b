//! A booted platform as a child process (QEMU, an FVP model): its stdout and stderr read on
//! background threads as lines, so the boot loop can wait with a timeout. A line longer than
//! [`MAX_LINE`] arrives in pieces of that size, so that output without newlines cannot grow
//! the runner's memory.

use crate::boot::{BootSession, Output};
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

/// `a b 'c d'`: a command line to show, with words quoted where a shell would need it.
pub fn shown(program: &Path, args: &[String]) -> String {
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

/// One running child process.
pub struct ProcessSession {
    child: Child,
    /// Lines of stdout and stderr; disconnected once both pipes closed.
    lines: Receiver<String>,
    reaped: bool,
}

impl ProcessSession {
    /// Starts `program` with stdin from /dev/null and both output pipes forwarded as lines.
    pub fn spawn(program: &Path, arguments: &[String]) -> std::io::Result<Self> {
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

impl BootSession for ProcessSession {
    fn next(&mut self, timeout: Duration) -> Output {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => Output::Line(line),
            Err(RecvTimeoutError::Timeout) => Output::Silent,
            Err(RecvTimeoutError::Disconnected) => Output::Exited(self.wait()),
        }
    }

    fn cpu_time(&self) -> Option<Duration> {
        if self.reaped {
            return None;
        }
        crate::host_cpu::cpu_time(self.child.id())
    }

    fn kill(&mut self) {
        if !self.reaped {
            // Fails only when it already exited; the wait reaps it either way.
            let _ = self.child.kill();
            self.wait();
        }
    }
}

impl Drop for ProcessSession {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn shell(script: &str) -> ProcessSession {
        ProcessSession::spawn(Path::new("sh"), &["-c".into(), script.into()]).unwrap()
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

    #[test]
    fn shown_quotes_what_a_shell_would_split() {
        assert_eq!(shown(Path::new("q"), &["a b".into(), "x;y".into(), "c".into()]), "q 'a b' 'x;y' c");
    }
}
