//! Why an OAuth exchange failed, in words that say what to do. The
//! authorization server's own words are outside text: cleaned on entry.

use std::time::Duration;

use crate::credentials::keyring::KeyringError;
use crate::credentials::source::SourceError;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The refresh token expired, was revoked or was reused: only a new
    /// login helps, so nothing retries it.
    #[error(
        "the authorization server no longer accepts the login of \"{name}\" ({detail}): log in again with `homedash creds login {name}` (or from the Credentials screen)"
    )]
    InvalidGrant { name: String, detail: String },
    #[error(
        "the authorization server does not accept the client of \"{name}\" ({detail}): check `client_id` and the client secret in [credential.{name}]"
    )]
    InvalidClient { name: String, detail: String },
    #[error("cannot reach the authorization server: {detail}")]
    Unreachable { detail: String },
    #[error("the authorization server refused: {code}{}", if detail.is_empty() { String::new() } else { format!(" ({detail})") })]
    Refused { code: String, detail: String },
    #[error("the login was declined at the authorization server; nothing was stored")]
    Denied,
    #[error("the code expired before it was approved; nothing was stored. Run `homedash creds login {name}` again")]
    CodeExpired { name: String },
    #[error("the authorization server's answer is not OAuth 2.0: {0}")]
    BadAnswer(String),
    #[error(
        "discovery at {issuer} failed: {detail}; check `issuer`, or give `token_endpoint` and the grant's endpoints instead"
    )]
    Discovery { issuer: String, detail: String },
    #[error("the authorization server offers no {which} endpoint{hint}")]
    NoEndpoint { which: &'static str, hint: &'static str },
    #[error(
        "the browser came back with another `state` than this login sent: the answer was not for this login (or was forged), so it was refused and nothing was stored"
    )]
    StateMismatch,
    #[error("the browser's redirect carried no authorization code; nothing was stored")]
    NoCode,
    #[error("the login in the browser did not finish within {}; nothing was stored", humantime::format_duration(*after))]
    BrowserTimedOut { after: Duration },
    #[error("cannot listen for the browser's redirect on 127.0.0.1: {0}")]
    Listen(String),
    #[error(
        "credential \"{name}\" is not logged in: run `homedash creds login {name}` (or from the Credentials screen)"
    )]
    NotLoggedIn { name: String },
    #[error(
        "credential \"{name}\" was logged in with client \"{stored}\", but its config now names \"{configured}\": log in again with `homedash creds login {name}`"
    )]
    ClientChanged {
        name: String,
        stored: String,
        configured: String,
    },
    #[error(
        "the stored tokens of \"{name}\" cannot be read ({detail}): log in again with `homedash creds login {name}`"
    )]
    Damaged { name: String, detail: String },
    #[error(
        "the config now sends the secrets of \"{name}\" to {origin}, which was not approved, so nothing was sent there: `homedash creds login {name}` shows the endpoints and approves them (or `homedash creds allow {name} {origin}`)"
    )]
    EndpointNotApproved { name: String, origin: String },
    #[error(
        "discovery at {issuer} names {origin} for its `{which}`, off the issuer's origin and not approved, so the metadata was not used; if that server is yours, `homedash creds allow {name} {origin}` and log in again"
    )]
    MetadataElsewhere {
        name: String,
        issuer: String,
        which: &'static str,
        origin: String,
    },
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("cannot read the client secret: {0}")]
    ClientSecret(SourceError),
    #[error("cannot take the refresh lock {path}: {detail}")]
    Lock { path: String, detail: String },
    #[error("another homedash process held the refresh lock of \"{name}\" for over {} s", secs)]
    LockTimedOut { name: String, secs: u64 },
}

impl OAuthError {
    /// Why a login is needed, in a few words, for a widget that says
    /// "log in again" first.
    pub fn reason(&self) -> String {
        match self {
            OAuthError::InvalidGrant { detail, .. } => format!("the server refused the refresh: {detail}"),
            OAuthError::NotLoggedIn { .. } => "not logged in yet".into(),
            OAuthError::ClientChanged { stored, configured, .. } => {
                format!("the config's client_id is \"{configured}\", the login's \"{stored}\"")
            }
            OAuthError::Damaged { detail, .. } => format!("the stored record cannot be read: {detail}"),
            other => other.to_string(),
        }
    }

    /// Only a new login helps: widgets pause on "log in again".
    pub fn needs_login(&self) -> bool {
        matches!(
            self,
            OAuthError::InvalidGrant { .. }
                | OAuthError::NotLoggedIn { .. }
                | OAuthError::ClientChanged { .. }
                | OAuthError::Damaged { .. }
                | OAuthError::EndpointNotApproved { .. }
        )
    }
}
