//! `homedash creds login NAME`: run the credential's grant and keep what
//! it gives. Device code (RFC 8628) shows a code, a URL and a QR code;
//! authorization code with PKCE (RFC 7636) waits for the browser on a
//! loopback port (RFC 8252) and checks `state`; client credentials proves
//! the client's secret. Nothing is stored unless the grant succeeded.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use url::Url;

use super::clean_to;
use super::error::OAuthError;
use super::exchange::{DeviceStart, Exchange, Tokens};
use super::renew;
use super::server;
use super::stored::Stored;
use crate::config::Endpoints;
use crate::config::{CredentialConfig, OAuthConfig, OAuthGrant};
use crate::credentials::keyring::Keyring;
use crate::net::http::Http;

/// How long the browser login may take.
pub const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// Where what the person logging in must do is shown: the terminal, the
/// Credentials screen's dialog, setup's key page. The words are this
/// module's, the same everywhere.
pub trait Show: Sync {
    /// `lines` replace what was shown, or with `more` (a waiting note)
    /// follow it.
    fn show(&self, lines: Vec<String>, more: bool);
}

/// For a face that redraws the whole text: what was shown last, and the
/// text to draw after `lines` arrive.
#[derive(Default)]
pub struct Shown(std::sync::Mutex<Vec<String>>);

impl Shown {
    pub fn update(&self, lines: Vec<String>, more: bool) -> Vec<String> {
        let mut base = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if more {
            base.iter().cloned().chain(lines).collect()
        } else {
            base.clone_from(&lines);
            lines
        }
    }
}

fn device_lines(start: &DeviceStart) -> Vec<String> {
    let mut lines = vec![
        format!("First copy your one-time code: {}", start.user_code()),
        format!("Then open {} on any device and enter it.", start.verification_uri()),
    ];
    if let Some(u) = start.verification_uri_complete()
        && let Some(qr) = super::qr::lines(&u)
    {
        lines.push(format!("Or scan this code with a phone (it opens {u}):"));
        lines.extend(qr);
    }
    lines.push(format!(
        "The code expires in {}.",
        humantime::format_duration(start.expires_in())
    ));
    lines
}

fn waiting_line(every: Duration, slowed: bool) -> String {
    if slowed {
        format!(
            "The server asked homedash to slow down (slow_down): checking every {} s now.",
            every.as_secs()
        )
    } else {
        format!(
            "Waiting for you to approve (authorization_pending); checking every {} s…",
            every.as_secs()
        )
    }
}

fn browser_lines(url: &Url, opened: bool) -> Vec<String> {
    let mut lines = if opened {
        vec![
            "Your browser is open at the login page; finish there.".to_string(),
            "If it did not open, open this URL on this machine:".to_string(),
        ]
    } else {
        vec!["Open this URL in a browser on this machine to log in:".to_string()]
    };
    lines.push(url.to_string());
    lines.push("homedash is waiting for the browser's redirect on 127.0.0.1…".into());
    lines
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
    let stored = first(cfg, &ends, t);
    let _lock = renew::lock(&cred.name).await?;
    renew::write(keyring, &cred.name, &stored).await?;
    crate::credentials::audit::record(
        crate::credentials::audit::Event::LoggedIn,
        &cred.name,
        None,
        &format!("{} grant", cfg.grant.name()),
    );
    Ok(stored)
}

fn first(cfg: &OAuthConfig, ends: &Endpoints, t: Tokens) -> Stored {
    let now = Utc::now();
    let blank = Stored {
        grant: cfg.grant,
        token_endpoint: ends.token.clone(),
        revocation_endpoint: ends.revocation.clone(),
        client_id: cfg.client_id.clone(),
        refresh: None,
        access: None,
        expires_at: None,
        lifetime_secs: None,
        scopes: Some(cfg.scopes.clone()),
        logged_in: now,
        refresh_issued: now,
        refreshed: None,
    };
    Stored {
        refreshed: None,
        ..blank.renewed(t)
    }
}

async fn device(ex: &Exchange<'_>, show: &dyn Show) -> Result<Tokens, OAuthError> {
    let start = ex.device_start().await?;
    show.show(device_lines(&start), false);
    let last = std::sync::Mutex::new(None::<Duration>);
    let waiting = |d: Duration| {
        let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
        let slowed = l.is_some_and(|p| d > p);
        if *l != Some(d) {
            show.show(vec![waiting_line(d, slowed)], true);
        }
        *l = Some(d);
    };
    ex.device_finish(&start, &waiting).await
}

/// The redirect's query, as the browser brought it.
#[derive(Debug)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    description: Option<String>,
}

const PAGE_OK: &str = "<!doctype html><title>homedash</title><p>homedash is logged in. You can close this tab.</p>";
const PAGE_BAD: &str = "<!doctype html><title>homedash</title><p>homedash refused this login; see the terminal.</p>";

async fn browser(ex: &Exchange<'_>, show: &dyn Show) -> Result<Tokens, OAuthError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| OAuthError::Listen(e.to_string()))?;
    let port = listener
        .local_addr()
        .map_err(|e| OAuthError::Listen(e.to_string()))?
        .port();
    let redirect =
        Url::parse(&format!("http://127.0.0.1:{port}/callback")).map_err(|e| OAuthError::Listen(e.to_string()))?;
    let (url, verifier, state) = ex.authorize_url(&redirect)?;
    let opened = open_browser(&url);
    show.show(browser_lines(&url, opened), false);
    let (tx, mut rx) = mpsc::channel::<(Callback, tokio::sync::oneshot::Sender<bool>)>(1);
    let serve = async {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let tx = tx.clone();
                    async move { Ok::<_, Infallible>(answer(req, &tx).await) }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
        }
    };
    let wait = async {
        let Some((cb, reply)) = rx.recv().await else {
            return Err(OAuthError::NoCode);
        };
        let verdict = check(&cb, state.secret());
        let _ = reply.send(verdict.is_ok());
        // Let the browser's page be written before the process moves on
        // (or exits, on a refusal).
        tokio::time::sleep(Duration::from_millis(300)).await;
        verdict
    };
    let code = tokio::select! {
        r = tokio::time::timeout(BROWSER_WAIT, wait) => r.map_err(|_| OAuthError::BrowserTimedOut { after: BROWSER_WAIT })??,
        () = serve => return Err(OAuthError::NoCode),
    };
    ex.code(code, verifier, &redirect).await
}

/// Equal without an early exit: how long it takes says nothing of where
/// a guess went wrong.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The code, if the redirect is this login's answer.
fn check(cb: &Callback, state: &str) -> Result<String, OAuthError> {
    let same = cb
        .state
        .as_deref()
        .is_some_and(|s| same_bytes(s.as_bytes(), state.as_bytes()));
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

async fn answer(
    req: Request<Incoming>,
    tx: &mpsc::Sender<(Callback, tokio::sync::oneshot::Sender<bool>)>,
) -> Response<Full<Bytes>> {
    let page = |status: StatusCode, body: &'static str| {
        let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
        *r.status_mut() = status;
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    };
    if req.uri().path() != "/callback" {
        return page(StatusCode::NOT_FOUND, PAGE_BAD);
    }
    let mut cb = Callback {
        code: None,
        state: None,
        error: None,
        description: None,
    };
    for (k, v) in url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "code" => cb.code = Some(v.into_owned()),
            "state" => cb.state = Some(v.into_owned()),
            "error" => cb.error = Some(v.into_owned()),
            "error_description" => cb.description = Some(v.into_owned()),
            _ => {}
        }
    }
    let (reply, verdict) = tokio::sync::oneshot::channel();
    if tx.send((cb, reply)).await.is_err() {
        return page(StatusCode::GONE, PAGE_BAD);
    }
    match verdict.await {
        Ok(true) => page(StatusCode::OK, PAGE_OK),
        _ => page(StatusCode::BAD_REQUEST, PAGE_BAD),
    }
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
    crate::credentials::audit::record(
        crate::credentials::audit::Event::RevokedAtServer,
        &cred.name,
        None,
        "revoked at the authorization server (RFC 7009)",
    );
    Ok(true)
}

#[cfg(test)]
#[path = "tests/login.rs"]
mod tests;
