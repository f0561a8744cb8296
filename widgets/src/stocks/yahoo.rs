//! Yahoo Finance's chart endpoint (unofficial, keyless): price, previous
//! close, day range and today's 5-minute closes in one call per symbol.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::common::{next_minute, symbol_problems};
use super::{Quote, Quotes};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{HttpReply, RequestSpec};

pub const DEFAULT_BASE: &str = "https://query1.finance.yahoo.com";

#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Ticker symbols, e.g. ["AAPL", "^GSPC"] (up to 20).
    #[schemars(length(min = 1, max = 20))]
    pub symbols: Vec<String>,
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        symbol_problems(&self.symbols)
    }
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    cfg.symbols
        .iter()
        .map(|s| {
            let sym: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
            RequestSpec::get(
                base,
                &format!("/v8/finance/chart/{sym}"),
                &[("range", "1d".into()), ("interval", "5m".into())],
            )
        })
        .collect()
}

#[derive(Deserialize)]
struct Body {
    chart: Chart,
}

#[derive(Deserialize)]
struct Chart {
    result: Option<Vec<Item>>,
    error: Option<Problem>,
}

#[derive(Deserialize)]
struct Problem {
    code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Item {
    meta: Meta,
    #[serde(default)]
    indicators: Indicators,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    symbol: Option<String>,
    currency: Option<String>,
    regular_market_price: Option<f64>,
    chart_previous_close: Option<f64>,
    previous_close: Option<f64>,
    regular_market_day_high: Option<f64>,
    regular_market_day_low: Option<f64>,
    regular_market_time: Option<i64>,
    current_trading_period: Option<Periods>,
}

#[derive(Deserialize)]
struct Periods {
    regular: Option<Period>,
}

#[derive(Deserialize)]
struct Period {
    start: i64,
    end: i64,
}

#[derive(Deserialize, Default)]
struct Indicators {
    #[serde(default)]
    quote: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    close: Vec<Option<f64>>,
}

pub fn parse_one(symbol: &str, reply: &HttpReply, now: DateTime<Utc>) -> Result<Quote, FetchError> {
    let body: Option<Body> = serde_json::from_slice(&reply.body).ok();
    if let Some(p) = body.as_ref().and_then(|b| b.chart.error.as_ref()) {
        let text = p.description.clone().or(p.code.clone()).unwrap_or_default();
        let class = match (reply.status, p.code.as_deref()) {
            (404, _) | (_, Some("Not Found")) => ErrorClass::NotFound,
            (429, _) => ErrorClass::RateLimited {
                until: reply.retry_after(now).or(Some(next_minute(now))),
            },
            (s, _) if s >= 400 => ErrorClass::from_status(s, None),
            _ => ErrorClass::Provider,
        };
        return Err(FetchError::new(class, format!("{symbol}: {text}")));
    }
    if !reply.is_success() {
        let until = reply.retry_after(now).or(Some(next_minute(now)));
        let class = match reply.status {
            429 => ErrorClass::RateLimited { until },
            s => ErrorClass::from_status(s, None),
        };
        return Err(FetchError::new(class, format!("{symbol}: HTTP {}", reply.status)));
    }
    let body = body.ok_or_else(|| FetchError::bad_response("the answer is not a chart"))?;
    let item = body
        .chart
        .result
        .and_then(|mut r| if r.is_empty() { None } else { Some(r.remove(0)) })
        .ok_or_else(|| FetchError::new(ErrorClass::NotFound, format!("no chart for \"{symbol}\"")))?;
    let m = item.meta;
    let price = m
        .regular_market_price
        .ok_or_else(|| FetchError::bad_response("no regularMarketPrice in the chart"))?;
    let prev = m.chart_previous_close.or(m.previous_close);
    let change = prev.map(|p| price - p);
    let market_open = m
        .current_trading_period
        .and_then(|p| p.regular)
        .map(|r| (r.start..r.end).contains(&now.timestamp()));
    Ok(Quote {
        symbol: m.symbol.unwrap_or_else(|| symbol.to_string()),
        price,
        change,
        change_pct: prev.filter(|p| *p != 0.0).map(|p| (price - p) / p * 100.0),
        low: m.regular_market_day_low,
        high: m.regular_market_day_high,
        currency: m.currency,
        market_open,
        at: m.regular_market_time.and_then(|t| DateTime::from_timestamp(t, 0)),
        series: item
            .indicators
            .quote
            .first()
            .map(|s| s.close.iter().flatten().copied().collect())
            .unwrap_or_default(),
    })
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Quotes, FetchError> {
    super::common::per_symbol(&cfg.symbols, replies, now, parse_one)
}

impl Registered for Config {
    const INFO: Info = Info {
        name: "yahoo",
        kind: Kind::Stocks,
        label: "Yahoo Finance chart",
        default_base: Some(DEFAULT_BASE),
        keyed: None,
        in_wizard: true,
        fixtures: &[
            (200, "yahoo/chart_AAPL_1d_5m_CONSTRUCTED.json"),
            (404, "yahoo/error_404_not_found_CONSTRUCTED.json"),
        ],
        demo: &[],
        examples: &[r#"{"symbols": ["AAPL", "MSFT"]}"#],
    };

    forward_registered!(Quotes);

    fn title(&self) -> String {
        "Stocks".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stocks::render;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("yahoo/{name}"))
    }

    /// During the fixture's regular session.
    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1764264900, 0).unwrap()
    }

    #[test]
    fn keyless_request() {
        let s = requests(
            &Config {
                symbols: vec!["^GSPC".into()],
            },
            &Url::parse(DEFAULT_BASE).unwrap(),
        );
        assert_eq!(
            s[0].url.as_str(),
            "https://query1.finance.yahoo.com/v8/finance/chart/%5EGSPC?range=1d&interval=5m"
        );
        assert_eq!(s[0].auth, crate::AuthPlacement::None);
    }

    #[test]
    fn parses_chart_with_nulls() {
        let q = parse_one("AAPL", &reply(200, "chart_AAPL_1d_5m_CONSTRUCTED.json"), now()).unwrap();
        assert_eq!(q.price, 278.85);
        assert!((q.change.unwrap() - 1.3).abs() < 1e-9);
        assert_eq!(q.market_open, Some(true));
        assert_eq!(
            q.series,
            vec![277.5, 278.01, 278.42, 278.55, 278.85],
            "the null is skipped"
        );
        let later = DateTime::from_timestamp(1764280000, 0).unwrap();
        let q = parse_one("AAPL", &reply(200, "chart_AAPL_1d_5m_CONSTRUCTED.json"), later).unwrap();
        assert_eq!(q.market_open, Some(false));
    }

    #[test]
    fn error_classes() {
        let e = parse_one("NOPE", &reply(404, "error_404_not_found_CONSTRUCTED.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        assert!(e.detail.contains("NOPE") && e.detail.contains("delisted"), "{e}");
        let limited = HttpReply {
            status: 429,
            headers: vec![],
            body: b"Too Many Requests".to_vec(),
        };
        assert!(matches!(
            parse_one("A", &limited, now()).unwrap_err().class,
            ErrorClass::RateLimited { .. }
        ));
        let junk = HttpReply {
            status: 200,
            headers: vec![],
            body: b"{\"chart\":{}}".to_vec(),
        };
        assert_eq!(parse_one("A", &junk, now()).unwrap_err().class, ErrorClass::NotFound);
        let junk = HttpReply {
            status: 200,
            headers: vec![],
            body: b"nope".to_vec(),
        };
        assert_eq!(parse_one("A", &junk, now()).unwrap_err().class, ErrorClass::BadResponse);
    }

    #[test]
    fn snapshots_small_and_large() {
        let q = parse(
            &Config {
                symbols: vec!["AAPL".into()],
            },
            &[reply(200, "chart_AAPL_1d_5m_CONSTRUCTED.json")],
            now(),
        )
        .unwrap();
        for (w, h) in [(30u16, 2u16), (100, 2)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| render(&q, area, buf));
            insta::assert_snapshot!(format!("yahoo_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn zoomed_a_full_width_chart_with_the_range_high_and_low() {
        let q = parse(
            &Config {
                symbols: vec!["AAPL".into()],
            },
            &[reply(200, "chart_AAPL_1d_5m_CONSTRUCTED.json")],
            now(),
        )
        .unwrap();
        for (w, h) in [(78u16, 21u16), (198, 57)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| crate::stocks::chart::render(&q, area, buf));
            assert!(drawn.contains("day H") && drawn.contains("prev close"), "{drawn}");
            insta::assert_snapshot!(format!("yahoo_zoomed_{w}x{h}"), drawn);
        }
    }
}
