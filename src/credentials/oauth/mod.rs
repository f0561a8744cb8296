//! OAuth 2.0 credentials: short-lived access tokens from an authorization
//! server, renewed with a refresh token (device and authorization-code
//! grants) or the client's own secret (client credentials).
//!
//! - `server`: the endpoints, from the config or discovery;
//! - `exchange`: the requests, through `net::http`;
//! - `stored`: the keyring record (refresh token, cached access token);
//! - `login`: `homedash creds login`, one function per grant;
//! - `renew`: a refresh under a file lock, written back before use;
//! - `ops`: login and removal for the manager;
//! - `error`: what goes wrong, in words that say what to do.

pub mod error;
pub mod exchange;
pub mod server;
pub mod stored;

pub use error::OAuthError;
pub use stored::Stored;
pub mod login;
pub mod renew;

/// Outside text from the authorization server, cleaned once where it
/// enters and cut to `max` characters.
pub(crate) fn clean_to(text: &str, max: usize) -> String {
    crate::outside::admit_to(text, max)
}

pub(crate) fn clean(text: &str) -> String {
    crate::outside::admit(text)
}
pub mod ops;
