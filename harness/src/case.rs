//! The case registry. A case is one `static` registered in the [`CASES`] distributed slice;
//! the record is all there is to know about it: a stable id, the DEN0077A section whose rule it
//! checks, the ABIs it exercises, the minimum FF-A version, what it needs from the SPMC, its
//! timeout and its body. Selection, skipping and reporting all come from this record.

use crate::ctx::Ctx;
use crate::desc::Uuid;
use crate::ffa::{FeatureId, FuncId, Version};
use crate::CaseResult;
use linkme::distributed_slice;

/// Every registered case, in link order (the executor sorts them by id).
#[distributed_slice]
pub static CASES: [Case];

/// A precondition evaluated before the body runs.
#[derive(Clone, Copy, Debug)]
pub enum Need {
    /// FFA_FEATURES must report this function as implemented, else `not-supported`.
    Abi(FuncId),
    /// FFA_FEATURES must report this feature ID as implemented, else `not-supported`.
    Feature(FeatureId),
    /// A partition with this UUID must be present, else `skip`.
    Partition(Uuid),
}

/// One registered case.
#[derive(Debug)]
pub struct Case {
    /// Stable id, `family.abi.rule`: lower case, digits, `_` and `.` only.
    pub id: &'static str,
    /// The DEN0077A v1.1 section of the rule the case checks.
    pub section: &'static str,
    /// The ABIs the case exercises.
    pub abis: &'static [FuncId],
    /// The lowest negotiated FF-A version the case applies to.
    pub min_version: Version,
    /// Preconditions checked before the body.
    pub needs: &'static [Need],
    /// How long the body may run before it is stopped as `timeout`.
    pub timeout_ms: u32,
    /// Its FF-A calls may last until its timeout: it makes the secure side hang on purpose and
    /// its watchdog's interrupt is what ends the call (the hang monitor waits that long, plus
    /// its limit, before it reports such a call as stuck).
    pub calls_until_timeout: bool,
    /// The body.
    pub run: fn(&mut Ctx) -> CaseResult,
}

impl Case {
    /// The default timeout of a case on QEMU.
    pub const DEFAULT_TIMEOUT_MS: u32 = 2000;

    /// A case with no preconditions, v1.0 and up, and the default timeout.
    pub const fn new(id: &'static str, section: &'static str, run: fn(&mut Ctx) -> CaseResult) -> Self {
        Self {
            id,
            section,
            abis: &[],
            min_version: Version::V1_0,
            needs: &[],
            timeout_ms: Self::DEFAULT_TIMEOUT_MS,
            calls_until_timeout: false,
            run,
        }
    }

    /// Names the ABIs the case exercises.
    pub const fn abis(mut self, abis: &'static [FuncId]) -> Self {
        self.abis = abis;
        self
    }

    /// Sets the lowest FF-A version the case applies to.
    pub const fn since(mut self, version: Version) -> Self {
        self.min_version = version;
        self
    }

    /// Sets the preconditions.
    pub const fn needs(mut self, needs: &'static [Need]) -> Self {
        self.needs = needs;
        self
    }

    /// Sets the timeout.
    pub const fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// Lets the case's calls last until its timeout (see [`Case::calls_until_timeout`]).
    pub const fn calls_until_timeout(mut self) -> Self {
        self.calls_until_timeout = true;
        self
    }
}

/// Declares one case and registers it in [`CASES`]: the doc comment states the rule and its
/// citation, then the id and the section, then any of the [`Case`] builder calls
/// (`abis(..)`, `since(..)`, `needs(..)`, `timeout_ms(..)`, `calls_until_timeout()`), then the
/// body.
///
/// ```ignore
/// case! {
///     /// Bit 31 of w1 is MBZ: a request with it set is answered with NOT_SUPPORTED in w0.
///     "setup.version.bit31_set_not_supported", VERSION, abis(&[FuncId::VERSION]);
///     fn bit31(ctx) {
///         let r = ctx.ffa.call(Regs::call(FuncId::VERSION).with(1, 1 << 31 | 0x1_0001));
///         check_eq!(r.w(0), 0xffff_ffff, "FFA_VERSION(w1 bit 31 set) w0");
///         Ok(())
///     }
/// }
/// ```
///
/// A case whose body is a shared function with arguments names it with `run:` instead of
/// `fn`: `"id", SECTION; run: |ctx| consistent(ctx, FuncId::ID_GET)`.
#[macro_export]
macro_rules! case {
    (
        $(#[$doc:meta])*
        $id:literal, $section:expr $(, $opt:ident($($val:tt)*))* ;
        fn $name:ident($ctx:ident) $body:block
    ) => {
        $(#[$doc])*
        fn $name($ctx: &mut $crate::Ctx) -> $crate::CaseResult $body
        $crate::case! { $id, $section $(, $opt($($val)*))*; run: $name }
    };
    (
        $(#[$doc:meta])*
        $id:literal, $section:expr $(, $opt:ident($($val:tt)*))* ;
        run: $run:expr
    ) => {
        const _: () = {
            $(#[$doc])*
            #[$crate::linkme::distributed_slice($crate::CASES)]
            #[linkme(crate = $crate::linkme)]
            static CASE: $crate::Case = $crate::Case::new($id, $section, $run)$(.$opt($($val)*))*;
        };
    };
}

/// Why the registry cannot be run.
#[derive(Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// No case is registered: a crate that registers cases was not linked.
    Empty,
    /// Two cases share an id.
    Duplicate(&'static str),
    /// An id has characters outside `[a-z0-9_.]`.
    BadId(&'static str),
}

/// Sorts `cases` by id into `out` and checks that the ids are valid and unique. Returns the
/// number of cases written.
pub fn sorted<'a>(cases: &'a [Case], out: &mut [Option<&'a Case>]) -> Result<usize, RegistryError> {
    if cases.is_empty() {
        return Err(RegistryError::Empty);
    }
    let n = cases.len().min(out.len());
    for (slot, case) in out.iter_mut().zip(cases) {
        *slot = Some(case);
    }
    out[..n].sort_unstable_by_key(|c| c.map(|c| c.id));
    for i in 0..n {
        let c = out[i].map(|c| c.id).unwrap_or_default();
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.') {
            return Err(RegistryError::BadId(c));
        }
        if i > 0 && out[i - 1].map(|p| p.id) == Some(c) {
            return Err(RegistryError::Duplicate(c));
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(_: &mut Ctx) -> CaseResult {
        Ok(())
    }

    #[test]
    fn sorts_and_rejects_duplicates_and_bad_ids() {
        let cases = [Case::new("b.x", "1", body), Case::new("a.y", "1", body)];
        let mut out = [None; 4];
        assert_eq!(sorted(&cases, &mut out), Ok(2));
        assert_eq!(out[0].unwrap().id, "a.y");
        let dup = [Case::new("a", "1", body), Case::new("a", "1", body)];
        assert_eq!(sorted(&dup, &mut out), Err(RegistryError::Duplicate("a")));
        let bad = [Case::new("A b", "1", body)];
        assert_eq!(sorted(&bad, &mut out), Err(RegistryError::BadId("A b")));
        assert_eq!(sorted(&[], &mut out), Err(RegistryError::Empty));
    }
}
