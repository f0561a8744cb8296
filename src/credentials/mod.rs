//! Credentials: where API tokens live and how they are read, lent,
//! rotated and audited. Only this room and the HTTP client ever hold a
//! secret value.
//!
//! Its members are private: what the rest of the crate may use is the
//! façade below, as gitui keeps its rooms (`pub use`). The faces (the
//! Credentials screen, `homedash creds`, the wizard) hold `Sealed` tokens
//! and ask through `trial.rs`; none of them opens one.

mod broker;
mod client_token;
mod error;
mod keyring;
mod lease;
mod manager;
mod oauth;
mod relocate;
mod seal;
mod secret;
mod source;
mod sync;
mod token_input;
mod trial;
mod upstream;

pub use crate::ledger::{
    By, FILE as STATE_FILE, Meta, MetaFile, Seen, StateError, TestKind, TestResult, Usage, path as state_file,
};
pub use crate::stores::{Backend, StoreChoice, backend, backend_name, choose_store};
pub use broker::{Broker, OAuthView, Status, View};
pub use client_token::{ClientToken, ClientTokenError, TOKEN_PREFIX, sha256_hex};
pub use error::{CredError, keyed_provider};
pub use keyring::{Keyring, KeyringError, off_thread as keyring_off_thread};
pub use lease::Lease;
pub use manager::{Due, Manager, check_add, describe, keyring_only};
pub use oauth::OAuthError;
pub use oauth::login::{Prompt, Show};
pub use oauth::renew::{client_secret_account, read as read_oauth};
pub use oauth::server::config_origins as oauth_origins;
pub use oauth::stored::{extra_scopes, facts as oauth_facts};
pub use relocate::Moved;
pub use secret::{Sealed, UnsafeToken, fingerprint};
pub use source::{DEFAULT_COMMAND_TIMEOUT, SecretSource, SourceError};
pub use token_input::TokenInput;
pub use trial::{lease as trial_lease, read_sealed, readable};
pub use upstream::{KeyUse, Upstream, UpstreamError, read_upstream};

/// What the integration tests read that no other room may: a source's
/// value and the keyring itself. The architecture test refuses this name
/// anywhere in `src/`.
#[doc(hidden)]
pub mod internals {
    pub use super::keyring::DEADLINE;
    pub use super::secret::from_string;
    pub use super::source::read as read_source;
}
