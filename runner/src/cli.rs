//! The command line of `ffa-cts`, parsed by hand: a subcommand, then `--flag value` (or
//! `--flag=value`) options. Every mistake names the word at fault.

use ffa_harness::ffa::Version;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The usage text.
pub const USAGE: &str = "\
usage:
  ffa-cts run --stack NAME --firmware FILE [--ffa-version 1.1] [--only PREFIXES]
              [--out DIR] [--case-timeout-s 3] [--boot-timeout-s 60] [--max-boots 20]
              [--platform qemu-virt] [--describe TEXT] [--stack-key KEY] [--qemu PATH]
              [--machine OPTIONS] [--mttcg] [--no-snapshot] [--jobs N] [--baseline FILE] [--fvp MODEL]
              [--console FILE|DEVICE] [--call-limit-ms MS]
      Boots FILE in QEMU, runs the cases (resuming after hangs and crashes) and writes
      results.json, junit.xml and logs to <out>/<UTC time>-<stack>-ffa<ver>/ (default out:
      results/runs; <out>/latest points at the newest). FFA_CTS_QEMU_ARGS is appended to the
      QEMU command line. PREFIXES: case id prefixes separated by ';'. KEY: the stack's
      cache key (the folder name under <cache>/stacks/<stack>/), recorded in results.json.
      OPTIONS: QEMU's -machine value, when the stack needs more than its platform's (a
      stack's build names it in its qemu-machine file: Hafnium needs mte=on).
      --mttcg boots QEMU with multi-threaded TCG (`-accel tcg,thread=multi`), one host thread
      per core, so that the cores really run at the same time (the race cases' boot; the
      default, single-threaded TCG, runs the cores one after the other and is faster).
      A QEMU boot restores a snapshot of the firmware's finished boot (made by the first
      boot that finds none, kept in <cache>/snapshots: $FFA_CTS_CACHE, default
      ~/.cache/ffa-cts) instead of booting TF-A and the SPMC again; --no-snapshot boots
      the firmware every time.
      --jobs N runs N QEMUs at once, each on a contiguous part of the selected cases (cut so
      that the run ends soonest, by the newest complete run of the stack and version under
      <out>; two QEMUs may take three parts, the third in the first QEMU to be free),
      merged into one run; each part's logs go to part-<k>/, and --max-boots counts each
      part's boots. Default: one per host core, at most 2; 1 with --mttcg and on a board.
      Platforms: qemu-virt, qemu-virt-gicv2 (QEMU gic-version=2); fvp boots the FVP model
      MODEL (--fvp) with TF-A's bl1.bin and fip.bin from the folder --firmware names; a
      board (juno) is not booted by the runner: --console reads its serial DEVICE, or a FILE
      with a captured console, once (no --firmware; the image's arguments are built in).
      --case-timeout-s is added to each case's own timeout before the runner decides that
      the firmware stopped answering (the image's watchdog reports a case that overruns its
      own timeout itself; the margin only covers a case stuck inside the firmware that the
      image's hang monitor cannot report: every core in a call or a job).
      --call-limit-ms: how long one FF-A call may last before the image's hang monitor (on an
      idle secondary core) reports it and the runner ends the boot, the case as `timeout`,
      once QEMU also ran on a host CPU for most of that time since the call began; 0 turns
      the monitor off.
      Default: 100 under QEMU, 500 with --mttcg, 15000 on an FVP.
      --baseline gates the views as the run goes: junit.xml, the LAVA lines on stdout and
      the summary show the gate's verdict (an expected failure skipped with its reason, an
      unexpected outcome failed); results.json keeps the raw outcomes.
      Exit: 0 all green (with --baseline: all as expected), 1 some case failed (differs),
      2 the run could not be completed.
  ffa-cts list [--only PREFIXES]
      Prints the registered cases.
  ffa-cts gate --stack NAME [--run DIR] [--baseline FILE] [--update]
      Compares a run (default results/runs/latest) with the stack's baseline (default
      results/baselines/NAME.json). --update rewrites the baseline from the run.
      Exit: 0 as expected, 1 some outcome differs, 2 a file is missing or invalid.
  ffa-cts matrix [--runs DIR] [--out FILE] [--html FILE] [--baselines DIR] [--check]
  ffa-cts matrix --diff RUN_A RUN_B
      Writes the compatibility matrix (stack x FF-A version x case) in Markdown to --out
      (default results/MATRIX.md) and as one self-contained HTML page to --html (default
      results/matrix.html) from the newest complete run of each stack and requested version
      under --runs (default results/runs); self-test and --only runs are passed over. The page
      shows why each expected failure is expected, from the baselines in --baselines (default
      results/baselines). --check writes nothing and compares both files with what it would
      write. --diff prints, in Markdown, every case whose outcome differs between two run
      folders (two SPMC versions, two builds, two stacks), for release notes.
      Exit: 0 written or up to date, 1 --check found FILE out of date, 2 no usable run.
  ffa-cts help
";

/// What to do.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Box<RunOptions>),
    List { only: Option<String> },
    Gate(GateOptions),
    Matrix(MatrixOptions),
    MatrixDiff(PathBuf, PathBuf),
    Help,
}

/// The options of `run`.
#[derive(Debug, PartialEq)]
pub struct RunOptions {
    pub stack: String,
    pub firmware: PathBuf,
    pub ffa_version: Version,
    pub only: Option<String>,
    pub out: PathBuf,
    pub case_timeout: Duration,
    pub boot_timeout: Duration,
    pub max_boots: u32,
    pub platform: String,
    pub describe: Option<String>,
    pub stack_key: Option<String>,
    pub qemu: PathBuf,
    /// QEMU's `-machine` value, when the stack names one.
    pub machine: Option<String>,
    /// Multi-threaded TCG: the cores run in parallel.
    pub mttcg: bool,
    /// Every QEMU boot runs the firmware instead of restoring a snapshot of its boot.
    pub no_snapshot: bool,
    /// How many QEMUs run parts of the case list at once; `None`: the platform's default.
    pub jobs: Option<u32>,
    /// The baseline the run's views are gated by.
    pub baseline: Option<PathBuf>,
    /// The FVP model that boots a `fvp` platform run.
    pub fvp: Option<PathBuf>,
    /// A console to read instead of booting anything.
    pub console: Option<PathBuf>,
    /// The image's hang-monitor limit, when given (else the platform's default).
    pub call_limit_ms: Option<u32>,
}

/// The options of `gate`.
#[derive(Debug, PartialEq)]
pub struct GateOptions {
    pub stack: String,
    pub run: PathBuf,
    pub baseline: PathBuf,
    pub update: bool,
}

/// The options of `matrix`.
#[derive(Debug, PartialEq)]
pub struct MatrixOptions {
    pub runs: PathBuf,
    pub out: PathBuf,
    pub html: PathBuf,
    pub baselines: PathBuf,
    pub check: bool,
}

/// A command line that cannot be used; the message names the offending word.
#[derive(Debug, PartialEq)]
pub struct UsageError(pub String);

/// The options given to one subcommand: name → value (`None` for a switch).
struct Given<'a> {
    command: &'static str,
    values: BTreeMap<&'static str, Option<&'a str>>,
}

impl<'a> Given<'a> {
    /// Reads `words` as options of `command`; `valued` take a value, `switches` do not.
    fn read(
        command: &'static str,
        words: &'a [String],
        valued: &[&'static str],
        switches: &[&'static str],
    ) -> Result<Self, UsageError> {
        let mut values = BTreeMap::new();
        let mut words = words.iter();
        while let Some(word) = words.next() {
            let (name, inline) = match word.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (word.as_str(), None),
            };
            let error = |what: &str| UsageError(format!("`ffa-cts {command}`: {what}"));
            let value = if let Some(&known) = valued.iter().find(|&&v| v == name) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        words.next().map(String::as_str).ok_or_else(|| error(&format!("`{known}` needs a value")))?
                    }
                };
                (known, Some(value))
            } else if let Some(&known) = switches.iter().find(|&&s| s == name && inline.is_none()) {
                (known, None)
            } else {
                return Err(error(&format!("unknown option `{word}`")));
            };
            if values.insert(value.0, value.1).is_some() {
                return Err(error(&format!("`{}` given twice", value.0)));
            }
        }
        Ok(Self { command, values })
    }

    fn error(&self, what: String) -> UsageError {
        UsageError(format!("`ffa-cts {}`: {what}", self.command))
    }

    fn text(&self, name: &str) -> Option<&'a str> {
        self.values.get(name).copied().flatten()
    }

    fn required(&self, name: &str) -> Result<&'a str, UsageError> {
        self.text(name).ok_or_else(|| self.error(format!("`{name}` is required")))
    }

    fn number(&self, name: &str, default: u32) -> Result<u32, UsageError> {
        match self.text(name) {
            None => Ok(default),
            Some(text) => match text.parse() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(self.error(format!("`{name}` takes a whole number above 0, not `{text}`"))),
            },
        }
    }

    /// A name used in folder names and JUnit class names.
    fn name(&self, name: &str, default: Option<&'a str>) -> Result<&'a str, UsageError> {
        let value = match default {
            Some(d) => self.text(name).unwrap_or(d),
            None => self.required(name)?,
        };
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
            return Err(self.error(format!("`{name}` takes letters, digits, '-', '_' and '.' only, not `{value}`")));
        }
        Ok(value)
    }

    /// `--only`: ';'-separated id prefixes, which must fit in a QEMU option value.
    fn only(&self) -> Result<Option<String>, UsageError> {
        let Some(only) = self.text("--only") else {
            return Ok(None);
        };
        if only.is_empty() || only.contains(',') || only.contains(char::is_whitespace) {
            return Err(
                self.error(format!("`--only` takes id prefixes separated by ';', without ',' or spaces, not `{only}`"))
            );
        }
        Ok(Some(only.to_owned()))
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Err(UsageError("no command given".into()));
    };
    match command.as_str() {
        "help" | "-h" | "--help" => Ok(Command::Help),
        "list" => Ok(Command::List { only: Given::read("list", rest, &["--only"], &[])?.only()? }),
        "run" => parse_run(rest),
        "gate" => parse_gate(rest),
        "matrix" => parse_matrix(rest),
        other => Err(UsageError(format!("unknown command `{other}` (commands: run, list, gate, matrix, help)"))),
    }
}

fn parse_run(words: &[String]) -> Result<Command, UsageError> {
    let valued = [
        "--stack",
        "--firmware",
        "--ffa-version",
        "--only",
        "--out",
        "--case-timeout-s",
        "--boot-timeout-s",
        "--max-boots",
        "--platform",
        "--describe",
        "--stack-key",
        "--qemu",
        "--machine",
        "--baseline",
        "--fvp",
        "--console",
        "--jobs",
        "--call-limit-ms",
    ];
    let given = Given::read("run", words, &valued, &["--mttcg", "--no-snapshot"])?;
    let version_text = given.text("--ffa-version").unwrap_or("1.1");
    let ffa_version = Version::parse(version_text)
        .filter(|v| v.major > 0)
        .ok_or_else(|| given.error(format!("`--ffa-version` takes MAJOR.MINOR like 1.1, not `{version_text}`")))?;
    Ok(Command::Run(Box::new(RunOptions {
        stack: given.name("--stack", None)?.to_owned(),
        firmware: match given.text("--console") {
            Some(_) if given.text("--firmware").is_some() => {
                return Err(given.error("`--console` reads a boot the runner does not start: no `--firmware`".into()))
            }
            Some(_) => PathBuf::new(),
            None => given.required("--firmware")?.into(),
        },
        ffa_version,
        only: given.only()?,
        out: given.text("--out").unwrap_or("results/runs").into(),
        case_timeout: Duration::from_secs(given.number("--case-timeout-s", 3)?.into()),
        boot_timeout: Duration::from_secs(given.number("--boot-timeout-s", 60)?.into()),
        max_boots: given.number("--max-boots", 20)?,
        platform: given.name("--platform", Some("qemu-virt"))?.to_owned(),
        describe: given.text("--describe").map(str::to_owned),
        stack_key: match given.text("--stack-key") {
            Some(_) => Some(given.name("--stack-key", None)?.to_owned()),
            None => None,
        },
        qemu: given.text("--qemu").unwrap_or("qemu-system-aarch64").into(),
        machine: given.text("--machine").map(str::to_owned),
        mttcg: given.values.contains_key("--mttcg"),
        no_snapshot: given.values.contains_key("--no-snapshot"),
        jobs: match given.text("--jobs") {
            Some(_) => Some(given.number("--jobs", 1)?),
            None => None,
        },
        baseline: given.text("--baseline").map(PathBuf::from),
        fvp: given.text("--fvp").map(PathBuf::from),
        console: given.text("--console").map(PathBuf::from),
        call_limit_ms: match given.text("--call-limit-ms") {
            Some(text) => Some(text.parse().map_err(|_| {
                given.error(format!("`--call-limit-ms` takes a whole number of milliseconds, not `{text}`"))
            })?),
            None => None,
        },
    })))
}

fn parse_gate(words: &[String]) -> Result<Command, UsageError> {
    let given = Given::read("gate", words, &["--stack", "--run", "--baseline"], &["--update"])?;
    let stack = given.name("--stack", None)?.to_owned();
    Ok(Command::Gate(GateOptions {
        run: given.text("--run").unwrap_or("results/runs/latest").into(),
        baseline: given
            .text("--baseline")
            .map_or_else(|| PathBuf::from(format!("results/baselines/{stack}.json")), PathBuf::from),
        update: given.values.contains_key("--update"),
        stack,
    }))
}

fn parse_matrix(words: &[String]) -> Result<Command, UsageError> {
    if let [flag, a, b] = words {
        if flag == "--diff" {
            return Ok(Command::MatrixDiff(a.into(), b.into()));
        }
    }
    if words.first().is_some_and(|w| w == "--diff") {
        return Err(UsageError("`ffa-cts matrix --diff` takes two run folders and nothing else".into()));
    }
    let given = Given::read("matrix", words, &["--runs", "--out", "--html", "--baselines"], &["--check"])?;
    Ok(Command::Matrix(MatrixOptions {
        runs: given.text("--runs").unwrap_or("results/runs").into(),
        out: given.text("--out").unwrap_or("results/MATRIX.md").into(),
        html: given.text("--html").unwrap_or("results/matrix.html").into(),
        baselines: given.text("--baselines").unwrap_or("results/baselines").into(),
        check: given.values.contains_key("--check"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, UsageError> {
        parse(&line.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>())
    }

    fn error(line: &str) -> String {
        parse_words(line).unwrap_err().0
    }

    #[test]
    fn run_defaults_and_values() {
        let Ok(Command::Run(o)) = parse_words("run --stack optee --firmware fw.bin") else { panic!() };
        assert_eq!(
            (o.stack.as_str(), o.firmware.to_str(), o.ffa_version, o.only),
            ("optee", Some("fw.bin"), Version::V1_1, None)
        );
        assert_eq!(
            (o.out.to_str(), o.case_timeout.as_secs(), o.boot_timeout.as_secs(), o.max_boots),
            (Some("results/runs"), 3, 60, 20)
        );
        assert_eq!(
            (o.platform.as_str(), o.describe, o.stack_key, o.qemu.to_str()),
            ("qemu-virt", None, None, Some("qemu-system-aarch64"))
        );
        assert!(!o.no_snapshot, "boots restore a snapshot unless told not to");
        let Ok(Command::Run(o)) = parse_words("run --stack=hafnium --firmware f --ffa-version 1.2 --only a.b;c --case-timeout-s 7 --max-boots=2 --describe x --stack-key a7f3 --qemu /q --machine virt,mte=on --mttcg --no-snapshot")
        else {
            panic!()
        };
        assert_eq!(
            (o.ffa_version, o.only.as_deref(), o.case_timeout.as_secs(), o.max_boots),
            (Version::V1_2, Some("a.b;c"), 7, 2)
        );
        assert_eq!(
            (o.describe.as_deref(), o.stack_key.as_deref(), o.qemu.to_str(), o.machine.as_deref()),
            (Some("x"), Some("a7f3"), Some("/q"), Some("virt,mte=on"))
        );
        assert!(o.mttcg, "--mttcg is a switch");
        assert!(o.no_snapshot, "--no-snapshot is a switch");
        assert_eq!(o.jobs, None, "the platform's default");
        let Ok(Command::Run(o)) = parse_words("run --stack s --firmware f --jobs 3") else { panic!() };
        assert_eq!(o.jobs, Some(3));
        assert_eq!(
            error("run --stack s --firmware f --jobs 0"),
            "`ffa-cts run`: `--jobs` takes a whole number above 0, not `0`"
        );
    }

    #[test]
    fn gate_and_list() {
        let Ok(Command::Gate(g)) = parse_words("gate --stack optee --update") else { panic!() };
        assert_eq!(
            g,
            GateOptions {
                stack: "optee".into(),
                run: "results/runs/latest".into(),
                baseline: "results/baselines/optee.json".into(),
                update: true
            }
        );
        assert_eq!(parse_words("list --only setup"), Ok(Command::List { only: Some("setup".into()) }));
        assert_eq!(parse_words("help"), Ok(Command::Help));
    }

    #[test]
    fn matrix_defaults_and_values() {
        assert_eq!(
            parse_words("matrix"),
            Ok(Command::Matrix(MatrixOptions {
                runs: "results/runs".into(),
                out: "results/MATRIX.md".into(),
                html: "results/matrix.html".into(),
                baselines: "results/baselines".into(),
                check: false
            }))
        );
        assert_eq!(
            parse_words("matrix --runs r --out=m.md --html m.html --baselines b --check"),
            Ok(Command::Matrix(MatrixOptions {
                runs: "r".into(),
                out: "m.md".into(),
                html: "m.html".into(),
                baselines: "b".into(),
                check: true
            }))
        );
        assert_eq!(error("matrix --check=1"), "`ffa-cts matrix`: unknown option `--check=1`");
        assert_eq!(parse_words("matrix --diff r/a r/b"), Ok(Command::MatrixDiff("r/a".into(), "r/b".into())));
        assert_eq!(error("matrix --diff r/a"), "`ffa-cts matrix --diff` takes two run folders and nothing else");
    }

    #[test]
    fn mistakes_name_the_word() {
        assert_eq!(error(""), "no command given");
        assert_eq!(error("frobnicate"), "unknown command `frobnicate` (commands: run, list, gate, matrix, help)");
        assert_eq!(error("run --stack s --firmware f --bogus 1"), "`ffa-cts run`: unknown option `--bogus`");
        assert_eq!(error("run --stack s --firmware"), "`ffa-cts run`: `--firmware` needs a value");
        assert_eq!(error("run --firmware f"), "`ffa-cts run`: `--stack` is required");
        assert_eq!(
            error("run --stack s --firmware f --only a,b"),
            "`ffa-cts run`: `--only` takes id prefixes separated by ';', without ',' or spaces, not `a,b`"
        );
        assert_eq!(
            error("run --stack s --firmware f --max-boots 0"),
            "`ffa-cts run`: `--max-boots` takes a whole number above 0, not `0`"
        );
        assert_eq!(
            error("run --stack s --firmware f --ffa-version x"),
            "`ffa-cts run`: `--ffa-version` takes MAJOR.MINOR like 1.1, not `x`"
        );
        assert_eq!(
            error("run --stack a/b --firmware f"),
            "`ffa-cts run`: `--stack` takes letters, digits, '-', '_' and '.' only, not `a/b`"
        );
        assert_eq!(error("run --stack s --stack t --firmware f"), "`ffa-cts run`: `--stack` given twice");
        assert_eq!(
            error("run --stack s --firmware f --stack-key ../x"),
            "`ffa-cts run`: `--stack-key` takes letters, digits, '-', '_' and '.' only, not `../x`"
        );
        assert_eq!(error("gate --stack s --update=yes"), "`ffa-cts gate`: unknown option `--update=yes`");
        assert_eq!(
            error("run --stack s --firmware f --call-limit-ms 1s"),
            "`ffa-cts run`: `--call-limit-ms` takes a whole number of milliseconds, not `1s`"
        );
        let limit = |line: &str| match parse_words(line) {
            Ok(Command::Run(o)) => o.call_limit_ms,
            other => panic!("{other:?}"),
        };
        assert_eq!(limit("run --stack s --firmware f"), None, "the platform's default then");
        assert_eq!(limit("run --stack s --firmware f --call-limit-ms 0"), Some(0), "0: the monitor off");
        assert_eq!(limit("run --stack s --firmware f --call-limit-ms=250"), Some(250));
        assert_eq!(
            error("run --stack s --firmware f --console /dev/ttyUSB0"),
            "`ffa-cts run`: `--console` reads a boot the runner does not start: no `--firmware`"
        );
        let Ok(Command::Run(o)) = parse_words("run --stack s --platform juno --console /dev/ttyUSB0") else { panic!() };
        assert_eq!(
            (o.console.as_deref().and_then(|p| p.to_str()), o.firmware.as_os_str().is_empty()),
            (Some("/dev/ttyUSB0"), true)
        );
        let Ok(Command::Run(o)) = parse_words("run --stack s --platform fvp --firmware fw --fvp /m/FVP") else {
            panic!()
        };
        assert_eq!(o.fvp.as_deref().and_then(|p| p.to_str()), Some("/m/FVP"));
    }
}
