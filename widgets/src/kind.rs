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
}
