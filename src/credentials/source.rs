//! Where a credential's value comes from, chosen explicitly per credential:
//! the OS keyring (the default), an environment variable (headless servers,
//! CI), or a command whose stdout is the secret (`pass show ...`,
//! `op read ...`, `vault kv get -field=token ...`).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::io::AsyncReadExt;
use zeroize::Zeroizing;

use super::keyring::{Keyring, KeyringError, off_thread};
use super::secret;

/// A secret is short; more output than this is not a token.
const MAX_STDOUT: usize = 64 * 1024;
/// A failed command's last words on stderr are cut to this.
const STDERR_WORDS: usize = 200;

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
    }
}

#[cfg(test)]
#[path = "tests/source.rs"]
mod tests;
