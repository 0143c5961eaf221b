//! The outcome of one case, and the counts of a run. Only `pass` and `not-supported` are
//! green; `not-supported` means the SPMC said (FFA_FEATURES) that it does not implement an
//! ABI the case needs, `skip` that the case does not apply to this setup. The image decides
//! every outcome but `not-run`, which only the runner gives (a run that stopped early).

/// How one case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Every check held.
    Pass,
    /// A check did not hold.
    Fail,
    /// The SPMC reported an ABI or feature the case needs as not implemented.
    NotSupported,
    /// The case does not apply (a version below its minimum, a partition it needs is absent).
    Skip,
    /// The case did not end within its timeout.
    Timeout,
    /// The case faulted (an exception or a panic).
    Crash,
    /// The case never started: the run stopped before it (out of boots, a boot that made no
    /// progress, an image that reported `done` without it).
    NotRun,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 7] =
        [Self::Pass, Self::Fail, Self::NotSupported, Self::Skip, Self::Timeout, Self::Crash, Self::NotRun];

    /// The name used in events, JSON, baselines and the matrix.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NotSupported => "not-supported",
            Self::Skip => "skip",
            Self::Timeout => "timeout",
            Self::Crash => "crash",
            Self::NotRun => "not-run",
        }
    }

    /// Parses a name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// True for outcomes that count as good in a summary.
    pub const fn is_green(self) -> bool {
        matches!(self, Self::Pass | Self::NotSupported)
    }

    /// The LAVA result word (pass | fail | skip | unknown): `unknown` for the cases whose
    /// verdict nobody saw (timeout, crash, not-run).
    pub const fn lava(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NotSupported | Self::Skip => "skip",
            Self::Timeout | Self::Crash | Self::NotRun => "unknown",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl core::fmt::Display for Outcome {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many cases ended with each outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts(pub [u32; Outcome::ALL.len()]);

impl Counts {
    /// Counts one more `outcome`.
    pub fn add(&mut self, outcome: Outcome) {
        self.0[outcome.index()] += 1;
    }

    /// Sets the count of `outcome`.
    pub fn set(&mut self, outcome: Outcome, count: u32) {
        self.0[outcome.index()] = count;
    }

    /// The count of `outcome`.
    pub const fn get(&self, outcome: Outcome) -> u32 {
        self.0[outcome.index()]
    }

    /// All cases counted.
    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    /// Cases that passed.
    pub const fn passed(&self) -> u32 {
        self.get(Outcome::Pass)
    }

    /// Cases that failed, timed out, crashed or never ran: every case that is neither green
    /// nor skipped.
    pub const fn failed(&self) -> u32 {
        self.get(Outcome::Fail) + self.get(Outcome::Timeout) + self.get(Outcome::Crash) + self.get(Outcome::NotRun)
    }

    /// Cases the image passed over: not supported or skipped.
    pub const fn skipped(&self) -> u32 {
        self.get(Outcome::NotSupported) + self.get(Outcome::Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_counts_add_up() {
        let mut c = Counts::default();
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            c.add(o);
        }
        c.add(Outcome::Pass);
        assert_eq!((c.passed(), c.failed(), c.skipped(), c.total()), (2, 4, 2, 8));
        c.set(Outcome::NotRun, 5);
        assert_eq!((c.get(Outcome::NotRun), c.failed(), c.total()), (5, 8, 12));
        assert_eq!(Outcome::parse("bogus"), None);
    }
}
