//! Team mode: the gateway host's upstream keys, written for nginx. This is
//! the one place a token leaves homedash for a file: the include that the
//! rendered gateway config reads, mode 0600, holding nothing else.

use std::path::{Path, PathBuf};

use homedash_widgets::AuthPlacement;
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::config::{Config, CredentialConfig};
use crate::credentials::keyring::Keyring;
use crate::credentials::meta::MetaFile;
use crate::credentials::source::{self, SourceError};
use crate::net::destinations::{Destinations, origin_of};

/// One route's key: the nginx variables it fills and where its owner
/// allowed it to go.
pub struct KeyUse<'a> {
    /// The route, `$hd_route` in the rendered config.
    pub route: &'a str,
    /// `[credential.NAME]` on this host.
    pub credential: &'a str,
    pub upstream: &'a url::Url,
}

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
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
    #[error(
        "the upstream key \"{name}\" is empty (a two-part key is FIRST:SECOND) or holds characters an nginx config cannot carry safely (quotes, backslashes, `$`, braces, `;` or white space); nothing was written"
    )]
    Unsafe { name: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The nginx variable holding route `route`'s key (`part` 1 or 2 for a
/// provider that takes two headers).
pub fn variable(route: &str, part: Option<u8>) -> String {
    let base = format!("$hd_key_{}", route.replace('-', "_"));
    match part {
        Some(n) => format!("{base}_{n}"),
        None => base,
    }
}

/// Tokens are written inside double quotes, where nginx would read `$`
/// as a variable and `"` or `\` as syntax: refuse them rather than escape.
fn safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '\\' | '$' | '{' | '}' | ';'))
}

/// Read every route's key (all of them before anything is written), check
/// each goes only to an origin its owner approved, and write them to
/// `path` as nginx `map`s, each defined only on its own route.
pub async fn write(config: &Config, uses: &[KeyUse<'_>], meta: &MetaFile, path: &Path) -> Result<(), KeysError> {
    let mut text = Zeroizing::new(String::from(
        "# Written by `homedash gateway render`: the upstream keys, one per route.\n# Mode 0600. Do not edit, copy or commit this file.\n",
    ));
    let keyring = match uses.iter().any(|u| {
        config
            .credential(u.credential)
            .is_some_and(|c| c.source == crate::config::model::SecretSource::Keyring)
    }) {
        true => tokio::task::spawn_blocking(Keyring::connect)
            .await
            .ok()
            .and_then(Result::ok),
        false => None,
    };
    for u in uses {
        let c: &CredentialConfig = config.credential(u.credential).ok_or_else(|| KeysError::Missing {
            name: u.credential.to_string(),
        })?;
        let approved = meta.credentials.get(&c.name).map(|m| m.approved()).unwrap_or_default();
        if !Destinations::new(c.provider, &approved).allows(u.upstream) {
            return Err(KeysError::Unapproved {
                name: c.name.clone(),
                route: u.route.to_string(),
                origin: origin_of(u.upstream),
            });
        }
        let secret = source::read(&c.source, &c.name, keyring.as_ref())
            .await
            .map_err(|source| KeysError::Unreadable {
                name: c.name.clone(),
                route: u.route.to_string(),
                source,
            })?;
        let token = secret.expose_secret();
        let parts: Vec<(Option<u8>, &str)> = match c.provider.auth {
            AuthPlacement::HeaderPair(..) => {
                let (a, b) = token.split_once(':').unwrap_or((token, ""));
                vec![(Some(1), a), (Some(2), b)]
            }
            _ => vec![(None, token)],
        };
        for (part, value) in parts {
            if !safe(value) {
                return Err(KeysError::Unsafe { name: c.name.clone() });
            }
            text.push_str(&format!(
                "map $hd_route {} {{\n    default \"\";\n    \"{}\" \"{value}\";\n}}\n",
                variable(u.route, part),
                u.route
            ));
        }
    }
    crate::atomic::write(path, text.as_bytes()).map_err(|source| KeysError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_nginx_reads_as_plain_text_are_written() {
        assert!(safe("c4f8a9d2e1b7c3a6f5e4"));
        assert!(safe("eyJhbGciOi.J9-_~+/="));
        for bad in ["", "a b", "a\"b", "a$b", "a;b", "a{b", "a\\b", "a\nb"] {
            assert!(!safe(bad), "{bad:?}");
        }
        assert_eq!(variable("open-meteo", None), "$hd_key_open_meteo");
        assert_eq!(variable("datadog", Some(2)), "$hd_key_datadog_2");
    }
}
