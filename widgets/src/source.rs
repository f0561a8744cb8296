//! The closed set of widget sources. Adding a provider means a module, an
//! arm in each match here, a fixture test and a snapshot.

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde::{Deserialize, Deserializer};
use url::Url;

use crate::error::FetchError;
pub use crate::kind::Kind;
use crate::metrics::{self, Metrics, datadog, exposition, json, prometheus};
use crate::provider::{self, Provider};
use crate::request::{HttpReply, RequestSpec};
use crate::stocks::{self, Quotes, alphavantage, finnhub, polygon, twelvedata, yahoo};
use crate::text::Clean as _;
use crate::weather::{self, Weather, open_meteo, openweathermap, weatherapi};
use crate::{clock, system};

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    OpenMeteo(open_meteo::Config),
    OpenWeatherMap(openweathermap::Config),
    WeatherApi(weatherapi::Config),
    Finnhub(finnhub::Config),
    TwelveData(twelvedata::Config),
    Polygon(polygon::Config),
    AlphaVantage(alphavantage::Config),
    Yahoo(yahoo::Config),
    Prometheus(prometheus::Config),
    Exposition(exposition::Config),
    Json(json::Config),
    Datadog(datadog::Config),
    System(system::Config),
    Clock(clock::Config),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Weather(Weather),
    Quotes(Quotes),
    Metrics(Metrics),
    System(system::Snapshot),
}

/// What a render may depend on besides the data, fixed in tests.
#[derive(Clone, Copy, Debug)]
pub struct RenderCtx {
    pub now: DateTime<Utc>,
    pub local: FixedOffset,
}

/// How often a source's on-screen text changes by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tick {
    None,
    Minute,
    Second,
}

impl Source {
    /// Deserialize the kind-specific keys of `provider`; `None` when this
    /// build has no such provider for `kind`.
    pub fn deserialize_for<'de, D: Deserializer<'de>>(
        kind: Kind,
        provider: &str,
        d: D,
    ) -> Option<Result<Self, D::Error>> {
        Some(match (kind, provider) {
            (Kind::Weather, "open-meteo") => open_meteo::Config::deserialize(d).map(Source::OpenMeteo),
            (Kind::Weather, "openweathermap") => openweathermap::Config::deserialize(d).map(Source::OpenWeatherMap),
            (Kind::Weather, "weatherapi") => weatherapi::Config::deserialize(d).map(Source::WeatherApi),
            (Kind::Stocks, "finnhub") => finnhub::Config::deserialize(d).map(Source::Finnhub),
            (Kind::Stocks, "twelvedata") => twelvedata::Config::deserialize(d).map(Source::TwelveData),
            (Kind::Stocks, "polygon") => polygon::Config::deserialize(d).map(Source::Polygon),
            (Kind::Stocks, "alphavantage") => alphavantage::Config::deserialize(d).map(Source::AlphaVantage),
            (Kind::Stocks, "yahoo") => yahoo::Config::deserialize(d).map(Source::Yahoo),
            (Kind::Metrics, "prometheus") => prometheus::Config::deserialize(d).map(Source::Prometheus),
            (Kind::Metrics, "prometheus-text") => exposition::Config::deserialize(d).map(Source::Exposition),
            (Kind::Metrics, "json") => json::Config::deserialize(d).map(Source::Json),
            (Kind::Metrics, "datadog") => datadog::Config::deserialize(d).map(Source::Datadog),
            (Kind::System, "local") => system::Config::deserialize(d).map(Source::System),
            (Kind::Clock, "local") => clock::Config::deserialize(d).map(Source::Clock),
            _ => return None,
        })
    }

    pub fn kind(&self) -> Kind {
        match self {
            Source::OpenMeteo(_) | Source::OpenWeatherMap(_) | Source::WeatherApi(_) => Kind::Weather,
            Source::Finnhub(_)
            | Source::TwelveData(_)
            | Source::Polygon(_)
            | Source::AlphaVantage(_)
            | Source::Yahoo(_) => Kind::Stocks,
            Source::Prometheus(_) | Source::Exposition(_) | Source::Json(_) | Source::Datadog(_) => Kind::Metrics,
            Source::System(_) => Kind::System,
            Source::Clock(_) => Kind::Clock,
        }
    }

    pub fn provider(&self) -> &'static str {
        match self {
            Source::OpenMeteo(_) => "open-meteo",
            Source::OpenWeatherMap(_) => "openweathermap",
            Source::WeatherApi(_) => "weatherapi",
            Source::Finnhub(_) => "finnhub",
            Source::TwelveData(_) => "twelvedata",
            Source::Polygon(_) => "polygon",
            Source::AlphaVantage(_) => "alphavantage",
            Source::Yahoo(_) => "yahoo",
            Source::Prometheus(_) => "prometheus",
            Source::Exposition(_) => "prometheus-text",
            Source::Json(_) => "json",
            Source::Datadog(_) => "datadog",
            Source::System(_) | Source::Clock(_) => "local",
        }
    }

    /// Meaning checks of the kind-specific keys: (key, problem).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        match self {
            Source::OpenMeteo(c) => c.problems(),
            Source::OpenWeatherMap(c) => c.problems(),
            Source::WeatherApi(c) => c.problems(),
            Source::Finnhub(c) => c.problems(),
            Source::TwelveData(c) => c.problems(),
            Source::Polygon(c) => c.problems(),
            Source::AlphaVantage(c) => c.problems(),
            Source::Yahoo(c) => c.problems(),
            Source::Prometheus(c) => c.problems(),
            Source::Exposition(c) => c.problems(),
            Source::Json(c) => c.problems(),
            Source::Datadog(c) => c.problems(),
            Source::System(c) => c.problems(),
            Source::Clock(c) => c.problems(),
        }
    }

    /// The public endpoint; `None` for local sources.
    pub fn default_base(&self) -> Option<&'static str> {
        match self {
            Source::OpenMeteo(_) => Some(open_meteo::DEFAULT_BASE),
            Source::OpenWeatherMap(_) => Some(openweathermap::DEFAULT_BASE),
            Source::WeatherApi(_) => Some(weatherapi::DEFAULT_BASE),
            Source::Finnhub(_) => Some(finnhub::DEFAULT_BASE),
            Source::TwelveData(_) => Some(twelvedata::DEFAULT_BASE),
            Source::Polygon(_) => Some(polygon::DEFAULT_BASE),
            Source::AlphaVantage(_) => Some(alphavantage::DEFAULT_BASE),
            Source::Yahoo(_) => Some(yahoo::DEFAULT_BASE),
            Source::Prometheus(_) => Some(prometheus::DEFAULT_BASE),
            Source::Exposition(_) => Some(exposition::DEFAULT_BASE),
            // No public endpoint: `base_url` is required, and checked.
            Source::Json(_) => Some("http://localhost/"),
            Source::Datadog(_) => Some(datadog::DEFAULT_BASE),
            Source::System(_) | Source::Clock(_) => None,
        }
    }

    /// The provider entry when this source takes a credential.
    pub fn keyed(&self) -> Option<&'static Provider> {
        provider::keyed(self.provider())
    }

    /// The requests of one poll, in the order `parse` expects the replies;
    /// empty for local sources. Built at each poll: range queries need `now`.
    pub fn requests(&self, base: &Url, now: DateTime<Utc>) -> Vec<RequestSpec> {
        match self {
            Source::OpenMeteo(c) => vec![open_meteo::request(c, base)],
            Source::OpenWeatherMap(c) => openweathermap::requests(c, base),
            Source::WeatherApi(c) => weatherapi::requests(c, base),
            Source::Finnhub(c) => finnhub::requests(c, base),
            Source::TwelveData(c) => twelvedata::requests(c, base),
            Source::Polygon(c) => polygon::requests(c, base),
            Source::AlphaVantage(c) => alphavantage::requests(c, base),
            Source::Yahoo(c) => yahoo::requests(c, base),
            Source::Prometheus(c) => prometheus::requests(c, base, now),
            Source::Exposition(c) => exposition::requests(c, base),
            Source::Json(c) => json::requests(c, base),
            Source::Datadog(c) => datadog::requests(c, base, now),
            Source::System(_) | Source::Clock(_) => Vec::new(),
        }
    }

    /// The provider's answer as data. Outside text enters the app here,
    /// and leaves cleaned: errors by `FetchError::new`, data below.
    pub fn parse(&self, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Data, FetchError> {
        let mut data = self.parse_raw(replies, now)?;
        match &mut data {
            Data::Weather(w) => w.clean(),
            Data::Quotes(q) => q.clean(),
            Data::Metrics(m) => m.clean(),
            Data::System(_) => {}
        }
        Ok(data)
    }

    fn parse_raw(&self, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Data, FetchError> {
        match (self, replies) {
            (Source::OpenMeteo(c), [reply]) => open_meteo::parse(c, reply, now).map(Data::Weather),
            (Source::OpenWeatherMap(c), _) => openweathermap::parse(c, replies, now).map(Data::Weather),
            (Source::WeatherApi(c), _) => weatherapi::parse(c, replies, now).map(Data::Weather),
            (Source::Finnhub(c), _) => finnhub::parse(c, replies, now).map(Data::Quotes),
            (Source::TwelveData(c), _) => twelvedata::parse(c, replies, now).map(Data::Quotes),
            (Source::Polygon(c), _) => polygon::parse(c, replies, now).map(Data::Quotes),
            (Source::AlphaVantage(c), _) => alphavantage::parse(c, replies, now).map(Data::Quotes),
            (Source::Yahoo(c), _) => yahoo::parse(c, replies, now).map(Data::Quotes),
            (Source::Prometheus(c), _) => prometheus::parse(c, replies, now).map(Data::Metrics),
            (Source::Exposition(c), _) => exposition::parse(c, replies, now).map(Data::Metrics),
            (Source::Json(c), _) => json::parse(c, replies, now).map(Data::Metrics),
            (Source::Datadog(c), _) => datadog::parse(c, replies, now).map(Data::Metrics),
            _ => Err(FetchError::bad_response("no replies of the expected shape")),
        }
    }

    pub fn default_title(&self) -> String {
        match self {
            Source::OpenMeteo(c) => c.location.clone().unwrap_or_else(|| "Weather".into()),
            Source::OpenWeatherMap(c) => c.location.clone().unwrap_or_else(|| "Weather".into()),
            Source::WeatherApi(c) => c.location.clone().unwrap_or_else(|| "Weather".into()),
            Source::Yahoo(_) => "Stocks".into(),
            // Two stock widgets are told apart by their provider.
            Source::Finnhub(_) => "Stocks (Finnhub)".into(),
            Source::TwelveData(_) => "Stocks (Twelve Data)".into(),
            Source::Polygon(_) => "Stocks (Polygon)".into(),
            Source::AlphaVantage(_) => "Stocks (Alpha Vantage)".into(),
            Source::Prometheus(c) => crate::format::fit(&c.query, 30),
            Source::Exposition(c) => c.metric.clone(),
            Source::Json(c) => c.fields.first().map_or_else(|| "JSON".into(), |f| f.label.clone()),
            Source::Datadog(c) => crate::format::fit(&c.query, 30),
            Source::System(_) => "System".into(),
            Source::Clock(_) => "Clock".into(),
        }
    }

    pub fn tick(&self) -> Tick {
        match self {
            Source::Clock(c) if c.seconds => Tick::Second,
            Source::Clock(_) => Tick::Minute,
            _ => Tick::None,
        }
    }

    /// Draw the content (no border). A clock needs no data; the others draw
    /// nothing until their first data arrives, and the caller says why.
    pub fn render(&self, data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        match (self, data) {
            (Source::Clock(c), _) => clock::render(c, ctx.now, ctx.local, area, buf),
            (Source::OpenMeteo(_) | Source::OpenWeatherMap(_) | Source::WeatherApi(_), Some(Data::Weather(w))) => {
                weather::render(w, area, buf)
            }
            (
                Source::Finnhub(_)
                | Source::TwelveData(_)
                | Source::Polygon(_)
                | Source::AlphaVantage(_)
                | Source::Yahoo(_),
                Some(Data::Quotes(q)),
            ) => stocks::render(q, area, buf),
            (Source::Prometheus(c), Some(Data::Metrics(m))) => metrics::render(m, &c.display(), area, buf),
            (Source::Exposition(c), Some(Data::Metrics(m))) => metrics::render(m, &c.display(), area, buf),
            (Source::Json(c), Some(Data::Metrics(m))) => metrics::render(m, &c.display(), area, buf),
            (Source::Datadog(c), Some(Data::Metrics(m))) => metrics::render(m, &c.display(), area, buf),
            (Source::System(c), Some(Data::System(s))) => system::render(c, s, area, buf),
            _ => {}
        }
    }
}
