//! Replacing a file in one step: write a uniquely named temporary file beside it, then rename
//! it over the target, so readers (and a runner that dies mid-write) never see half a file.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ffa-cts-");
    // A temporary file is private (0600); the files it becomes are ordinary ones.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut temporary =
        builder.tempfile_in(dir).map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    temporary
        .write_all(contents.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", temporary.path().display()))?;
    temporary.persist(path).map_err(|e| format!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("ffa-cts-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.json");
        write_atomically(&path, "one").unwrap();
        write_atomically(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777,
            0o644
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
