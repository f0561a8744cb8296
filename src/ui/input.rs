//! Terminal input on a task of its own. crossterm's `EventStream` takes
//! its reader's lock (and yields the thread when it is busy) each time it
//! is polled, and the event loop polls every input on each wake-up: at
//! a thousand poll answers a second that was a twenty-fifth of the
//! process's time. Behind a channel the loop polls a cheap receiver, and
//! the reader runs only when the terminal has something to say.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// The terminal's events for as long as this lives; one per terminal
/// session, shared by its screens, so that no key typed between two of
/// them is read by a reader nobody listens to any more.
pub struct Input {
    rx: mpsc::Receiver<io::Result<Event>>,
    reader: AbortHandle,
}

impl Input {
    /// Start reading; needs a tokio runtime.
    pub fn start() -> Self {
        // A few events of slack: a paste or a burst of mouse moves arrives
        // faster than one frame.
        let (tx, rx) = mpsc::channel(64);
        let reader = tokio::spawn(async move {
            let mut events = EventStream::new();
            while let Some(ev) = events.next().await {
                let failed = ev.is_err();
                if tx.send(ev).await.is_err() || failed {
                    break;
                }
            }
        });
        Input {
            rx,
            reader: reader.abort_handle(),
        }
    }
}

impl Stream for Input {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.reader.abort();
    }
}
