//! What every provider module provides. Each module implements
//! `Registered` for its `Config`; the `registry!` list in `source.rs` names
//! each module once, and the `Source` enum, its dispatch, the providers of
//! each kind, the keyed providers, the wizard's offer, the fuzz entry points
//! and the benches all derive from that list.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde::de::DeserializeOwned;
use url::Url;

use crate::data::{Data, RenderCtx, Tick};
use crate::error::FetchError;
use crate::kind::Kind;
use crate::provider::Provider;
use crate::request::{HttpReply, RequestSpec};

/// The facts of one provider, known without a config.
#[derive(Debug)]
pub struct Info {
    /// Its `provider = "…"` in the config.
    pub name: &'static str,
    pub kind: Kind,
    /// Its name as the setup wizard shows it.
    pub label: &'static str,
    /// The public endpoint; `None` for local sources.
    pub default_base: Option<&'static str>,
    /// Where its key goes, its budget and its probe, when it takes one.
    pub keyed: Option<&'static Provider>,
    /// The setup wizard can set it up end to end.
    pub in_wizard: bool,
    /// Its recorded answers, as (HTTP status, file under
    /// `widgets/tests/fixtures/`): its parse tests' and the benches' input.
    pub fixtures: &'static [(u16, &'static str)],
    /// What `homedash --demo` answers at each request path, for a provider
    /// whose answers the demo does not make up itself.
    pub demo: &'static [(&'static str, &'static str)],
    /// Its kind-specific keys as a user writes them (JSON): the fuzzers',
    /// the benches' and the registry test's configs.
    pub examples: &'static [&'static str],
}

/// A provider: its config, requests, parser and view.
pub trait Registered: Sized + Clone + std::fmt::Debug + PartialEq + DeserializeOwned {
    const INFO: Info;

    /// Meaning checks of the kind-specific keys: (key, problem).
    fn problems(&self) -> Vec<(&'static str, String)>;

    /// The requests of one poll, in the order `parse` expects the replies;
    /// none for local sources. Built at each poll: range queries need `now`.
    fn requests(&self, _base: &Url, _now: DateTime<Utc>) -> Vec<RequestSpec> {
        Vec::new()
    }

    /// The replies as data (not yet cleaned: `Source::parse` does that).
    fn parse(&self, _replies: &[HttpReply], _now: DateTime<Utc>) -> Result<Data, FetchError> {
        Err(FetchError::bad_response("no replies of the expected shape"))
    }

    /// The card's title when the config gives none.
    fn title(&self) -> String;

    /// The smallest content area on which this widget is readable; the
    /// dashboard never draws its card smaller (it pages the layout, or
    /// says the terminal is too small).
    fn min_content(&self) -> (u16, u16) {
        Self::INFO.kind.min_content()
    }

    /// How often its on-screen text changes by itself.
    fn tick(&self) -> Tick {
        Tick::None
    }

    /// Draw the content (no border); nothing until there is data, except
    /// for sources that need none. Quotes are drawn by their kind's one
    /// view (`Source::render`), whichever provider they came from; the
    /// others draw here, through their kind's view with their own settings.
    fn render(&self, _data: Option<&Data>, _ctx: &RenderCtx, _area: Rect, _buf: &mut Buffer) {}
}
