//! Runs the Credentials screen's operations off the UI path, one at a time
//! (the keyring sees one writer), through the credentials room's façade:
//! tokens arrive sealed and go to the manager and the broker sealed. After
//! every operation the app gets the state file's facts.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, CredentialConfig};
use crate::credentials::{Broker, CredError, Manager, Prompt, Sealed, Show, check_add, oauth_facts};
use crate::keymap::{Action, Scope};
use crate::net::origins::{origins_to_approve, probe_base};

pub mod ops;
pub mod watch;

pub use ops::{CredEvent, CredOp, LiveShowing, Showing};

pub fn spawn<M: From<CredEvent> + Send + 'static>(
    config: Config,
    manager: Manager,
    broker: Arc<Broker>,
    tx: mpsc::Sender<M>,
    cancel: CancellationToken,
) -> mpsc::Sender<CredOp> {
    let (ops_tx, ops_rx) = mpsc::channel(4);
    tokio::spawn(watch::watch(
        Some(manager.clone()),
        broker.clone(),
        tx.clone(),
        cancel.clone(),
    ));
    tokio::spawn(work(config, manager, broker, tx, ops_rx, cancel));
    ops_tx
}

async fn work<M: From<CredEvent> + Send + 'static>(
    config: Config,
    mut m: Manager,
    broker: Arc<Broker>,
    tx: mpsc::Sender<M>,
    mut ops: mpsc::Receiver<CredOp>,
    cancel: CancellationToken,
) {
    loop {
        let op = tokio::select! {
            op = ops.recv() => match op { Some(op) => op, None => return },
            () = cancel.cancelled() => return,
        };
        // A login waits for the person (minutes, perhaps): the screen may
        // cancel it meanwhile, and nothing else runs until it ends.
        let login = matches!(op, CredOp::Login { .. });
        let progress = Progress::new(tx.clone());
        let running = run(&config, &mut m, &broker, op, &progress);
        let outcome = if login {
            tokio::select! {
                r = running => r,
                cancelled = wait_cancel(&mut ops) => match cancelled {
                    Some(name) => Ok((false, format!("{name}: login cancelled; nothing was stored"))),
                    None => return,
                },
                () = cancel.cancelled() => return,
            }
        } else {
            running.await
        };
        let (ok, text) = match outcome {
            Ok(done) => done,
            Err(e) => (false, e.to_string()),
        };
        watch::state_changed(&m, &broker, &tx).await;
        if tx.send(CredEvent::Done { ok, text }.into()).await.is_err() {
            return;
        }
    }
}

/// The next `CancelLogin` (other ops are not sent while a login runs);
/// `None` when the screen is gone.
async fn wait_cancel(ops: &mut mpsc::Receiver<CredOp>) -> Option<String> {
    loop {
        match ops.recv().await? {
            CredOp::CancelLogin { name } => return Some(name),
            other => tracing::warn!(op = other.verb(), "ignored while a login runs"),
        }
    }
}

/// A login's prompts, for the screen's login dialog to put in words.
struct Progress<M> {
    tx: mpsc::Sender<M>,
    showing: LiveShowing,
}

impl<M: From<CredEvent> + Send + 'static> Progress<M> {
    fn new(tx: mpsc::Sender<M>) -> Self {
        Progress {
            tx,
            showing: LiveShowing::default(),
        }
    }
}

impl<M: From<CredEvent> + Send + 'static> Show for Progress<M> {
    fn show(&self, prompt: Prompt) {
        let showing = self.showing.update(prompt);
        // The UI drains its channel promptly; a full one drops this note,
        // and the next carries all of it again. Never the result.
        let _ = self.tx.try_send(CredEvent::Login(showing).into());
    }
}

/// Carries out `op`: whether it did what was asked, and what to say.
async fn run<M: From<CredEvent> + Send + 'static>(
    config: &Config,
    m: &mut Manager,
    broker: &Broker,
    op: CredOp,
    progress: &Progress<M>,
) -> Result<(bool, String), CredError> {
    let find = |name: &str| {
        config.credential(name).ok_or_else(|| CredError::NotConfigured {
            name: name.to_string(),
            config: config.source_name.clone(),
        })
    };
    match op {
        CredOp::Add { name, provider, secret } => add(config, m, broker, &name, provider, secret).await,
        CredOp::Test { name } => {
            let c = find(&name)?;
            if c.provider.probe_spends_quota {
                tracing::info!(credential = %name, "test spends one request of the daily quota");
            }
            let r = m.test(c, &probe_base(config, c)).await?;
            if r.ok && broker.has(&name) {
                // A pass resumes widgets paused by a rejection or a locked keyring.
                broker.reload(&name).await;
                broker.accept(&name);
            }
            Ok((r.ok, format!("{name}: {}", r.outcome)))
        }
        CredOp::Rotate { name, secret } => {
            let c = find(&name)?;
            let origins = origins_to_approve(config, &name, c.provider);
            let (fp, _) = m
                .rotate_sealed(&name, c.provider, &probe_base(config, c), &secret, &origins, false)
                .await?;
            broker.set_sealed(&name, secret);
            Ok((
                true,
                format!(
                    "rotated {name}: the new token ({fp}) tested valid and is in use. {} keeps it and deletes the previous one, {} rolls back. Then revoke the old token at {}",
                    config.keys.first(Scope::Credentials, Action::Keep),
                    config.keys.first(Scope::Credentials, Action::Rollback),
                    c.provider.key_page
                ),
            ))
        }
        CredOp::Confirm { name } => {
            m.confirm(&name).await?;
            Ok((true, format!("{name}: previous token deleted from the keyring")))
        }
        CredOp::Rollback { name } => {
            let fp = m.rollback(&name).await?;
            broker.reload(&name).await;
            Ok((true, format!("{name}: previous token ({fp}) restored")))
        }
        CredOp::Allow { name, origins } => {
            let added = m.approve(&name, &origins).await?;
            let all = origins.join(", ");
            Ok((
                true,
                if added.is_empty() {
                    format!("{name}: {all} already approved")
                } else {
                    format!("{name}: approved; it may now be sent to {all}")
                },
            ))
        }
        CredOp::Login { name } => login(config, m, broker, find(&name)?, progress).await,
        CredOp::CancelLogin { name } => Ok((false, format!("{name}: no login is running"))),
        CredOp::Revoke { name } if config.credential(&name).is_some_and(|c| c.oauth.is_some()) => {
            revoke_oauth(m, broker, find(&name)?).await
        }
        CredOp::Revoke { name } => {
            m.revoke(&name).await?;
            broker.revoke(&name);
            let page = config
                .credential(&name)
                .map(|c| format!("; revoke it at the provider too: {}", c.provider.key_page))
                .unwrap_or_default();
            // Named after the keyring answered: the store in use.
            let backend = crate::credentials::backend_name();
            Ok((true, format!("{name}: deleted from the {backend}{page}")))
        }
    }
}

/// Store a new token, test it, and lend it to its widgets at once.
async fn add(
    config: &Config,
    m: &mut Manager,
    broker: &Broker,
    name: &str,
    provider: &str,
    secret: Sealed,
) -> Result<(bool, String), CredError> {
    let p = crate::credentials::keyed_provider(provider)?;
    check_add(config, name, p)?;
    let origins = origins_to_approve(config, name, p);
    let fp = m.add_sealed(name, p, &secret, &origins).await?;
    // Named after the keyring answered: the store in use.
    let backend = crate::credentials::backend_name();
    let mut text = format!("stored {name} ({fp}) in the {backend}");
    match config.credential(name) {
        Some(c) => {
            let r = m.test(c, &probe_base(config, c)).await?;
            text.push_str(&format!("; test: {}", r.outcome));
            // Its widgets start polling at once.
            broker.set_sealed(name, secret);
        }
        None => text.push_str(&format!(
            "; add [credential.{name}] with provider = \"{}\" to the config to use it",
            p.name
        )),
    }
    Ok((true, text))
}

/// Run an OAuth credential's grant, approve the origins its widgets need,
/// and have the broker read the new login.
async fn login<M: From<CredEvent> + Send + 'static>(
    config: &Config,
    m: &mut Manager,
    broker: &Broker,
    c: &CredentialConfig,
    progress: &Progress<M>,
) -> Result<(bool, String), CredError> {
    let name = c.name.as_str();
    let Some(o) = c.oauth.as_deref() else {
        return Err(CredError::NotOAuth { name: name.to_string() });
    };
    let stored = m.oauth_login(c, o, progress).await?;
    let origins = origins_to_approve(config, name, c.provider);
    if !origins.is_empty() {
        m.approve(name, &origins).await?;
    }
    broker.reload(name).await;
    Ok((
        true,
        format!(
            "{name}: logged in{}",
            oauth_facts(&stored, &o.scopes, chrono::Utc::now())
        ),
    ))
}

/// Revoke an OAuth login at its server (RFC 7009) where it can be, and
/// delete its tokens.
async fn revoke_oauth(m: &mut Manager, broker: &Broker, c: &CredentialConfig) -> Result<(bool, String), CredError> {
    let name = c.name.as_str();
    let Some(o) = c.oauth.as_deref() else {
        return Err(CredError::NotOAuth { name: name.to_string() });
    };
    let at_server = m.oauth_remove(c, o, false).await?;
    broker.revoke(name);
    let backend = crate::credentials::backend_name();
    Ok((
        true,
        match at_server {
            Some(true) => format!("{name}: revoked at the authorization server and deleted from the {backend}"),
            _ => format!(
                "{name}: deleted from the {backend}; the server offers no revocation, so end the app's access in your account there"
            ),
        },
    ))
}
