//! Everything that happens is a `Msg`; everything the app wants done is a `Cmd`.

use chrono::{DateTime, Utc};
use crossterm::event::Event;
use homedash_widgets::{Data, FetchError};

use crate::workers::credentials::{CredEvent, CredOp};

/// Index into the config's widget list.
pub type WidgetId = usize;

// A few messages a second pass through one channel: the size difference
// between variants costs nothing worth an allocation per poll result.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Input(Event),
    /// A poll started; the card shows it is loading.
    Fetching(WidgetId),
    /// A poll ended. `next` is when the poller will try again by itself;
    /// `None` when it waits for something else (a paused credential).
    Fetched {
        id: WidgetId,
        at: DateTime<Utc>,
        result: Result<Data, FetchError>,
        next: Option<DateTime<Utc>>,
    },
    /// Something on screen depends on the time and it changed.
    Tick,
    /// A problem of background work that the user should know about.
    Notice(String),
    Cred(CredEvent),
    /// The config file was saved: the new config, or why it is not valid
    /// (with file:line:col).
    Config(Box<Result<crate::config::Config, crate::config::LoadError>>),
}

/// By hand, because a paste may be a token: its text never reaches `Debug`.
impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Msg::Input(Event::Paste(text)) => write!(f, "Input(Paste({} chars))", text.chars().count()),
            Msg::Input(e) => f.debug_tuple("Input").field(e).finish(),
            Msg::Fetching(id) => f.debug_tuple("Fetching").field(id).finish(),
            Msg::Fetched { id, at, result, next } => f
                .debug_struct("Fetched")
                .field("id", id)
                .field("at", at)
                .field("result", result)
                .field("next", next)
                .finish(),
            Msg::Tick => f.write_str("Tick"),
            Msg::Notice(n) => f.debug_tuple("Notice").field(n).finish(),
            Msg::Cred(ev) => f.debug_tuple("Cred").field(ev).finish(),
            Msg::Config(r) => match r.as_ref() {
                Ok(c) => write!(f, "Config(Ok({} widgets))", c.widgets.len()),
                Err(e) => f.debug_tuple("Config").field(&format!("Err({e})")).finish(),
            },
        }
    }
}

/// Where a widget stands, as its poller needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// On the page on screen: a poll says when it starts, for the card's
    /// loading mark.
    OnScreen,
    /// On a hidden page that keeps polling: only each poll's end matters
    /// (for the page bar's marks), so its start costs no message.
    Hidden,
    /// On a hidden page that pauses: no poll until it is shown.
    Paused,
}

impl Seen {
    pub fn may_poll(self) -> bool {
        self != Seen::Paused
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    Refresh(WidgetId),
    /// Where each widget stands for its poller.
    Shown(Vec<Seen>),
    Cred(CredOp),
    Quit,
    /// Leave the dashboard for the setup wizard (first run).
    Setup,
    /// Leave the dashboard for the demo (first run).
    Demo,
    /// Restart the background work on the config in `App::reload`.
    Reload,
}

/// What one `App::update` asks of the loop.
pub type Flow = crate::ui::event_loop::Flow<Cmd>;

impl From<CredEvent> for Msg {
    fn from(ev: CredEvent) -> Self {
        Msg::Cred(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_carries_a_pasted_or_typed_token() {
        let canary = "hd-canary-debug-0123456789";
        let paste = Msg::Input(Event::Paste(canary.into()));
        assert_eq!(format!("{paste:?}"), "Input(Paste(26 chars))");
        let cmd = Cmd::Cred(CredOp::Rotate {
            name: "fh".into(),
            secret: crate::credentials::TokenInput::typed(canary),
        });
        assert!(!format!("{cmd:?}").contains("canary"), "{cmd:?}");
    }
}
