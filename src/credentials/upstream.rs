//! Team mode's upstream keys, read for the gateway: each route's key,
//! only for an origin its owner approved, handed to the gateway's writer
//! one value at a time. The gateway never holds a key; it says how a value
//! is written (`Upstream::render`), and the text stays wiped.

use homedash_widgets::AuthPlacement;
use homedash_widgets::provider::Provider;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::keyring::Keyring;
use super::source::{self, SourceError};
use crate::config::{Config, CredentialConfig};
use crate::ledger::MetaFile;
use crate::net::destinations::{Destinations, origin_of};

/// One route's key: which credential fills it and where it goes.
pub struct KeyUse<'a> {
    /// The route, `$hd_route` in the rendered config.
    pub route: &'a str,
    /// `[credential.NAME]` on this host.
    pub credential: &'a str,
    pub upstream: &'a url::Url,
}

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("cannot read the upstream key \"{name}\" for route /{route}/: {source}")]
    Unreadable {
        name: String,
        route: String,
        #[source]
        source: SourceError,
    },
    #[error("[credential.{name}] is not in the config")]
    Missing { name: String },
    #[error(
        "credential \"{name}\" is not approved for {origin} (route /{route}/); nothing was written. Approve it with `homedash creds allow {name} {origin}`"
    )]
    Unapproved {
        name: String,
        route: String,
        origin: String,
    },
}

/// Every route's key, read before anything is written.
pub struct Upstream {
    keys: Vec<(String, String, &'static Provider, SecretString)>,
}

/// Read every route's key and check each goes only to an origin its owner
/// approved.
pub async fn read_upstream(config: &Config, uses: &[KeyUse<'_>], meta: &MetaFile) -> Result<Upstream, UpstreamError> {
    let keyring = match uses.iter().any(|u| {
        config
            .credential(u.credential)
            .is_some_and(|c| c.source == crate::config::model::SecretSource::Keyring)
    }) {
        true => super::keyring::off_thread(Keyring::connect).await.ok(),
        false => None,
    };
    let mut keys = Vec::new();
    for u in uses {
        let c: &CredentialConfig = config.credential(u.credential).ok_or_else(|| UpstreamError::Missing {
            name: u.credential.to_string(),
        })?;
        let approved = meta.credentials.get(&c.name).map(|m| m.approved()).unwrap_or_default();
        if !Destinations::new(c.provider, &approved).allows(u.upstream) {
            return Err(UpstreamError::Unapproved {
                name: c.name.clone(),
                route: u.route.to_string(),
                origin: origin_of(u.upstream),
            });
        }
        let secret = source::read(&c.source, &c.name, keyring.as_ref())
            .await
            .map_err(|source| UpstreamError::Unreadable {
                name: c.name.clone(),
                route: u.route.to_string(),
                source,
            })?;
        keys.push((u.route.to_string(), c.name.clone(), c.provider, secret));
    }
    Ok(Upstream { keys })
}

impl Upstream {
    /// The keys written out by `each(route, credential, part, value)`
    /// (`part` 1 and 2 for a provider that takes two headers), into text
    /// that is wiped when dropped. `each` refuses a value by returning
    /// `Err`, with the credential's name.
    pub fn render<E>(
        &self,
        head: &str,
        mut each: impl FnMut(&str, &str, Option<u8>, &str) -> Result<String, E>,
    ) -> Result<Zeroizing<String>, E> {
        let mut text = Zeroizing::new(String::from(head));
        for (route, name, provider, secret) in &self.keys {
            let token = secret.expose_secret();
            let parts: Vec<(Option<u8>, &str)> = match provider.auth {
                AuthPlacement::HeaderPair(..) => {
                    let (a, b) = token.split_once(':').unwrap_or((token, ""));
                    vec![(Some(1), a), (Some(2), b)]
                }
                _ => vec![(None, token)],
            };
            for (part, value) in parts {
                let line = Zeroizing::new(each(route, name, part, value)?);
                text.push_str(&line);
            }
        }
        Ok(text)
    }
}
