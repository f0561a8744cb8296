//! The kinds of widget, and the providers of each.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Weather,
    Stocks,
    Metrics,
    System,
    Clock,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Weather => "weather",
            Kind::Stocks => "stocks",
            Kind::Metrics => "metrics",
            Kind::System => "system",
            Kind::Clock => "clock",
        }
    }

    /// The smallest content area (inside the card's border) on which a
    /// widget of this kind is readable, as (columns, rows): a weather
    /// card's current line, a quote's symbol, price and change under the
    /// header with room for a second row or `+N more`, a metric's label
    /// and value with the same. A provider whose config decides more (a clock's zones,
    /// the System card's rows) says so in `Registered::min_content`.
    pub fn min_content(self) -> (u16, u16) {
        match self {
            Kind::Weather => (24, 1),
            // Symbol 8, price 10, change % 9: `stocks::render`'s columns.
            Kind::Stocks => (27, 3),
            // A reading, and a row for the next or `+N more`.
            Kind::Metrics => (24, 2),
            Kind::System => (34, 5),
            Kind::Clock => (19, 1),
        }
    }
}
