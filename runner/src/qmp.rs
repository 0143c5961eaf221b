//! A small client of QMP, the QEMU Machine Protocol (JSON lines over the Unix socket of
//! `-qmp unix:PATH,server=on,wait=off`; QEMU's docs/interop/qmp-spec.rst): read the greeting,
//! leave negotiation mode with `qmp_capabilities`, then one command at a time, each answered
//! by a `return` or an `error` object, with asynchronous `event` objects skipped in between.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// How long one answer may take before the client gives up on QEMU.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection to one QEMU's QMP monitor, out of negotiation mode.
pub struct Qmp {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Qmp {
    /// Connects to `socket`, trying until `timeout` passed (QEMU creates it while it starts),
    /// and negotiates capabilities.
    pub fn connect(socket: &Path, timeout: Duration) -> Result<Self, String> {
        let deadline = Instant::now() + timeout;
        let stream = loop {
            match UnixStream::connect(socket) {
                Ok(stream) => break stream,
                Err(e) if Instant::now() >= deadline => {
                    return Err(format!("cannot connect to QMP at {}: {e}", socket.display()))
                }
                Err(_) => thread::sleep(Duration::from_millis(1)),
            }
        };
        let failed = |e: std::io::Error| format!("QMP socket {}: {e}", socket.display());
        stream.set_read_timeout(Some(ANSWER_TIMEOUT)).map_err(failed)?;
        let writer = stream.try_clone().map_err(failed)?;
        let mut qmp = Self { reader: BufReader::new(stream), writer };
        let greeting = qmp.message()?;
        if greeting.get("QMP").is_none() {
            return Err(format!("QMP greeting expected, got {greeting}"));
        }
        qmp.execute("qmp_capabilities", Value::Null)?;
        Ok(qmp)
    }

    /// Runs `command` (with `arguments`, unless null) and returns its `return` value; an
    /// `error` answer is an error naming the command and QEMU's description.
    pub fn execute(&mut self, command: &str, arguments: Value) -> Result<Value, String> {
        let request = match arguments {
            Value::Null => json!({ "execute": command }),
            arguments => json!({ "execute": command, "arguments": arguments }),
        };
        let mut line = request.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes()).map_err(|e| format!("QMP {command}: cannot send: {e}"))?;
        loop {
            let mut answer = self.message()?;
            if let Some(value) = answer.get_mut("return") {
                return Ok(value.take());
            }
            if let Some(error) = answer.get("error") {
                let desc = error.get("desc").and_then(Value::as_str).unwrap_or("no description");
                return Err(format!("QMP {command} failed: {desc}"));
            }
            // Anything else is an asynchronous event.
        }
    }

    /// The next JSON object QEMU sent.
    fn message(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Err("QEMU closed the QMP connection".into()),
            Ok(_) => serde_json::from_str(&line).map_err(|e| format!("QMP sent {}: {e}", line.trim_end())),
            Err(e) => Err(format!("no answer on QMP: {e}")),
        }
    }
}

#[cfg(test)]
pub mod fake {
    //! A scripted QMP server for tests: it greets, then answers each request with the next
    //! scripted line after checking that the request is the one expected.

    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixListener;
    use std::path::{Path, PathBuf};
    use std::thread::{self, JoinHandle};

    /// One scripted exchange: the `execute` expected, and the lines sent back (events first,
    /// then the answer).
    pub type Exchange = (&'static str, Vec<String>);

    /// Serves `script` on a socket in `dir`; the handle returns the requests as received.
    pub fn serve(dir: &Path, script: Vec<Exchange>) -> (PathBuf, JoinHandle<Vec<String>>) {
        let socket = dir.join("qmp.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let handle = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            writeln!(writer, r#"{{"QMP": {{"version": {{}}, "capabilities": ["oob"]}}}}"#).unwrap();
            let mut received = Vec::new();
            for (command, lines) in script {
                let mut request = String::new();
                if reader.read_line(&mut request).unwrap() == 0 {
                    break;
                }
                let value: serde_json::Value = serde_json::from_str(&request).unwrap();
                assert_eq!(value["execute"], command, "request {request}");
                received.push(request.trim_end().to_owned());
                for line in lines {
                    write!(writer, "{line}\r\n").unwrap();
                }
            }
            received
        });
        (socket, handle)
    }

    /// A `return` answer.
    pub fn ok(value: &str) -> Vec<String> {
        vec![format!(r#"{{"return": {value}}}"#)]
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{ok, serve};
    use super::*;

    #[test]
    fn negotiates_skips_events_and_reports_errors() {
        let dir = tempfile::tempdir().unwrap();
        let event = r#"{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}}"#.to_owned();
        let script = vec![
            ("qmp_capabilities", ok("{}")),
            ("stop", vec![event, r#"{"return": {}}"#.into()]),
            ("query-migrate", ok(r#"{"status": "active"}"#)),
            ("migrate", vec![r#"{"error": {"class": "GenericError", "desc": "no space"}}"#.into()]),
        ];
        let (socket, server) = serve(dir.path(), script);
        let mut qmp = Qmp::connect(&socket, Duration::from_secs(5)).unwrap();
        assert_eq!(qmp.execute("stop", Value::Null).unwrap(), json!({}));
        assert_eq!(qmp.execute("query-migrate", Value::Null).unwrap()["status"], "active");
        let error = qmp.execute("migrate", json!({ "uri": "file:/x" })).unwrap_err();
        assert_eq!(error, "QMP migrate failed: no space");
        let received = server.join().unwrap();
        assert_eq!(received[3], r#"{"arguments":{"uri":"file:/x"},"execute":"migrate"}"#);
        assert!(qmp.execute("cont", Value::Null).is_err(), "the server hung up");
    }

    #[test]
    fn gives_up_when_nobody_listens() {
        let dir = tempfile::tempdir().unwrap();
        let error = Qmp::connect(&dir.path().join("none.sock"), Duration::from_millis(20)).err().unwrap();
        assert!(error.contains("cannot connect to QMP"), "{error}");
    }
}
