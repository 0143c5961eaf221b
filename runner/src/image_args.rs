//! The test image's command line as the runner builds it: the words QEMU passes through
//! semihosting (`ns version=1.1 only=a;b after=ID until=ID call_limit_ms=N`), parsed on the
//! other side by `ffa_harness::args::Args`.

use ffa_harness::ffa::Version;

/// What one boot of the image is asked to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageArgs {
    /// The FF-A version to request.
    pub version: Version,
    /// `;`-separated id prefixes, or `None` for every case.
    pub only: Option<String>,
    /// Resume point: run only ids sorting after this one.
    pub after: Option<String>,
    /// End of the run's part: run only ids sorting at or before this one.
    pub until: Option<String>,
    /// How long an FF-A call may last before the image's hang monitor reports it (0: off).
    pub call_limit_ms: u32,
}

impl ImageArgs {
    /// Every case `only` selects, from the first.
    pub fn new(version: Version, only: Option<String>) -> Self {
        Self { version, only, after: None, until: None, call_limit_ms: 0 }
    }

    /// The same selection, resumed after `id` (the end of the range stays).
    pub fn resumed_after(&self, id: &str) -> Self {
        Self { after: Some(id.to_owned()), ..self.clone() }
    }

    /// The words of the boot that makes a snapshot: the image waits at its hold point.
    pub fn hold_words() -> Vec<String> {
        vec!["ns".to_owned(), "hold".to_owned()]
    }

    /// The command-line words, image name first.
    pub fn words(&self) -> Vec<String> {
        let mut words = vec!["ns".to_owned(), format!("version={}", self.version)];
        words.extend(self.only.iter().map(|only| format!("only={only}")));
        words.extend(self.after.iter().map(|after| format!("after={after}")));
        words.extend(self.until.iter().map(|until| format!("until={until}")));
        if self.call_limit_ms > 0 {
            words.push(format!("call_limit_ms={}", self.call_limit_ms));
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffa_harness::args::Args;

    #[test]
    fn the_image_reads_back_what_the_runner_writes() {
        let part = ImageArgs {
            until: Some("setup.version.d".into()),
            call_limit_ms: 250,
            ..ImageArgs::new(Version::V1_2, Some("setup.version;messaging".into()))
        };
        let args = part.resumed_after("setup.version.b");
        let line = args.words().join(" ");
        assert_eq!(
            line,
            "ns version=1.2 only=setup.version;messaging after=setup.version.b until=setup.version.d call_limit_ms=250"
        );
        let parsed = Args::parse(&line);
        assert_eq!(
            (parsed.version, parsed.only, parsed.after, parsed.until, parsed.call_limit_ms, parsed.unknown),
            (Version::V1_2, "setup.version;messaging", Some("setup.version.b"), Some("setup.version.d"), 250, None)
        );
        assert_eq!(ImageArgs::new(Version::V1_1, None).words(), ["ns", "version=1.1"]);
    }
}
