//! `homedash creds login NAME`: run the credential's grant and keep what
//! it gives. Device code (RFC 8628) shows a code, a URL and a QR code;
//! authorization code with PKCE (RFC 7636) waits for the browser on a
//! loopback port (RFC 8252) and checks `state`; client credentials proves
//! the client's secret. Nothing is stored unless the grant succeeded.

use std::time::Duration;

use url::Url;

use super::clean_to;
use super::error::OAuthError;
use super::exchange::{Exchange, Tokens};
use super::renew;
use super::server;
use super::stored::Stored;
use crate::config::Endpoints;
use crate::config::{CredentialConfig, OAuthConfig, OAuthGrant};
use crate::credentials::keyring::Keyring;
use crate::net::http::Http;
use crate::net::redirect::{Pages, Query, Redirect};

/// How long the browser login may take.
pub const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// What the person logging in must do, or is waiting on. The words are
/// the faces' (`ui::login`): the terminal, the Credentials screen's dialog
/// and setup's key page say the same thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Device code: the code to enter, where, and the URL that carries
    /// it (for a QR code) when the server gave one.
    Device {
        user_code: String,
        uri: String,
        complete: Option<String>,
        expires_in: Duration,
    },
    /// Device code: still waiting, checking every `every` (`slowed` when
    /// the server asked for a longer wait).
    Waiting { every: Duration, slowed: bool },
    /// Authorization code: the login page, and whether a browser opened.
    Browser { url: Url, opened: bool },
}

/// Where a login's prompts go.
pub trait Show: Sync {
    fn show(&self, prompt: Prompt);
}

/// Run the grant of `cred` and store the result (user grants) under the
/// credential's lock, so a refresh in another process cannot overwrite it.
/// Log in: the endpoints the config names are approved by it (the caller
/// records them); discovered ones must be on the issuer's origin or in
/// `approved`.
pub async fn login(
    cred: &CredentialConfig,
    cfg: &OAuthConfig,
    http: &Http,
    keyring: Option<&Keyring>,
    show: &dyn Show,
    approved: &[String],
) -> Result<Stored, OAuthError> {
    if cfg.grant == OAuthGrant::ClientCredentials {
        return renew::client_token(cred, cfg, http, keyring, approved, true).await;
    }
    let Some(keyring) = keyring else {
        return Err(OAuthError::Keyring(
            crate::credentials::keyring::KeyringError::Unavailable {
                detail: "an OAuth login keeps its refresh token in the keyring".into(),
            },
        ));
    };
    let ends = server::resolve(&cred.name, cfg, http, approved).await?;
    let secret = renew::client_secret(&cred.name, cfg, Some(keyring)).await?;
    let ex = Exchange::new(&cred.name, cfg, &ends, secret.as_ref(), http);
    let t = match cfg.grant {
        OAuthGrant::DeviceCode => device(&ex, show).await?,
        _ => browser(&ex, show).await?,
    };
    if t.refresh.is_none() {
        tracing::info!(credential = %cred.name, "the server gave no refresh token; a new login is needed when the access token expires");
    }
    // A login is not a refresh: the record says when it was logged in.
    let stored = Stored {
        refreshed: None,
        ..Stored::granted(cfg, &ends, Some(cfg.scopes.clone()), t)
    };
    let _lock = renew::lock(&cred.name).await?;
    renew::write(keyring, &cred.name, &stored).await?;
    crate::audit::record(
        crate::audit::Event::LoggedIn,
        &cred.name,
        None,
        &format!("{} grant", cfg.grant.name()),
    );
    Ok(stored)
}

async fn device(ex: &Exchange<'_>, show: &dyn Show) -> Result<Tokens, OAuthError> {
    let start = ex.device_start().await?;
    show.show(Prompt::Device {
        user_code: start.user_code(),
        uri: start.verification_uri(),
        complete: start.verification_uri_complete(),
        expires_in: start.expires_in(),
    });
    let last = std::sync::Mutex::new(None::<Duration>);
    let waiting = |d: Duration| {
        let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
        let slowed = l.is_some_and(|p| d > p);
        if *l != Some(d) {
            show.show(Prompt::Waiting { every: d, slowed });
        }
        *l = Some(d);
    };
    ex.device_finish(&start, &waiting).await
}

/// The redirect's query, as the browser brought it. No `Debug`: the code
/// is a secret until it is exchanged.
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    description: Option<String>,
}

impl Callback {
    fn of(query: &Query) -> Callback {
        let get = |name: &str| query.iter().rfind(|(k, _)| k == name).map(|(_, v)| v.clone());
        Callback {
            code: get("code"),
            state: get("state"),
            error: get("error"),
            description: get("error_description"),
        }
    }
}

const PAGES: Pages = Pages {
    ok: "<!doctype html><title>homedash</title><p>homedash is logged in. You can close this tab.</p>",
    refused: "<!doctype html><title>homedash</title><p>homedash refused this login; see the terminal.</p>",
};

async fn browser(ex: &Exchange<'_>, show: &dyn Show) -> Result<Tokens, OAuthError> {
    let redirect = Redirect::bind().await.map_err(|e| OAuthError::Listen(e.to_string()))?;
    let back = redirect.url().clone();
    let (url, verifier, state) = ex.authorize_url(&back)?;
    let opened = open_browser(&url);
    show.show(Prompt::Browser { url, opened });
    let wait = redirect.first(PAGES, |q| check(&Callback::of(q), state.secret()));
    let code = tokio::time::timeout(BROWSER_WAIT, wait)
        .await
        .map_err(|_| OAuthError::BrowserTimedOut { after: BROWSER_WAIT })?
        .ok_or(OAuthError::NoCode)??;
    ex.code(code, verifier, &back).await
}

/// The code, if the redirect is this login's answer.
fn check(cb: &Callback, state: &str) -> Result<String, OAuthError> {
    let same = cb
        .state
        .as_deref()
        .is_some_and(|s| crate::credentials::secret::same_bytes(s.as_bytes(), state.as_bytes()));
    if !same {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(e) = &cb.error {
        return Err(if e == "access_denied" {
            OAuthError::Denied
        } else {
            OAuthError::Refused {
                code: clean_to(e, 60),
                detail: clean_to(cb.description.as_deref().unwrap_or(""), 200),
            }
        });
    }
    cb.code.clone().filter(|c| !c.is_empty()).ok_or(OAuthError::NoCode)
}

/// Only where a graphical browser can be: elsewhere a text browser would
/// take over this terminal, so the URL is printed instead.
fn open_browser(url: &Url) -> bool {
    let graphical = cfg!(any(target_os = "macos", target_os = "windows"))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    graphical && webbrowser::open(url.as_str()).is_ok()
}

/// RFC 7009 at the server, when it offers revocation: the refresh token
/// (which ends the grant at most servers) and the access token.
pub async fn revoke(
    cred: &CredentialConfig,
    cfg: &OAuthConfig,
    http: &Http,
    keyring: &Keyring,
    stored: &Stored,
) -> Result<bool, OAuthError> {
    let ends = Endpoints {
        token: stored.token_endpoint.clone(),
        authorization: None,
        device_authorization: None,
        revocation: stored.revocation_endpoint.clone(),
    };
    let secret = renew::client_secret(&cred.name, cfg, Some(keyring)).await?;
    let ex = Exchange::new(&cred.name, cfg, &ends, secret.as_ref(), http);
    if !ex.can_revoke() {
        return Ok(false);
    }
    if let Some(r) = &stored.refresh {
        ex.revoke(r, true).await?;
    }
    if let Some(a) = &stored.access {
        ex.revoke(a, false).await?;
    }
    crate::audit::record(
        crate::audit::Event::RevokedAtServer,
        &cred.name,
        None,
        "revoked at the authorization server (RFC 7009)",
    );
    Ok(true)
}

#[cfg(test)]
#[path = "tests/login.rs"]
mod tests;
