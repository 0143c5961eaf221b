//! `ffa-cts run`: creates the run folder, records what the run is made with, splits the case
//! list into parts (`--jobs`: that many QEMUs at once, crate::split), boots the image (in
//! QEMU, in an FVP model, or reads a board's console) through a boot loop per part (which keep
//! `results.json` and `junit.xml` current, crate::parts), and prints the summary. Exit code 0
//! when no case failed (with `--baseline`: when every case ended as the baseline expects, the
//! gate's verdict), 1 when some did, 2 when the run could not be completed.

use crate::boot::Booter;
use crate::boot_loop::Limits;
use crate::cli::RunOptions;
use crate::console::ConsoleBooter;
use crate::fvp::{self, FvpBooter, SpmcLevel};
use crate::gate::{self, Gating};
use crate::image_args::ImageArgs;
use crate::parts::{part_dir, run_parts, PartSetup, PartsEnd};
use crate::qemu::{self, QemuBooter, Snapshots};
use crate::recorder::Recorder;
use crate::results::{Build, PartRecord, RunIdentity, RunResults};
use crate::snapshot::SnapshotStore;
use crate::time::UtcTime;
use crate::{call_limit, list, provenance, run_dir, run_set, split, summary};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long QEMU may take to exit after the image reported `done`.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// How the run boots the image, chosen from the options before the run folder exists.
#[derive(Clone)]
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

/// Whether QEMU boots restore a snapshot of the firmware's boot: unless `--no-snapshot`, the
/// QEMU version (part of the snapshot's key) is unknown, or there is no cache folder for them.
fn snapshots(options: &RunOptions, build: &Build) -> Option<Snapshots> {
    if options.no_snapshot {
        return None;
    }
    let Some(qemu_version) = build.qemu_version.clone() else {
        eprintln!(
            "runner: warning: {} --version said nothing; booting the firmware every boot",
            options.qemu.display()
        );
        return None;
    };
    match SnapshotStore::in_cache() {
        Ok(store) => Some(Snapshots::new(store, build.firmware_sha256.clone(), qemu_version)),
        Err(e) => {
            eprintln!("runner: warning: {e}; booting the firmware every boot");
            None
        }
    }
}

/// How many QEMUs run at once: `--jobs`, by default one per host core up to two, one with
/// `--mttcg` (each QEMU then takes every core); a board boots once.
fn jobs(options: &RunOptions, boot: &Boot) -> Result<usize, String> {
    match (boot, options.jobs) {
        (Boot::Qemu { .. }, Some(jobs)) => Ok(jobs as usize),
        (Boot::Qemu { .. }, None) if options.mttcg => Ok(1),
        (Boot::Qemu { .. }, None) => Ok(std::thread::available_parallelism().map_or(1, usize::from).min(2)),
        (_, Some(jobs)) if jobs > 1 => {
            Err(format!("--jobs {jobs}: the {} platform boots one board, one boot at a time", options.platform))
        }
        _ => Ok(1),
    }
}

/// The parts of the run: the selected cases cut into the ranges `jobs` QEMUs finish soonest
/// (split::cut_for_pool), of about equal
/// time by the newest complete run of this stack and version under the runs folder.
fn split_run(options: &RunOptions, version: &str, jobs: usize) -> Result<(Vec<PartRecord>, Option<String>), String> {
    let (cases, _) = list::selected(&ffa_harness::CASES, options.only.as_deref())?;
    let ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
    let costs = if jobs > 1 && ids.len() > 1 {
        let previous = run_set::newest_of(&options.out, &options.stack, version);
        split::costs(&ids, previous.as_ref().map(|r| (r.folder.as_str(), &r.results)))
    } else {
        split::costs(&ids, None)
    };
    let parts = split::parts(&ids, &costs.us, &split::cut_for_pool(&costs.us, jobs, costs.boot_us));
    let note = (parts.len() > 1).then(|| split::describe(&parts, costs.source.as_deref()));
    Ok((parts, note))
}

/// Runs `ffa-cts run`; returns the exit code, or the error that kept the run from starting.
pub fn run(options: &RunOptions) -> Result<u8, String> {
    let boot = choose(options)?;
    let booted = match &boot {
        Boot::Qemu { firmware, .. } => Some(firmware),
        Boot::Fvp { fip, .. } => Some(fip),
        Boot::Console(_) => None,
    };
    // `git status` and `qemu --version` take about 60 ms each: side by side.
    let (suite_commit, qemu_version) = std::thread::scope(|scope| {
        let commit = scope.spawn(provenance::suite_commit);
        let qemu = matches!(boot, Boot::Qemu { .. }).then(|| provenance::qemu_version(&options.qemu)).flatten();
        (commit.join().unwrap_or_else(|_| "unknown".into()), qemu)
    });
    let build = Build {
        suite_commit,
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
    let jobs = jobs(options, &boot)?;
    let (split, split_note) = split_run(options, &version, jobs)?;
    // Before the run folder exists: a baseline that does not fit leaves no empty run behind.
    let gating = match &options.baseline {
        Some(file) => Some(Gating::load(file, &options.stack, &version)?),
        None => None,
    };
    let dir = run_dir::create(&options.out, &now.compact(), &options.stack, &version)?;
    run_dir::point_latest(&options.out, &dir)?;
    eprintln!("run folder: {}", dir.display());

    let extra_args: Vec<String> = std::env::var("FFA_CTS_QEMU_ARGS")
        .map(|a| a.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let booter = |run_dir: PathBuf| -> Box<dyn Booter + Send> {
        match boot.clone() {
            Boot::Qemu { firmware, machine } => Box::new(QemuBooter {
                qemu: options.qemu.clone(),
                firmware,
                run_dir,
                extra_args: extra_args.clone(),
                machine,
                mttcg: options.mttcg,
                snapshots: snapshots(options, &build),
            }),
            Boot::Fvp { model, bl1, fip } => {
                let spmc = SpmcLevel::of_stack(&options.stack);
                Box::new(FvpBooter { model, bl1, fip, spmc, run_dir })
            }
            Boot::Console(path) => Box::new(ConsoleBooter { path }),
        }
    };
    let count = split.len();
    let parts: Vec<PartSetup> = split
        .into_iter()
        .map(|record| {
            let dir = part_dir(&dir, record.part, count);
            PartSetup { booter: booter(dir.clone()), dir, record }
        })
        .collect();
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
    let mut base = RunResults::new(identity);
    if let Some(note) = split_note {
        eprintln!("runner: {note}");
        base.notes.push(note);
    }
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
    let args = ImageArgs { call_limit_ms, ..ImageArgs::new(options.ffa_version, options.only.clone()) };
    let started = Instant::now();
    let PartsEnd { mut results, mut error, recorder } =
        run_parts(parts, jobs, Recorder::new(&dir, gating), limits, &args, base)?;
    results.wall_s = started.elapsed().as_secs_f64();

    recorder.write_results(&results)?;
    if error.is_none() && results.cases.is_empty() {
        let selection = options.only.as_deref().map_or(String::new(), |only| format!(" (--only {only})"));
        error = Some(format!("the image planned no case{selection}; see `ffa-cts list` for the case ids"));
    }
    if let Some(error) = &error {
        eprintln!("error: {error}");
        if !results.notes.is_empty() {
            eprintln!("notes (the image's, and how the runner split the run):");
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
