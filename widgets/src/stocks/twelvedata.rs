//! Twelve Data `/quote` (and `/time_series` for the sparkline), the key in
//! `Authorization: apikey KEY`. Errors come as `"status":"error"` with a
//! `code`, under HTTP 200 or the code itself. <https://twelvedata.com/docs>

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

pub const DEFAULT_BASE: &str = "https://api.twelvedata.com";
pub const AUTH: AuthPlacement = AuthPlacement::Scheme("apikey");

#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Ticker symbols, e.g. ["AAPL", "^GSPC"] (up to 20).
    #[schemars(length(min = 1, max = 20))]
    pub symbols: Vec<String>,
    /// Also fetch today's 5-minute series for a sparkline: one more credit
    /// per symbol per refresh.
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

fn get(base: &Url, path: &str, q: &[(&str, String)]) -> RequestSpec {
    let mut spec = RequestSpec::get(base, path, q);
    spec.auth = AUTH;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    let mut out = Vec::new();
    for s in &cfg.symbols {
        out.push(get(base, "/quote", &[("symbol", s.clone())]));
        if cfg.intraday {
            out.push(get(
                base,
                "/time_series",
                &[
                    ("symbol", s.clone()),
                    ("interval", "5min".into()),
                    ("outputsize", "78".into()),
                ],
            ));
        }
    }
    out
}

/// One credit on the free plan.
pub fn probe(base: &Url) -> RequestSpec {
    get(base, "/quote", &[("symbol", "AAPL".into())])
}

#[derive(Deserialize)]
struct Envelope {
    status: Option<String>,
    code: Option<u16>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct QuoteBody {
    symbol: String,
    currency: Option<String>,
    timestamp: Option<i64>,
    #[serde(default, deserialize_with = "flex_f64")]
    close: Option<f64>,
    #[serde(default, deserialize_with = "flex_f64")]
    high: Option<f64>,
    #[serde(default, deserialize_with = "flex_f64")]
    low: Option<f64>,
    #[serde(default, deserialize_with = "flex_f64")]
    change: Option<f64>,
    #[serde(default, deserialize_with = "flex_f64")]
    percent_change: Option<f64>,
    is_market_open: Option<bool>,
}

#[derive(Deserialize)]
struct Bar {
    #[serde(default, deserialize_with = "flex_f64")]
    close: Option<f64>,
}

#[derive(Deserialize)]
struct SeriesBody {
    #[serde(default)]
    values: Vec<Bar>,
}

/// The error in a reply, whatever its HTTP status.
fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    let env: Option<Envelope> = serde_json::from_slice(&reply.body).ok();
    let is_error = env.as_ref().is_some_and(|e| e.status.as_deref() == Some("error"));
    if reply.is_success() && !is_error {
        return None;
    }
    let code = env.as_ref().and_then(|e| e.code).unwrap_or(reply.status);
    let message = env
        .and_then(|e| e.message)
        .unwrap_or_else(|| crate::format::fit(String::from_utf8_lossy(&reply.body).trim(), 160))
        .replace("**", "");
    let class = match code {
        429 => {
            let until = reply.retry_after(now).or(Some(if message.contains("for the day") {
                next_utc_day(now)
            } else {
                next_minute(now)
            }));
            ErrorClass::RateLimited { until }
        }
        400 if message.contains("symbol") => ErrorClass::NotFound,
        other => ErrorClass::from_status(other, None),
    };
    Some(FetchError::new(class, message))
}

fn quote(reply: &HttpReply, now: DateTime<Utc>) -> Result<Quote, FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let b: QuoteBody = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let price = b
        .close
        .ok_or_else(|| FetchError::bad_response("no `close` in the quote"))?;
    Ok(Quote {
        symbol: b.symbol,
        price,
        change: b.change,
        change_pct: b.percent_change,
        low: b.low,
        high: b.high,
        currency: b.currency,
        market_open: b.is_market_open,
        at: b.timestamp.and_then(|t| DateTime::from_timestamp(t, 0)),
        series: Vec::new(),
    })
}

fn series(reply: &HttpReply, now: DateTime<Utc>) -> Result<Vec<f64>, FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let b: SeriesBody = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    // Newest first on the wire.
    Ok(b.values.iter().rev().filter_map(|v| v.close).collect())
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Quotes, FetchError> {
    let per = if cfg.intraday { 2 } else { 1 };
    if replies.len() != cfg.symbols.len() * per {
        return Err(FetchError::bad_response("missing replies"));
    }
    let mut quotes = Vec::new();
    for chunk in replies.chunks(per) {
        let mut q = quote(&chunk[0], now)?;
        if let Some(s) = chunk.get(1) {
            q.series = series(s, now)?;
        }
        quotes.push(q);
    }
    Ok(Quotes { quotes })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    quote(reply, now).map(|_| ())
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "twelvedata",
    label: "Twelve Data (stocks)",
    kind: Some(Kind::Stocks),
    auth: AUTH,
    also_in_query: &["apikey"],
    default_base: DEFAULT_BASE,
    key_page: "https://twelvedata.com/account/api-keys",
    advice: "The free Basic key (8 credits a minute, 800 a day) covers quotes; a quote costs one credit per symbol, a sparkline one more.",
    budget: Budget {
        per_minute: 8,
        per_day: Some(800),
    },
    probe_spends_quota: false,
    credential_optional: false,
    probe,
    probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "twelvedata",
        kind: Kind::Stocks,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "twelvedata/quote_AAPL_docs.json"),
            (400, "twelvedata/error_400_invalid_interval_docs.json"),
            (401, "twelvedata/error_401_bad_apikey.json"),
            (403, "twelvedata/error_403_plan.json"),
            (429, "twelvedata/error_429_daily_credits.json"),
            (429, "twelvedata/error_429_minute_credits.json"),
        ],
        demo: &[],
        examples: &[r#"{"symbols": ["AAPL", "MSFT"]}"#],
    };

    forward_registered!(Quotes);

    fn title(&self) -> String {
        "Stocks (Twelve Data)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stocks::render;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("twelvedata/{name}"))
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T15:04:31Z").unwrap().to_utc()
    }

    fn cfg(intraday: bool) -> Config {
        Config {
            symbols: vec!["AAPL".into()],
            intraday,
        }
    }

    #[test]
    fn the_key_goes_in_the_authorization_header() {
        let specs = requests(&cfg(true), &Url::parse(DEFAULT_BASE).unwrap());
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].url.as_str(), "https://api.twelvedata.com/quote?symbol=AAPL");
        assert!(specs[1].url.as_str().contains("/time_series?symbol=AAPL&interval=5min"));
        assert_eq!(specs[0].auth, AuthPlacement::Scheme("apikey"));
        assert_eq!(cfg(true).requests_per_poll(), 2);
    }

    #[test]
    fn parses_quote_and_series_with_numbers_as_strings() {
        let q = parse(
            &cfg(true),
            &[
                reply(200, "quote_AAPL_docs.json"),
                reply(200, "time_series_AAPL_1min_docs.json"),
            ],
            now(),
        )
        .unwrap();
        let a = &q.quotes[0];
        assert_eq!(
            (a.price, a.change, a.change_pct),
            (148.85001, Some(-0.23999), Some(-0.16097))
        );
        assert_eq!((a.low, a.high), (Some(147.22099), Some(148.9684)));
        assert_eq!(a.currency.as_deref(), Some("USD"));
        assert_eq!(a.market_open, Some(false));
        assert_eq!(a.series, vec![148.85001]);
    }

    #[test]
    fn error_classes_under_any_status() {
        for status in [200, 401] {
            let e = quote(&reply(status, "error_401_bad_apikey.json"), now()).unwrap_err();
            assert_eq!(e.class, ErrorClass::Rejected, "{status}");
            assert!(e.detail.starts_with("apikey parameter is incorrect"), "{e}");
        }
        let e = quote(&reply(403, "error_403_plan.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Forbidden);
        let e = quote(&reply(200, "error_429_minute_credits.json"), now()).unwrap_err();
        let minute = DateTime::parse_from_rfc3339("2026-11-27T15:05:00Z").unwrap().to_utc();
        assert_eq!(e.class, ErrorClass::RateLimited { until: Some(minute) });
        let e = quote(&reply(429, "error_429_daily_credits.json"), now()).unwrap_err();
        let day = DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z").unwrap().to_utc();
        assert_eq!(e.class, ErrorClass::RateLimited { until: Some(day) });
        let e = series(&reply(400, "error_400_invalid_interval_docs.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Client(400));
        let unknown = HttpReply {
            status: 200,
            headers: vec![],
            body:
                br#"{"code":400,"message":"**symbol** not found: NOPE. Please specify it correctly","status":"error"}"#
                    .to_vec(),
        };
        assert_eq!(quote(&unknown, now()).unwrap_err().class, ErrorClass::NotFound);
        for body in [&b"{"[..], b"[]", b"{\"symbol\":\"A\"}"] {
            let r = HttpReply {
                status: 200,
                headers: vec![],
                body: body.to_vec(),
            };
            assert_eq!(quote(&r, now()).unwrap_err().class, ErrorClass::BadResponse, "{body:?}");
        }
    }

    #[test]
    fn snapshots_small_and_large() {
        let mut q = parse(&cfg(false), &[reply(200, "quote_AAPL_docs.json")], now()).unwrap();
        q.quotes[0].series = vec![148.2, 148.5, 148.1, 148.9, 148.85];
        for (w, h) in [(30u16, 3u16), (100, 4)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| render(&q, area, buf));
            insta::assert_snapshot!(format!("twelvedata_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
