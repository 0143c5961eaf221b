//! A boot the runner does not start (`ffa-cts run --console FILE|DEVICE`): a board such as
//! Juno, powered and flashed by the user or a lab, whose console is a serial device, or a
//! console captured earlier to a file (a LAVA job's, say). The runner reads its lines as if it
//! had booted it, so the results folder is the same. The image's arguments were fixed when it
//! was built (a board has no semihosting), so the runner cannot pass any, and it cannot boot
//! again after a wedge: a second boot is an error and the cases left are not run.

use crate::boot::{BootSession, Booter, Output, Spawned};
use crate::image_args::ImageArgs;
use crate::process::ProcessSession;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// Reads the console at `path`.
pub struct ConsoleBooter {
    pub path: PathBuf,
}

/// `stty` settings for a serial device: the 115200 baud the Arm platforms' consoles run at
/// (TF-A `ARM_CONSOLE_BAUDRATE`), raw, no echo.
const SERIAL_SETTINGS: &[&str] = &["115200", "raw", "-echo"];

/// The command that reads `path`: `cat` for a file, `stty` then `cat` for a serial device
/// (so that the line discipline does not mangle the stream).
pub fn reader_command(path: &Path, is_device: bool) -> Vec<String> {
    let path = path.display().to_string();
    if is_device {
        let settings = SERIAL_SETTINGS.join(" ");
        let script = "stty -F \"$1\" $2 && exec cat \"$1\"";
        vec!["-c".into(), script.into(), "console".into(), path, settings]
    } else {
        vec!["-c".into(), "exec cat \"$1\"".into(), "console".into(), path]
    }
}

impl Booter for ConsoleBooter {
    fn boot(&mut self, _args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        if boot > 1 {
            return Err(format!(
                "the console {} is a boot the runner did not start and cannot start again; \
                 power-cycle the board and run again (with --only for the cases left)",
                self.path.display()
            ));
        }
        let kind = std::fs::metadata(&self.path)
            .map_err(|e| format!("cannot read --console {}: {e}", self.path.display()))?
            .file_type();
        let arguments = reader_command(&self.path, kind.is_char_device());
        let session = ProcessSession::spawn(Path::new("sh"), &arguments)
            .map_err(|e| format!("cannot read --console {}: {e}", self.path.display()))?;
        Ok(Spawned { command: format!("console {}", self.path.display()), session: Box::new(Lines(session)) })
    }
}

/// The console's lines without the carriage return a UART puts before each newline.
struct Lines(ProcessSession);

impl BootSession for Lines {
    fn next(&mut self, timeout: std::time::Duration) -> Output {
        match self.0.next(timeout) {
            Output::Line(line) => Output::Line(line.strip_suffix('\r').map(str::to_owned).unwrap_or(line)),
            other => other,
        }
    }

    fn kill(&mut self) {
        self.0.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::ffa::Version;
    use std::time::Duration;

    #[test]
    fn a_captured_console_is_read_once_without_carriage_returns() {
        let file = std::env::temp_dir().join(format!("ffa-cts-console-{}.log", std::process::id()));
        std::fs::write(&file, "NOTICE:  BL31\r\nffa-cts: hello schema=2\r\nlast").unwrap();
        let mut booter = ConsoleBooter { path: file.clone() };
        let args = ImageArgs { version: Version::V1_1, only: None, after: None, call_limit_ms: 0 };
        let mut spawned = booter.boot(&args, 1).unwrap();
        assert_eq!(spawned.command, format!("console {}", file.display()));
        let second = Duration::from_secs(5);
        assert_eq!(spawned.session.next(second), Output::Line("NOTICE:  BL31".into()));
        assert_eq!(spawned.session.next(second), Output::Line("ffa-cts: hello schema=2".into()));
        assert_eq!(spawned.session.next(second), Output::Line("last".into()));
        assert_eq!(spawned.session.next(second), Output::Exited(Some(0)));
        assert!(booter.boot(&args, 2).err().unwrap().contains("cannot start again"));
        std::fs::remove_file(&file).unwrap();
        assert!(booter.boot(&args, 1).err().unwrap().starts_with("cannot read --console"));
    }

    #[test]
    fn a_serial_device_is_set_to_115200_raw_first() {
        assert_eq!(
            reader_command(Path::new("/dev/ttyUSB0"), true),
            ["-c", "stty -F \"$1\" $2 && exec cat \"$1\"", "console", "/dev/ttyUSB0", "115200 raw -echo"]
        );
        assert_eq!(reader_command(Path::new("/x"), false)[1], "exec cat \"$1\"");
    }
}
