//! A command source's program, resolved when the config is loaded: to an
//! absolute path (a bare name through `PATH`, as a shell would find it
//! now), and only if nobody but its owner (you or root) can change it or
//! the directory it is in. What runs later is what `check` showed.

use std::path::{Path, PathBuf};

/// Why a command source's program is not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    #[error(
        "\"{given}\" is a relative path, which would depend on the directory homedash is started from; give its absolute path, e.g. \"{}\"",
        suggestion.display()
    )]
    Relative { given: String, suggestion: PathBuf },
    #[error("\"{given}\" is not on PATH ({path}); install it, or give its absolute path")]
    NotOnPath { given: String, path: String },
    #[error("{} does not exist or is not a file", path.display())]
    Missing { path: PathBuf },
    #[error("{} is not executable; `chmod u+x {}`", path.display(), path.display())]
    NotExecutable { path: PathBuf },
    #[error(
        "{} can be changed by {who}, who could then read every token it prints; `chmod go-w {}`, or move the program somewhere only you (or root) can write",
        path.display(),
        path.display()
    )]
    Writable { path: PathBuf, who: &'static str },
    #[error(
        "{} belongs to user {owner}, who could change what it prints; use a program owned by you or root",
        path.display()
    )]
    Owner { path: PathBuf, owner: u32 },
}

/// `given` as the absolute path that will run, once checked.
pub fn resolve(given: &str) -> Result<PathBuf, ProgramError> {
    let path = Path::new(given);
    let found = if path.is_absolute() {
        path.to_path_buf()
    } else if given.contains('/') {
        return Err(ProgramError::Relative {
            given: given.to_string(),
            // `a/./b` read as `a/b`: the path as one would type it.
            suggestion: std::env::current_dir()
                .unwrap_or_default()
                .join(path)
                .components()
                .collect(),
        });
    } else {
        on_path(given)?
    };
    check(&found)?;
    Ok(found)
}

/// The first executable file named `name` in a `PATH` directory; relative
/// `PATH` entries (`.` among them) are skipped, as they would make the
/// program depend on where homedash was started.
fn on_path(name: &str) -> Result<PathBuf, ProgramError> {
    let var = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&var).filter(|d| d.is_absolute()) {
        let candidate = dir.join(name);
        if candidate.is_file() && executable(&candidate) {
            return Ok(candidate);
        }
    }
    Err(ProgramError::NotOnPath {
        given: name.to_string(),
        path: var.to_string_lossy().into_owned(),
    })
}

#[cfg(unix)]
fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_p: &Path) -> bool {
    true
}

/// The program (through its links) and its directory: a file, executable,
/// owned by you or root, and writable by nobody else; the same of every
/// directory above it, where a sticky bit (as on /tmp) is enough.
#[cfg(unix)]
fn check(path: &Path) -> Result<(), ProgramError> {
    use std::os::unix::fs::MetadataExt;
    let real = std::fs::canonicalize(path).map_err(|_| ProgramError::Missing {
        path: path.to_path_buf(),
    })?;
    let md = std::fs::metadata(&real).map_err(|_| ProgramError::Missing { path: real.clone() })?;
    if !md.is_file() {
        return Err(ProgramError::Missing { path: real });
    }
    if md.mode() & 0o111 == 0 {
        return Err(ProgramError::NotExecutable { path: real });
    }
    let me = rustix::process::geteuid().as_raw();
    let private_group = private_group(me);
    let guarded = |p: &Path, md: &std::fs::Metadata, sticky_ok: bool| -> Result<(), ProgramError> {
        if md.uid() != me && md.uid() != 0 {
            return Err(ProgramError::Owner {
                path: p.to_path_buf(),
                owner: md.uid(),
            });
        }
        let sticky = md.mode() & 0o1000 != 0;
        // A group of your own alone (a user private group, as umask 002
        // setups give `~/.local/bin`) is you.
        let group = md.mode() & 0o020 != 0 && private_group != Some(md.gid());
        if (md.mode() & 0o002 != 0 || group) && !(sticky_ok && sticky) {
            return Err(ProgramError::Writable {
                path: p.to_path_buf(),
                who: if md.mode() & 0o002 != 0 {
                    "every user"
                } else {
                    "its group"
                },
            });
        }
        Ok(())
    };
    guarded(&real, &md, false)?;
    // The directories of the path that runs and of the file it leads to:
    // whoever could swap a link could swap the program. The program's own
    // directory may not be shared even with a sticky bit (others could add
    // a program of the same name); above it, a sticky bit is enough.
    let mut dirs: Vec<(PathBuf, bool)> = Vec::new();
    for start in [real.parent(), path.parent()].into_iter().flatten() {
        for (i, dir) in start.ancestors().enumerate() {
            match dirs.iter_mut().find(|(d, _)| d == dir) {
                Some(seen) => seen.1 &= i > 0,
                None => dirs.push((dir.to_path_buf(), i > 0)),
            }
        }
    }
    for (dir, sticky_ok) in dirs {
        let md = std::fs::metadata(&dir).map_err(|_| ProgramError::Missing { path: dir.clone() })?;
        guarded(&dir, &md, sticky_ok)?;
    }
    Ok(())
}

/// The gid of `uid`'s own group, when it is a user private group: named
/// as the user, the user's primary group, with no other member.
#[cfg(unix)]
fn private_group(uid: u32) -> Option<u32> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let (name, gid) = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        let ours = f.get(2)?.parse::<u32>().ok()? == uid;
        ours.then(|| Some((f.first()?.to_string(), f.get(3)?.parse::<u32>().ok()?)))?
    })?;
    let group = std::fs::read_to_string("/etc/group").ok()?;
    let private = group.lines().any(|l| {
        let f: Vec<&str> = l.split(':').collect();
        f.first() == Some(&name.as_str())
            && f.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(gid)
            && f.get(3).is_none_or(|m| m.split(',').all(|m| m.is_empty() || m == name))
    });
    private.then_some(gid)
}

#[cfg(not(unix))]
fn check(path: &Path) -> Result<(), ProgramError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(ProgramError::Missing {
            path: path.to_path_buf(),
        })
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, mode: u32) -> PathBuf {
        let p = dir.join("tok");
        std::fs::write(&p, "#!/bin/sh\necho x\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn absolute_and_bare_names_resolve_relative_paths_do_not() {
        let sh = resolve("sh").unwrap();
        assert!(sh.is_absolute(), "{sh:?}");
        assert!(matches!(resolve("./tok"), Err(ProgramError::Relative { .. })));
        assert!(matches!(resolve("bin/tok"), Err(ProgramError::Relative { .. })));
        assert!(matches!(
            resolve("hd-no-such-program-xyz"),
            Err(ProgramError::NotOnPath { .. })
        ));
    }

    #[test]
    fn a_program_or_directory_others_can_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let ok = script(tmp.path(), 0o755);
        assert_eq!(resolve(ok.to_str().unwrap()).unwrap(), ok);
        std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o757)).unwrap();
        let e = resolve(ok.to_str().unwrap()).unwrap_err();
        assert!(matches!(e, ProgramError::Writable { who: "every user", .. }), "{e}");
        assert!(e.to_string().contains("chmod go-w"), "{e}");
        std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            resolve(ok.to_str().unwrap()),
            Err(ProgramError::NotExecutable { .. })
        ));
        std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o755)).unwrap();
        // A world-writable directory, even with the sticky bit.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(matches!(
            resolve(ok.to_str().unwrap()),
            Err(ProgramError::Writable { .. })
        ));
    }
}
