//! What a provider's answer becomes, and what a render may depend on.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Data {
    Weather(Weather),
    Quotes(Quotes),
    Metrics(Metrics),
    System(Snapshot),
}

/// What a render may depend on besides the data, fixed in tests.
#[derive(Clone, Copy, Debug)]
pub struct RenderCtx {
    pub now: DateTime<Utc>,
    pub local: FixedOffset,
    /// The card fills the screen: the views show their detail (charts
    /// with axes, the whole forecast).
    pub zoomed: bool,
}

/// How often a source's on-screen text changes by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tick {
    None,
    Minute,
    Second,
}

/// The local system widget's data: one sample plus the history its
/// sparklines draw (`system::render`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Disk {
    pub mount: String,
    pub used: u64,
    pub total: u64,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub cpu_pct: f64,
    pub cores: usize,
    /// How many samples were ever taken; places the sweep's write column.
    pub samples: u64,
    /// Oldest first, percent 0..=100.
    pub cpu_history: Vec<u64>,
    pub mem_used: u64,
    pub mem_total: u64,
    pub disks: Vec<Disk>,
    pub rx_bps: f64,
    pub tx_bps: f64,
    /// Oldest first, bytes per second received plus sent.
    pub net_history: Vec<u64>,
    pub load: [f64; 3],
}

// The shapes each kind of provider parses into; their views draw them.

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Weather {
    /// Local time of the observation at the location.
    pub time: NaiveDateTime,
    pub temperature: f64,
    pub apparent: Option<f64>,
    pub humidity: Option<f64>,
    pub code: Option<u8>,
    /// Daylight at the place now, where the provider says: a clear night
    /// gets a moon, not a sun.
    pub is_day: Option<bool>,
    /// The provider's own words for the conditions; else the WMO text.
    pub description: Option<String>,
    pub wind_speed: Option<f64>,
    pub wind_direction: Option<f64>,
    pub temp_unit: String,
    pub wind_unit: String,
    /// Today's high and low, when the provider sends a daily block.
    pub high: Option<f64>,
    pub low: Option<f64>,
    /// The coming hours, up to a day of them (Open-Meteo and WeatherAPI.com
    /// hourly, OpenWeatherMap in 3-hour steps); the card's strip shows the
    /// first few, a zoomed card all.
    pub hourly: Vec<HourPoint>,
    /// The daily forecast from today, as many days as the provider sends
    /// (up to a week); drawn by a zoomed card.
    pub days: Vec<DayPoint>,
    /// A personal station's own readings (Netatmo), besides the conditions.
    pub station: Option<Station>,
}

#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Station {
    /// Sea-level pressure, mbar.
    pub pressure: Option<f64>,
    /// Indoor CO2, ppm, where the station has the sensor.
    pub co2: Option<f64>,
    /// How old the last reading was when it was fetched, in seconds.
    pub reading_age_secs: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DayPoint {
    pub date: chrono::NaiveDate,
    pub code: Option<u8>,
    pub high: Option<f64>,
    pub low: Option<f64>,
    pub precip_probability: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HourPoint {
    pub time: NaiveDateTime,
    pub temperature: Option<f64>,
    pub code: Option<u8>,
    pub precip_probability: Option<f64>,
    /// Daylight in that hour, where the provider says.
    pub is_day: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    pub symbol: String,
    pub price: f64,
    pub change: Option<f64>,
    pub change_pct: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub currency: Option<String>,
    /// `Some(true)` while the market is open, where the provider says.
    pub market_open: Option<bool>,
    /// When the price was set, where the provider says.
    pub at: Option<DateTime<Utc>>,
    /// Today's prices, oldest first, where the provider has a series.
    pub series: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Quotes {
    pub quotes: Vec<Quote>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub label: String,
    pub value: f64,
    /// Oldest first; empty for an instant value.
    pub history: Vec<f64>,
    /// The time from the history's first point to its last.
    pub span: Option<std::time::Duration>,
}

#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub readings: Vec<Reading>,
}
