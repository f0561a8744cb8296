//! What the keyring keeps for an OAuth credential: one entry (service
//! `homedash`, account = the credential's name) whose value is a JSON
//! document with the refresh token, the cached access token and its
//! expiry, as aws-vault caches a session. One entry, so one write replaces
//! all of it at once: a crash leaves the old document or the new one.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;
use zeroize::Zeroize;

use crate::config::OAuthGrant;

#[derive(Clone)]
pub struct Stored {
    pub grant: OAuthGrant,
    /// Where this login's refresh token may go: the endpoint it came
    /// from, never whatever the config says later.
    pub token_endpoint: Url,
    pub revocation_endpoint: Option<Url>,
    pub client_id: String,
    pub refresh: Option<SecretString>,
    pub access: Option<SecretString>,
    pub expires_at: Option<DateTime<Utc>>,
    /// How long the access token lived when issued: the refresh skew is a
    /// share of it.
    pub lifetime_secs: Option<u64>,
    /// What the server granted, when it said (RFC 6749 5.1).
    pub scopes: Option<Vec<String>>,
    pub logged_in: DateTime<Utc>,
    /// When the current refresh token was issued: its age.
    pub refresh_issued: DateTime<Utc>,
    pub refreshed: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("grant", &self.grant)
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field("client_id", &self.client_id)
            .field("refresh", &self.refresh.as_ref().map(|_| "[redacted]"))
            .field("access", &self.access.as_ref().map(|_| "[redacted]"))
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The JSON form; its token strings are wiped when it is dropped.
#[derive(Serialize, Deserialize, Default)]
struct Wire {
    v: u32,
    grant: String,
    token_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revocation_endpoint: Option<String>,
    client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lifetime_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    logged_in: DateTime<Utc>,
    refresh_issued: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refreshed: Option<DateTime<Utc>>,
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.refresh_token.zeroize();
        self.access_token.zeroize();
    }
}

fn grant_named(name: &str) -> Option<OAuthGrant> {
    [
        OAuthGrant::DeviceCode,
        OAuthGrant::AuthorizationCode,
        OAuthGrant::ClientCredentials,
    ]
    .into_iter()
    .find(|g| g.name() == name)
}

/// Why a keyring value is not a readable OAuth record. Never quotes the
/// value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not homedash's OAuth record (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error("a record of version {0} (this homedash reads 1)")]
    Version(u32),
    #[error("unknown grant \"{0}\"")]
    Grant(String),
    #[error("a bad endpoint: {0}")]
    Endpoint(url::ParseError),
    #[error("a token with {}", .0.what())]
    Unsafe(crate::credentials::secret::UnsafeToken),
}

impl Stored {
    /// The origins of the endpoints the login used (token, revocation).
    pub fn origins(&self) -> Vec<String> {
        std::iter::once(&self.token_endpoint)
            .chain(self.revocation_endpoint.as_ref())
            .map(crate::net::destinations::origin_of)
            .collect()
    }

    /// The keyring value.
    pub fn to_secret(&self) -> SecretString {
        let wire = Wire {
            v: 1,
            grant: self.grant.name().into(),
            token_endpoint: self.token_endpoint.to_string(),
            revocation_endpoint: self.revocation_endpoint.as_ref().map(Url::to_string),
            client_id: self.client_id.clone(),
            refresh_token: self.refresh.as_ref().map(|s| s.expose_secret().to_string()),
            access_token: self.access.as_ref().map(|s| s.expose_secret().to_string()),
            expires_at: self.expires_at,
            lifetime_secs: self.lifetime_secs,
            scope: self.scopes.as_ref().map(|s| s.join(" ")),
            logged_in: self.logged_in,
            refresh_issued: self.refresh_issued,
            refreshed: self.refreshed,
        };
        // Serializing a struct of strings and dates cannot fail.
        SecretString::from(serde_json::to_string(&wire).unwrap_or_default())
    }

    /// Read a keyring value; the error says what is wrong, never the value.
    pub fn from_secret(value: &SecretString) -> Result<Stored, RecordError> {
        let mut wire: Wire = serde_json::from_str(value.expose_secret()).map_err(|e| RecordError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
        if wire.v != 1 {
            return Err(RecordError::Version(wire.v));
        }
        let grant =
            grant_named(&wire.grant).ok_or_else(|| RecordError::Grant(crate::outside::admit_to(&wire.grant, 40)))?;
        let url = |s: &str| Url::parse(s).map_err(RecordError::Endpoint);
        for token in [&wire.refresh_token, &wire.access_token].into_iter().flatten() {
            crate::credentials::secret::check(token).map_err(RecordError::Unsafe)?;
        }
        Ok(Stored {
            grant,
            token_endpoint: url(&wire.token_endpoint)?,
            revocation_endpoint: wire.revocation_endpoint.as_deref().map(url).transpose()?,
            client_id: std::mem::take(&mut wire.client_id),
            refresh: wire.refresh_token.take().map(crate::credentials::secret::short_lived),
            access: wire.access_token.take().map(crate::credentials::secret::short_lived),
            expires_at: wire.expires_at,
            lifetime_secs: wire.lifetime_secs,
            scopes: wire.scope.as_deref().map(split_scopes),
            logged_in: wire.logged_in,
            refresh_issued: wire.refresh_issued,
            refreshed: wire.refreshed,
        })
    }

    /// What stands for this login on screen and in the state file: the
    /// refresh token's fingerprint (the access token's, without one).
    pub fn fingerprint(&self) -> Option<String> {
        self.refresh
            .as_ref()
            .or(self.access.as_ref())
            .map(|s| crate::credentials::secret::fingerprint(s.expose_secret()))
    }

    /// The access token, while it has more than the refresh skew left.
    pub fn fresh_access(&self, now: DateTime<Utc>) -> Option<&SecretString> {
        let access = self.access.as_ref()?;
        match self.expires_at {
            None => Some(access),
            Some(at) => (at - skew(self.lifetime_secs) > now).then_some(access),
        }
    }
}

/// How long before expiry a token is renewed: a quarter of its life, at
/// most a minute, at least a second.
pub fn skew(lifetime_secs: Option<u64>) -> chrono::Duration {
    let quarter = lifetime_secs.map_or(60, |l| l / 4);
    chrono::Duration::seconds(quarter.clamp(1, 60) as i64)
}

pub fn split_scopes(s: &str) -> Vec<String> {
    s.split(' ').filter(|s| !s.is_empty()).map(String::from).collect()
}

/// " · scopes read_station · access token 14m left · refresh token 2h old",
/// with a least-privilege warning when the server granted more than asked.
pub fn facts(stored: &Stored, asked: &[String], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if let Some(granted) = &stored.scopes {
        out.push_str(&format!(
            " · scopes {}",
            if granted.is_empty() {
                "(none)".into()
            } else {
                granted.join(" ")
            }
        ));
        let extra = extra_scopes(granted, asked);
        if !extra.is_empty() {
            out.push_str(&format!(
                " · WARNING: more than asked ({}), against least privilege",
                extra.join(" ")
            ));
        }
    }
    if let Some(at) = stored.expires_at {
        let left = (at - now).num_seconds().max(0) as u64;
        out.push_str(&format!(
            " · access token {} left",
            humantime::format_duration(std::time::Duration::from_secs(left))
        ));
    }
    if stored.refresh.is_some() {
        let age = (now - stored.refresh_issued).num_seconds().max(0) as u64;
        out.push_str(&format!(
            " · refresh token {} old",
            humantime::format_duration(std::time::Duration::from_secs(age))
        ));
    }
    out
}

/// Scopes granted beyond the ones asked for.
pub fn extra_scopes<'a>(granted: &'a [String], asked: &[String]) -> Vec<&'a str> {
    granted
        .iter()
        .filter(|g| !asked.contains(g))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
#[path = "tests/stored.rs"]
mod tests;
