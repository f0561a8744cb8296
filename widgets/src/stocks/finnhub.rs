//! Finnhub `/api/v1/quote`: one call per symbol, the key in `X-Finnhub-Token`.
//! <https://finnhub.io/docs/api/quote>

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::{Quote, Quotes};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::provider::Budget;
use crate::provider::Provider;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};

pub const DEFAULT_BASE: &str = "https://finnhub.io";
pub const AUTH: AuthPlacement = AuthPlacement::Header(std::borrow::Cow::Borrowed("X-Finnhub-Token"));

/// The `[widget.ID]` keys specific to Finnhub.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Ticker symbols, e.g. ["AAPL", "^GSPC"] (up to 20).
    #[schemars(length(min = 1, max = 20))]
    pub symbols: Vec<String>,
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        super::common::symbol_problems(&self.symbols)
    }
}

fn quote_request(base: &Url, symbol: &str) -> RequestSpec {
    let mut spec = RequestSpec::get(base, "/api/v1/quote", &[("symbol", symbol.to_string())]);
    spec.auth = AUTH;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    cfg.symbols.iter().map(|s| quote_request(base, s)).collect()
}

/// The cheapest call that proves a key: a free quote.
pub fn probe(base: &Url) -> RequestSpec {
    quote_request(base, "AAPL")
}

#[derive(Deserialize)]
struct Body {
    c: Option<f64>,
    d: Option<f64>,
    dp: Option<f64>,
    h: Option<f64>,
    l: Option<f64>,
    pc: Option<f64>,
    t: Option<i64>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// Failures of one reply, whatever its status says.
fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    let message = serde_json::from_slice::<ErrorBody>(&reply.body)
        .map(|b| b.error)
        .unwrap_or_else(|_| crate::format::fit(String::from_utf8_lossy(&reply.body).trim(), 160));
    if reply.is_success() && !message.is_empty() && serde_json::from_slice::<ErrorBody>(&reply.body).is_ok() {
        return Some(FetchError::new(ErrorClass::Provider, message));
    }
    if reply.is_success() {
        return None;
    }
    // Premium endpoints answer 401 or 403 with the same "no access" text.
    let class = if message.contains("don't have access") {
        ErrorClass::Forbidden
    } else {
        ErrorClass::from_status(reply.status, reply.retry_after(now))
    };
    Some(FetchError::new(class, message))
}

pub fn parse_one(symbol: &str, reply: &HttpReply, now: DateTime<Utc>) -> Result<Quote, FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let b: Body = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let price =
        b.c.ok_or_else(|| FetchError::bad_response("no current price `c` in the quote"))?;
    // An unknown symbol is answered 200 with every field zero.
    if price == 0.0 && b.pc.unwrap_or(0.0) == 0.0 && b.t.unwrap_or(0) == 0 {
        return Err(FetchError::new(
            ErrorClass::NotFound,
            format!("Finnhub has no quote for \"{symbol}\" (unknown symbol?)"),
        ));
    }
    let change = b.d.or_else(|| b.pc.map(|pc| price - pc));
    let change_pct = b.dp.or_else(|| match (change, b.pc) {
        (Some(d), Some(pc)) if pc != 0.0 => Some(d / pc * 100.0),
        _ => None,
    });
    Ok(Quote {
        symbol: symbol.to_string(),
        price,
        change,
        change_pct,
        low: b.l,
        high: b.h,
        currency: None,
        market_open: None,
        at: b.t.and_then(|t| DateTime::from_timestamp(t, 0)),
        series: Vec::new(),
    })
}

/// One reply per symbol, in `cfg.symbols` order. A credential or rate
/// problem fails the whole widget; so does a symbol Finnhub does not know,
/// so that a typo is seen rather than hidden.
pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Quotes, FetchError> {
    super::common::per_symbol(&cfg.symbols, replies, now, parse_one)
}

/// A probe answer: `Ok` when the key was accepted.
pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    super::common::accepted(reply, parse_one("AAPL", reply, now))
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "finnhub",
    label: "Finnhub (stocks)",
    kind: Some(Kind::Stocks),
    auth: AUTH,
    also_in_query: &["token"],
    default_base: DEFAULT_BASE,
    key_page: "https://finnhub.io/dashboard",
    advice: "The free key is read-only market data, which is all homedash needs; do not buy or enable broker features for it.",
    budget: Budget {
        per_minute: 60,
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
        name: "finnhub",
        kind: Kind::Stocks,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "finnhub/quote_docs_example.json"),
            (401, "finnhub/error_401_invalid_key.json"),
            (403, "finnhub/error_401_or_403_no_access.json"),
            (429, "finnhub/error_429_limit_reached.json"),
        ],
        demo: &[],
        examples: &[r#"{"symbols": ["AAPL", "MSFT"]}"#],
    };

    forward_registered!(Quotes);

    fn title(&self) -> String {
        "Stocks (Finnhub)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stocks::render;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    fn fixture(name: &str) -> Vec<u8> {
        crate::testing::fixture(&format!("finnhub/{name}"))
    }

    fn reply(status: u16, body: Vec<u8>) -> HttpReply {
        HttpReply {
            status,
            headers: vec![],
            body,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T15:00:00Z").unwrap().to_utc()
    }

    fn cfg(symbols: &[&str]) -> Config {
        Config {
            symbols: symbols.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    #[test]
    fn the_key_goes_in_the_header_never_the_url() {
        let specs = requests(&cfg(&["AAPL", "MSFT"]), &Url::parse(DEFAULT_BASE).unwrap());
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].url.as_str(), "https://finnhub.io/api/v1/quote?symbol=MSFT");
        assert_eq!(specs[0].auth, AUTH);
    }

    #[test]
    fn parses_the_docs_quote_and_derives_the_change() {
        let q = parse_one("AAPL", &reply(200, fixture("quote_docs_example.json")), now()).unwrap();
        assert_eq!(q.price, 261.74);
        assert!((q.change.unwrap() - 2.29).abs() < 1e-9);
        assert!((q.change_pct.unwrap() - 0.882636).abs() < 1e-5);
        assert_eq!((q.low, q.high), (Some(260.68), Some(263.31)));
        assert_eq!(q.at, DateTime::from_timestamp(1582641000, 0));
    }

    #[test]
    fn error_classes() {
        let e = parse_one("AAPL", &reply(401, fixture("error_401_invalid_key.json")), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Rejected);
        assert_eq!(e.detail, "Invalid API key.");
        for status in [401, 403] {
            let e = parse_one(
                "AAPL",
                &reply(status, fixture("error_401_or_403_no_access.json")),
                now(),
            )
            .unwrap_err();
            assert_eq!(e.class, ErrorClass::Forbidden, "{status}");
        }
        let mut r = reply(429, fixture("error_429_limit_reached.json"));
        assert_eq!(
            parse_one("AAPL", &r, now()).unwrap_err().class,
            ErrorClass::RateLimited { until: None }
        );
        r.headers.push(("retry-after".into(), "30".into()));
        assert_eq!(
            parse_one("AAPL", &r, now()).unwrap_err().class,
            ErrorClass::RateLimited {
                until: Some(now() + chrono::Duration::seconds(30))
            }
        );
        // With no token at all Finnhub answers 429 in plain text.
        let e = parse_one(
            "AAPL",
            &reply(429, b"API limit reached. Please sign up".to_vec()),
            now(),
        )
        .unwrap_err();
        assert!(e.detail.contains("sign up"), "{e}");
        let zeros = br#"{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}"#.to_vec();
        let e = parse_one("NOPE", &reply(200, zeros.clone()), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        assert!(probe_result(&reply(200, zeros), now()).is_ok(), "the key worked");
        let e = parse_one("AAPL", &reply(200, br#"{"error":"boom"}"#.to_vec()), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Provider);
        for body in [&b"{"[..], b"[]", b"\xff", br#"{"d":1}"#] {
            let e = parse_one("AAPL", &reply(200, body.to_vec()), now()).unwrap_err();
            assert_eq!(e.class, ErrorClass::BadResponse, "{body:?}");
        }
    }

    #[test]
    fn renders_small_and_large() {
        let down = br#"{"c":410.5,"d":-3.25,"dp":-0.7855,"h":415,"l":409.1,"o":414,"pc":413.75,"t":1764255600}"#;
        let quotes = parse(
            &cfg(&["AAPL", "MSFT"]),
            &[
                reply(200, fixture("quote_docs_example.json")),
                reply(200, down.to_vec()),
            ],
            now(),
        )
        .unwrap();
        let mut small = Buffer::empty(Rect::new(0, 0, 28, 3));
        render(&quotes, small.area, &mut small);
        assert_eq!(
            text(&small),
            [
                "Symbol      Price     Chg%  ",
                "AAPL       261.74   +0.88%  ",
                "MSFT       410.50   -0.79%  ",
            ]
        );
        assert_eq!(small[(20, 1)].fg, crate::style::GOOD);
        assert_eq!(small[(20, 2)].fg, crate::style::BAD);
        let mut large = Buffer::empty(Rect::new(0, 0, 60, 3));
        render(&quotes, large.area, &mut large);
        assert_eq!(
            text(&large)[1],
            "AAPL       261.74   +0.88%    +2.29    260.68–263.31        "
        );
    }

    /// Two rows for two quotes: the first, and a count of the rest in
    /// place of a row cut off without a word.
    #[test]
    fn rows_that_do_not_fit_are_counted() {
        let q = parse(
            &cfg(&["AAPL", "MSFT"]),
            &[
                reply(200, fixture("quote_docs_example.json")),
                reply(200, fixture("quote_docs_example.json")),
            ],
            now(),
        )
        .unwrap();
        let mut b = Buffer::empty(Rect::new(0, 0, 28, 3));
        render(&q, Rect::new(0, 0, 28, 2), &mut b);
        assert_eq!(
            text(&b)[..2],
            ["Symbol      Price     Chg%  ", "+2 more                     "]
        );
        render(&q, b.area, &mut b);
        assert_eq!(text(&b)[2], "MSFT       261.74   +0.88%  ");
        let (w, h) = Registered::min_content(&cfg(&["AAPL"]));
        assert!(w <= 28 && h == 3, "the smallest card shows a quote whole: {w}x{h}");
    }

    #[test]
    fn config_problems() {
        assert!(cfg(&["AAPL", "BRK.B", "^GSPC"]).problems().is_empty());
        let keys: Vec<_> = cfg(&[]).problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["symbols"]);
        assert_eq!(cfg(&["AA PL"]).problems().len(), 1);
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }

    #[test]
    fn snapshot_30x2() {
        let q = parse(
            &cfg(&["AAPL"]),
            &[reply(200, fixture("quote_docs_example.json"))],
            now(),
        )
        .unwrap();
        let drawn = crate::testing::drawn(30, 2, |area, buf| render(&q, area, buf));
        insta::assert_snapshot!("finnhub_30x2", drawn);
    }
}
