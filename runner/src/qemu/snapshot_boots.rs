//! The snapshot boots of [`QemuBooter`] against a fake QEMU (a Python script that prints what
//! a booting firmware would, serves QMP as scripted and logs how it was started): a snapshot is
//! made once and restored by every boot, and a QEMU that cannot save or restore one leaves the
//! run booting the firmware, with nothing left in the store.

use super::*;
use ffa_harness::ffa::Version;

/// The fake: `MODE` is `good`, `save-refused` (an old QEMU without mapped-ram) or
/// `restore-fails` (a snapshot that does not load).
const FAKE_QEMU: &str = r#"#!/usr/bin/env python3
import json, os, socket, sys, time
MODE = "@MODE@"
args = sys.argv[1:]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawns"), "a") as log:
    log.write(" ".join(args) + "\n")
for a in args:
    if "logfile=" in a:
        open(a.split("logfile=")[1].split(",")[0], "a").close()
qmp = next((a[len("unix:"):].split(",")[0] for a in args if a.startswith("unix:")), None)
incoming = "-incoming" in args
if not incoming:
    print("NOTICE:  BL1: fake firmware")
    print("ffa-cts: held" if any("arg=hold" in a for a in args) else "ffa-cts: booted", flush=True)
if qmp is None:
    sys.exit(0)
server = socket.socket(socket.AF_UNIX)
server.bind(qmp)
server.listen(1)
connection, _ = server.accept()
stream = connection.makefile("rw")
stream.write('{"QMP": {"version": {}}}\n')
stream.flush()
for line in stream:
    request = json.loads(line)
    command, arguments = request["execute"], request.get("arguments", {})
    answer = {"return": {}}
    if command == "migrate-set-capabilities" and MODE == "save-refused":
        answer = {"error": {"class": "GenericError", "desc": "Capability 'mapped-ram' is invalid"}}
    elif command == "migrate":
        with open(arguments["uri"][len("file:"):], "w") as state:
            state.write("state")
    elif command == "query-migrate":
        failed = incoming and MODE == "restore-fails"
        answer = {"return": {"status": "failed", "error-desc": "bad state"} if failed else {"status": "completed"}}
    elif command == "cont":
        print("ffa-cts: resumed", flush=True)
    stream.write(json.dumps(answer) + "\n")
    stream.flush()
time.sleep(30)
"#;

/// A booter whose QEMU is the fake in `mode`, with its store and run folder in `dir`.
fn fake_booter(dir: &Path, mode: &str) -> QemuBooter {
    // Written here, made executable by a child: a file this process held open for writing could
    // leak into a child another test forks meanwhile and make executing it fail (ETXTBSY).
    let script = dir.join("qemu.py");
    std::fs::write(&script, FAKE_QEMU.replace("@MODE@", mode)).unwrap();
    let qemu = dir.join("qemu");
    let installed = std::process::Command::new("install").arg("-m755").arg(&script).arg(&qemu).status().unwrap();
    assert!(installed.success());
    let run_dir = dir.join("run");
    std::fs::create_dir_all(&run_dir).unwrap();
    let store = SnapshotStore::at(dir.join("snapshots"));
    QemuBooter {
        qemu,
        firmware: dir.join("flash.bin"),
        run_dir,
        extra_args: Vec::new(),
        machine: machine("qemu-virt").unwrap().to_owned(),
        mttcg: false,
        snapshots: Some(Snapshots::new(store, "firmware-sha".into(), "QEMU emulator version fake".into())),
    }
}

/// How the fake was started, one line per start.
fn spawns(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("spawns")).unwrap_or_default().lines().map(str::to_owned).collect()
}

/// The files left in the store.
fn stored(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("snapshots")) else { return Vec::new() };
    let mut names: Vec<String> = entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn first_line(spawned: &mut Spawned) -> Output {
    spawned.session.next(Duration::from_secs(10))
}

const ARGS: ImageArgs = ImageArgs { version: Version::V1_1, only: None, after: None, until: None, call_limit_ms: 0 };

#[test]
fn a_snapshot_is_made_once_and_every_boot_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut booter = fake_booter(dir.path(), "good");
    let mut first = booter.boot(&ARGS, 1).unwrap();
    let key = first.snapshot.clone().expect("restored");
    assert!(first.command.starts_with(&format!("restored from snapshot {key}: ")), "{}", first.command);
    assert_eq!(first_line(&mut first), Output::Line("ffa-cts: resumed".into()));
    let mut second = booter.boot(&ARGS.resumed_after("a.b"), 2).unwrap();
    assert_eq!(second.snapshot.as_deref(), Some(key.as_str()));
    assert_eq!(first_line(&mut second), Output::Line("ffa-cts: resumed".into()));

    let started = spawns(dir.path());
    assert_eq!(started.len(), 3, "one boot made the snapshot, two restored it: {started:#?}");
    assert!(started[0].contains(",arg=ns,arg=hold ") && !started[0].contains("-incoming"), "{}", started[0]);
    assert!(started[1..].iter().all(|s| s.ends_with(" -incoming defer") && s.contains(",arg=version=1.1")));
    assert!(started[2].contains(",arg=after=a.b"));
    assert_eq!(stored(dir.path()), [format!("{key}.log"), format!("{key}.ram"), format!("{key}.uart1.log")]);
    let log = std::fs::read_to_string(dir.path().join("run/firmware-boot.log")).unwrap();
    assert_eq!(log, "NOTICE:  BL1: fake firmware\nffa-cts: held\n");
    assert!(dir.path().join("run/firmware-boot-uart1.log").is_file());

    // Another run of the same machine restores the stored snapshot without making one.
    let mut again = fake_booter(dir.path(), "good");
    let mut third = again.boot(&ARGS, 1).unwrap();
    assert_eq!(third.snapshot.as_deref(), Some(key.as_str()));
    assert_eq!(first_line(&mut third), Output::Line("ffa-cts: resumed".into()));
    assert_eq!(spawns(dir.path()).len(), 4);
}

/// Both failures end the same way: a warning, no snapshot in the store, and every boot of the
/// run, the failing one included, boots the firmware.
fn falls_back_to_the_firmware(mode: &str, starts_before_the_fallback: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut booter = fake_booter(dir.path(), mode);
    let mut first = booter.boot(&ARGS, 1).unwrap();
    assert_eq!(first.snapshot, None);
    assert!(!first.command.contains("snapshot"), "{}", first.command);
    assert_eq!(first_line(&mut first), Output::Line("NOTICE:  BL1: fake firmware".into()));
    assert_eq!(first_line(&mut first), Output::Line("ffa-cts: booted".into()));
    let mut second = booter.boot(&ARGS, 2).unwrap();
    assert_eq!(second.snapshot, None);
    assert_eq!(first_line(&mut second), Output::Line("NOTICE:  BL1: fake firmware".into()), "it ran");
    assert!(booter.snapshots.is_none(), "the run stops trying");
    let started = spawns(dir.path());
    assert_eq!(started.len(), starts_before_the_fallback + 2, "{started:#?}");
    assert!(started[starts_before_the_fallback..].iter().all(|s| !s.contains("-qmp") && !s.contains("arg=hold")));
    assert_eq!(stored(dir.path()), Vec::<String>::new(), "the bad snapshot and the temporaries are gone");
}

#[test]
fn a_qemu_that_cannot_save_boots_the_firmware() {
    falls_back_to_the_firmware("save-refused", 1);
}

#[test]
fn a_snapshot_that_does_not_restore_is_dropped() {
    falls_back_to_the_firmware("restore-fails", 2);
}
