//! The loopback provider server: one per provider, speaking its real wire format (the
//! recorded fixtures) and taking the credential only in the provider's real
//! place: a token anywhere else is rejected, and counted, so a test proves
//! where it travelled.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpStream;

use super::{header, read_head, respond};

macro_rules! fixture {
    ($p:literal) => {
        include_str!(concat!("../../../widgets/tests/fixtures/", $p))
    };
}

#[derive(Default)]
struct State {
    valid: Vec<String>,
    rate_limited: bool,
    misplaced: usize,
    accepted: usize,
    heads: Vec<String>,
    times: Vec<std::time::Instant>,
}

#[derive(Clone)]
pub struct ProviderServer {
    pub addr: SocketAddr,
    pub provider: &'static str,
    state: Arc<Mutex<State>>,
}

/// Where this provider takes its key: what the request carried there.
fn presented(provider: &str, head: &str, url: &url::Url) -> Option<String> {
    let p = homedash_widgets::source::keyed(provider)?;
    p.auth.presented(&|name| header(head, name).map(String::from), &|name| {
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    })
}

fn ok_body(provider: &str, path: &str) -> &'static str {
    match (provider, path) {
        ("finnhub", _) => fixture!("finnhub/quote_docs_example.json"),
        ("twelvedata", "/time_series") => fixture!("twelvedata/time_series_AAPL_1min_docs.json"),
        ("twelvedata", _) => fixture!("twelvedata/quote_AAPL_docs.json"),
        ("polygon", _) => fixture!("polygon/prev_AAPL.json"),
        ("alphavantage", _) => fixture!("alphavantage/global_quote_AZN.LON.json"),
        ("openweathermap", "/data/2.5/forecast") => fixture!("openweathermap/forecast_zocca_CONSTRUCTED.json"),
        ("openweathermap", _) => fixture!("openweathermap/current_weather_zocca.json"),
        ("weatherapi", _) => fixture!("weatherapi/current_london.json"),
        ("prometheus", "/api/v1/status/buildinfo") => fixture!("prometheus/status_buildinfo.json"),
        ("prometheus", "/api/v1/query_range") => fixture!("prometheus/query_range_matrix.json"),
        ("prometheus", _) => fixture!("prometheus/query_vector.json"),
        ("datadog", "/api/v1/validate") => fixture!("datadog/validate_ok.json"),
        ("datadog", _) => fixture!("datadog/query_timeseries_system.cpu.idle_TRUNCATED.json"),
        ("yahoo", _) => fixture!("yahoo/chart_AAPL_1d_5m_CONSTRUCTED.json"),
        ("open-meteo", "/v1/search") => fixture!("open-meteo/geocoding_berlin_CONSTRUCTED.json"),
        ("open-meteo", _) => fixture!("open-meteo/forecast_full_berlin_CONSTRUCTED.json"),
        // Any other provider: the recorded answers its registry entry names.
        (other, path) => homedash_widgets::source::ALL
            .iter()
            .find(|i| i.name == other)
            .and_then(|i| i.demo.iter().find(|(p, _)| *p == path))
            .map_or("{}", |(_, body)| *body),
    }
}

/// (status, body) of the provider's own answer to a request with no key.
fn missing(provider: &str) -> (&'static str, &'static str) {
    match provider {
        // Finnhub answers a keyless request as if over a quota.
        "finnhub" => (
            "429 Too Many Requests",
            "API limit reached. Please sign up for a free account",
        ),
        other => rejected(other),
    }
}

/// (status, body) of the provider's own "bad key" answer.
fn rejected(provider: &str) -> (&'static str, &'static str) {
    match provider {
        "finnhub" => ("401 Unauthorized", fixture!("finnhub/error_401_invalid_key.json")),
        "twelvedata" => ("200 OK", fixture!("twelvedata/error_401_bad_apikey.json")),
        "polygon" => ("401 Unauthorized", fixture!("polygon/error_401_unknown_api_key.json")),
        "alphavantage" => ("200 OK", fixture!("alphavantage/error_200_invalid_apikey.json")),
        "openweathermap" => (
            "401 Unauthorized",
            fixture!("openweathermap/error_401_invalid_key.json"),
        ),
        "weatherapi" => (
            "401 Unauthorized",
            fixture!("weatherapi/error_401_code2006_invalid_key.json"),
        ),
        "datadog" => ("403 Forbidden", fixture!("datadog/error_403_forbidden.json")),
        _ => ("401 Unauthorized", "Unauthorized"),
    }
}

fn limited(provider: &str) -> (&'static str, &'static str) {
    match provider {
        "finnhub" => (
            "429 Too Many Requests",
            fixture!("finnhub/error_429_limit_reached.json"),
        ),
        "twelvedata" => (
            "429 Too Many Requests",
            fixture!("twelvedata/error_429_minute_credits.json"),
        ),
        "polygon" => ("429 Too Many Requests", fixture!("polygon/error_429_UNVERIFIED.json")),
        "alphavantage" => (
            "200 OK",
            fixture!("alphavantage/ratelimit_200_information_daily25.json"),
        ),
        "openweathermap" => (
            "429 Too Many Requests",
            fixture!("openweathermap/error_429_blocked.json"),
        ),
        "weatherapi" => (
            "403 Forbidden",
            r#"{"error":{"code":2007,"message":"API key has exceeded calls per month quota."}}"#,
        ),
        "datadog" => ("429 Too Many Requests", r#"{"errors":["Rate limit exceeded"]}"#),
        _ => ("429 Too Many Requests", "slow down"),
    }
}

impl ProviderServer {
    /// Serve from a thread of its own (tests without a runtime, or with
    /// the binary as the client).
    pub fn start(provider: &'static str, valid: &[&str]) -> Self {
        let state = Arc::new(Mutex::new(State {
            valid: valid.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }));
        let addr = super::serve_on_thread("127.0.0.1:0", Arc::clone(&state), move |sock, st| {
            serve(provider, sock, st)
        });
        ProviderServer { addr, provider, state }
    }

    pub fn base(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn set_rate_limited(&self, on: bool) {
        self.state.lock().unwrap().rate_limited = on;
    }

    /// The tokens it takes from now on.
    pub fn set_valid(&self, valid: &[&str]) {
        self.state.lock().unwrap().valid = valid.iter().map(|s| s.to_string()).collect();
    }

    /// Every request head it received, for tests that look for a token.
    pub fn heads(&self) -> Vec<String> {
        self.state.lock().unwrap().heads.clone()
    }

    /// Requests that carried a valid token somewhere the provider does not take it.
    pub fn misplaced(&self) -> usize {
        self.state.lock().unwrap().misplaced
    }

    pub fn accepted(&self) -> usize {
        self.state.lock().unwrap().accepted
    }

    /// The most requests seen in any `window`.
    pub fn max_in_window(&self, window: std::time::Duration) -> usize {
        let times = self.state.lock().unwrap().times.clone();
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| t.duration_since(times[i]) < window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    pub fn times(&self) -> Vec<std::time::Instant> {
        self.state.lock().unwrap().times.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().heads.len()
    }
}

async fn serve(provider: &'static str, mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    loop {
        let head = read_head(&mut sock).await?;
        if head.is_empty() {
            return Ok(());
        }
        let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let url = url::Url::parse(&format!("http://x{target}")).unwrap();
        // A same-origin redirect to the quote, for the transport tests.
        if url.path() == "/moved" {
            state.lock().unwrap().heads.push(head.clone());
            respond(&mut sock, "302 Found", &["location: /api/v1/quote?symbol=AAPL"], "").await?;
            continue;
        }
        let (status, body) = {
            let mut st = state.lock().unwrap();
            st.heads.push(head.clone());
            st.times.push(std::time::Instant::now());
            let here = presented(provider, &head, &url);
            // A valid token in the request text but not in its place.
            let elsewhere = st
                .valid
                .iter()
                .any(|v| head.contains(v.as_str()) && here.as_deref() != Some(v.as_str()));
            if elsewhere {
                st.misplaced += 1;
            }
            let valid = here.as_ref().is_some_and(|t| st.valid.contains(t));
            // No valid tokens: a keyless endpoint (Yahoo, Open-Meteo, a
            // Prometheus without a proxy) that answers everyone.
            if !st.valid.is_empty() && here.is_none() && !elsewhere {
                missing(provider)
            } else if st.valid.is_empty() || (valid && !elsewhere) {
                if st.rate_limited {
                    limited(provider)
                } else {
                    st.accepted += 1;
                    ("200 OK", ok_body(provider, url.path()))
                }
            } else {
                rejected(provider)
            }
        };
        // Every real server dates its answers (RFC 9110); `doctor` reads it.
        let date = format!("date: {}", chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"));
        respond(&mut sock, status, &[&date], body).await?;
    }
}
