//! Why a token could not be read from its source (the keyring, an
//! environment variable, a command, a systemd credential), in words that
//! say what to do. No token passes through here.

use std::time::Duration;

use super::error::KeyringError;

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
    /// No `$CREDENTIALS_DIRECTORY`: not started by a unit that loads it.
    NoCredentialsDirectory {
        name: String,
    },
    /// The systemd credential's file is missing or not safe to trust.
    SystemdFile {
        path: std::path::PathBuf,
        problem: FileProblem,
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
            SourceError::NoCredentialsDirectory { name } => write!(
                f,
                "$CREDENTIALS_DIRECTORY is not set, so there is no systemd credential \"{name}\": start homedash from a unit with `LoadCredentialEncrypted={name}:…` or `LoadCredential={name}:…` (assets/systemd/homedash-kiosk@.service shows how)"
            ),
            SourceError::SystemdFile { path, problem } => {
                write!(f, "the systemd credential {}: {problem}", path.display())
            }
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

/// What is wrong with a systemd credential's file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("is not there: add `LoadCredentialEncrypted=` or `LoadCredential=` for it to the unit")]
    Missing,
    #[error("cannot be read ({0})")]
    Unreadable(String),
    #[error("is a symbolic link, which homedash does not follow: load the file itself with LoadCredential=")]
    Link,
    #[error("is not a regular file")]
    NotAFile,
    #[error("belongs to user {owner}, not to the user homedash runs as ({me}); it is not used")]
    NotYours { owner: u32, me: u32 },
    #[error("has mode {mode:04o}, so others can read it; it is not used (systemd gives credentials mode 0400)")]
    OpenToOthers { mode: u32 },
    #[error("is over 64 KiB; that is not a token")]
    TooLarge,
    #[error("is empty")]
    Empty,
}
