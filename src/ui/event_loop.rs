//! The one loop every full-screen program runs on (the dashboard and the
//! setup wizard): terminal input, messages from background work, the next
//! visible change's timer and signals, with a frame only when something
//! visible changed.

use std::future::Future;
use std::io;

use chrono::{DateTime, Utc};
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::{Frame, Terminal};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What one update asks of the loop: a redraw, and commands for the
/// program's `on_cmd`.
#[derive(Debug, PartialEq, Eq)]
pub struct Flow<C> {
    pub redraw: bool,
    pub cmds: Vec<C>,
}

impl<C> Default for Flow<C> {
    fn default() -> Self {
        Flow {
            redraw: false,
            cmds: Vec::new(),
        }
    }
}

impl<C> Flow<C> {
    pub fn none() -> Self {
        Flow::default()
    }

    pub fn redraw() -> Self {
        Flow {
            redraw: true,
            cmds: Vec::new(),
        }
    }

    /// A redraw and one command.
    pub fn cmd(cmd: C) -> Self {
        Flow {
            redraw: true,
            cmds: vec![cmd],
        }
    }

    fn merge(&mut self, other: Flow<C>) {
        self.redraw |= other.redraw;
        self.cmds.extend(other.cmds);
    }
}

/// A full-screen program: state that changes only through these calls,
/// none of which waits on anything.
pub trait Program {
    /// What background work sends.
    type Msg;
    /// What an update asks the caller to do.
    type Cmd;

    /// A terminal event: a key, a paste, a click, a resize.
    fn input(&mut self, ev: Event) -> Flow<Self::Cmd>;

    /// A message from background work.
    fn message(&mut self, msg: Self::Msg) -> Flow<Self::Cmd>;

    /// The time `next_wake` asked for has come.
    fn tick(&mut self) -> Flow<Self::Cmd> {
        Flow::none()
    }

    /// When something on screen changes by itself next (a clock, an age).
    fn next_wake(&self) -> Option<DateTime<Utc>> {
        None
    }

    fn draw(&mut self, f: &mut Frame);

    /// The theme each frame is finished with.
    fn theme(&self) -> crate::ui::theme::Theme {
        crate::ui::theme::Theme::default()
    }
}

/// What the loop does after a command.
pub enum Next<X> {
    Go,
    /// The command changed what is on screen.
    Redraw,
    Stop(X),
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End<X> {
    Stopped(X),
    /// The terminal input closed (the terminal went away).
    InputClosed,
    Signal(&'static str),
}

/// Drive `program` until a command stops it, the input closes or
/// `shutdown` fires. Generic over the backend and the input stream, so
/// that tests run the whole loop on a `TestBackend`.
pub async fn run<P, B, E, S, X>(
    terminal: &mut Terminal<B>,
    program: &mut P,
    mut events: E,
    rx: &mut mpsc::Receiver<P::Msg>,
    shutdown: S,
    mut on_cmd: impl FnMut(&mut P, P::Cmd) -> Next<X>,
) -> io::Result<End<X>>
where
    P: Program,
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
    S: Future<Output = &'static str>,
{
    tokio::pin!(shutdown);
    // Input is drawn at once; background news waits for the next frame
    // slot, so a burst of answers costs one frame, not one each.
    let mut dirty = true;
    let mut later = false;
    let mut last_frame = Instant::now();
    let mut senders_alive = true;
    // When the input behind the next frame arrived, for the frame trace.
    let mut input_at: Option<std::time::Instant> = None;
    loop {
        if dirty || (later && Instant::now() >= last_frame + FRAME_GAP) {
            let started = std::time::Instant::now();
            let theme = program.theme();
            terminal
                .draw(|f| {
                    program.draw(f);
                    theme.finish(f.buffer_mut());
                })
                .map_err(io::Error::other)?;
            let since_input = input_at.take().map(|t| t.elapsed().as_micros() as u64);
            tracing::trace!(micros = started.elapsed().as_micros() as u64, since_input, "frame");
            dirty = false;
            later = false;
            last_frame = Instant::now();
        }
        let frame_slot = later.then(|| last_frame + FRAME_GAP);
        // A time already past is due now, not never: it may have passed
        // while this turn ran (a wake a millisecond after a tick's).
        let wake = program
            .next_wake()
            .map(|t| Instant::now() + (t - Utc::now()).to_std().unwrap_or_default());
        let mut from_input = false;
        let flow = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    input_at.get_or_insert_with(std::time::Instant::now);
                    from_input = true;
                    program.input(ev)
                }
                Some(Err(e)) => return Err(e),
                None => return Ok(End::InputClosed),
            },
            msg = rx.recv(), if senders_alive => match msg {
                Some(msg) => {
                    let mut flow = program.message(msg);
                    // A burst of messages becomes one frame.
                    while let Ok(more) = rx.try_recv() {
                        flow.merge(program.message(more));
                    }
                    flow
                }
                // Every sender is gone (or there never was one): stop
                // asking, or recv() would answer at once forever.
                None => {
                    senders_alive = false;
                    continue;
                }
            },
            () = sleep_until_opt(wake) => {
                from_input = true; // a clock's second is due now, not a frame later
                program.tick()
            }
            () = sleep_until_opt(frame_slot) => Flow::none(),
            sig = &mut shutdown => return Ok(End::Signal(sig)),
        };
        if flow.redraw {
            if from_input {
                dirty = true;
            } else {
                later = true;
            }
        }
        for cmd in flow.cmds {
            match on_cmd(program, cmd) {
                Next::Go => {}
                Next::Redraw => dirty = true,
                Next::Stop(x) => return Ok(End::Stopped(x)),
            }
        }
    }
}

/// Background news is drawn at most this often (25 frames a second).
const FRAME_GAP: std::time::Duration = std::time::Duration::from_millis(40);

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// SIGTERM and SIGHUP, listened for from before the first frame to the
/// end of the process: a terminal that closes at once still ends homedash
/// its own way (counters saved, exit 129), not by the signal's default,
/// and none is missed between one session and the next.
pub struct Termination {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Termination {
    /// Listen from now on; call inside the runtime.
    pub fn listen() -> Termination {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = match (signal(SignalKind::terminate()), signal(SignalKind::hangup())) {
                (Ok(term), Ok(hup)) => Some((term, hup)),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM and SIGHUP");
                    None
                }
            };
            Termination { signals }
        }
        #[cfg(not(unix))]
        Termination {}
    }

    /// Resolves with the signal's name on SIGTERM or SIGHUP.
    pub async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            let Some((term, hup)) = self.signals.as_mut() else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = hup.recv() => "SIGHUP",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

#[cfg(test)]
#[path = "tests/event_loop.rs"]
mod tests;
