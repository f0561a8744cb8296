//! Writing a file so that a crash at any moment leaves the old content or
//! the new, never a mix: a temporary file beside it, fsync, rename, fsync
//! of the directory.

use std::io::Write;
use std::path::Path;

/// Replace `path` with `bytes`, readable by the owner only on Unix.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    clear_stale(dir, name);
    let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), fastrand::u32(..)));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Open `path` to append to it (created owner-only), never through a
/// symlink: a link planted where a state file belongs is an error
/// (`ELOOP`), not a way to make homedash write elsewhere.
pub fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    no_follow(&mut opts);
    opts.open(path)
}

/// `O_NOFOLLOW | O_CLOEXEC` and mode 0600 on Unix.
pub fn no_follow(opts: &mut std::fs::OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600)
            .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::CLOEXEC).bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = opts;
}

/// Temp files of writers that were killed mid-write: their process is gone.
fn clear_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.strip_suffix(".tmp").and_then(|r| r.split('.').next()) else {
            continue;
        };
        if pid.parse::<u32>().is_ok_and(|p| p != std::process::id() && !alive(p)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Without /proc, a stale file cannot be told from a live writer's: keep it.
#[cfg(not(target_os = "linux"))]
fn alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn nothing_is_appended_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"theirs").unwrap();
        let link = dir.path().join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(super::open_append(&link).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"theirs");
        let plain = dir.path().join("plain.log");
        use std::io::Write;
        super::open_append(&plain).unwrap().write_all(b"a").unwrap();
        super::open_append(&plain).unwrap().write_all(b"b").unwrap();
        assert_eq!(std::fs::read(&plain).unwrap(), b"ab");
    }

    #[test]
    fn replaces_whole_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/state.json");
        super::write(&p, b"one").unwrap();
        super::write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(p.parent().unwrap()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
