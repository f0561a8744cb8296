//! Polygon.io previous-day aggregate, `/v2/aggs/ticker/T/prev`, the key in
//! `Authorization: Bearer`. The free plan has no live quote: the row shows
//! the last full session's close and its move from the open.
//! <https://polygon.io/docs/stocks/get_v2_aggs_ticker__stocksticker__prev>

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::common::{next_minute, symbol_problems};
use super::{Quote, Quotes};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::provider::Budget;
use crate::provider::Provider;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};

pub const DEFAULT_BASE: &str = "https://api.polygon.io";
pub const AUTH: AuthPlacement = AuthPlacement::Bearer;

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

fn prev(base: &Url, symbol: &str) -> RequestSpec {
    let path = format!(
        "/v2/aggs/ticker/{}/prev",
        url::form_urlencoded::byte_serialize(symbol.as_bytes()).collect::<String>()
    );
    let mut spec = RequestSpec::get(base, &path, &[("adjusted", "true".into())]);
    spec.auth = AUTH;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    cfg.symbols.iter().map(|s| prev(base, s)).collect()
}

pub fn probe(base: &Url) -> RequestSpec {
    prev(base, "AAPL")
}

#[derive(Deserialize)]
struct Body {
    status: Option<String>,
    error: Option<String>,
    message: Option<String>,
    #[serde(default)]
    results: Vec<Bar>,
}

#[derive(Deserialize)]
struct Bar {
    o: Option<f64>,
    c: Option<f64>,
    h: Option<f64>,
    l: Option<f64>,
    t: Option<i64>,
}

pub fn parse_one(symbol: &str, reply: &HttpReply, now: DateTime<Utc>) -> Result<Quote, FetchError> {
    let body: Option<Body> = serde_json::from_slice(&reply.body).ok();
    let text = body
        .as_ref()
        .and_then(|b| b.error.clone().or(b.message.clone()))
        .unwrap_or_else(|| crate::format::fit(String::from_utf8_lossy(&reply.body).trim(), 160));
    let status = body.as_ref().and_then(|b| b.status.clone()).unwrap_or_default();
    if status == "NOT_AUTHORIZED" {
        return Err(FetchError::new(ErrorClass::Forbidden, text));
    }
    if !reply.is_success() || status == "ERROR" {
        let class = match reply.status {
            429 => ErrorClass::RateLimited {
                until: reply.retry_after(now).or(Some(next_minute(now))),
            },
            s if s < 300 => ErrorClass::Provider,
            s => ErrorClass::from_status(s, None),
        };
        return Err(FetchError::new(class, text));
    }
    let body = body.ok_or_else(|| FetchError::bad_response("the answer is not the expected JSON"))?;
    if !matches!(body.status.as_deref(), Some("OK" | "DELAYED")) {
        return Err(FetchError::bad_response("not a Polygon answer: no status \"OK\""));
    }
    let Some(bar) = body.results.first() else {
        return Err(FetchError::new(
            ErrorClass::NotFound,
            format!("Polygon has no previous day for \"{symbol}\" (unknown symbol?)"),
        ));
    };
    let price = bar
        .c
        .ok_or_else(|| FetchError::bad_response("no close `c` in the bar"))?;
    let change = bar.o.map(|o| price - o);
    Ok(Quote {
        symbol: symbol.to_string(),
        price,
        change,
        change_pct: bar.o.filter(|o| *o != 0.0).map(|o| (price - o) / o * 100.0),
        low: bar.l,
        high: bar.h,
        currency: None,
        market_open: Some(false),
        at: bar.t.and_then(DateTime::from_timestamp_millis),
        series: Vec::new(),
    })
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Quotes, FetchError> {
    super::common::per_symbol(&cfg.symbols, replies, now, parse_one)
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    super::common::accepted(reply, parse_one("AAPL", reply, now))
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "polygon",
    label: "Polygon.io (stocks)",
    kind: Some(Kind::Stocks),
    auth: AUTH,
    also_in_query: &["apiKey"],
    default_base: DEFAULT_BASE,
    key_page: "https://polygon.io/dashboard/keys",
    advice: "Create a separate key for homedash so you can revoke it alone; the free Stocks Basic plan (5 calls a minute, previous-day data) is enough.",
    budget: Budget {
        per_minute: 5,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: false,
    probe,
    probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "polygon",
        kind: Kind::Stocks,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "polygon/prev_AAPL.json"),
            (401, "polygon/error_401_key_not_provided.json"),
            (401, "polygon/error_401_unknown_api_key.json"),
            (403, "polygon/error_403_not_authorized_UNVERIFIED.json"),
            (429, "polygon/error_429_UNVERIFIED.json"),
        ],
        demo: &[],
        examples: &[r#"{"symbols": ["AAPL", "MSFT"]}"#],
    };

    forward_registered!(Quotes);

    fn title(&self) -> String {
        "Stocks (Polygon)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stocks::render;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("polygon/{name}"))
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T15:04:31Z").unwrap().to_utc()
    }

    #[test]
    fn bearer_and_path() {
        let s = requests(
            &Config {
                symbols: vec!["BRK.B".into()],
            },
            &Url::parse(DEFAULT_BASE).unwrap(),
        );
        assert_eq!(
            s[0].url.as_str(),
            "https://api.polygon.io/v2/aggs/ticker/BRK.B/prev?adjusted=true"
        );
        assert_eq!(s[0].auth, AuthPlacement::Bearer);
    }

    #[test]
    fn parses_prev_and_classifies_errors() {
        let q = parse_one("AAPL", &reply(200, "prev_AAPL.json"), now()).unwrap();
        assert_eq!((q.price, q.high, q.low), (156.8, Some(162.34), Some(156.72)));
        assert!((q.change.unwrap() - -5.45).abs() < 1e-9);
        assert_eq!(q.at.unwrap().timestamp(), 1651003200);
        for f in ["error_401_unknown_api_key.json", "error_401_key_not_provided.json"] {
            assert_eq!(
                parse_one("AAPL", &reply(401, f), now()).unwrap_err().class,
                ErrorClass::Rejected,
                "{f}"
            );
        }
        let e = parse_one("AAPL", &reply(403, "error_403_not_authorized_UNVERIFIED.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Forbidden);
        assert!(e.detail.contains("not entitled"));
        let e = parse_one("AAPL", &reply(429, "error_429_UNVERIFIED.json"), now()).unwrap_err();
        assert!(matches!(e.class, ErrorClass::RateLimited { until: Some(_) }));
        let empty = HttpReply {
            status: 200,
            headers: vec![],
            body:
                br#"{"ticker":"NOPE","queryCount":0,"resultsCount":0,"adjusted":true,"status":"OK","request_id":"x"}"#
                    .to_vec(),
        };
        assert_eq!(
            parse_one("NOPE", &empty, now()).unwrap_err().class,
            ErrorClass::NotFound
        );
        assert!(probe_result(&empty, now()).is_ok());
        let junk = HttpReply {
            status: 200,
            headers: vec![],
            body: b"<html>".to_vec(),
        };
        assert_eq!(parse_one("A", &junk, now()).unwrap_err().class, ErrorClass::BadResponse);
    }

    #[test]
    fn snapshots_small_and_large() {
        let q = parse(
            &Config {
                symbols: vec!["AAPL".into()],
            },
            &[reply(200, "prev_AAPL.json")],
            now(),
        )
        .unwrap();
        for (w, h) in [(30u16, 2u16), (100, 2)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| render(&q, area, buf));
            insta::assert_snapshot!(format!("polygon_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
