//! The image's command line (semihosting SYS_GET_CMDLINE; QEMU's `-semihosting-config arg=`):
//! space-separated `key=value` words.
//! - `version=1.1`: the FF-A version to request (default 1.1);
//! - `only=a.b;c`: run only cases whose id equals or starts with one of these prefixes;
//! - `after=ID`: run only cases whose id sorts after ID (the runner resumes with it);
//! - `hold`: the runner's snapshot boot: the image stops before it parses the line, at its
//!   hold point (`arch::hold`), until the line no longer says `hold` (a restored machine).
//! - `until=ID`: run only cases whose id sorts at or before ID (the end of a part of a run the
//!   runner splits over several QEMUs: `after` and `until` bound a contiguous range of ids).
//! - `call_limit_ms=N`: the hang monitor reports an FF-A call that has not returned after N ms
//!   (event `stuck`; default 0: no monitor).
//!
//! Unknown words are reported, not ignored silently.

use crate::ffa::Version;

/// The parsed command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args<'a> {
    /// The FF-A version to request.
    pub version: Version,
    /// `;`-separated id prefixes; empty selects every case.
    pub only: &'a str,
    /// Resume point: cases up to and including this id are not run.
    pub after: Option<&'a str>,
    /// End of the range: cases sorting after this id are not run.
    pub until: Option<&'a str>,
    /// How long an FF-A call may last before the hang monitor reports it; 0: no monitor.
    pub call_limit_ms: u32,
    /// The first word that was not understood, if any.
    pub unknown: Option<&'a str>,
}

/// True when the command line asks the image to wait at its hold point.
pub fn holds(line: &str) -> bool {
    line.split_ascii_whitespace().any(|word| word == "hold")
}

impl<'a> Args<'a> {
    /// Parses a command line. The first word may be the image name, as QEMU passes argv[0].
    pub fn parse(line: &'a str) -> Self {
        let mut args =
            Args { version: Version::V1_1, only: "", after: None, until: None, call_limit_ms: 0, unknown: None };
        for (i, word) in line.split_ascii_whitespace().enumerate() {
            match word.split_once('=') {
                Some(("version", v)) => match Version::parse(v) {
                    Some(v) => args.version = v,
                    None => args.unknown = args.unknown.or(Some(word)),
                },
                Some(("only", v)) => args.only = v,
                Some(("after", v)) => args.after = Some(v),
                Some(("until", v)) => args.until = Some(v),
                Some(("call_limit_ms", v)) => match v.parse() {
                    Ok(ms) => args.call_limit_ms = ms,
                    Err(_) => args.unknown = args.unknown.or(Some(word)),
                },
                None if i == 0 => {}
                _ => args.unknown = args.unknown.or(Some(word)),
            }
        }
        args
    }

    /// True when the case `id` is selected.
    pub fn selects(&self, id: &str) -> bool {
        let chosen = self.only.is_empty() || self.only.split(';').any(|p| !p.is_empty() && id.starts_with(p));
        chosen && self.after.is_none_or(|a| id > a) && self.until.is_none_or(|u| id <= u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_selects() {
        let a = Args::parse("ns version=1.0 only=setup.version;messaging after=setup.version.b");
        assert_eq!(a.version, Version::V1_0);
        assert_eq!(a.unknown, None);
        assert!(a.selects("setup.version.c"));
        assert!(!a.selects("setup.version.b"));
        assert!(!a.selects("setup.version.a"));
        assert!(!a.selects("setup.features.x"));
        // `after` applies in id order across every prefix: messaging.* sorts before it.
        assert!(!a.selects("messaging.x"));
        assert!(Args::parse("only=setup.version;messaging").selects("messaging.x"));
        let all = Args::parse("");
        assert_eq!(all.version, Version::V1_1);
        assert!(all.selects("anything"));
        assert_eq!(Args::parse("ns bogus=1").unknown, Some("bogus=1"));
        assert_eq!(Args::parse("ns version=x").unknown, Some("version=x"));
        assert_eq!(Args::parse("ns call_limit_ms=250").call_limit_ms, 250);
        assert_eq!(all.call_limit_ms, 0);
        assert_eq!(Args::parse("ns call_limit_ms=-1").unknown, Some("call_limit_ms=-1"));
        assert!(holds("ns hold"));
        assert!(!holds("ns version=1.1 only=hold;setup after=hold"));
    }

    #[test]
    fn after_and_until_bound_a_range() {
        let part = Args::parse("ns only=setup.;messaging. after=messaging.b until=setup.b");
        assert_eq!((part.after, part.until, part.unknown), (Some("messaging.b"), Some("setup.b"), None));
        let chosen: Vec<&str> = ["messaging.a", "messaging.b", "messaging.c", "run.x", "setup.a", "setup.b", "setup.c"]
            .into_iter()
            .filter(|id| part.selects(id))
            .collect();
        // `until` is inclusive, `after` exclusive: two neighbouring parts share no case and
        // leave none out. `only` still applies inside the range.
        assert_eq!(chosen, ["messaging.c", "setup.a", "setup.b"]);
        let first = Args::parse("until=messaging.b");
        assert!(first.selects("interop.a") && first.selects("messaging.b") && !first.selects("messaging.b.x"));
    }
}
