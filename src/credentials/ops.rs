//! What the credentials room is asked to do (`CredOp`, from the
//! Credentials screen) and what it reports (`CredEvent`). Neither carries a
//! secret into `Debug` output.

use secrecy::ExposeSecret;

use crate::credentials::secret::Sealed;

use crate::credentials::broker::View;
use crate::credentials::meta::MetaFile;

/// An action for the credential worker.
#[derive(Clone, Debug)]
pub enum CredOp {
    Add {
        name: String,
        provider: &'static str,
        secret: Sealed,
    },
    Test {
        name: String,
    },
    Rotate {
        name: String,
        secret: Sealed,
    },
    Confirm {
        name: String,
    },
    Rollback {
        name: String,
    },
    Revoke {
        name: String,
    },
    /// Approve `origins` for `name`.
    Allow {
        name: String,
        origins: Vec<String>,
    },
    /// Run an OAuth credential's grant; its progress comes back as
    /// `CredEvent::Login`.
    Login {
        name: String,
    },
    /// Stop the login in progress; nothing is stored.
    CancelLogin {
        name: String,
    },
}

impl CredOp {
    pub fn name(&self) -> &str {
        match self {
            CredOp::Add { name, .. }
            | CredOp::Test { name }
            | CredOp::Rotate { name, .. }
            | CredOp::Confirm { name }
            | CredOp::Rollback { name }
            | CredOp::Revoke { name }
            | CredOp::Allow { name, .. }
            | CredOp::Login { name }
            | CredOp::CancelLogin { name } => name,
        }
    }

    pub fn secret(&self) -> Option<&str> {
        match self {
            CredOp::Add { secret, .. } | CredOp::Rotate { secret, .. } => Some(secret.open().expose_secret()),
            _ => None,
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            CredOp::Add { .. } => "adding",
            CredOp::Test { .. } => "testing",
            CredOp::Rotate { .. } => "rotating",
            CredOp::Confirm { .. } => "deleting the previous token of",
            CredOp::Rollback { .. } => "rolling back",
            CredOp::Revoke { .. } => "revoking",
            CredOp::Allow { .. } => "approving origins of",
            CredOp::Login { .. } => "logging in",
            CredOp::CancelLogin { .. } => "cancelling the login of",
        }
    }
}

impl PartialEq for CredOp {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.name() == other.name()
            && self.secret() == other.secret()
    }
}

impl Eq for CredOp {}

/// News from the credential side: never a secret value.
#[derive(Debug)]
pub enum CredEvent {
    /// The broker's state of every credential changed.
    Views(Vec<View>),
    /// The state file, after a load or an operation.
    Meta(MetaFile),
    /// An operation of the Credentials screen finished.
    Done { ok: bool, text: String },
    /// A background problem for the status bar (the state file could not
    /// be read, say).
    Notice(String),
    /// What a login in progress asks of the person: the lines to show
    /// (a code, a URL, a QR code, or what it waits for).
    Login(Vec<String>),
}
