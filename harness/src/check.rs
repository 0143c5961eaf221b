//! What a failing check produces, and the check macros cases use with `?`. A failure carries
//! the file and line of the check and a message with both sides of the comparison.

use crate::text::FixedText;

/// Why a case failed.
#[derive(Clone, Copy, Debug)]
pub struct Failure {
    /// Source file of the check.
    pub file: &'static str,
    /// Line of the check.
    pub line: u32,
    /// What was expected and what came back.
    pub message: FixedText<240>,
    /// Whether this is a failure, or an end the body chose that is none.
    pub kind: FailureKind,
}

/// How a [`Failure`] ends its case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// A check did not hold: `fail`.
    Failed,
    /// The body found that the case does not apply to this stack (its `message` says why):
    /// `skip` (see [`not_applicable!`]).
    NotApplicable,
    /// The body found that the SPMC says it does not offer what the case checks (FFA_FEATURES
    /// answered NOT_SUPPORTED, asked with inputs `needs` cannot give): `not-supported`, as an
    /// unmet `Need::Abi` ends (see [`not_supported!`]).
    NotSupported,
}

impl Failure {
    /// A failure at `file:line` with a formatted message.
    pub fn new(file: &'static str, line: u32, args: core::fmt::Arguments<'_>) -> Self {
        Self { file, line, message: FixedText::format(args), kind: FailureKind::Failed }
    }

    /// The case does not apply, for the reason `args` gives: it ends as `skip`.
    pub fn not_applicable(file: &'static str, line: u32, args: core::fmt::Arguments<'_>) -> Self {
        Self { kind: FailureKind::NotApplicable, ..Self::new(file, line, args) }
    }

    /// The SPMC does not offer what the case checks, as `args` says: it ends as `not-supported`.
    pub fn not_supported(file: &'static str, line: u32, args: core::fmt::Arguments<'_>) -> Self {
        Self { kind: FailureKind::NotSupported, ..Self::new(file, line, args) }
    }
}

/// What a case body returns.
pub type CaseResult = Result<(), Failure>;

/// Ends the case as failed with a formatted message.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::Failure::new(file!(), line!(), format_args!($($arg)*)))
    };
}

/// Ends the case as `skip`: what it checks does not exist on this stack (a case whose
/// preconditions need a look at the SPMC's answers, beyond what `needs` can say).
#[macro_export]
macro_rules! not_applicable {
    ($($arg:tt)*) => {
        return Err($crate::Failure::not_applicable(file!(), line!(), format_args!($($arg)*)))
    };
}

/// Ends the case as `not-supported`: FFA_FEATURES, asked with input properties `needs` cannot
/// express, answered NOT_SUPPORTED for what the case checks.
#[macro_export]
macro_rules! not_supported {
    ($($arg:tt)*) => {
        return Err($crate::Failure::not_supported(file!(), line!(), format_args!($($arg)*)))
    };
}

/// Fails the case unless `cond` holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::fail!($($arg)*);
        }
    };
}

/// Fails the case unless `got == want`, printing both (integers in hex).
#[macro_export]
macro_rules! check_eq {
    ($got:expr, $want:expr, $($arg:tt)*) => {{
        let (got, want) = (&$got, &$want);
        if got != want {
            $crate::fail!("{}: got {:#x?}, want {:#x?}", format_args!($($arg)*), got, want);
        }
    }};
}

/// Fails the case unless the call returned FFA_SUCCESS_32 or FFA_SUCCESS_64.
#[macro_export]
macro_rules! check_success {
    ($regs:expr, $($arg:tt)*) => {{
        let r = &$regs;
        if !r.is_success() {
            $crate::fail!("{}: want FFA_SUCCESS, got {}", format_args!($($arg)*), r.summary());
        }
    }};
}

/// Fails the case unless the call returned FFA_ERROR with the given status code, encoded as
/// DEN0077A v1.1 section 11.2 (Table 11.2) has it: w2 is the status code, w1 (target
/// information) and w3..w7 are reserved (MBZ, the low halves: FFA_ERROR is SMC32). [`Failure::error_encoding`] says what is wrong.
#[macro_export]
macro_rules! check_error {
    ($regs:expr, $code:expr, $($arg:tt)*) => {{
        let r = &$regs;
        let want: $crate::ffa::FfaError = $code;
        if let Some(why) = $crate::check::error_encoding(r, want) {
            $crate::fail!("{}: want FFA_ERROR({}), got {}{}", format_args!($($arg)*), want, r.summary(), why);
        }
    }};
}

/// What is wrong with `r` as an FFA_ERROR carrying `want`: `None` when it is one, else the
/// tail of a failure message (empty when w0 or the code differ, since the summary shows
/// those; the first non-zero reserved register otherwise).
pub fn error_encoding(r: &crate::ffa::Regs, want: crate::ffa::FfaError) -> Option<FixedText<80>> {
    if r.error() != Some(want) {
        return Some(FixedText::new());
    }
    if r.w(1) != 0 {
        return Some(FixedText::format(format_args!(" with w1 = {:#x} (target information, MBZ)", r.w(1))));
    }
    // FFA_ERROR is an SMC32 function: only the low halves of the result registers carry it.
    let (i, v) = (3..=7).map(|i| (i, r.w(i))).find(|&(_, v)| v != 0)?;
    Some(FixedText::format(format_args!(" with w{i} = {v:#x} (reserved, MBZ)")))
}

/// Fails the case unless registers x`from`..=x`to` of a result are all zero.
#[macro_export]
macro_rules! check_mbz {
    ($regs:expr, $from:expr, $to:expr, $($arg:tt)*) => {{
        let r = &$regs;
        if let Some((i, v)) = r.nonzero($from, $to).next() {
            $crate::fail!("{}: x{} is reserved (MBZ) but holds {:#x} in {}", format_args!($($arg)*), i, v, r.summary());
        }
    }};
}

/// Non-fatal checks for sweeps (every function ID, every reserved bit): each `expect!` or
/// `expect_eq!` that does not hold is counted and its message kept as far as there is room,
/// and [`Expectations::done`] ends the case with one failure that lists them, at the first
/// one's location. A fatal `check_*!` would hide every mismatch after the first.
#[derive(Default)]
pub struct Expectations {
    checked: u32,
    failed: u32,
    first: Option<(&'static str, u32)>,
    text: FixedText<240>,
}

impl Expectations {
    /// No expectation recorded yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one expectation; when it did not hold, keeps `what` happened.
    pub fn record(&mut self, held: bool, file: &'static str, line: u32, what: core::fmt::Arguments<'_>) {
        self.checked += 1;
        if held {
            return;
        }
        self.failed += 1;
        self.first.get_or_insert((file, line));
        let sep = if self.failed == 1 { "" } else { "; " };
        let _ = core::fmt::Write::write_fmt(&mut self.text, format_args!("{sep}{what}"));
    }

    /// `Ok` when every expectation held, else one failure naming how many did not and why.
    pub fn done(self) -> CaseResult {
        match self.first {
            None => Ok(()),
            Some((file, line)) => Err(Failure::new(
                file,
                line,
                format_args!("{} of {} expectations failed: {}", self.failed, self.checked, self.text.as_str()),
            )),
        }
    }
}

/// Records in `$e` (an [`Expectations`]) whether `cond` holds, and the message if not.
#[macro_export]
macro_rules! expect {
    ($e:expr, $cond:expr, $($arg:tt)*) => {
        $e.record($cond, file!(), line!(), format_args!($($arg)*))
    };
}

/// Records in `$e` whether `got == want`, with both sides (integers in hex) if not.
#[macro_export]
macro_rules! expect_eq {
    ($e:expr, $got:expr, $want:expr, $($arg:tt)*) => {{
        let (got, want) = (&$got, &$want);
        $e.record(got == want, file!(), line!(), format_args!("{}: got {:#x?}, want {:#x?}", format_args!($($arg)*), got, want))
    }};
}

#[cfg(test)]
mod tests {
    use crate::ffa::{FfaError, FuncId, Regs};
    use crate::CaseResult;

    fn eq(a: u32, b: u32) -> CaseResult {
        check_eq!(a, b, "w{}", 2);
        Ok(())
    }

    fn err(r: Regs) -> CaseResult {
        check_error!(r, FfaError::Denied, "second create");
        Ok(())
    }

    fn sweep(values: &[u32]) -> CaseResult {
        let mut e = super::Expectations::new();
        for (i, v) in values.iter().enumerate() {
            expect_eq!(e, *v, 0u32, "entry {i}");
        }
        expect!(e, !values.is_empty(), "no entries");
        e.done()
    }

    fn mbz(r: Regs) -> CaseResult {
        check_mbz!(r, 3, 7, "FFA_ID_GET");
        Ok(())
    }

    #[test]
    fn messages_name_both_sides() {
        assert!(eq(1, 1).is_ok());
        let f = eq(0x10, 0x8000).unwrap_err();
        assert_eq!(f.message.as_str(), "w2: got 0x10, want 0x8000");
        assert!(f.file.ends_with("check.rs"));
        let f = err(Regs::call(FuncId::SUCCESS_32)).unwrap_err();
        assert_eq!(
            f.message.as_str(),
            "second create: want FFA_ERROR(DENIED), got FFA_SUCCESS_32(x1=0x0 x2=0x0 x3=0x0)"
        );
        let f = err(Regs::call(FuncId::ERROR).with(2, (-6i32) as u32 as u64).with(1, 0x8001)).unwrap_err();
        assert!(f.message.as_str().ends_with("with w1 = 0x8001 (target information, MBZ)"), "{}", f.message);
        let f = err(Regs::call(FuncId::ERROR).with(2, (-6i32) as u32 as u64).with(6, 3)).unwrap_err();
        assert!(f.message.as_str().ends_with("with w6 = 0x3 (reserved, MBZ)"), "{}", f.message);
        let upper = Regs::call(FuncId::ERROR).with(2, (-6i32) as u32 as u64).with(4, 0xffff_0000_0000_0000);
        assert!(err(upper).is_ok(), "FFA_ERROR is SMC32: upper halves are not its encoding");
        let f = mbz(Regs::call(FuncId::SUCCESS_32).with(5, 7)).unwrap_err();
        assert!(f.message.as_str().starts_with("FFA_ID_GET: x5 is reserved (MBZ) but holds 0x7"), "{}", f.message);
    }

    #[test]
    fn expectations_report_every_miss_at_the_first() {
        assert!(sweep(&[0, 0]).is_ok());
        let f = sweep(&[0, 5, 7]).unwrap_err();
        assert_eq!(
            f.message.as_str(),
            "2 of 4 expectations failed: entry 1: got 0x5, want 0x0; entry 2: got 0x7, want 0x0"
        );
        assert!(sweep(&[]).unwrap_err().message.as_str().starts_with("1 of 1 expectations failed: no entries"));
    }
}
