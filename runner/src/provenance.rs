//! What a run was made with, for `results.json`: the suite's git commit (and whether the tree
//! had changes), the SHA-256 of the firmware file, the QEMU version, and the host's name.
//! Each is looked up once, before the first boot; what cannot be found is recorded as such.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// `git rev-parse HEAD` of the working directory, with `+dirty` when `git status` lists any
/// change (untracked files included: a new case file changes the suite); `unknown` outside git.
pub fn suite_commit() -> String {
    let Some(head) = output("git", &["rev-parse", "HEAD"]) else {
        return "unknown".into();
    };
    let head = head.trim().to_owned();
    match output("git", &["status", "--porcelain"]) {
        Some(status) if status.trim().is_empty() => head,
        Some(_) => format!("{head}+dirty"),
        None => format!("{head}+unknown-status"),
    }
}

/// The SHA-256 of the file at `path`, in lower-case hex.
pub fn sha256(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The first line of `qemu --version`, or `None` when it does not run.
pub fn qemu_version(qemu: &Path) -> Option<String> {
    let text = output(qemu.to_str()?, &["--version"])?;
    text.lines().next().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)
}

/// The host's name (the kernel's, else `HOSTNAME`), `localhost` when neither is known.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The standard output of a command that succeeded.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stderr(std::process::Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_looks_up() {
        let path = std::env::temp_dir().join(format!("ffa-cts-sha-{}", std::process::id()));
        std::fs::write(&path, "abc").unwrap();
        assert_eq!(sha256(&path).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        std::fs::remove_file(&path).unwrap();
        assert!(sha256(Path::new("/nonexistent/fw.bin")).unwrap_err().contains("cannot read"));
        assert_eq!(qemu_version(Path::new("/nonexistent/qemu")), None);
        assert!(!hostname().is_empty());
        let commit = suite_commit();
        assert!(commit == "unknown" || commit.len() >= 40, "{commit}");
    }
}
