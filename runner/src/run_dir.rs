//! The run folder: `<out>/<UTC YYYYmmdd-HHMMSS>-<stack>-ffa<version>/`, and `<out>/latest`
//! pointing at the newest one (a symlink, or where symlinks fail a file holding the path).

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Creates a fresh run folder under `out` (adding `-2`, `-3`, ... when the second is taken).
pub fn create(out: &Path, stamp: &str, stack: &str, version: &str) -> Result<PathBuf, String> {
    fs::create_dir_all(out).map_err(|e| format!("cannot create the results folder {}: {e}", out.display()))?;
    let name = format!("{stamp}-{stack}-ffa{version}");
    for n in 1..100 {
        let dir = out.join(if n == 1 { name.clone() } else { format!("{name}-{n}") });
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create the run folder {}: {e}", dir.display())),
        }
    }
    Err(format!("cannot create a run folder {name} under {}: 99 already exist", out.display()))
}

/// Points `<out>/latest` at `dir`, replacing the previous link in one step.
pub fn point_latest(out: &Path, dir: &Path) -> Result<(), String> {
    let latest = out.join("latest");
    let temporary = out.join(format!(".latest.{}", std::process::id()));
    let _ = fs::remove_file(&temporary);
    let target = dir.file_name().map(PathBuf::from).unwrap_or_else(|| dir.to_owned());
    if symlink(&target, &temporary).is_ok() && fs::rename(&temporary, &latest).is_ok() {
        return Ok(());
    }
    let _ = fs::remove_file(&temporary);
    let absolute = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    crate::atomic_write::write_atomically(&latest, &format!("{}\n", absolute.display()))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(ErrorKind::Unsupported.into())
}

/// The run folder `path` names: itself, or the path written in it when it is a file.
pub fn resolve(path: &Path) -> Result<PathBuf, String> {
    if path.is_dir() {
        return Ok(path.to_owned());
    }
    let text = fs::read_to_string(path)
        .map_err(|e| format!("no run folder at {}: {e}; run `ffa-cts run` first or pass --run DIR", path.display()))?;
    Ok(PathBuf::from(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_latest() {
        let out = std::env::temp_dir().join(format!("ffa-cts-run-dir-{}", std::process::id()));
        let _ = fs::remove_dir_all(&out);
        let a = create(&out, "20251126-115600", "optee", "1.1").unwrap();
        let b = create(&out, "20251126-115600", "optee", "1.1").unwrap();
        assert!(a.ends_with("20251126-115600-optee-ffa1.1"));
        assert!(b.ends_with("20251126-115600-optee-ffa1.1-2"));
        point_latest(&out, &a).unwrap();
        point_latest(&out, &b).unwrap();
        let latest = resolve(&out.join("latest")).unwrap();
        assert_eq!(fs::canonicalize(latest).unwrap(), fs::canonicalize(&b).unwrap());
        fs::write(out.join("pointer"), format!("{}\n", a.display())).unwrap();
        assert_eq!(resolve(&out.join("pointer")).unwrap(), a);
        fs::remove_dir_all(&out).unwrap();
    }
}
