//! Where a credential's value comes from, chosen explicitly per credential:
//! the OS keyring (the default), an environment variable (headless servers,
//! CI), or a command whose stdout is the secret (`pass show ...`,
//! `op read ...`, `vault kv get -field=token ...`).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::io::AsyncReadExt;
use zeroize::Zeroizing;

pub use crate::stores::source_error::{FileProblem, SourceError};

use super::keyring::{Keyring, KeyringError, off_thread};
use super::secret;

/// A secret is short; more output than this is not a token.
const MAX_STDOUT: usize = 64 * 1024;
/// A failed command's last words on stderr are cut to this.
const STDERR_WORDS: usize = 200;

pub use crate::config::model::{DEFAULT_COMMAND_TIMEOUT, SecretSource};

/// `$CREDENTIALS_DIRECTORY/NAME`: private to this user (its own, or
/// root's with an ACL that lets this user alone read it, as systemd makes
/// it for a service with `User=`), opened without following a link; its
/// first non-empty line.
#[cfg(unix)]
fn read_systemd(dir: Option<std::ffi::OsString>, name: &str) -> Result<SecretString, SourceError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = dir.ok_or_else(|| SourceError::NoCredentialsDirectory { name: name.to_string() })?;
    let path = std::path::Path::new(&dir).join(name);
    let bad = |problem| SourceError::SystemdFile {
        path: path.clone(),
        problem,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        // No link followed, no FIFO waited on, no terminal taken as ours.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad(FileProblem::Missing),
            _ if e.raw_os_error() == Some(libc::ELOOP) => bad(FileProblem::Link),
            _ => bad(FileProblem::Unreadable(e.to_string())),
        })?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    crate::stores::private_file::check(&file, me).map_err(bad)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_STDOUT + 1));
    file.take(MAX_STDOUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(FileProblem::Unreadable(e.to_string())))?;
    if bytes.len() > MAX_STDOUT {
        return Err(bad(FileProblem::TooLarge));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| bad(FileProblem::Unreadable("not UTF-8 text".into())))?;
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| bad(FileProblem::Empty))?;
    let value = secret::from_string(first.to_string());
    secret::check(value.expose_secret()).map_err(|u| SourceError::Unsafe {
        from: format!("systemd credential {name}"),
        at: u.at,
    })?;
    Ok(value)
}

#[cfg(not(unix))]
fn read_systemd(_dir: Option<std::ffi::OsString>, name: &str) -> Result<SecretString, SourceError> {
    Err(SourceError::NoCredentialsDirectory { name: name.to_string() })
}

async fn run_command(argv: &[String], timeout: Duration, hide_env: &[String]) -> Result<SecretString, SourceError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(SourceError::NotFound {
            program: String::new(),
            detail: "the command is empty".into(),
        });
    };
    let mut run = crate::process::start(program, args, hide_env).map_err(|e| SourceError::NotFound {
        program: program.clone(),
        detail: e.to_string(),
    })?;
    let crate::process::Run {
        child,
        stdout: out,
        stderr: err,
        tail,
        ..
    } = &mut run;
    let work = async {
        // Sized for the most we read, so it never reallocates (which would
        // leave an unwiped copy of the token behind).
        let mut stdout = Zeroizing::new(Vec::with_capacity(MAX_STDOUT + 1));
        let mut limited = out.take(MAX_STDOUT as u64 + 1);
        let (r1, r2) = tokio::join!(limited.read_to_end(&mut stdout), tail.drain(err));
        let status = child.wait().await;
        (r1.and(r2).and(status), stdout)
    };
    let Ok((result, stdout)) = tokio::time::timeout(timeout, work).await else {
        run.stop().await;
        return Err(SourceError::TimedOut {
            program: program.clone(),
            after: timeout,
            stderr: run.tail.last_words(STDERR_WORDS),
        });
    };
    // Whatever it printed is held before its stderr is read back: a
    // command that fails may still have printed the token, and echo it.
    if let Ok(text) = std::str::from_utf8(&stdout)
        && let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty())
    {
        crate::outside::hold(first);
    }
    let status = result.map_err(|e| SourceError::NotFound {
        program: program.clone(),
        detail: e.to_string(),
    })?;
    if !status.success() {
        return Err(SourceError::Failed {
            program: program.clone(),
            status: status.to_string(),
            stderr: run.tail.last_words(STDERR_WORDS),
        });
    }
    if stdout.len() > MAX_STDOUT {
        return Err(SourceError::TooMuchOutput {
            program: program.clone(),
        });
    }
    let text = String::from_utf8(stdout.to_vec()).map_err(|_| SourceError::EmptyOutput {
        program: program.clone(),
    })?;
    // `pass` and friends print the secret on the first line; trailing lines
    // are metadata. Only the first non-empty line is the token.
    let first = Zeroizing::new(
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string(),
    );
    drop(Zeroizing::new(text));
    if first.is_empty() {
        return Err(SourceError::EmptyOutput {
            program: program.clone(),
        });
    }
    let value = secret::from_string(first.to_string());
    secret::check(value.expose_secret()).map_err(|u| SourceError::Unsafe {
        from: format!("`{program}`"),
        at: u.at,
    })?;
    Ok(value)
}

/// Read the value of credential `name` from `source`. Keyring reads happen
/// on a blocking thread, under the keyring's own deadline.
pub async fn read(source: &SecretSource, name: &str, keyring: Option<&Keyring>) -> Result<SecretString, SourceError> {
    match source {
        SecretSource::Keyring => {
            let keyring = match keyring {
                Some(k) => k.clone(),
                None => off_thread(Keyring::connect).await.map_err(SourceError::Keyring)?,
            };
            let name = name.to_string();
            let value = off_thread({
                let name = name.clone();
                move || keyring.get(&name)
            })
            .await
            .map_err(SourceError::Keyring)?;
            // Checked where it is used, not where it is read: an entry
            // with a control character can still be found and removed.
            secret::check(value.expose_secret())
                .map_err(|u| SourceError::Keyring(KeyringError::Unsafe { name, at: u.at }))?;
            Ok(value)
        }
        SecretSource::Env { var } => match std::env::var(var) {
            Ok(v) if v.trim().is_empty() => Err(SourceError::EnvEmpty { var: var.clone() }),
            Ok(v) => {
                let value = secret::from_string(v);
                secret::check(value.expose_secret()).map_err(|u| SourceError::Unsafe {
                    from: format!("environment variable {var}"),
                    at: u.at,
                })?;
                Ok(value)
            }
            Err(_) => Err(SourceError::EnvUnset { var: var.clone() }),
        },
        SecretSource::Command {
            argv,
            timeout,
            hide_env,
        } => run_command(argv, *timeout, hide_env).await,
        SecretSource::Systemd { name } => {
            let name = name.clone();
            let dir = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|d| !d.is_empty());
            tokio::task::spawn_blocking(move || read_systemd(dir, &name))
                .await
                .unwrap_or_else(|e| {
                    Err(SourceError::SystemdFile {
                        path: std::path::PathBuf::new(),
                        problem: FileProblem::Unreadable(e.to_string()),
                    })
                })
        }
    }
}

#[cfg(test)]
#[path = "tests/source.rs"]
mod tests;
