//! The dashboard on the one loop (`ui::event_loop`): how its commands
//! reach the pollers and the credential worker, and why it ended.

use std::future::Future;
use std::io;

use chrono::{FixedOffset, Local, Offset, Utc};
use crossterm::event::Event;
use futures_util::Stream;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::credentials::CredError;
use crate::dashboard::app::App;
use crate::dashboard::msg::{Cmd, Flow, Msg};
use crate::dashboard::poll::Pollers;
use crate::dashboard::view;
use crate::ui::event_loop::{self as ui_loop, End, Next, Program};
use crate::workers::credentials::{CredEvent, CredOp};

pub use crate::ui::event_loop::Termination;

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

impl Program for App {
    type Msg = Msg;
    type Cmd = Cmd;

    fn input(&mut self, ev: Event) -> Flow {
        self.update(Msg::Input(ev))
    }

    fn message(&mut self, msg: Msg) -> Flow {
        self.update(msg)
    }

    fn tick(&mut self) -> Flow {
        self.now = Utc::now();
        self.local = local_offset();
        self.update(Msg::Tick)
    }

    fn next_wake(&self) -> Option<chrono::DateTime<Utc>> {
        App::next_wake(self)
    }

    fn draw(&mut self, f: &mut ratatui::Frame) {
        self.now = Utc::now();
        view::draw(self, f);
    }

    fn theme(&self) -> crate::ui::theme::Theme {
        crate::ui::theme::Theme::resolve(&self.theme, self.look)
    }
}

/// Drive `app` until it quits.
pub async fn run<B, E, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: E,
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
    let end = ui_loop::run(terminal, app, events, rx, shutdown, |app, cmd| match cmd {
        Cmd::Quit => Next::Stop(Exit::Quit),
        Cmd::Setup => Next::Stop(Exit::Setup),
        Cmd::Demo => Next::Stop(Exit::Demo),
        Cmd::Reload => Next::Stop(Exit::Reload),
        Cmd::Refresh(id) => {
            services.pollers.refresh(id);
            Next::Go
        }
        Cmd::Shown(shown) => {
            services.pollers.show(&shown);
            Next::Go
        }
        Cmd::Cred(op) => {
            let sent = services.creds.as_ref().map(|tx| tx.try_send(op));
            if matches!(sent, Some(Ok(()))) {
                return Next::Go;
            }
            let text = CredError::WorkerGone.to_string();
            if app.update(Msg::Cred(CredEvent::Done { ok: false, text })).redraw {
                Next::Redraw
            } else {
                Next::Go
            }
        }
    })
    .await?;
    Ok(match end {
        End::Stopped(exit) => exit,
        End::InputClosed => Exit::InputClosed,
        End::Signal(sig) => Exit::Signal(sig),
    })
}
