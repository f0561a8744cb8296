//! Datadog metric queries, `/api/v1/query`. The credential has two parts,
//! the API key and the application key, each in its own header.
//! <https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points>

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::{Metrics, Reading, parse_span};
use crate::data::Data;
use crate::data::RenderCtx;
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::provider::Budget;
use crate::provider::Provider;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const DEFAULT_BASE: &str = "https://api.datadoghq.com";
pub const AUTH: AuthPlacement = AuthPlacement::HeaderPair("DD-API-KEY", "DD-APPLICATION-KEY");

metrics_config! {
    #[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
    pub struct Config {
        /// The Datadog metrics query, e.g. "avg:system.cpu.user{*}".
        pub query: String,
        /// The span drawn, e.g. "1h" (default).
        #[serde(default = "default_range")]
        pub range: String,
    }
}

fn default_range() -> String {
    "1h".into()
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.query.trim().is_empty() {
            out.push(("query", "write a metric query, e.g. \"avg:system.cpu.idle{*}\"".into()));
        }
        if parse_span(&self.range).is_none() {
            out.push(("range", format!("\"{}\" is not a span; write e.g. \"1h\"", self.range)));
        }
        out
    }
}

pub fn requests(cfg: &Config, base: &Url, now: DateTime<Utc>) -> Vec<RequestSpec> {
    let span = parse_span(&cfg.range).unwrap_or(3600) as i64;
    let to = now.timestamp();
    let mut spec = RequestSpec::get(
        base,
        "/api/v1/query",
        &[
            ("from", (to - span).to_string()),
            ("to", to.to_string()),
            ("query", cfg.query.clone()),
        ],
    );
    spec.auth = AUTH;
    vec![spec]
}

/// Checks the API key; free of quota.
pub fn probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(base, "/api/v1/validate", &[]);
    spec.auth = AUTH;
    spec
}

#[derive(Deserialize)]
struct Errors {
    #[serde(default)]
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct Body {
    status: Option<String>,
    error: Option<String>,
    #[serde(default)]
    series: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    scope: Option<String>,
    display_name: Option<String>,
    #[serde(default)]
    pointlist: Vec<(f64, Option<f64>)>,
}

fn failure(reply: &HttpReply, now: DateTime<Utc>, probing: bool) -> Option<FetchError> {
    if reply.is_success() {
        return None;
    }
    let text = serde_json::from_slice::<Errors>(&reply.body)
        .map(|e| e.errors.join("; "))
        .unwrap_or_else(|_| format!("HTTP {}", reply.status));
    let class = match reply.status {
        // Datadog answers a bad key with 403; only the probe can tell.
        403 if probing => ErrorClass::Rejected,
        429 => {
            let reset = reply
                .header("x-ratelimit-reset")
                .and_then(|v| v.trim().parse::<i64>().ok())
                .map(|s| now + chrono::Duration::seconds(s));
            ErrorClass::RateLimited {
                until: reply.retry_after(now).or(reset),
            }
        }
        s => ErrorClass::from_status(s, None),
    };
    Some(FetchError::new(class, text))
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Metrics, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    if let Some(e) = failure(reply, now, false) {
        return Err(e);
    }
    let b: Body = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    if b.status.as_deref() == Some("error") {
        return Err(FetchError::new(ErrorClass::Provider, b.error.unwrap_or_default()));
    }
    let readings: Vec<Reading> = b
        .series
        .into_iter()
        .filter_map(|s| {
            let history: Vec<f64> = s.pointlist.iter().filter_map(|(_, v)| *v).collect();
            let value = *history.last()?;
            let label = match s.scope.as_deref() {
                Some("*") | None => s.display_name.unwrap_or_else(|| cfg.query.clone()),
                Some(scope) => scope.to_string(),
            };
            // Datadog's timestamps are milliseconds.
            let span = match (s.pointlist.first(), s.pointlist.last()) {
                (Some((a, _)), Some((b, _))) => std::time::Duration::try_from_secs_f64((b - a) / 1000.0).ok(),
                _ => None,
            };
            Some(Reading {
                label,
                value,
                history,
                span,
            })
        })
        .collect();
    if readings.is_empty() {
        return Err(FetchError::new(
            ErrorClass::NotFound,
            format!("no points for {}", cfg.query),
        ));
    }
    Ok(Metrics { readings })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if let Some(e) = failure(reply, now, true) {
        return Err(e);
    }
    #[derive(Deserialize)]
    struct Valid {
        valid: bool,
    }
    match serde_json::from_slice::<Valid>(&reply.body) {
        Ok(v) if v.valid => Ok(()),
        Ok(_) => Err(FetchError::new(
            ErrorClass::Rejected,
            "Datadog says the API key is not valid",
        )),
        Err(e) => Err(FetchError::bad_response(e)),
    }
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "datadog",
    label: "Datadog (metrics)",
    kind: Some(Kind::Metrics),
    auth: AUTH,
    also_in_query: &["api_key", "application_key"],
    default_base: DEFAULT_BASE,
    key_page: "https://app.datadoghq.com/organization-settings/application-keys",
    advice: "Two parts, stored as API_KEY:APPLICATION_KEY. Scope the application key to timeseries_query (read) only, and make a dedicated API key for homedash. Where your plan has it, the organization IP allowlist limits both keys to your own addresses.",
    budget: Budget {
        per_minute: 100,
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
        name: "datadog",
        kind: Kind::Metrics,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "datadog/query_timeseries_system.cpu.idle_TRUNCATED.json"),
            (403, "datadog/error_403_forbidden.json"),
        ],
        demo: &[],
        examples: &[r#"{"query": "avg:system.cpu.idle{*}"}"#],
    };

    forward_registered!(Metrics, with now);

    fn title(&self) -> String {
        crate::format::fit(&self.query, 30)
    }

    fn render(&self, data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(Data::Metrics(m)) = data {
            crate::metrics::render(m, &self.display(), ctx, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("datadog/{name}"))
    }

    fn cfg() -> Config {
        Config {
            query: "system.cpu.idle{*}".into(),
            range: "1h".into(),
            unit: "%".into(),
            warn: Some(20.0),
            crit: Some(5.0),
            decimals: Some(1),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1623932699, 0).unwrap()
    }

    #[test]
    fn two_headers_and_a_window() {
        let s = requests(&cfg(), &Url::parse(DEFAULT_BASE).unwrap(), now());
        assert_eq!(
            s[0].url.as_str(),
            "https://api.datadoghq.com/api/v1/query?from=1623929099&to=1623932699&query=system.cpu.idle%7B*%7D"
        );
        assert_eq!(s[0].auth, AuthPlacement::HeaderPair("DD-API-KEY", "DD-APPLICATION-KEY"));
    }

    #[test]
    fn parses_series_and_classifies() {
        let m = parse(
            &cfg(),
            &[reply(200, "query_timeseries_system.cpu.idle_TRUNCATED.json")],
            now(),
        )
        .unwrap();
        assert_eq!(m.readings[0].label, "system.cpu.idle");
        assert_eq!(m.readings[0].history.len(), 3);
        assert!((m.readings[0].value - 94.4046950785319).abs() < 1e-9);
        assert!(probe_result(&reply(200, "validate_ok.json"), now()).is_ok());
        let e = probe_result(&reply(403, "error_403_forbidden.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Rejected);
        let e = parse(&cfg(), &[reply(403, "error_403_forbidden.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Forbidden);
        let limited = HttpReply {
            status: 429,
            headers: vec![("x-ratelimit-reset".into(), "7".into())],
            body: br#"{"errors":["Rate limit exceeded"]}"#.to_vec(),
        };
        let e = parse(&cfg(), &[limited], now()).unwrap_err();
        assert_eq!(
            e.class,
            ErrorClass::RateLimited {
                until: Some(now() + chrono::Duration::seconds(7))
            }
        );
        let empty = HttpReply {
            status: 200,
            headers: vec![],
            body: br#"{"status":"ok","series":[]}"#.to_vec(),
        };
        assert_eq!(parse(&cfg(), &[empty], now()).unwrap_err().class, ErrorClass::NotFound);
    }

    #[test]
    fn snapshots_small_and_large() {
        let m = parse(
            &cfg(),
            &[reply(200, "query_timeseries_system.cpu.idle_TRUNCATED.json")],
            now(),
        )
        .unwrap();
        for (w, h) in [(24u16, 2u16), (60, 3)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| {
                super::super::render(&m, &cfg().display(), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("datadog_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
