//! `ffa-cts run`: creates the run folder, records what the run is made with, boots the image
//! (in QEMU, in an FVP model, or reads a board's console) through the boot loop (which keeps `results.json` and `junit.xml` current), and
//! prints the summary. Exit code 0 when no case failed (with `--baseline`: when every case
//! ended as the baseline expects, the gate's verdict), 1 when some did, 2 when the run could
//! not be completed.

use crate::boot::Booter;
use crate::boot_loop::{run_boots, Limits, LoopEnd};
use crate::cli::RunOptions;
use crate::console::ConsoleBooter;
use crate::fvp::{self, FvpBooter, SpmcLevel};
use crate::gate::{self, Gating};
use crate::image_args::ImageArgs;
use crate::qemu::{self, QemuBooter};
use crate::recorder::Recorder;
use crate::results::{Build, RunIdentity, RunResults};
use crate::time::UtcTime;
use crate::{call_limit, provenance, run_dir, summary};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long QEMU may take to exit after the image reported `done`.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// How the run boots the image, chosen from the options before the run folder exists.
enum Boot {
    /// QEMU `virt` with this `-machine` value, from the stack's flash image.
    Qemu { firmware: PathBuf, machine: String },
    /// An FVP model with TF-A's BL1 and FIP.
    Fvp { model: PathBuf, bl1: PathBuf, fip: PathBuf },
    /// A console the runner reads and does not boot.
    Console(PathBuf),
}

/// The boot the options ask for, its files checked.
fn choose(options: &RunOptions) -> Result<Boot, String> {
    if let Some(console) = &options.console {
        return Ok(Boot::Console(console.clone()));
    }
    let resolve = |path: &Path| {
        std::fs::canonicalize(path).map_err(|e| format!("cannot resolve --firmware {}: {e}", path.display()))
    };
    if options.platform == "fvp" {
        let model =
            options.fvp.clone().ok_or("the fvp platform needs --fvp MODEL, the FVP_Base_RevC-2xAEMvA binary")?;
        let (bl1, fip) = fvp::images(&resolve(&options.firmware)?)?;
        return Ok(Boot::Fvp { model, bl1, fip });
    }
    let Some(platform_machine) = qemu::machine(&options.platform) else {
        return Err(format!(
            "the runner boots qemu-virt, qemu-virt-gicv2 and fvp; for `{}` boot the board yourself and pass --console DEVICE",
            options.platform
        ));
    };
    if !options.firmware.is_file() {
        return Err(format!(
            "--firmware {} is not a file; build the stack (scripts/build-stack.sh STACK) and pass its flash image",
            options.firmware.display()
        ));
    }
    // The stack's build may need more of the machine than the platform (Hafnium: mte=on), but
    // not another GIC than the one the platform's ns image drives.
    let machine = options.machine.clone().unwrap_or_else(|| platform_machine.to_owned());
    if qemu::gic_version(&machine) != qemu::gic_version(platform_machine) {
        return Err(format!(
            "--machine {machine} boots a GIC other than the {} platform's ({platform_machine}): build the ns image for \
             the stack's platform (make run takes it from targets/stacks/<stack>/platform)",
            options.platform
        ));
    }
    Ok(Boot::Qemu { firmware: resolve(&options.firmware)?, machine })
}

/// Runs `ffa-cts run`; returns the exit code, or the error that kept the run from starting.
pub fn run(options: &RunOptions) -> Result<u8, String> {
    let boot = choose(options)?;
    let (booted, qemu_version) = match &boot {
        Boot::Qemu { firmware, .. } => (Some(firmware), provenance::qemu_version(&options.qemu)),
        Boot::Fvp { fip, .. } => (Some(fip), None),
        Boot::Console(_) => (None, None),
    };
    let build = Build {
        suite_commit: provenance::suite_commit(),
        firmware: match &boot {
            Boot::Console(path) => format!("console {}", path.display()),
            _ => booted.map(|f| f.display().to_string()).unwrap_or_default(),
        },
        firmware_sha256: match booted {
            Some(file) => provenance::sha256(file)?,
            None => "unknown: the runner did not boot it".to_owned(),
        },
        stack_key: options.stack_key.clone(),
        qemu_version,
    };
    let now = UtcTime::now();
    let version = options.ffa_version.to_string();
    // Before the run folder exists: a baseline that does not fit leaves no empty run behind.
    let gating = match &options.baseline {
        Some(file) => Some(Gating::load(file, &options.stack, &version)?),
        None => None,
    };
    let dir = run_dir::create(&options.out, &now.compact(), &options.stack, &version)?;
    run_dir::point_latest(&options.out, &dir)?;
    eprintln!("run folder: {}", dir.display());

    let mut booter: Box<dyn Booter> = match boot {
        Boot::Qemu { firmware, machine } => {
            let extra_args = std::env::var("FFA_CTS_QEMU_ARGS")
                .map(|a| a.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            let mttcg = options.mttcg;
            Box::new(QemuBooter {
                qemu: options.qemu.clone(),
                firmware,
                run_dir: dir.clone(),
                extra_args,
                machine,
                mttcg,
            })
        }
        Boot::Fvp { model, bl1, fip } => {
            let spmc = SpmcLevel::of_stack(&options.stack);
            Box::new(FvpBooter { model, bl1, fip, spmc, run_dir: dir.clone() })
        }
        Boot::Console(path) => Box::new(ConsoleBooter { path }),
    };
    let mut recorder = Recorder::create(&dir, gating)?;
    let identity = RunIdentity {
        stack: options.stack.clone(),
        stack_description: options.describe.clone(),
        platform: options.platform.clone(),
        build,
        requested_version: version,
        only: options.only.clone(),
        started: now.rfc3339(),
        hostname: provenance::hostname(),
    };
    let limits = Limits {
        case_margin: options.case_timeout,
        boot: options.boot_timeout,
        exit_grace: EXIT_GRACE,
        max_boots: options.max_boots,
    };
    let call_limit_ms = options
        .call_limit_ms
        .or_else(|| call_limit::default_ms(&options.platform, options.mttcg, options.console.is_some()))
        .unwrap_or(0);
    let args = ImageArgs { version: options.ffa_version, only: options.only.clone(), after: None, call_limit_ms };
    let LoopEnd { results, mut error } =
        run_boots(booter.as_mut(), &mut recorder, limits, args, RunResults::new(identity));

    recorder.write_results(&results)?;
    if error.is_none() && results.cases.is_empty() {
        let selection = options.only.as_deref().map_or(String::new(), |only| format!(" (--only {only})"));
        error = Some(format!("the image planned no case{selection}; see `ffa-cts list` for the case ids"));
    }
    if let Some(error) = &error {
        eprintln!("error: {error}");
        if !results.notes.is_empty() {
            eprintln!("notes from the image:");
            for note in &results.notes {
                eprintln!("  {note}");
            }
        }
    }
    for line in recorder.missing_lava_lines(&results) {
        println!("{line}");
    }
    println!("{}", summary::render(&results, &dir, recorder.gating()));
    let green = match recorder.gating() {
        Some(g) => gate::compare(&results, &g.baseline).mismatches.is_empty(),
        None => results.counts().failed() == 0,
    };
    Ok(match error {
        Some(_) => 2,
        None if green => 0,
        None => 1,
    })
}
