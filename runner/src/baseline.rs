//! A stack's baseline (`results/baselines/<stack>.json`): the outcome expected of every case
//! on that stack, with the reason for each expected deviation. Pretty JSON, cases sorted by
//! id, so reviews see one line per changed expectation.

use crate::atomic_write::write_atomically;
use crate::outcome_serde;
use ffa_harness::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

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
