//! Why the setup could not open, plan, edit or store: each message says
//! what happened and what to do.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::write::WriteError;
use crate::config::{ConfigError, Untrusted};
use crate::credentials::CredError;
use crate::credentials::SourceError;

/// Why `homedash setup` cannot start on its config file.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("homedash setup: no config directory is known for this user; name a file with --config FILE")]
    NoConfigDir,
    #[error(transparent)]
    Untrusted(#[from] Untrusted),
    #[error("homedash setup: cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "{0}\nhomedash setup edits this file and keeps everything in it, so it must be valid first; fix the problems above (homedash check) and run it again"
    )]
    Invalid(ConfigError),
}

/// Why the edited config cannot be shown or written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// Why the wizard's choices do not make a widget source.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Keys(#[from] toml::de::Error),
    #[error("no provider \"{provider}\" for {kind}")]
    NoProvider { provider: String, kind: &'static str },
}

/// Why the setup's worker could not do what it was asked. Shared (`Arc`)
/// where the first failure answers for several names.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SetupError {
    #[error("no keyed provider \"{0}\"")]
    UnknownProvider(String),
    #[error(transparent)]
    Credentials(Arc<CredError>),
    #[error(transparent)]
    Read(#[from] SourceError),
    #[error("no token stored in the keyring")]
    NotStored,
    /// The provider's test refused the key: nothing was stored.
    #[error("{0} (nothing was stored)")]
    Refused(String),
    #[error(transparent)]
    Write(Arc<WriteError>),
    #[error(
        "the config was written, but approving {origin} for {name} failed ({source}); run `homedash creds allow {name} {origin}`"
    )]
    Approve {
        name: String,
        origin: String,
        source: Arc<CredError>,
    },
}

impl From<CredError> for SetupError {
    fn from(e: CredError) -> Self {
        SetupError::Credentials(Arc::new(e))
    }
}
