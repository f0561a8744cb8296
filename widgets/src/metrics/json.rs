//! Any JSON endpoint: values picked out by JSON pointers, each with a label
//! and unit. An optional credential goes in `Authorization: Bearer`, or in
//! the header that `auth_header` names.

use std::borrow::Cow;

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

/// A value to show: where it is in the answer, and its label.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Field {
    /// RFC 6901, e.g. "/data/0/temperature".
    pub pointer: String,
    /// Shown before the value.
    pub label: String,
}

metrics_config! {
    #[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
    pub struct Config {
        /// Path under `base_url`, with its query string if any.
        #[serde(default = "default_path")]
        pub path: String,
        /// The values to show, e.g. [{ pointer = "/a/b", label = "B" }].
        #[schemars(length(min = 1))]
        pub fields: Vec<Field>,
        /// A header for the credential instead of `Authorization: Bearer`.
        pub auth_header: Option<String>,
    }
}

fn default_path() -> String {
    "/".into()
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.fields.is_empty() {
            out.push((
                "fields",
                "list at least one field, e.g. [{ pointer = \"/temp\", label = \"Temp\" }]".into(),
            ));
        }
        for f in &self.fields {
            if !f.pointer.is_empty() && !f.pointer.starts_with('/') {
                out.push((
                    "fields",
                    format!("pointer \"{}\" must start with / (RFC 6901)", f.pointer),
                ));
            }
        }
        if !self.path.starts_with('/') {
            out.push(("path", format!("\"{}\" must start with /", self.path)));
        }
        if let Some(h) = &self.auth_header
            && (h.is_empty() || !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            out.push(("auth_header", format!("\"{h}\" is not a header name")));
        }
        out
    }

    pub fn auth(&self) -> AuthPlacement {
        match &self.auth_header {
            Some(h) => AuthPlacement::Header(Cow::Owned(h.clone())),
            None => AuthPlacement::Bearer,
        }
    }
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    let (path, query) = cfg.path.split_once('?').unwrap_or((&cfg.path, ""));
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let q: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut spec = RequestSpec::get(base, path, &q);
    spec.headers.push(("accept", "application/json".into()));
    spec.auth = cfg.auth();
    vec![spec]
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().trim_end_matches('%').parse().ok(),
        serde_json::Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Metrics, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    if !reply.is_success() {
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        return Err(FetchError::new(class, format!("HTTP {}", reply.status)));
    }
    let doc: serde_json::Value = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let mut readings = Vec::new();
    for f in &cfg.fields {
        let v = doc
            .pointer(&f.pointer)
            .ok_or_else(|| FetchError::new(ErrorClass::NotFound, format!("nothing at {} in the answer", f.pointer)))?;
        let value =
            number(v).ok_or_else(|| FetchError::bad_response(format!("{} is not a number ({v})", f.pointer)))?;
        readings.push(Reading {
            label: f.label.clone(),
            value,
            history: Vec::new(),
            span: None,
        });
    }
    Ok(Metrics { readings })
}

/// A JSON endpoint: a success whose body is JSON.
pub fn json_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    crate::provider::status_probe_result(reply, now)?;
    serde_json::from_slice::<serde::de::IgnoredAny>(&reply.body)
        .map(|_| ())
        .map_err(|e| FetchError::bad_response(format!("the answer is not JSON: {e}")))
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "json",
    label: "A JSON endpoint (metrics)",
    kind: Some(Kind::Metrics),
    auth: AuthPlacement::Bearer,
    also_in_query: &[],
    default_base: "http://localhost/",
    key_page: "the service that issues the token",
    advice: "Create a read-only token for homedash alone, so you can revoke it without affecting anything else.",
    budget: Budget {
        per_minute: 600,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: true,
    probe: crate::provider::status_probe,
    probe_result: json_probe_result,
    oauth: None,
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "json",
        kind: Kind::Metrics,
        label: PROVIDER.label,
        default_base: Some("http://localhost/"),
        keyed: Some(&PROVIDER),
        in_wizard: false,
        // Any JSON API: a real one's answer.
        fixtures: &[(200, "weatherapi/current_london.json")],
        demo: &[],
        examples: &[
            r#"{"path": "/stats", "fields": [{"pointer": "/queue/depth", "label": "depth"}]}"#,
            r#"{"path": "/v1/current.json", "fields": [{"pointer": "/current/temp_c", "label": "t"}]}"#,
            r#"{"path": "/stats", "fields": [{"pointer": "/a/0/b", "label": "b"}, {"pointer": "/c", "label": "c"}]}"#,
        ],
    };

    forward_registered!(Metrics);

    fn title(&self) -> String {
        self.fields.first().map_or_else(|| "JSON".into(), |f| f.label.clone())
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

    /// Reuses other providers' fixtures: any JSON will do.
    fn reply(name: &str) -> HttpReply {
        crate::testing::reply(200, name)
    }

    fn cfg(fields: &[(&str, &str)]) -> Config {
        Config {
            path: "/v1/current.json?q=London".into(),
            fields: fields
                .iter()
                .map(|(p, l)| Field {
                    pointer: p.to_string(),
                    label: l.to_string(),
                })
                .collect(),
            auth_header: Some("X-Api-Key".into()),
            unit: String::new(),
            warn: None,
            crit: None,
            decimals: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1744865102, 0).unwrap()
    }

    #[test]
    fn request_keeps_the_query_and_names_the_header() {
        let s = requests(&cfg(&[("/a", "A")]), &Url::parse("https://api.example/base/").unwrap());
        assert_eq!(s[0].url.as_str(), "https://api.example/base/v1/current.json?q=London");
        assert_eq!(s[0].auth, AuthPlacement::Header("X-Api-Key".into()));
    }

    #[test]
    fn pointers_numbers_and_strings() {
        let c = cfg(&[("/current/temp_c", "Temp"), ("/current/humidity", "Humidity")]);
        let m = parse(&c, &[reply("weatherapi/current_london.json")], now()).unwrap();
        assert_eq!(m.readings[0].value, 3.3);
        assert_eq!(m.readings[1].value, 93.0);
        let c = cfg(&[("/Global Quote/05. price", "AZN")]);
        let m = parse(&c, &[reply("alphavantage/global_quote_AZN.LON.json")], now()).unwrap();
        assert_eq!(m.readings[0].value, 10442.0, "a number sent as a string");
        let e = parse(
            &cfg(&[("/nope", "x")]),
            &[reply("weatherapi/current_london.json")],
            now(),
        )
        .unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        let e = parse(
            &cfg(&[("/location/name", "x")]),
            &[reply("weatherapi/current_london.json")],
            now(),
        )
        .unwrap_err();
        assert_eq!(e.class, ErrorClass::BadResponse);
    }

    #[test]
    fn snapshots_small_and_large() {
        let c = cfg(&[("/current/temp_c", "Temp"), ("/current/wind_kph", "Wind")]);
        let m = parse(&c, &[reply("weatherapi/current_london.json")], now()).unwrap();
        for (w, h) in [(20u16, 2u16), (50, 3)] {
            let drawn = crate::testing::drawn(w, h, |area, buf| {
                super::super::render(&m, &c.display(), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("json_{w}x{h}"), drawn);
        }
    }
}
