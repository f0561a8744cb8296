//! The Prometheus HTTP API: an instant query, or a range query drawn as a
//! sparkline. Prometheus itself takes no key; behind Grafana, Mimir or an
//! auth proxy an optional credential goes in `Authorization: Bearer`.
//! <https://prometheus.io/docs/prometheus/latest/querying/api/>

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::{Metrics, Reading, parse_span};
use crate::data::Data as SourceData;
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

pub const DEFAULT_BASE: &str = "http://localhost:9090";
pub const AUTH: AuthPlacement = AuthPlacement::Bearer;

metrics_config! {
    #[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
    pub struct Config {
        /// The PromQL query; its first series is drawn.
        pub query: String,
        /// A range such as "1h": a sparkline of that span instead of one value.
        pub range: Option<String>,
        /// The label whose value names each series (default: all labels).
        pub legend: Option<String>,
    }
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.query.trim().is_empty() {
            out.push(("query", "write a PromQL query, e.g. \"up\"".into()));
        }
        if let Some(r) = &self.range
            && parse_span(r).is_none()
        {
            out.push((
                "range",
                format!("\"{r}\" is not a span; write e.g. \"30m\", \"6h\" or \"7d\""),
            ));
        }
        out
    }
}

pub fn requests(cfg: &Config, base: &Url, now: DateTime<Utc>) -> Vec<RequestSpec> {
    let mut spec = match cfg.range.as_deref().and_then(parse_span) {
        Some(span) => {
            let end = now.timestamp();
            // About 60 points whatever the span.
            let step = (span / 60).max(1);
            RequestSpec::get(
                base,
                "/api/v1/query_range",
                &[
                    ("query", cfg.query.clone()),
                    ("start", (end - span as i64).to_string()),
                    ("end", end.to_string()),
                    ("step", step.to_string()),
                ],
            )
        }
        None => RequestSpec::get(base, "/api/v1/query", &[("query", cfg.query.clone())]),
    };
    spec.auth = AUTH;
    vec![spec]
}

pub fn probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(base, "/api/v1/status/buildinfo", &[]);
    spec.auth = AUTH;
    spec
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    error: Option<String>,
    /// Kept raw: a status answer's data is not a query result.
    data: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
    Scalar((f64, String)),
    String((f64, String)),
}

#[derive(Deserialize)]
struct Sample {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    value: (f64, String),
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    values: Vec<(f64, String)>,
}

fn value(s: &str) -> f64 {
    match s {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

fn label(metric: &std::collections::BTreeMap<String, String>, legend: Option<&str>) -> String {
    if let Some(l) = legend
        && let Some(v) = metric.get(l)
    {
        return v.clone();
    }
    let name = metric.get("__name__").cloned().unwrap_or_default();
    let rest: Vec<String> = metric
        .iter()
        .filter(|(k, _)| *k != "__name__")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    match (name.is_empty(), rest.is_empty()) {
        (true, true) => "value".into(),
        (false, true) => name,
        (true, false) => rest.join(","),
        (false, false) => format!("{name}{{{}}}", rest.join(",")),
    }
}

fn failure(reply: &HttpReply, env: Option<&Envelope>, now: DateTime<Utc>) -> Option<FetchError> {
    if let Some(e) = env.filter(|e| e.status == "error") {
        let class = match e.error_type.as_deref() {
            Some("bad_data") => ErrorClass::Client(400),
            Some("timeout") => ErrorClass::Timeout,
            Some("unavailable") => ErrorClass::Server(503),
            _ if !reply.is_success() && reply.status != 422 => ErrorClass::from_status(reply.status, None),
            _ => ErrorClass::Provider,
        };
        return Some(FetchError::new(class, e.error.clone().unwrap_or_default()));
    }
    if !reply.is_success() {
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        let text = crate::format::fit(String::from_utf8_lossy(&reply.body).trim(), 160);
        return Some(FetchError::new(class, text));
    }
    None
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Metrics, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    let env: Option<Envelope> = serde_json::from_slice(&reply.body).ok();
    if let Some(e) = failure(reply, env.as_ref(), now) {
        return Err(e);
    }
    let data: Data = env
        .and_then(|e| e.data)
        .and_then(|d| serde_json::from_value(d).ok())
        .ok_or_else(|| FetchError::bad_response("not a Prometheus query answer"))?;
    let legend = cfg.legend.as_deref();
    let readings = match data {
        Data::Vector(v) => v
            .into_iter()
            .map(|s| Reading {
                label: label(&s.metric, legend),
                value: value(&s.value.1),
                history: Vec::new(),
                span: None,
            })
            .collect(),
        Data::Matrix(m) => m
            .into_iter()
            .map(|s| {
                let history: Vec<f64> = s.values.iter().map(|(_, v)| value(v)).collect();
                let span = match (s.values.first(), s.values.last()) {
                    (Some((a, _)), Some((b, _))) => std::time::Duration::try_from_secs_f64(b - a).ok(),
                    _ => None,
                };
                Reading {
                    label: label(&s.metric, legend),
                    value: history.last().copied().unwrap_or(f64::NAN),
                    history,
                    span,
                }
            })
            .collect(),
        Data::Scalar((_, v)) | Data::String((_, v)) => vec![Reading {
            label: cfg.query.clone(),
            value: value(&v),
            history: Vec::new(),
            span: None,
        }],
    };
    Ok(Metrics { readings })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    let env: Option<Envelope> = serde_json::from_slice(&reply.body).ok();
    if let Some(e) = failure(reply, env.as_ref(), now) {
        return Err(e);
    }
    match env {
        Some(e) if e.status == "success" => Ok(()),
        _ => Err(FetchError::bad_response("not a Prometheus answer")),
    }
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "prometheus",
    label: "Prometheus behind an auth proxy (metrics)",
    kind: Some(Kind::Metrics),
    auth: AUTH,
    also_in_query: &[],
    default_base: DEFAULT_BASE,
    key_page: "your Grafana (Administration > Service accounts) or auth proxy",
    advice: "Use a service account token with the Viewer role only: homedash only reads queries.",
    budget: Budget {
        per_minute: 600,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: true,
    probe,
    probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "prometheus",
        kind: Kind::Metrics,
        label: "Prometheus",
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "prometheus/query_vector.json"),
            (200, "prometheus/query_range_matrix.json"),
            (400, "prometheus/error_400_bad_data.json"),
            (422, "prometheus/error_422_execution.json"),
        ],
        demo: &[],
        examples: &[r#"{"query": "up", "range": "1h"}"#, r#"{"query": "up"}"#],
    };

    forward_registered!(Metrics, with now);

    fn title(&self) -> String {
        crate::format::fit(&self.query, 30)
    }

    fn render(&self, data: Option<&SourceData>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(SourceData::Metrics(m)) = data {
            crate::metrics::render(m, &self.display(), ctx, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("prometheus/{name}"))
    }

    fn cfg(range: Option<&str>) -> Config {
        Config {
            query: "up".into(),
            range: range.map(String::from),
            legend: Some("job".into()),
            unit: String::new(),
            warn: Some(0.5),
            crit: Some(0.0),
            decimals: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1435781460, 0).unwrap()
    }

    #[test]
    fn instant_and_range_requests() {
        let base = Url::parse("https://prom.example/prefix/").unwrap();
        let s = requests(&cfg(None), &base, now());
        assert_eq!(s[0].url.as_str(), "https://prom.example/prefix/api/v1/query?query=up");
        assert_eq!(s[0].auth, AuthPlacement::Bearer);
        let s = requests(&cfg(Some("1h")), &base, now());
        assert_eq!(
            s[0].url.as_str(),
            "https://prom.example/prefix/api/v1/query_range?query=up&start=1435777860&end=1435781460&step=60"
        );
    }

    #[test]
    fn parses_vector_matrix_and_buildinfo() {
        let m = parse(&cfg(None), &[reply(200, "query_vector.json")], now()).unwrap();
        assert_eq!(m.readings.len(), 2);
        assert_eq!((m.readings[1].label.as_str(), m.readings[1].value), ("node", 0.0));
        let m = parse(&cfg(Some("1h")), &[reply(200, "query_range_matrix.json")], now()).unwrap();
        assert_eq!(m.readings[1].history, vec![0.0, 0.0, 1.0]);
        assert_eq!(m.readings[1].value, 1.0);
        let mut c = cfg(None);
        c.legend = None;
        let m = parse(&c, &[reply(200, "query_vector.json")], now()).unwrap();
        assert_eq!(m.readings[0].label, "up{instance=localhost:9090,job=prometheus}");
        assert!(probe_result(&reply(200, "status_buildinfo.json"), now()).is_ok());
        assert!(
            parse(&cfg(None), &[reply(200, "label_job_values.json")], now()).is_err(),
            "a label list is not a query answer"
        );
    }

    #[test]
    fn error_classes() {
        let e = parse(&cfg(None), &[reply(400, "error_400_bad_data.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Client(400));
        assert!(e.detail.contains("unclosed left parenthesis"));
        let e = parse(&cfg(None), &[reply(422, "error_422_execution.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Provider);
        let proxy = HttpReply {
            status: 401,
            headers: vec![],
            body: b"Unauthorized".to_vec(),
        };
        assert_eq!(
            parse(&cfg(None), &[proxy], now()).unwrap_err().class,
            ErrorClass::Rejected
        );
        let timeout = HttpReply {
            status: 503,
            headers: vec![],
            body: br#"{"status":"error","errorType":"timeout","error":"query timed out"}"#.to_vec(),
        };
        assert_eq!(
            parse(&cfg(None), &[timeout], now()).unwrap_err().class,
            ErrorClass::Timeout
        );
    }

    #[test]
    fn snapshots_small_and_large() {
        let m = parse(&cfg(Some("1h")), &[reply(200, "query_range_matrix.json")], now()).unwrap();
        let c = cfg(None);
        for (w, h) in [(24u16, 2u16), (60, 4)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| {
                super::super::render(&m, &c.display(), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("prometheus_range_{w}x{h}"), drawn);
        }
        let one = Metrics {
            readings: vec![m.readings[0].clone()],
        };
        let drawn = crate::testing::drawn(40, 3, |area, buf| {
            super::super::render(&one, &c.display(), &crate::testing::ctx(false), area, buf)
        });
        insta::assert_snapshot!("prometheus_single_40x3", drawn);
    }

    #[test]
    fn zoomed_charts_have_axes_the_range_and_thresholds() {
        let m = parse(&cfg(Some("1h")), &[reply(200, "query_range_matrix.json")], now()).unwrap();
        let mut c = cfg(Some("1h"));
        c.warn = Some(0.5);
        c.crit = Some(0.2);
        for (w, h) in [(78u16, 21u16), (198, 57)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| {
                super::super::render(&m, &c.display(), &crate::testing::ctx(true), area, buf)
            });
            assert!(drawn.contains("-30s") && drawn.contains("now"), "{drawn}");
            assert!(drawn.contains("warn") && drawn.contains("crit"), "{drawn}");
            insta::assert_snapshot!(format!("prometheus_zoomed_{w}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
