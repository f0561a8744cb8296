//! Where a credential's value comes from, chosen explicitly per credential:
//! the OS keyring (the default), an environment variable (headless servers,
//! CI), or a command whose stdout is the secret (`pass show ...`,
//! `op read ...`, `vault kv get -field=token ...`).

use std::process::Stdio;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::io::AsyncReadExt;
use zeroize::Zeroizing;

use super::keyring::{Keyring, KeyringError, off_thread};
use super::secret;

/// A secret is short; more output than this is not a token.
const MAX_STDOUT: usize = 64 * 1024;
/// Only the end of stderr is kept: its last words say what went wrong.
const STDERR_TAIL: usize = 4 * 1024;

pub use crate::config::model::{DEFAULT_COMMAND_TIMEOUT, SecretSource};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    Keyring(KeyringError),
    EnvUnset {
        var: String,
    },
    EnvEmpty {
        var: String,
    },
    NotFound {
        program: String,
        detail: String,
    },
    Failed {
        program: String,
        status: String,
        stderr: String,
    },
    TimedOut {
        program: String,
        after: Duration,
        /// The last words on its stderr, cleaned.
        stderr: String,
    },
    EmptyOutput {
        program: String,
    },
    TooMuchOutput {
        program: String,
    },
    /// The value has a control or invisible character: never used.
    Unsafe {
        from: String,
        at: usize,
    },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Keyring(e) => e.fmt(f),
            SourceError::EnvUnset { var } => write!(f, "environment variable {var} is not set"),
            SourceError::EnvEmpty { var } => write!(f, "environment variable {var} is empty"),
            SourceError::NotFound { program, detail } => write!(f, "cannot run `{program}`: {detail}"),
            SourceError::Failed {
                program,
                status,
                stderr,
            } if stderr.is_empty() => write!(f, "`{program}` failed ({status})"),
            SourceError::Failed {
                program,
                status,
                stderr,
            } => write!(f, "`{program}` failed ({status}): {stderr}"),
            SourceError::TimedOut { program, after, stderr } => {
                write!(
                    f,
                    "`{program}` gave no answer within {}; it and everything it started were stopped",
                    humantime::format_duration(*after)
                )?;
                if !stderr.is_empty() {
                    write!(f, " (it said: {stderr})")?;
                }
                Ok(())
            }
            SourceError::EmptyOutput { program } => write!(f, "`{program}` printed nothing on stdout"),
            SourceError::Unsafe { from, at } => write!(
                f,
                "the token from {from} has a control or invisible character at position {at}, so it is not used; tokens are printable text"
            ),
            SourceError::TooMuchOutput { program } => {
                write!(f, "`{program}` printed more than 64 KiB; that is not a token")
            }
        }
    }
}

/// The last line of stderr that says something, cleaned and cut to a
/// readable length.
fn stderr_summary(raw: &[u8]) -> String {
    // Admitted (scrubbed, cleaned, cut) once, the line chosen: a token
    // has no line break to be split by.
    let text = String::from_utf8_lossy(raw);
    let line = text
        .split('\n')
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    crate::outside::admit_to(line, 200)
}

/// Read `r` to its end into `tail`, keeping only the last `STDERR_TAIL`
/// bytes: a child that writes megabytes neither blocks on a full pipe nor
/// fills our memory, and what it said is there even if it never ends.
async fn read_tail(mut r: impl tokio::io::AsyncRead + Unpin, tail: &std::sync::Mutex<Vec<u8>>) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
        t.extend_from_slice(&buf[..n]);
        if t.len() > STDERR_TAIL {
            let cut = t.len() - STDERR_TAIL;
            t.drain(..cut);
        }
    }
}

/// The variable that marks a command source's processes.
const RUN_MARK: &str = "HOMEDASH_COMMAND_RUN";

/// Stop every process of this user that carries the mark of run `run`:
/// what left the command's process group is found by what it inherited.
#[cfg(target_os = "linux")]
fn kill_marked(run: &str) {
    let needle = format!("{RUN_MARK}={run}\0");
    let Ok(procs) = std::fs::read_dir("/proc") else { return };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(env) = std::fs::read(p.path().join("environ")) else {
            continue;
        };
        if memchr::memmem::find(&env, needle.as_bytes()).is_some()
            && let Some(pid) = rustix::process::Pid::from_raw(pid)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn kill_marked(_run: &str) {}

/// Stop the child and everything it started (its process group).
fn kill_group(child: &tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = child;
}

async fn run_command(argv: &[String], timeout: Duration, hide_env: &[String]) -> Result<SecretString, SourceError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(SourceError::NotFound {
            program: String::new(),
            detail: "the command is empty".into(),
        });
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in hide_env {
        cmd.env_remove(var);
    }
    // A mark every process it starts inherits, so that at the timeout a
    // child that left the process group (setsid, a daemon) is still found.
    let run = format!("{:016x}", fastrand::u64(..));
    cmd.env(RUN_MARK, &run);
    #[cfg(unix)]
    {
        // Its own group, so a timeout stops its children too.
        cmd.process_group(0);
        let mask = crate::hardening::user_umask();
        // SAFETY: umask(2) is async-signal-safe and touches no memory; it
        // gives the program the umask the user had before homedash
        // tightened its own.
        unsafe {
            cmd.pre_exec(move || {
                rustix::process::umask(rustix::fs::Mode::from_raw_mode(mask));
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| SourceError::NotFound {
        program: program.clone(),
        detail: e.to_string(),
    })?;
    let (Some(mut out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        kill_group(&child);
        return Err(SourceError::NotFound {
            program: program.clone(),
            detail: "no pipes to the command".into(),
        });
    };
    let tail = std::sync::Mutex::new(Vec::new());
    let work = async {
        // Sized for the most we read, so it never reallocates (which would
        // leave an unwiped copy of the token behind).
        let mut stdout = Zeroizing::new(Vec::with_capacity(MAX_STDOUT + 1));
        let mut limited = (&mut out).take(MAX_STDOUT as u64 + 1);
        let (r1, r2) = tokio::join!(limited.read_to_end(&mut stdout), read_tail(err, &tail));
        let status = child.wait().await;
        (r1.and(r2).and(status), stdout)
    };
    let finished = tokio::time::timeout(timeout, work).await;
    let stderr = std::mem::take(&mut *tail.lock().unwrap_or_else(|p| p.into_inner()));
    let (result, stdout) = match finished {
        Ok(r) => r,
        Err(_) => {
            kill_group(&child);
            // A scan of /proc: off the runtime's threads.
            let _ = tokio::task::spawn_blocking(move || kill_marked(&run)).await;
            let _ = child.wait().await;
            return Err(SourceError::TimedOut {
                program: program.clone(),
                after: timeout,
                stderr: stderr_summary(&stderr),
            });
        }
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
            stderr: stderr_summary(&stderr),
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
    }
}

#[cfg(test)]
#[path = "tests/source.rs"]
mod tests;
