//! The wizard's loop: keys, worker replies and signals, a frame only when
//! something changed. On a cancel it waits for the worker to delete the
//! tokens this run stored before it returns.

use std::future::Future;
use std::io;
use std::time::Duration;

use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::state::{Exit, Wizard};
use super::worker::{Op, Reply};

/// How long a cancel waits for the keyring to delete what this run stored.
const CLEANUP_WAIT: Duration = Duration::from_secs(15);

pub async fn run<B, E, S>(
    terminal: &mut Terminal<B>,
    wizard: &mut Wizard,
    mut events: E,
    ops: &mpsc::Sender<Op>,
    replies: &mut mpsc::Receiver<Reply>,
    shutdown: S,
) -> io::Result<Exit>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
    S: Future<Output = &'static str>,
{
    tokio::pin!(shutdown);
    let mut dirty = true;
    let exit = loop {
        if dirty {
            terminal
                .draw(|f| super::view::draw(wizard, f))
                .map_err(io::Error::other)?;
            dirty = false;
        }
        let flow = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    let flow = wizard.update(&ev);
                    // A paste may be a token: its buffer is wiped, not just freed.
                    if let crossterm::event::Event::Paste(text) = ev {
                        drop(zeroize::Zeroizing::new(text));
                    }
                    flow
                }
                Some(Err(e)) => return Err(e),
                None => break Exit::Cancelled,
            },
            Some(reply) = replies.recv() => wizard.on(reply),
            sig = &mut shutdown => break Exit::Signal(sig),
        };
        dirty |= flow.redraw;
        for op in flow.ops {
            if ops.send(op).await.is_err() {
                wizard.note = Some((
                    false,
                    "the setup's background worker stopped; press Esc to leave".into(),
                ));
                dirty = true;
            }
        }
        if let Some(exit) = flow.exit {
            break exit;
        }
    };
    // A key test still running may yet store a token: let it land first,
    // so that a cancel deletes it too.
    let _ = tokio::time::timeout(CLEANUP_WAIT, async {
        while wizard.busy_storing() {
            match replies.recv().await {
                Some(r) => {
                    wizard.on(r);
                }
                None => break,
            }
        }
    })
    .await;
    let discard = wizard.to_discard(!matches!(exit, Exit::Written(_)));
    if !discard.is_empty() {
        wizard.note = Some((
            true,
            format!("deleting the tokens this setup stored: {}…", discard.join(", ")),
        ));
        terminal
            .draw(|f| super::view::draw(wizard, f))
            .map_err(io::Error::other)?;
        if ops.send(Op::Discard { names: discard }).await.is_ok() {
            let _ = tokio::time::timeout(CLEANUP_WAIT, async {
                while let Some(r) = replies.recv().await {
                    if matches!(r, Reply::Discarded(_)) {
                        wizard.on(r);
                        break;
                    }
                }
            })
            .await;
        }
    }
    Ok(exit)
}
