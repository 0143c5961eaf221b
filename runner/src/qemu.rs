//! Booting the image for real in QEMU: the `virt` command line (secure world, the platform's
//! GIC version, the stack's flash image as `-bios`, the image arguments through semihosting),
//! run as a [`ProcessSession`], with UART1 on a socket the runner owns ([`SecureUart`]).

use crate::boot::{BootSession, Booter, Output, Spawned};
use crate::image_args::ImageArgs;
use crate::process::{shown, ProcessSession};
use crate::secure_uart::SecureUart;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
}

impl QemuBooter {
    /// The QEMU arguments of boot number `boot`, UART1 connecting to `uart1_socket`.
    pub fn arguments(&self, args: &ImageArgs, boot: u32, uart1_socket: &Path) -> Result<Vec<String>, String> {
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
        line.push(format!(
            "socket,id=uart1,path={},logfile={}",
            option_value(uart1_socket, "the UART1 socket")?,
            option_value(&uart1, "the run folder")?
        ));
        line.push("-serial".into());
        line.push("chardev:uart1".into());
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

impl Booter for QemuBooter {
    fn boot(&mut self, args: &ImageArgs, boot: u32) -> Result<Spawned, String> {
        let uart1 = SecureUart::listen().map_err(|e| format!("cannot open a socket for UART1: {e}"))?;
        let arguments = self.arguments(args, boot, &uart1.socket())?;
        let command = shown(&self.qemu, &arguments);
        let process = ProcessSession::spawn(&self.qemu, &arguments).map_err(|e| {
            format!("cannot start {}: {e}; install qemu-system-aarch64 or pass --qemu PATH", self.qemu.display())
        })?;
        Ok(Spawned { command, session: Box::new(QemuSession { process, uart1 }) })
    }
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

    fn secure_uart_input(&mut self) -> Result<(), String> {
        self.uart1.input()
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
            extra_args: vec!["-d".into(), "guest_errors".into()],
            machine: machine("qemu-virt").unwrap().to_owned(),
            mttcg: false,
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
        let args = ImageArgs {
            version: Version::V1_1,
            only: Some("setup.a;b".into()),
            after: Some("setup.a.x".into()),
            call_limit_ms: 0,
        };
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
