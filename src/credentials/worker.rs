//! Runs the Credentials screen's operations off the UI path, one at a time
//! (the keyring sees one writer), and keeps the app told: the broker's
//! state after every change, and the state file after every operation.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::broker::Broker;
use super::keyring::BACKEND;
use super::manager::{self, Manager};
use super::meta::MetaFile;
use crate::config::Config;
use crate::credentials::error::CredError;
use crate::credentials::oauth;
use crate::credentials::ops::{CredEvent, CredOp};

/// Usage counters reach the state file this often, and at exit.
const FLUSH_EVERY: Duration = Duration::from_secs(60);

pub fn spawn<M: From<CredEvent> + Send + 'static>(
    config: Config,
    manager: Manager,
    broker: Arc<Broker>,
    tx: mpsc::Sender<M>,
    cancel: CancellationToken,
) -> mpsc::Sender<CredOp> {
    let (ops_tx, ops_rx) = mpsc::channel(4);
    tokio::spawn(watch(Some(manager.clone()), broker.clone(), tx.clone(), cancel.clone()));
    tokio::spawn(work(config, manager, broker, tx, ops_rx, cancel));
    ops_tx
}

async fn send_meta<M: From<CredEvent>>(m: &Manager, tx: &mpsc::Sender<M>) {
    match m.load_meta().await {
        Ok(meta) => {
            let _ = tx.send(CredEvent::Meta(meta).into()).await;
        }
        Err(e) => {
            let _ = tx.send(CredEvent::Notice(e.to_string()).into()).await;
        }
    }
}

/// True when something was written.
async fn flush_usage(m: &Manager, broker: &Broker) -> bool {
    let usage = broker.take_usage();
    if usage.is_empty() {
        return false;
    }
    let path = m.meta_path().to_path_buf();
    let r = tokio::task::spawn_blocking(move || {
        MetaFile::update(&path, |f| {
            for (name, u) in &usage {
                f.credentials.entry(name.clone()).or_default().usage.add(u);
            }
        })
    })
    .await;
    match r {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot save usage counters");
            false
        }
        Err(_) => false,
    }
}

/// Notices of changes to the state file, by this process or another
/// (`homedash creds allow` in a second terminal). Dropped, it stops.
fn watch_state(path: &std::path::Path) -> Option<(notify::RecommendedWatcher, mpsc::Receiver<()>)> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let dir = path.parent()?.to_path_buf();
    let name = path.file_name()?.to_os_string();
    let (tx, rx) = mpsc::channel(16);
    let mut w = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && !matches!(ev.kind, EventKind::Access(_))
            && ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str()))
        {
            let _ = tx.try_send(());
        }
    })
    .inspect_err(|e| tracing::warn!(error = %e, "cannot watch the credential state"))
    .ok()?;
    w.watch(&dir, RecursiveMode::NonRecursive)
        .inspect_err(|e| tracing::warn!(error = %e, "cannot watch the credential state"))
        .ok()?;
    Some((w, rx))
}

/// The state file changed: approvals reach the broker (waking the widgets
/// they concern), and the screen gets the new facts.
async fn state_changed<M: From<CredEvent>>(m: &Manager, broker: &Broker, tx: &mpsc::Sender<M>) {
    match m.load_meta().await {
        Ok(meta) => {
            broker.set_approvals(&meta.approvals());
            for name in broker.changed_elsewhere(&meta) {
                tracing::info!(credential = %name, "its stored facts changed; reading it again");
                broker.reload_changed(&name).await;
            }
            let _ = tx.send(CredEvent::Meta(meta).into()).await;
        }
        Err(e) => {
            let _ = tx.send(CredEvent::Notice(e.to_string()).into()).await;
        }
    }
}

/// Tell the app the broker's state now and after every change. Without a
/// manager (the demo) nothing is ever written.
pub async fn watch<M: From<CredEvent> + Send>(
    m: Option<Manager>,
    broker: Arc<Broker>,
    tx: mpsc::Sender<M>,
    cancel: CancellationToken,
) {
    let mut changes = broker.subscribe();
    if let Some(m) = &m {
        send_meta(m, &tx).await;
    }
    let (_watcher, mut state_events) = match m.as_ref().and_then(|m| watch_state(m.meta_path())) {
        Some((w, rx)) => (Some(w), rx),
        None => (None, mpsc::channel(1).1),
    };
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    flush.tick().await;
    loop {
        let views = broker.views();
        if tx.send(CredEvent::Views(views).into()).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                r = changes.changed() => if r.is_err() { return } else { break },
                Some(()) = state_events.recv() => {
                    // A write is a temp file and a rename: take them as one.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    while state_events.try_recv().is_ok() {}
                    if let Some(m) = &m {
                        state_changed(m, &broker, &tx).await;
                    }
                }
                _ = flush.tick() => {
                    if let Some(m) = &m
                        && flush_usage(m, &broker).await
                    {
                        send_meta(m, &tx).await;
                    }
                }
                () = cancel.cancelled() => {
                    if let Some(m) = &m {
                        let _ = flush_usage(m, &broker).await;
                    }
                    return;
                }
            }
        }
    }
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
        state_changed(&m, &broker, &tx).await;
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

/// A login's progress, as the lines of the screen's login dialog.
struct Progress<M> {
    tx: mpsc::Sender<M>,
    shown: oauth::login::Shown,
}

impl<M: From<CredEvent> + Send + 'static> Progress<M> {
    fn new(tx: mpsc::Sender<M>) -> Self {
        Progress {
            tx,
            shown: oauth::login::Shown::default(),
        }
    }
}

impl<M: From<CredEvent> + Send + 'static> oauth::login::Show for Progress<M> {
    fn show(&self, lines: Vec<String>, more: bool) {
        // The UI drains its channel promptly; a full one only drops a
        // progress note, never the result.
        let _ = self
            .tx
            .try_send(CredEvent::Login(self.shown.update(lines, more)).into());
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
        CredOp::Add { name, provider, secret } => {
            let p = homedash_widgets::source::keyed(provider).ok_or_else(|| CredError::UnknownProvider {
                name: provider.to_string(),
                available: homedash_widgets::source::keyed_all()
                    .into_iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            manager::check_add(config, &name, p)?;
            let origins = crate::credentials::origins::origins_to_approve(config, &name, p);
            let secret = secret.into_secret();
            let fp = m.add(&name, p, &secret, &origins).await?;
            let mut text = format!("stored {name} ({fp}) in the {BACKEND}");
            match config.credential(&name) {
                Some(c) => {
                    let r = m.test(c, &crate::credentials::origins::probe_base(config, c)).await?;
                    text.push_str(&format!("; test: {}", r.outcome));
                    // Its widgets start polling at once.
                    broker.set(&name, Ok(secret));
                }
                None => text.push_str(&format!(
                    "; add [credential.{name}] with provider = \"{}\" to the config to use it",
                    p.name
                )),
            }
            Ok((true, text))
        }
        CredOp::Test { name } => {
            let c = find(&name)?;
            if c.provider.probe_spends_quota {
                tracing::info!(credential = %name, "test spends one request of the daily quota");
            }
            let r = m.test(c, &crate::credentials::origins::probe_base(config, c)).await?;
            if r.ok && broker.has(&name) {
                // A pass resumes widgets paused by a rejection or a locked keyring.
                broker.reload(&name).await;
                broker.accept(&name);
            }
            Ok((r.ok, format!("{name}: {}", r.outcome)))
        }
        CredOp::Rotate { name, secret } => {
            let secret = secret.into_secret();
            let c = find(&name)?;
            let origins = crate::credentials::origins::origins_to_approve(config, &name, c.provider);
            let (fp, _) = m
                .rotate(
                    &name,
                    c.provider,
                    &crate::credentials::origins::probe_base(config, c),
                    &secret,
                    &origins,
                    false,
                )
                .await?;
            let shown = super::secret::fingerprint(secret.expose_secret());
            debug_assert_eq!(fp, shown);
            broker.set(&name, Ok(secret));
            Ok((
                true,
                format!(
                    "rotated {name}: the new token ({fp}) tested valid and is in use. y keeps it and deletes the previous one, b rolls back. Then revoke the old token at {}",
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
        CredOp::Login { name } => {
            let c = find(&name)?;
            let Some(o) = c.oauth.as_deref() else {
                return Err(CredError::NotOAuth { name });
            };
            let stored = m.oauth_login(c, o, progress).await?;
            let origins = crate::credentials::origins::origins_to_approve(config, &name, c.provider);
            if !origins.is_empty() {
                m.approve(&name, &origins).await?;
            }
            broker.reload(&name).await;
            Ok((
                true,
                format!(
                    "{name}: logged in{}",
                    oauth::stored::facts(&stored, &o.scopes, chrono::Utc::now())
                ),
            ))
        }
        CredOp::CancelLogin { name } => Ok((false, format!("{name}: no login is running"))),
        CredOp::Revoke { name } if config.credential(&name).is_some_and(|c| c.oauth.is_some()) => {
            let c = find(&name)?;
            let Some(o) = c.oauth.as_deref() else {
                return Err(CredError::NotOAuth { name });
            };
            let at_server = m.oauth_remove(c, o, false).await?;
            broker.revoke(&name);
            Ok((
                true,
                match at_server {
                    Some(true) => format!("{name}: revoked at the authorization server and deleted from the {BACKEND}"),
                    _ => format!(
                        "{name}: deleted from the {BACKEND}; the server offers no revocation, so end the app's access in your account there"
                    ),
                },
            ))
        }
        CredOp::Revoke { name } => {
            m.revoke(&name).await?;
            broker.revoke(&name);
            let page = config
                .credential(&name)
                .map(|c| format!("; revoke it at the provider too: {}", c.provider.key_page))
                .unwrap_or_default();
            Ok((true, format!("{name}: deleted from the {BACKEND}{page}")))
        }
    }
}
