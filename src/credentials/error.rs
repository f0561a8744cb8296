//! Why a credential operation was not done. Each message says what
//! happened and what to do; no branch reads a message's text.

use std::path::PathBuf;

use crate::config::LoadError;
use crate::config::names::BadName;
use crate::credentials::keyring::KeyringError;
use crate::credentials::source::SourceError;
use crate::ledger::StateError;
use crate::logging::StateDirError;
use crate::net::destinations::{OriginError, unapproved};
use crate::net::http::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum CredError {
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Read(#[from] SourceError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Name(#[from] BadName),
    #[error(transparent)]
    Origin(#[from] OriginError),
    #[error(transparent)]
    Config(#[from] LoadError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    StateDir(#[from] StateDirError),
    #[error(transparent)]
    OAuth(#[from] crate::credentials::oauth::OAuthError),
    #[error(
        "credential \"{name}\" is an OAuth credential: its tokens come from its authorization server, so there is nothing to {what} by hand; `homedash creds login {name}` starts a new login"
    )]
    OAuthOnly { name: String, what: &'static str },
    #[error(
        "credential \"{name}\" is not an OAuth credential (no `type = \"oauth2\"`); store its token with `homedash creds add {name}`"
    )]
    NotOAuth { name: String },
    /// A blocking keyring or file task died.
    #[error(transparent)]
    Task(#[from] tokio::task::JoinError),
    #[error("cannot open the audit log in {}: {source}", dir.display())]
    Audit { dir: PathBuf, source: std::io::Error },

    #[error("credential \"{name}\" comes from {from}, not the keyring; {what} it where it lives")]
    NotInKeyring {
        name: String,
        from: String,
        what: &'static str,
    },
    #[error("[credential.{name}] in {config} is for provider \"{has}\", not \"{want}\"")]
    WrongProvider {
        name: String,
        config: String,
        has: &'static str,
        want: &'static str,
    },
    #[error(
        "credential \"{name}\" already has a token in the keyring; replace it with `homedash creds rotate {name}`, which tests the new one first, or remove it with `homedash creds rm {name}`"
    )]
    AlreadyStored { name: String },
    #[error(
        "not tested: credential \"{name}\" has used its request budget ({budget}); room again at {at} UTC. Nothing was sent"
    )]
    BudgetSpent { name: String, budget: String, at: String },
    #[error("{}", unapproved(name, origin))]
    Unapproved { name: String, origin: String },
    #[error(
        "the new token was not proven valid ({why}); nothing was changed and the current token stays in use{}",
        if *can_force { " (`--force` keeps a token the test cannot confirm)" } else { "" }
    )]
    NotProven { why: String, can_force: bool },
    #[error(
        "credential \"{name}\" has no previous token to delete: nothing was rotated since the last confirm or rollback"
    )]
    NothingToConfirm { name: String },
    #[error(
        "the keyring entry \"{account}\" was not written by homedash (no matching seal in the state file), so it is not used and not changed; if you stored it yourself, remove it with `secret-tool clear service homedash username '{account}'`"
    )]
    ForeignEntry { account: String },
    #[error("credential \"{name}\" has no previous token to roll back to")]
    NothingToRollBack { name: String },
    #[error("nothing is stored in the keyring for \"{name}\"; nothing was deleted")]
    NothingStored { name: String },

    #[error("credential \"{name}\" is kept in the {store} already; nothing was moved")]
    AlreadyThere { name: String, store: &'static str },
    #[error("nothing is stored for \"{name}\" in the {store}, which keeps it; nothing was moved")]
    NothingToMove { name: String, store: &'static str },
    #[error(
        "a rotation of \"{name}\" is unfinished; run any `homedash creds` command on it where it is kept (it tidies up), then move it"
    )]
    MidRotation { name: String },
    #[error(
        "the {store} already holds a different token under \"{account}\", which homedash does not overwrite; nothing was moved"
    )]
    MoveConflict { account: String, store: &'static str },
    #[error(
        "the token was not proven valid ({why}), so it was not moved; nothing was changed{}",
        if *can_force { " (`--force` moves a token the test cannot confirm)" } else { "" }
    )]
    NotMoved { why: String, can_force: bool },
    #[error(
        "the {store} did not give back what was written under \"{account}\"; the copies were removed and nothing was moved"
    )]
    NotCopied { account: String, store: &'static str },
    #[error(
        "{why}; a move needs both stores: run it where the Secret Service and the kernel keyring both answer, e.g. in a terminal of your desktop session"
    )]
    StoreUnreachable { why: String },
    #[error(
        "the token of \"{name}\" changed while it was being moved (a rotation or removal elsewhere); nothing was moved, run the move again"
    )]
    ChangedWhileMoving { name: String },
    #[error(
        "the token is now kept in its new store, but \"{account}\" is still in the {store}; remove it there by hand"
    )]
    LeftBehind { account: String, store: &'static str },
    #[error("cannot read the token{from}: {source}")]
    TokenInput { from: &'static str, source: std::io::Error },
    #[error("no token given")]
    NoToken,
    #[error(transparent)]
    UnsafeToken(#[from] crate::credentials::secret::UnsafeToken),
    #[error("\"{name}\" is not a provider that takes a credential; available: {available}")]
    UnknownProvider { name: String, available: String },
    #[error("no [credential.{name}] in {config}; add one with provider = \"...\" so homedash knows where it is used")]
    NotInConfig { name: String, config: String },
    #[error("no [credential.{name}] in {config}; say which provider the token is for with --provider")]
    ProviderNeeded { name: String, config: String },
    #[error("\"{name}\" is not in {config}; add a [credential.{name}] table to use it")]
    NotConfigured { name: String, config: String },
    #[error("{config} defines no credentials")]
    NoCredentials { config: String },
    #[error("no credential \"{name}\" in {config} or in the state file; add a [credential.{name}] table first")]
    Unknown { name: String, config: String },
    #[error(
        "{origin} is {label}'s own API, where {name} always goes; to stop using the credential, `homedash creds rm {name}`"
    )]
    OwnOrigin {
        origin: String,
        label: &'static str,
        name: String,
    },
    #[error("{name} was not approved for {origin}; nothing changed")]
    NotApproved { name: String, origin: String },
    #[error("cannot encode the list: {0}")]
    Encode(#[source] serde_json::Error),
    /// The credential worker is gone: the dashboard's Credentials screen
    /// cannot act.
    #[error("the credential worker is not running; nothing was changed")]
    WorkerGone,
}

/// The keyed provider `name`, or an error listing those there are.
pub fn keyed_provider(name: &str) -> Result<&'static homedash_widgets::provider::Provider, CredError> {
    homedash_widgets::source::keyed(name).ok_or_else(|| CredError::UnknownProvider {
        name: name.to_string(),
        available: homedash_widgets::source::keyed_all()
            .into_iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}
