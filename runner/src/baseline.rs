//! A stack's baseline (`results/baselines/<stack>.json`): the outcome expected of every case
//! on that stack, with the reason for each expected deviation. Pretty JSON, cases sorted by
//! id, so reviews see one line per changed expectation.

use crate::atomic_write::write_atomically;
use crate::outcome_serde;
use ffa_harness::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `schema` of a baseline file.
pub const SCHEMA: u32 = 1;

/// The expected outcomes of one stack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub schema: u32,
    pub stack: String,
    pub ffa_version: String,
    pub cases: BTreeMap<String, Expectation>,
}

/// What one case is expected to do, and why when it is not `pass`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    #[serde(with = "outcome_serde::name")]
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The baseline file of `stack` at FF-A `version` under `dir`: `<stack>.json` at 1.1,
/// `<stack>-ffa<version>.json` otherwise (the rule scripts/baseline-path.sh writes for the
/// shell; a host test keeps the two the same).
pub fn path(dir: &Path, stack: &str, version: &str) -> PathBuf {
    match version {
        "1.1" => dir.join(format!("{stack}.json")),
        _ => dir.join(format!("{stack}-ffa{version}.json")),
    }
}

impl Baseline {
    /// Reads a baseline file. `Ok(None)` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the baseline {}: {e}", path.display())),
        };
        let baseline: Self =
            serde_json::from_str(&text).map_err(|e| format!("the baseline {} is not valid: {e}", path.display()))?;
        if baseline.schema != SCHEMA {
            return Err(format!(
                "the baseline {} has schema {}, this ffa-cts reads schema {SCHEMA}",
                path.display(),
                baseline.schema
            ));
        }
        Ok(Some(baseline))
    }

    /// Writes the baseline file.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serializes to JSON");
        text.push('\n');
        write_atomically(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_the_one_scripts_baseline_path_sh_names() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for version in ["1.0", "1.1", "1.2"] {
            let out = std::process::Command::new(root.join("scripts/baseline-path.sh"))
                .args(["optee-sel1", version])
                .output()
                .unwrap();
            let script = String::from_utf8(out.stdout).unwrap();
            assert_eq!(path(Path::new("results/baselines"), "optee-sel1", version).to_str(), Some(script.trim()));
        }
    }
}
