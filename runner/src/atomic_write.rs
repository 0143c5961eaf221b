//! Replacing a file in one step: write a sibling temporary file, then rename it over the
//! target, so readers (and a runner that dies mid-write) never see half a file.

use std::fs;
use std::path::Path;

/// Writes `contents` to `path` atomically.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    fs::write(&temporary, contents).map_err(|e| format!("cannot write {}: {e}", Path::new(&temporary).display()))?;
    fs::rename(&temporary, path)
        .map_err(|e| format!("cannot rename {} to {}: {e}", Path::new(&temporary).display(), path.display()))
}
