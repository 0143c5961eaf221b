//! The test image's command line as the runner builds it: the words QEMU passes through
//! semihosting (`ns version=1.1 only=a;b after=ID call_limit_ms=N`), parsed on the other side
//! by `ffa_harness::args::Args`.

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
    /// How long an FF-A call may last before the image's hang monitor reports it (0: off).
    pub call_limit_ms: u32,
}

impl ImageArgs {
    /// The same selection, resumed after `id`.
    pub fn resumed_after(&self, id: &str) -> Self {
        Self { after: Some(id.to_owned()), ..self.clone() }
    }

    /// The command-line words, image name first.
    pub fn words(&self) -> Vec<String> {
        let mut words = vec!["ns".to_owned(), format!("version={}", self.version)];
        words.extend(self.only.iter().map(|only| format!("only={only}")));
        words.extend(self.after.iter().map(|after| format!("after={after}")));
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
        let args = ImageArgs {
            version: Version::V1_2,
            only: Some("setup.version;messaging".into()),
            after: None,
            call_limit_ms: 250,
        }
        .resumed_after("setup.version.b");
        let line = args.words().join(" ");
        assert_eq!(line, "ns version=1.2 only=setup.version;messaging after=setup.version.b call_limit_ms=250");
        let parsed = Args::parse(&line);
        assert_eq!(
            (parsed.version, parsed.only, parsed.after, parsed.call_limit_ms, parsed.unknown),
            (Version::V1_2, "setup.version;messaging", Some("setup.version.b"), 250, None)
        );
        let off = ImageArgs { version: Version::V1_1, only: None, after: None, call_limit_ms: 0 };
        assert_eq!(off.words().join(" "), "ns version=1.1");
    }
}
