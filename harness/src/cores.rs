//! Running part of a case on other cores. A job is a plain function that gets a context of its
//! own on its core and returns a few values the case then compares across cores; the platform
//! starts the cores (PSCI CPU_ON on bare metal), releases every job of one call together after
//! a barrier, and collects what each core returned. A fault or a hang of a job ends the case as
//! `crash` or `timeout` with the core named, as on the boot core.

use crate::ctx::Ctx;
use crate::text::FixedText;
use crate::Failure;

/// The most cores a board can have.
pub const MAX_CORES: usize = 8;

/// What a job returns from one core.
pub type CoreValue = [u64; 4];

/// A job. A function pointer and not a closure: a job that hangs outlives its case, so it must
/// not borrow anything from the case's stack.
pub type CoreJob = fn(&mut Ctx) -> Result<CoreValue, Failure>;

/// What one job call returned on each core it ran on (`None` for cores not asked).
pub type CoreResults = [Option<Result<CoreValue, Failure>>; MAX_CORES];

/// The values every asked core returned, by core index.
#[derive(Clone, Copy, Debug)]
pub struct PerCore {
    /// How many cores ran the job (cores 0..count).
    pub count: usize,
    /// What core `i` returned.
    pub values: [CoreValue; MAX_CORES],
}

impl PerCore {
    /// Each core's values with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &CoreValue)> {
        self.values[..self.count].iter().enumerate()
    }
}

/// The first failure among `results`, with the core named; else every value.
pub fn collect(results: &CoreResults) -> Result<PerCore, Failure> {
    let mut out = PerCore { count: 0, values: [[0; 4]; MAX_CORES] };
    for (core, r) in results.iter().enumerate() {
        match r {
            None => {}
            Some(Ok(v)) => {
                out.values[core] = *v;
                out.count = core + 1;
            }
            Some(Err(f)) => return Err(on_core(core, f)),
        }
    }
    Ok(out)
}

/// `f` as it happened on `core`.
pub fn on_core(core: usize, f: &Failure) -> Failure {
    let message = FixedText::format(format_args!("core {core}: {}", f.message.as_str()));
    Failure { message, ..*f }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_its_core() {
        let mut r: CoreResults = [None; MAX_CORES];
        r[0] = Some(Ok([1, 0, 0, 0]));
        r[1] = Some(Ok([2, 0, 0, 0]));
        let all = collect(&r).expect("no failure");
        assert_eq!(all.count, 2);
        assert_eq!(all.iter().map(|(_, v)| v[0]).sum::<u64>(), 3);
        r[2] = Some(Err(Failure::new("x.rs", 7, format_args!("bad"))));
        let f = collect(&r).expect_err("core 2 failed");
        assert_eq!(f.message.as_str(), "core 2: bad");
        assert_eq!(f.line, 7);
    }
}
