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
}

impl Failure {
    /// A failure at `file:line` with a formatted message.
    pub fn new(file: &'static str, line: u32, args: core::fmt::Arguments<'_>) -> Self {
        Self { file, line, message: FixedText::format(args) }
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

/// Fails the case unless the call returned FFA_ERROR with the given status code.
#[macro_export]
macro_rules! check_error {
    ($regs:expr, $code:expr, $($arg:tt)*) => {{
        let r = &$regs;
        let want: $crate::ffa::FfaError = $code;
        if r.error() != Some(want) {
            $crate::fail!("{}: want FFA_ERROR({}), got {}", format_args!($($arg)*), want, r.summary());
        }
    }};
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
        let f = mbz(Regs::call(FuncId::SUCCESS_32).with(5, 7)).unwrap_err();
        assert!(f.message.as_str().starts_with("FFA_ID_GET: x5 is reserved (MBZ) but holds 0x7"), "{}", f.message);
    }
}
