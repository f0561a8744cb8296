//! The Prometheus text exposition format from any `/metrics` endpoint,
//! filtered by metric name and label values.
//! <https://prometheus.io/docs/instrumenting/exposition_formats/>

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::{Metrics, Reading};
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

pub const DEFAULT_BASE: &str = "http://localhost:9100";

metrics_config! {
    #[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
    pub struct Config {
        /// The metric's name in the Prometheus text format.
        pub metric: String,
        /// Only samples whose labels have these values.
        #[serde(default)]
        pub labels: BTreeMap<String, String>,
        /// Path of the endpoint under `base_url`.
        #[serde(default = "default_path")]
        pub path: String,
    }
}

fn default_path() -> String {
    "/metrics".into()
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.metric.is_empty()
            || !self
                .metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            out.push(("metric", format!("\"{}\" is not a metric name", self.metric)));
        }
        if !self.path.starts_with('/') {
            out.push(("path", format!("\"{}\" must start with /", self.path)));
        }
        out
    }
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    let mut spec = RequestSpec::get(base, &cfg.path, &[]);
    spec.headers.push(("accept", "text/plain; version=0.0.4".into()));
    spec.auth = AuthPlacement::Bearer;
    vec![spec]
}

#[derive(Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        other => other.parse().ok(),
    }
}

/// `{a="x",b="y\"z"}` starting at `s`; returns the labels and the rest.
fn parse_labels(s: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let mut labels = BTreeMap::new();
    let mut rest = s.strip_prefix('{')?;
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Some((labels, after));
        }
        let eq = rest.find('=')?;
        let name = rest[..eq].trim().to_string();
        rest = rest[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                '"' => break i,
                other => value.push(other),
            }
        };
        labels.insert(name, value);
        rest = &rest[end + 1..];
    }
}

/// Every sample line; comments, blank lines and lines that do not parse
/// are skipped, so one odd line never hides the rest.
pub fn parse_text(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
        let name = &line[..name_end];
        let (labels, rest) = if line[name_end..].starts_with('{') {
            match parse_labels(&line[name_end..]) {
                Some(p) => p,
                None => continue,
            }
        } else {
            (BTreeMap::new(), &line[name_end..])
        };
        let Some(value) = rest.split_whitespace().next().and_then(parse_value) else {
            continue;
        };
        out.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    out
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Metrics, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    if !reply.is_success() {
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        return Err(FetchError::new(class, format!("HTTP {}", reply.status)));
    }
    let text =
        std::str::from_utf8(&reply.body).map_err(|_| FetchError::bad_response("the answer is not UTF-8 text"))?;
    let readings: Vec<Reading> = parse_text(text)
        .into_iter()
        .filter(|s| s.name == cfg.metric && cfg.labels.iter().all(|(k, v)| s.labels.get(k) == Some(v)))
        .map(|s| {
            let shown: Vec<String> = s
                .labels
                .iter()
                .filter(|(k, _)| !cfg.labels.contains_key(*k))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            Reading {
                label: if shown.is_empty() {
                    s.name.clone()
                } else {
                    shown.join(",")
                },
                value: s.value,
                history: Vec::new(),
                span: None,
            }
        })
        .collect();
    if readings.is_empty() {
        return Err(FetchError::new(
            ErrorClass::NotFound,
            format!("no sample of {} with these labels", cfg.metric),
        ));
    }
    Ok(Metrics { readings })
}

/// A `/metrics` endpoint: a success whose body is the text format.
pub fn exposition_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    crate::provider::status_probe_result(reply, now)?;
    let text = String::from_utf8_lossy(&reply.body);
    let sample = |l: &str| {
        let l = l.trim();
        !l.is_empty()
            && !l.starts_with('#')
            && l.split_whitespace()
                .nth(1)
                .is_some_and(|v| v.parse::<f64>().is_ok() || v.ends_with("Inf") || v == "NaN")
    };
    if text
        .lines()
        .any(|l| l.starts_with("# TYPE") || l.starts_with("# HELP") || sample(l))
    {
        Ok(())
    } else {
        Err(FetchError::bad_response("the answer is not the Prometheus text format"))
    }
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "prometheus-text",
    label: "A /metrics endpoint behind auth (metrics)",
    kind: Some(Kind::Metrics),
    auth: AuthPlacement::Bearer,
    also_in_query: &[],
    default_base: DEFAULT_BASE,
    key_page: "the endpoint's auth proxy",
    advice: "Use a token that can only read /metrics.",
    budget: Budget {
        per_minute: 600,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: true,
    probe: crate::provider::status_probe,
    probe_result: exposition_probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "prometheus-text",
        kind: Kind::Metrics,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: false,
        fixtures: &[(200, "prometheus/exposition_format_example.txt")],
        demo: &[],
        examples: &[
            r#"{"metric": "http_requests_in_flight"}"#,
            r#"{"metric": "up", "labels": {"job": "node"}}"#,
        ],
    };

    forward_registered!(Metrics);

    fn title(&self) -> String {
        self.metric.clone()
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

    fn text() -> String {
        let path = format!(
            "{}/tests/fixtures/prometheus/exposition_format_example.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).unwrap()
    }

    fn cfg(metric: &str, labels: &[(&str, &str)]) -> Config {
        Config {
            metric: metric.into(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            path: "/metrics".into(),
            unit: String::new(),
            warn: None,
            crit: None,
            decimals: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1395066363, 0).unwrap()
    }

    #[test]
    fn parses_every_line_of_the_example() {
        let samples = parse_text(&text());
        let first = &samples[0];
        assert_eq!(first.name, "http_requests_total");
        assert_eq!(first.labels["code"], "200");
        assert_eq!(first.value, 1027.0);
        let dos = samples
            .iter()
            .find(|s| s.name == "msdos_file_access_time_seconds")
            .unwrap();
        assert_eq!(dos.labels["path"], "C:\\DIR\\FILE.TXT");
        assert_eq!(dos.labels["error"], "Cannot find file:\n\"FILE.TXT\"");
        assert_eq!(dos.value, 1.458255915e9);
        assert!(
            samples
                .iter()
                .any(|s| s.name == "metric_without_timestamp_and_labels" && s.value == 12.47)
        );
        let weird = samples.iter().find(|s| s.name == "something_weird").unwrap();
        assert_eq!(weird.value, f64::INFINITY);
        assert!(
            samples
                .iter()
                .any(|s| s.name == "http_request_duration_seconds_bucket" && s.labels["le"] == "+Inf")
        );
    }

    #[test]
    fn selects_by_name_and_labels() {
        let body = HttpReply {
            status: 200,
            headers: vec![],
            body: text().into_bytes(),
        };
        let m = parse(
            &cfg("http_requests_total", &[("method", "post")]),
            std::slice::from_ref(&body),
            now(),
        )
        .unwrap();
        assert_eq!(m.readings.len(), 2);
        assert_eq!((m.readings[1].label.as_str(), m.readings[1].value), ("code=400", 3.0));
        let e = parse(&cfg("nope", &[]), std::slice::from_ref(&body), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        let e = parse(
            &cfg("x", &[]),
            &[HttpReply {
                status: 401,
                headers: vec![],
                body: vec![],
            }],
            now(),
        )
        .unwrap_err();
        assert_eq!(e.class, ErrorClass::Rejected);
        let bad = HttpReply {
            status: 200,
            headers: vec![],
            body: vec![0xff, 0xfe],
        };
        assert_eq!(
            parse(&cfg("x", &[]), &[bad], now()).unwrap_err().class,
            ErrorClass::BadResponse
        );
    }

    #[test]
    fn snapshots_small_and_large() {
        let body = HttpReply {
            status: 200,
            headers: vec![],
            body: text().into_bytes(),
        };
        let c = cfg("http_request_duration_seconds_bucket", &[]);
        let m = parse(&c, &[body], now()).unwrap();
        for (w, h) in [(24u16, 3u16), (60, 8)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| {
                super::super::render(&m, &c.display(), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("exposition_{w}x{h}"), drawn);
        }
    }
}
