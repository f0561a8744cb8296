//! Hot reload: the config file is watched, and a save is read and checked
//! off the UI path, reaching the app as `Msg::Config` a moment later. The
//! directory is watched, not the file, because editors save by writing a
//! new file and renaming it over the old one.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::{self, LoadError};
use crate::dashboard::msg::Msg;

/// An editor's save is several events in a few milliseconds: take them as one.
const SETTLE: Duration = Duration::from_millis(150);

/// Where `Msg::Config` goes: the app's current channel, which the session
/// replaces each time it restarts its background work.
pub type Outbox = Arc<Mutex<mpsc::Sender<Msg>>>;

/// Why the config file cannot be watched.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {}: {source}", dir.display())]
pub struct WatchError {
    dir: PathBuf,
    source: notify::Error,
}

/// Watching stops when this is dropped.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
}

/// Watch `path`. A save whose text did not change is not sent; one whose
/// config did not change is ignored by the app.
pub fn watch(path: PathBuf, out: Outbox, cancel: CancellationToken) -> Result<Watch, WatchError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name: OsString = path.file_name().map(OsString::from).unwrap_or_default();
    let (tx, mut rx) = mpsc::channel::<()>(64);
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && !matches!(ev.kind, EventKind::Access(_))
            && ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str()))
        {
            let _ = tx.try_send(());
        }
    })
    .map_err(|source| WatchError {
        dir: dir.clone(),
        source,
    })?;
    watcher
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(|source| WatchError {
            dir: dir.clone(),
            source,
        })?;
    tokio::spawn(async move {
        let mut last = String::new();
        loop {
            tokio::select! {
                r = rx.recv() => if r.is_none() { return },
                () = cancel.cancelled() => return,
            }
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            let p = path.clone();
            let read = tokio::task::spawn_blocking(move || match config::check_trust(&p) {
                Err(u) => Err(Err(u)),
                Ok(()) => std::fs::read_to_string(&p).map_err(Ok),
            })
            .await;
            let result = match read {
                Ok(Ok(text)) if text == last => continue,
                Ok(Ok(text)) => {
                    let parsed = config::parse(&path.display().to_string(), &text).map_err(LoadError::Invalid);
                    last = text;
                    parsed
                }
                // Someone else could have written it: not used, and said so.
                Ok(Err(Err(untrusted))) => {
                    last = String::new();
                    Err(LoadError::Untrusted(untrusted))
                }
                // Between an editor's delete and its rename: the next event brings the file.
                Ok(Err(Ok(e))) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Ok(Err(Ok(error))) => Err(LoadError::Read {
                    path: path.clone(),
                    how: "saved".into(),
                    error,
                }),
                Err(e) => Err(LoadError::Read {
                    path: path.clone(),
                    how: "saved".into(),
                    error: std::io::Error::other(e),
                }),
            };
            let tx = out.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if tx.send(Msg::Config(Box::new(result))).await.is_err() {
                // The session is between two runs of its loop; the next
                // save is sent to the new one.
                last = String::new();
            }
        }
    });
    Ok(Watch { _watcher: watcher })
}
