//! Keeps the app told, off the UI path: the broker's state after every
//! change, the state file when this process or another writes it, and the
//! usage counters saved every minute and at exit (the saving and taking in
//! are the credentials room's: `Broker::save_usage`, `Broker::take_in`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::credentials::{Broker, Manager};
use crate::workers::credentials::CredEvent;

/// Usage counters reach the state file this often, and at exit.
const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// The Credentials screen's counts follow the polls this closely.
const LIVE_EVERY: Duration = Duration::from_secs(1);

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

/// Notices of changes to the state file, by this process or another
/// (`homedash creds allow` in a second terminal). Dropped, it stops.
fn watch_file(path: &std::path::Path) -> Option<(notify::RecommendedWatcher, mpsc::Receiver<()>)> {
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
pub async fn state_changed<M: From<CredEvent>>(m: &Manager, broker: &Broker, tx: &mpsc::Sender<M>) {
    match m.load_meta().await {
        Ok(meta) => {
            broker.take_in(&meta).await;
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
    let (_watcher, mut state_events) = match m.as_ref().and_then(|m| watch_file(m.meta_path())) {
        Some((w, rx)) => (Some(w), rx),
        None => (None, mpsc::channel(1).1),
    };
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    flush.tick().await;
    // Live counts: the views again, at most this often, while polls count.
    let mut live = tokio::time::interval(LIVE_EVERY);
    live.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut counted = broker.counted();
    loop {
        let views = broker.views();
        if tx.send(CredEvent::Views(views).into()).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                r = changes.changed() => if r.is_err() { return } else { break },
                _ = live.tick() => {
                    let now = broker.counted();
                    if now != counted {
                        counted = now;
                        break;
                    }
                }
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
                        && broker.save_usage(m.meta_path()).await
                    {
                        // The views without what was saved first, then the
                        // file with it: counted once, never twice.
                        if tx.send(CredEvent::Views(broker.views()).into()).await.is_err() {
                            return;
                        }
                        send_meta(m, &tx).await;
                    }
                }
                // The dashboard saves what is left once its run has ended
                // (`startup::session`), awaited, so none is lost at exit.
                () = cancel.cancelled() => return,
            }
        }
    }
}
