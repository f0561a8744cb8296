//! The authorization server's endpoints: written in the config, or
//! discovered from its issuer (RFC 8414, then OpenID Connect Discovery).

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::error::OAuthError;
use super::{clean, clean_to};
use crate::config::{AuthServer, Endpoints, OAuthConfig};
use crate::net::destinations::origin_of;
use crate::net::http::Http;

const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    token_endpoint: Option<String>,
    authorization_endpoint: Option<String>,
    device_authorization_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
}

/// https anywhere, plain http to this machine only: an endpoint that the
/// metadata names is held to the rule the config's own are.
fn endpoint(raw: &str, issuer: &Url) -> Result<Url, OAuthError> {
    let u = Url::parse(raw).map_err(|e| OAuthError::Discovery {
        issuer: issuer.to_string(),
        detail: clean(&format!("a bad endpoint URL: {e}")),
    })?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if homedash_widgets::request::is_loopback(&u) => Ok(u),
        _ => Err(OAuthError::Discovery {
            issuer: issuer.to_string(),
            detail: format!(
                "it names an endpoint on {} that is not https",
                clean(u.host_str().unwrap_or("?"))
            ),
        }),
    }
}

/// The two well-known addresses, RFC 8414's first.
fn candidates(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    vec![rfc8414, oidc]
}

/// The origins the config names for a credential's OAuth secrets (the
/// issuer, whose discovery is asked, or each endpoint), found without
/// asking the network: what logging in approves, and what a config edit
/// may not move without a new approval.
pub fn config_origins(cfg: &OAuthConfig) -> Vec<String> {
    match &cfg.server {
        AuthServer::Issuer(i) => vec![origin_of(i)],
        AuthServer::Endpoints(e) => endpoint_origins(e),
    }
}

/// Every origin `ends` names.
pub fn endpoint_origins(ends: &Endpoints) -> Vec<String> {
    let mut out: Vec<String> = ends.named().map(|(_, u)| origin_of(u)).collect();
    out.sort();
    out.dedup();
    out
}

/// `Err` naming the first origin the config names for `name`'s secrets
/// that its owner has not approved (by logging in, or `creds allow`).
pub fn check_approved(name: &str, cfg: &OAuthConfig, approved: &[String]) -> Result<(), OAuthError> {
    match config_origins(cfg).into_iter().find(|o| !approved.contains(o)) {
        Some(origin) => Err(OAuthError::EndpointNotApproved {
            name: name.to_string(),
            origin,
        }),
        None => Ok(()),
    }
}

/// The endpoints, from the config or from discovery. Discovery follows
/// no redirect, and its metadata is used only when every endpoint it names
/// is on the issuer's origin or one in `approved`.
pub async fn resolve(name: &str, cfg: &OAuthConfig, http: &Http, approved: &[String]) -> Result<Endpoints, OAuthError> {
    let issuer = match &cfg.server {
        AuthServer::Endpoints(e) => return Ok((**e).clone()),
        AuthServer::Issuer(i) => i,
    };
    let mut last = String::new();
    for url in candidates(issuer) {
        let req = http::Request::get(url.as_str())
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(|e| OAuthError::Discovery {
                issuer: issuer.to_string(),
                detail: clean(&e.to_string()),
            })?;
        // exchange() refuses a redirect, as RFC 8414 gives discovery none
        // to follow: a well-known address that sends us elsewhere is not
        // this issuer's.
        let reply = match http.exchange(req, DISCOVERY_TIMEOUT).await {
            Ok(r) => r,
            Err(e) => {
                return Err(OAuthError::Unreachable {
                    detail: format!("discovery at {issuer}: {}", e.detail),
                });
            }
        };
        if !reply.status().is_success() {
            last = format!("HTTP {} at {}", reply.status().as_u16(), url.path());
            continue;
        }
        let meta: Metadata = serde_json::from_slice(reply.body()).map_err(|e| OAuthError::Discovery {
            issuer: issuer.to_string(),
            detail: clean(&format!("the metadata is not JSON of the right shape: {e}")),
        })?;
        // RFC 8414 3.3: metadata for another issuer is not this one's.
        if meta.issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
            return Err(OAuthError::Discovery {
                issuer: issuer.to_string(),
                detail: format!("the metadata is for issuer \"{}\"", clean_to(&meta.issuer, 100)),
            });
        }
        let opt = |s: &Option<String>| s.as_deref().map(|s| endpoint(s, issuer)).transpose();
        let token = opt(&meta.token_endpoint)?.ok_or_else(|| OAuthError::Discovery {
            issuer: issuer.to_string(),
            detail: "the metadata names no token_endpoint".into(),
        })?;
        let ends = Endpoints {
            token,
            authorization: opt(&meta.authorization_endpoint)?,
            device_authorization: opt(&meta.device_authorization_endpoint)?,
            revocation: opt(&meta.revocation_endpoint)?,
        };
        let home = origin_of(issuer);
        for (which, u) in ends.named() {
            let origin = origin_of(u);
            if origin != home && !approved.contains(&origin) {
                return Err(OAuthError::MetadataElsewhere {
                    name: name.to_string(),
                    issuer: issuer.to_string(),
                    which,
                    origin: clean(&origin),
                });
            }
        }
        return Ok(ends);
    }
    Err(OAuthError::Discovery {
        issuer: issuer.to_string(),
        detail: format!("no metadata at either well-known address ({last})"),
    })
}

#[cfg(test)]
#[path = "tests/server.rs"]
mod tests;
