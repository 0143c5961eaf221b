//! ffa-cts: the host runner of the FF-A conformance test suite. `run` boots a stack in QEMU
//! and collects the image's events into results, `list` shows the registered cases, `gate`
//! compares a run with the stack's baseline, `matrix` writes the compatibility matrix of the
//! newest runs (and `matrix --diff` compares two).

// Links the case registrations into `ffa_harness::CASES` for `list`.
use ffa_cases as _;

mod atomic_write;
mod baseline;
mod boot;
mod boot_loop;
mod call_limit;
mod cli;
mod console;
mod fvp;
mod gate;
mod host_cpu;
mod image_args;
mod junit;
mod list;
mod markdown;
mod matrix;
mod matrix_diff;
mod matrix_html;
mod merge;
mod outcome_serde;
mod parts;
mod process;
mod provenance;
mod qemu;
mod qmp;
mod recorder;
mod results;
mod run;
mod run_dir;
mod run_set;
mod secure_uart;
mod snapshot;
mod split;
mod summary;
mod time;

use cli::{Command, UsageError};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match cli::parse(&args) {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            Ok(0)
        }
        Ok(Command::List { only }) => list::render(&ffa_harness::CASES, only.as_deref()).map(|text| {
            println!("{text}");
            0
        }),
        Ok(Command::Run(options)) => run::run(&options),
        Ok(Command::Gate(options)) => gate::gate(&options),
        Ok(Command::Matrix(options)) => matrix::matrix(&options),
        Ok(Command::MatrixDiff(a, b)) => matrix_diff::diff(&a, &b),
        Err(UsageError(message)) => {
            eprint!("error: {message}\n\n{}", cli::USAGE);
            Ok(2)
        }
    };
    ExitCode::from(outcome.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        2
    }))
}
