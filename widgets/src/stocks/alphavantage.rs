//! Alpha Vantage `GLOBAL_QUOTE` (and `TIME_SERIES_INTRADAY` for the
//! sparkline). The key can only go in the `apikey` query parameter, so it is
//! redacted everywhere. Every answer is HTTP 200: errors and quota are in
//! the body (`Error Message`, `Information`, `Note`).
//! <https://www.alphavantage.co/documentation/>

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::common::{next_minute, next_utc_day, symbol_problems};
use super::{Quote, Quotes};
use crate::error::{ErrorClass, FetchError};
use crate::json::flex_f64;
use crate::kind::Kind;
use crate::provider::Budget;
use crate::provider::Provider;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};

pub const DEFAULT_BASE: &str = "https://www.alphavantage.co";
pub const AUTH: AuthPlacement = AuthPlacement::Query("apikey");

#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Ticker symbols, e.g. ["AAPL", "^GSPC"] (up to 20).
    #[schemars(length(min = 1, max = 20))]
    pub symbols: Vec<String>,
    /// Also fetch the 5-minute intraday series: another of the free plan's
    /// 25 daily requests per symbol per refresh.
    #[serde(default)]
    pub intraday: bool,
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        symbol_problems(&self.symbols)
    }

    pub fn requests_per_poll(&self) -> u32 {
        self.symbols.len() as u32 * if self.intraday { 2 } else { 1 }
    }
}

fn query(base: &Url, function: &str, symbol: &str, extra: &[(&str, &str)]) -> RequestSpec {
    let mut q = vec![("function", function.to_string()), ("symbol", symbol.to_string())];
    q.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let mut spec = RequestSpec::get(base, "/query", &q);
    spec.auth = AUTH;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    let mut out = Vec::new();
    for s in &cfg.symbols {
        out.push(query(base, "GLOBAL_QUOTE", s, &[]));
        if cfg.intraday {
            out.push(query(base, "TIME_SERIES_INTRADAY", s, &[("interval", "5min")]));
        }
    }
    out
}

/// There is no free check: this spends one of the 25 daily requests.
pub fn probe(base: &Url) -> RequestSpec {
    query(base, "GLOBAL_QUOTE", "IBM", &[])
}

#[derive(Deserialize)]
struct Notes {
    #[serde(rename = "Error Message")]
    error: Option<String>,
    #[serde(rename = "Information")]
    information: Option<String>,
    #[serde(rename = "Note")]
    note: Option<String>,
}

#[derive(Deserialize)]
struct GlobalQuote {
    #[serde(rename = "Global Quote")]
    quote: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct Bar {
    #[serde(rename = "4. close", default, deserialize_with = "flex_f64")]
    close: Option<f64>,
}

fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    if !reply.is_success() {
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        return Some(FetchError::new(class, format!("HTTP {}", reply.status)));
    }
    let notes: Notes = serde_json::from_slice(&reply.body).ok()?;
    if let Some(m) = notes.error {
        let class = if m.contains("apikey") {
            ErrorClass::Rejected
        } else {
            ErrorClass::Provider
        };
        return Some(FetchError::new(class, m));
    }
    if let Some(m) = notes.information {
        let class = if m.contains("apikey is invalid") || m.contains("apikey is missing") {
            ErrorClass::Rejected
        } else if m.contains("rate limit") || m.contains("requests per day") {
            ErrorClass::RateLimited {
                until: Some(next_utc_day(now)),
            }
        } else {
            ErrorClass::Forbidden
        };
        return Some(FetchError::new(class, m));
    }
    notes.note.map(|m| {
        FetchError::new(
            ErrorClass::RateLimited {
                until: Some(next_minute(now)),
            },
            m,
        )
    })
}

fn field(q: &BTreeMap<String, serde_json::Value>, suffix: &str) -> Option<f64> {
    let v = q.iter().find(|(k, _)| k.ends_with(suffix)).map(|(_, v)| v)?;
    flex_f64(v).ok().flatten()
}

pub fn quote(symbol: &str, reply: &HttpReply, now: DateTime<Utc>) -> Result<Quote, FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let b: GlobalQuote = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let q = b
        .quote
        .ok_or_else(|| FetchError::bad_response("no \"Global Quote\" in the answer"))?;
    if q.is_empty() {
        return Err(FetchError::new(
            ErrorClass::NotFound,
            format!("Alpha Vantage has no quote for \"{symbol}\" (unknown symbol?)"),
        ));
    }
    let price = field(&q, ". price").ok_or_else(|| FetchError::bad_response("no price in the quote"))?;
    let name = q
        .iter()
        .find(|(k, _)| k.ends_with(". symbol"))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or(symbol);
    Ok(Quote {
        symbol: name.to_string(),
        price,
        change: field(&q, ". change"),
        change_pct: field(&q, ". change percent"),
        low: field(&q, ". low"),
        high: field(&q, ". high"),
        currency: None,
        market_open: None,
        at: None,
        series: Vec::new(),
    })
}

fn series(reply: &HttpReply, now: DateTime<Utc>) -> Result<Vec<f64>, FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let v: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let bars = v
        .iter()
        .find(|(k, _)| k.starts_with("Time Series"))
        .map(|(_, v)| v.clone())
        .ok_or_else(|| FetchError::bad_response("no time series in the answer"))?;
    // Keys are "YYYY-MM-DD HH:MM:SS": a BTreeMap orders them oldest first.
    let bars: BTreeMap<String, Bar> = serde_json::from_value(bars).map_err(FetchError::bad_response)?;
    Ok(bars.values().filter_map(|b| b.close).collect())
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Quotes, FetchError> {
    let per = if cfg.intraday { 2 } else { 1 };
    if replies.len() != cfg.symbols.len() * per {
        return Err(FetchError::bad_response("missing replies"));
    }
    let mut quotes = Vec::new();
    for (symbol, chunk) in cfg.symbols.iter().zip(replies.chunks(per)) {
        let mut q = quote(symbol, &chunk[0], now)?;
        if let Some(s) = chunk.get(1) {
            q.series = series(s, now)?;
        }
        quotes.push(q);
    }
    Ok(Quotes { quotes })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    super::common::accepted(reply, quote("IBM", reply, now))
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "alphavantage",
    label: "Alpha Vantage (stocks)",
    kind: Some(Kind::Stocks),
    auth: AUTH,
    also_in_query: &[],
    default_base: DEFAULT_BASE,
    key_page: "https://www.alphavantage.co/support/#api-key",
    advice: "The free key allows 25 requests a day and can only be sent in the URL (homedash redacts it everywhere); keep refreshes long, e.g. one symbol every hour.",
    budget: Budget {
        per_minute: 5,
        per_day: Some(25),
    },
    probe_spends_quota: true,
    credential_optional: false,
    probe,
    probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "alphavantage",
        kind: Kind::Stocks,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "alphavantage/global_quote_AZN.LON.json"),
            (200, "alphavantage/error_200_invalid_apikey.json"),
            (200, "alphavantage/error_200_invalid_call.json"),
            (200, "alphavantage/ratelimit_200_information_daily25.json"),
        ],
        demo: &[],
        examples: &[r#"{"symbols": ["AAPL", "MSFT"]}"#],
    };

    forward_registered!(Quotes);

    fn title(&self) -> String {
        "Stocks (Alpha Vantage)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stocks::render;

    fn reply(name: &str) -> HttpReply {
        crate::testing::reply(200, &format!("alphavantage/{name}"))
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T15:04:31Z").unwrap().to_utc()
    }

    #[test]
    fn the_key_is_a_query_parameter_added_by_the_app() {
        let c = Config {
            symbols: vec!["IBM".into()],
            intraday: true,
        };
        let s = requests(&c, &Url::parse(DEFAULT_BASE).unwrap());
        assert_eq!(
            s[0].url.as_str(),
            "https://www.alphavantage.co/query?function=GLOBAL_QUOTE&symbol=IBM"
        );
        assert!(
            !s[1].url.as_str().contains("apikey"),
            "the app attaches it, redacted in logs"
        );
        assert_eq!(s[0].auth, AuthPlacement::Query("apikey"));
    }

    #[test]
    fn parses_quote_and_series_of_strings() {
        let q = quote("AZN.LON", &reply("global_quote_AZN.LON.json"), now()).unwrap();
        assert_eq!((q.symbol.as_str(), q.price), ("AZN.LON", 10442.0));
        assert_eq!((q.change, q.change_pct), (Some(-12.0), Some(-0.1148)));
        assert_eq!((q.low, q.high), (Some(10420.0), Some(10554.0)));
        let s = series(&reply("time_series_intraday_IBM_5min_TRUNCATED.json"), now()).unwrap();
        assert_eq!(s, vec![248.23, 248.3], "oldest first");
    }

    #[test]
    fn errors_inside_200_answers() {
        let e = quote("IBM", &reply("error_200_invalid_apikey.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Rejected);
        let e = series(&reply("error_200_invalid_call.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Provider);
        let e = quote("IBM", &reply("ratelimit_200_information_daily25.json"), now()).unwrap_err();
        let day = DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z").unwrap().to_utc();
        assert_eq!(e.class, ErrorClass::RateLimited { until: Some(day) });
        let note = HttpReply {
            status: 200,
            headers: vec![],
            body: br#"{"Note":"Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."}"#.to_vec(),
        };
        assert!(matches!(
            quote("IBM", &note, now()).unwrap_err().class,
            ErrorClass::RateLimited { .. }
        ));
        let info_key = HttpReply {
            status: 200,
            headers: vec![],
            body: br#"{"Information":"the parameter apikey is invalid or missing."}"#.to_vec(),
        };
        assert_eq!(quote("IBM", &info_key, now()).unwrap_err().class, ErrorClass::Rejected);
        let empty = HttpReply {
            status: 200,
            headers: vec![],
            body: br#"{"Global Quote": {}}"#.to_vec(),
        };
        assert_eq!(quote("NOPE", &empty, now()).unwrap_err().class, ErrorClass::NotFound);
        assert!(probe_result(&empty, now()).is_ok());
        let junk = HttpReply {
            status: 200,
            headers: vec![],
            body: b"{".to_vec(),
        };
        assert_eq!(quote("IBM", &junk, now()).unwrap_err().class, ErrorClass::BadResponse);
    }

    #[test]
    fn snapshots_small_and_large() {
        let c = Config {
            symbols: vec!["AZN.LON".into()],
            intraday: true,
        };
        let q = parse(
            &c,
            &[
                reply("global_quote_AZN.LON.json"),
                reply("time_series_intraday_IBM_5min_TRUNCATED.json"),
            ],
            now(),
        )
        .unwrap();
        for (w, h) in [(30u16, 2u16), (100, 2)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| render(&q, area, buf));
            insta::assert_snapshot!(format!("alphavantage_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
