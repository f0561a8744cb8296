//! Renewing an access token so that no refresh token is ever spent twice:
//! one process at a time holds the credential's lock file; inside it the
//! keyring record is read again (another process may have renewed it
//! already, and its result is taken as it is), the refresh is sent to the
//! token endpoint the login came from, and the answer is written back to
//! the keyring before the new access token is handed to anyone.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use secrecy::SecretString;

use super::error::OAuthError;
use super::exchange::{Exchange, Tokens};
use super::stored::Stored;
use crate::config::Endpoints;
use crate::config::{CredentialConfig, OAuthConfig};
use crate::credentials::keyring::{Keyring, KeyringError, off_thread};
use crate::net::http::Http;

/// Longer than any refresh takes; a holder that long is stuck.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Where the client secret of `name` lives when its source is the keyring.
pub fn client_secret_account(name: &str) -> String {
    format!("{name}#client")
}

/// The credential's lock, held until dropped (the OS releases it if the
/// process dies).
pub struct Held {
    _file: std::fs::File,
}

fn lock_path(name: &str) -> Result<PathBuf, OAuthError> {
    let dir = crate::logging::private_state_dir()
        .map_err(|e| OAuthError::Lock {
            path: "the state directory".into(),
            detail: e.to_string(),
        })?
        .join("locks");
    crate::logging::create_private_dir(&dir).map_err(|e| OAuthError::Lock {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    Ok(dir.join(format!("{name}.lock")))
}

pub async fn lock(name: &str) -> Result<Held, OAuthError> {
    let path = lock_path(name)?;
    let bad = |e: std::io::Error| OAuthError::Lock {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    crate::atomic::no_follow(&mut opts);
    let file = opts.open(&path).map_err(bad)?;
    let end = tokio::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Held { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(bad(e)),
        }
        if tokio::time::Instant::now() >= end {
            return Err(OAuthError::LockTimedOut {
                name: name.to_string(),
                secs: LOCK_WAIT.as_secs(),
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn read(keyring: &Keyring, name: &str) -> Result<Stored, OAuthError> {
    let (k, n) = (keyring.clone(), name.to_string());
    match off_thread(move || k.get(&n)).await {
        Ok(v) => Stored::from_secret(&v).map_err(|e| OAuthError::Damaged {
            name: name.to_string(),
            detail: e.to_string(),
        }),
        Err(KeyringError::NotFound { .. }) => Err(OAuthError::NotLoggedIn { name: name.to_string() }),
        Err(e) => Err(e.into()),
    }
}

pub async fn write(keyring: &Keyring, name: &str, stored: &Stored) -> Result<(), OAuthError> {
    let (k, n, v) = (keyring.clone(), name.to_string(), stored.to_secret());
    off_thread(move || k.set(&n, &v)).await?;
    Ok(())
}

/// The client secret, from wherever the config says it lives.
pub async fn client_secret(
    name: &str,
    cfg: &OAuthConfig,
    keyring: Option<&Keyring>,
) -> Result<Option<SecretString>, OAuthError> {
    let Some(source) = &cfg.client_secret else {
        return Ok(None);
    };
    crate::credentials::source::read(source, &client_secret_account(name), keyring)
        .await
        .map(Some)
        .map_err(OAuthError::ClientSecret)
}

impl Stored {
    /// This record after a refresh answered `t`. A server that does not
    /// rotate refresh tokens sends none back: the old one stays.
    pub fn renewed(&self, t: Tokens) -> Stored {
        let now = Utc::now();
        let rotated = t.refresh.is_some();
        Stored {
            refresh: t.refresh.or_else(|| self.refresh.clone()),
            access: Some(t.access),
            expires_at: t
                .expires_in
                .map(|d| now + chrono::Duration::from_std(d).unwrap_or_default()),
            lifetime_secs: t.expires_in.map(|d| d.as_secs()),
            scopes: t.scopes.or_else(|| self.scopes.clone()),
            refresh_issued: if rotated { now } else { self.refresh_issued },
            refreshed: Some(now),
            ..self.clone()
        }
    }

    /// A new grant's record: what `t` gave, from now. `asked` (the scopes
    /// asked for) stands when the server does not say what it granted.
    pub fn granted(cfg: &OAuthConfig, ends: &Endpoints, asked: Option<Vec<String>>, t: Tokens) -> Stored {
        let now = Utc::now();
        Stored {
            grant: cfg.grant,
            token_endpoint: ends.token.clone(),
            revocation_endpoint: ends.revocation.clone(),
            client_id: cfg.client_id.clone(),
            refresh: None,
            access: None,
            expires_at: None,
            lifetime_secs: None,
            scopes: asked,
            logged_in: now,
            refresh_issued: now,
            refreshed: None,
        }
        .renewed(t)
    }
}

/// A working access token for a user grant: the stored one if it still
/// has time, else a refresh under the lock. `held` is the access token the
/// caller had: if the stored one differs, another process renewed it.
/// `approved`: the origins its owner approved; a config that now names
/// another for its endpoints pauses it until a new login approves that.
pub async fn current(
    cred: &CredentialConfig,
    cfg: &OAuthConfig,
    http: &Http,
    keyring: &Keyring,
    force: bool,
    held: Option<&SecretString>,
    approved: &[String],
) -> Result<Stored, OAuthError> {
    let name = &cred.name;
    let _lock = lock(name).await?;
    let stored = read(keyring, name).await?;
    // The endpoints the stored login used were approved by that login
    // (a login made before approvals were recorded among them); what the
    // config names now must be among those or the approved.
    let mut approved = approved.to_vec();
    approved.extend(stored.origins());
    super::server::check_approved(name, cfg, &approved)?;
    if stored.client_id != cfg.client_id {
        return Err(OAuthError::ClientChanged {
            name: name.clone(),
            stored: stored.client_id.clone(),
            configured: cfg.client_id.clone(),
        });
    }
    let renewed_elsewhere = {
        use secrecy::ExposeSecret;
        match (&stored.access, held) {
            (Some(a), Some(h)) => a.expose_secret() != h.expose_secret(),
            _ => false,
        }
    };
    if stored.fresh_access(Utc::now()).is_some() && (!force || renewed_elsewhere) {
        return Ok(stored);
    }
    let Some(refresh) = &stored.refresh else {
        return Err(OAuthError::InvalidGrant {
            name: name.clone(),
            detail: "the access token expired and the server gave no refresh token".into(),
        });
    };
    let secret = client_secret(name, cfg, Some(keyring)).await?;
    // The refresh goes where the login's tokens came from, whatever the
    // config says now.
    let ends = Endpoints {
        token: stored.token_endpoint.clone(),
        authorization: None,
        device_authorization: None,
        revocation: stored.revocation_endpoint.clone(),
    };
    let ex = Exchange::new(name, cfg, &ends, secret.as_ref(), http);
    crate::pause::at("refresh:before-send").await;
    let answer = ex.refresh(refresh).await;
    crate::pause::at("refresh:answered").await;
    let t = answer?;
    let next = stored.renewed(t);
    write(keyring, name, &next).await?;
    crate::pause::at("refresh:stored").await;
    crate::audit::record(
        crate::audit::Event::Refreshed,
        name,
        None,
        if next.refresh_issued == next.refreshed.unwrap_or_default() {
            "access and refresh token renewed"
        } else {
            "access token renewed"
        },
    );
    Ok(next)
}

/// A token for the client itself (client credentials): nothing stored.
/// The client secret goes only to endpoints on approved origins, unless
/// this is the login that approves them (`logging_in`).
pub async fn client_token(
    cred: &CredentialConfig,
    cfg: &OAuthConfig,
    http: &Http,
    keyring: Option<&Keyring>,
    approved: &[String],
    logging_in: bool,
) -> Result<Stored, OAuthError> {
    if !logging_in {
        super::server::check_approved(&cred.name, cfg, approved)?;
    }
    let ends = super::server::resolve(&cred.name, cfg, http, approved).await?;
    let secret = client_secret(&cred.name, cfg, keyring).await?;
    let t = Exchange::new(&cred.name, cfg, &ends, secret.as_ref(), http)
        .client_credentials()
        .await?;
    Ok(Stored::granted(cfg, &ends, None, t))
}
