//! The wizard on the one loop (`ui::event_loop`): its ops go to its worker,
//! and on a cancel it waits for the worker to delete the
//! tokens this run stored before it returns.

use std::future::Future;
use std::io;
use std::time::Duration;

use crossterm::event::Event;
use futures_util::Stream;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::state::{Cmd, Exit, Flow, Wizard};
use super::worker::{Op, Reply};
use crate::ui::event_loop::{self, End, Next, Program};

/// How long a cancel waits for the keyring to delete what this run stored.
const CLEANUP_WAIT: Duration = Duration::from_secs(15);

impl Program for Wizard {
    type Msg = Reply;
    type Cmd = Cmd;

    fn input(&mut self, ev: Event) -> Flow {
        let flow = self.update(&ev);
        // A paste may be a token: its buffer is wiped, not just freed.
        if let Event::Paste(text) = ev {
            drop(zeroize::Zeroizing::new(text));
        }
        flow
    }

    fn message(&mut self, reply: Reply) -> Flow {
        self.on(reply)
    }

    fn draw(&mut self, f: &mut ratatui::Frame) {
        super::view::draw(self, f);
    }

    fn theme(&self) -> crate::ui::theme::Theme {
        let own = self.existing.as_ref().map(|c| c.theme.clone()).unwrap_or_default();
        crate::ui::theme::Theme::resolve(&own, self.look)
    }
}

pub async fn run<B, E, S>(
    terminal: &mut Terminal<B>,
    wizard: &mut Wizard,
    events: E,
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
    let end = event_loop::run(terminal, wizard, events, replies, shutdown, |wizard, cmd| match cmd {
        Cmd::Exit(exit) => Next::Stop(exit),
        Cmd::Op(op) => match ops.try_send(op) {
            Ok(()) => Next::Go,
            Err(_) => {
                wizard.note = Some((
                    false,
                    format!(
                        "the setup's background worker stopped; press {} to leave",
                        wizard.key_of(crate::keymap::Action::Leave)
                    ),
                ));
                Next::Redraw
            }
        },
    })
    .await?;
    let exit = match end {
        End::Stopped(exit) => exit,
        End::InputClosed => Exit::Cancelled,
        End::Signal(sig) => Exit::Signal(sig),
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
            .draw(|f| {
                super::view::draw(wizard, f);
                crate::ui::theme::guard(f.buffer_mut());
            })
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
