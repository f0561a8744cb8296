//! The one loop: terminal input, poll results, the redraw timer and signals,
//! with a draw only when something visible changed.

use std::future::Future;
use std::io;

use chrono::{FixedOffset, Local, Offset, Utc};
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::credentials::ops::CredEvent;
use crate::credentials::ops::CredOp;
use crate::dashboard::app::App;
use crate::dashboard::msg::{Cmd, Msg};
use crate::dashboard::poll::Pollers;
use crate::dashboard::view;

/// The background work the loop hands commands to.
pub struct Services {
    pub pollers: Pollers,
    /// The credential worker; `None` where there is none (tests).
    pub creds: Option<mpsc::Sender<CredOp>>,
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// The user chose the setup wizard (first run).
    Setup,
    /// The user chose the demo (first run).
    Demo,
    /// The config file changed: start again on `App::reload`.
    Reload,
    /// The terminal input closed (the terminal went away).
    InputClosed,
    Signal(&'static str),
}

pub fn local_offset() -> FixedOffset {
    Local::now().offset().fix()
}

/// Drive `app` until it quits. Generic over the backend and the input
/// stream so that tests can run the whole loop on a `TestBackend`.
pub async fn run<B, E, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut events: E,
    rx: &mut mpsc::Receiver<Msg>,
    services: &Services,
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
    let mut pollers_alive = true;
    // When the input behind the next frame arrived, for the frame trace.
    let mut input_at: Option<std::time::Instant> = None;
    loop {
        if dirty {
            app.now = Utc::now();
            let started = std::time::Instant::now();
            terminal.draw(|f| view::draw(app, f)).map_err(io::Error::other)?;
            let since_input = input_at
                .take()
                .map(|t: std::time::Instant| t.elapsed().as_micros() as u64);
            tracing::trace!(micros = started.elapsed().as_micros() as u64, since_input, "frame");
            dirty = false;
        }
        let wake = app
            .next_wake()
            .and_then(|t| (t - Utc::now()).to_std().ok())
            .map(|d| Instant::now() + d);
        let flow = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    input_at.get_or_insert_with(std::time::Instant::now);
                    app.update(Msg::Input(ev))
                }
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::InputClosed),
            },
            msg = rx.recv(), if pollers_alive => match msg {
                Some(msg) => {
                    let mut flow = app.update(msg);
                    // A burst of results becomes one frame.
                    while let Ok(more) = rx.try_recv() {
                        let f = app.update(more);
                        flow.redraw |= f.redraw;
                        flow.cmds.extend(f.cmds);
                    }
                    flow
                }
                // Every poller is gone (or there were none, e.g. only
                // clocks): stop asking, or recv() would answer at once forever.
                None => {
                    pollers_alive = false;
                    continue;
                }
            },
            () = sleep_until_opt(wake) => {
                app.now = Utc::now();
                app.local = local_offset();
                app.update(Msg::Tick)
            }
            sig = &mut shutdown => return Ok(Exit::Signal(sig)),
        };
        dirty |= flow.redraw;
        for cmd in flow.cmds {
            match cmd {
                Cmd::Quit => return Ok(Exit::Quit),
                Cmd::Setup => return Ok(Exit::Setup),
                Cmd::Demo => return Ok(Exit::Demo),
                Cmd::Reload => return Ok(Exit::Reload),
                Cmd::Refresh(id) => services.pollers.refresh(id),
                Cmd::Cred(op) => {
                    let sent = services.creds.as_ref().map(|tx| tx.try_send(op));
                    if !matches!(sent, Some(Ok(()))) {
                        let text = "the credential worker is not running; nothing was changed".to_string();
                        dirty |= app.update(Msg::Cred(CredEvent::Done { ok: false, text })).redraw;
                    }
                }
            }
        }
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Resolves with the signal's name on SIGTERM or SIGHUP.
#[cfg(unix)]
pub async fn termination() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
    }
}

#[cfg(not(unix))]
pub async fn termination() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}
