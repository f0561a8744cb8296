//! What the Credentials screen asks of the credential worker (`CredOp`)
//! and what the worker reports (`CredEvent`). A token travels sealed, so
//! neither carries a secret into `Debug` output.

use crate::credentials::{MetaFile, Prompt, Sealed, View};

/// An action for the credential worker.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// What a login in progress shows the person, whole.
    Login(Showing),
}

/// What a login in progress shows: its prompt (a code and a URL, a
/// browser's page) and, under it, what it waits on. Sent whole each time:
/// a message a full channel drops costs nothing, as the next one carries
/// the prompt again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Showing {
    pub prompt: Option<Prompt>,
    pub waiting: Option<Prompt>,
}

impl Showing {
    pub fn update(&mut self, p: Prompt) {
        if matches!(p, Prompt::Waiting { .. }) {
            self.waiting = Some(p);
        } else {
            self.prompt = Some(p);
            self.waiting = None;
        }
    }
}

/// A login's `Showing` as its `Show` keeps it: updated from `&self`, and
/// handed on whole after each prompt.
#[derive(Debug, Default)]
pub struct LiveShowing(std::sync::Mutex<Showing>);

impl LiveShowing {
    pub fn update(&self, p: Prompt) -> Showing {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.update(p);
        s.clone()
    }
}
