//! What the app needs to know about each provider that takes a credential:
//! where the key goes, where the user makes one and what minimal kind to
//! make, its free-plan budget, and its cheapest proving request.

use chrono::{DateTime, Utc};
use url::Url;

use crate::error::FetchError;
use crate::kind::Kind;
use crate::metrics::{datadog, prometheus};
use crate::request::{AuthPlacement, HttpReply, RequestSpec};
use crate::stocks::{alphavantage, finnhub, polygon, twelvedata};
use crate::weather::{openweathermap, weatherapi};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: u32,
    pub per_day: Option<u32>,
}

#[derive(Debug)]
pub struct Provider {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub auth: AuthPlacement,
    pub default_base: &'static str,
    /// Where the user creates or revokes a key.
    pub key_page: &'static str,
    /// Least privilege: which key to create.
    pub advice: &'static str,
    pub budget: Budget,
    /// The probe costs a request of a small daily quota: say so first.
    pub probe_spends_quota: bool,
    /// Widgets may run without a credential (e.g. Prometheus without a proxy).
    pub credential_optional: bool,
    /// The cheapest request that proves a credential.
    pub probe: fn(&Url) -> RequestSpec,
    /// `Ok` when the probe's answer shows the credential was accepted.
    pub probe_result: fn(&HttpReply, DateTime<Utc>) -> Result<(), FetchError>,
}

pub const KEYED: &[Provider] = &[
    Provider {
        name: "finnhub",
        label: "Finnhub (stocks)",
        kind: Kind::Stocks,
        auth: finnhub::AUTH,
        default_base: finnhub::DEFAULT_BASE,
        key_page: "https://finnhub.io/dashboard",
        advice: "The free key is read-only market data, which is all homedash needs; do not buy or enable broker features for it.",
        budget: Budget {
            per_minute: 60,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: finnhub::probe,
        probe_result: finnhub::probe_result,
    },
    Provider {
        name: "twelvedata",
        label: "Twelve Data (stocks)",
        kind: Kind::Stocks,
        auth: twelvedata::AUTH,
        default_base: twelvedata::DEFAULT_BASE,
        key_page: "https://twelvedata.com/account/api-keys",
        advice: "The free Basic key (8 credits a minute, 800 a day) covers quotes; a quote costs one credit per symbol, a sparkline one more.",
        budget: Budget {
            per_minute: 8,
            per_day: Some(800),
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: twelvedata::probe,
        probe_result: twelvedata::probe_result,
    },
    Provider {
        name: "polygon",
        label: "Polygon.io (stocks)",
        kind: Kind::Stocks,
        auth: polygon::AUTH,
        default_base: polygon::DEFAULT_BASE,
        key_page: "https://polygon.io/dashboard/keys",
        advice: "Create a separate key for homedash so you can revoke it alone; the free Stocks Basic plan (5 calls a minute, previous-day data) is enough.",
        budget: Budget {
            per_minute: 5,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: polygon::probe,
        probe_result: polygon::probe_result,
    },
    Provider {
        name: "alphavantage",
        label: "Alpha Vantage (stocks)",
        kind: Kind::Stocks,
        auth: alphavantage::AUTH,
        default_base: alphavantage::DEFAULT_BASE,
        key_page: "https://www.alphavantage.co/support/#api-key",
        advice: "The free key allows 25 requests a day and can only be sent in the URL (homedash redacts it everywhere); keep refreshes long, e.g. one symbol every hour.",
        budget: Budget {
            per_minute: 5,
            per_day: Some(25),
        },
        probe_spends_quota: true,
        credential_optional: false,
        probe: alphavantage::probe,
        probe_result: alphavantage::probe_result,
    },
    Provider {
        name: "openweathermap",
        label: "OpenWeatherMap (weather)",
        kind: Kind::Weather,
        auth: openweathermap::AUTH,
        default_base: openweathermap::DEFAULT_BASE,
        key_page: "https://home.openweathermap.org/api_keys",
        advice: "Create a key named for homedash on the free plan (60 calls a minute); it can only be sent in the URL, which homedash redacts everywhere. A new key may be rejected for a few hours until it activates.",
        budget: Budget {
            per_minute: 60,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: openweathermap::probe,
        probe_result: openweathermap::probe_result,
    },
    Provider {
        name: "weatherapi",
        label: "WeatherAPI.com (weather)",
        kind: Kind::Weather,
        auth: weatherapi::AUTH,
        default_base: weatherapi::DEFAULT_BASE,
        key_page: "https://www.weatherapi.com/my/",
        advice: "The free plan's key is read-only; it can only be sent in the URL, which homedash redacts everywhere. The monthly quota is shared by all your apps, so keep refreshes at 10 minutes or more.",
        budget: Budget {
            per_minute: 60,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: weatherapi::probe,
        probe_result: weatherapi::probe_result,
    },
    Provider {
        name: "prometheus",
        label: "Prometheus behind an auth proxy (metrics)",
        kind: Kind::Metrics,
        auth: prometheus::AUTH,
        default_base: prometheus::DEFAULT_BASE,
        key_page: "your Grafana (Administration > Service accounts) or auth proxy",
        advice: "Use a service account token with the Viewer role only: homedash only reads queries.",
        budget: Budget {
            per_minute: 600,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: true,
        probe: prometheus::probe,
        probe_result: prometheus::probe_result,
    },
    Provider {
        name: "prometheus-text",
        label: "A /metrics endpoint behind auth (metrics)",
        kind: Kind::Metrics,
        auth: AuthPlacement::Bearer,
        default_base: crate::metrics::exposition::DEFAULT_BASE,
        key_page: "the endpoint's auth proxy",
        advice: "Use a token that can only read /metrics.",
        budget: Budget {
            per_minute: 600,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: true,
        probe: status_probe,
        probe_result: exposition_probe_result,
    },
    Provider {
        name: "json",
        label: "A JSON endpoint (metrics)",
        kind: Kind::Metrics,
        auth: AuthPlacement::Bearer,
        default_base: "http://localhost/",
        key_page: "the service that issues the token",
        advice: "Create a read-only token for homedash alone, so you can revoke it without affecting anything else.",
        budget: Budget {
            per_minute: 600,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: true,
        probe: status_probe,
        probe_result: json_probe_result,
    },
    Provider {
        name: "datadog",
        label: "Datadog (metrics)",
        kind: Kind::Metrics,
        auth: datadog::AUTH,
        default_base: datadog::DEFAULT_BASE,
        key_page: "https://app.datadoghq.com/organization-settings/application-keys",
        advice: "Two parts, stored as API_KEY:APPLICATION_KEY. Scope the application key to timeseries_query (read) only, and make a dedicated API key for homedash. Where your plan has it, the organization IP allowlist limits both keys to your own addresses.",
        budget: Budget {
            per_minute: 100,
            per_day: None,
        },
        probe_spends_quota: false,
        credential_optional: false,
        probe: datadog::probe,
        probe_result: datadog::probe_result,
    },
];

/// A provider that takes a credential, by config name.
pub fn keyed(name: &str) -> Option<&'static Provider> {
    KEYED.iter().find(|p| p.name == name)
}

impl Provider {
    /// Where the key travels, for the Credentials screen.
    pub fn placement(&self) -> String {
        match &self.auth {
            AuthPlacement::None => "no credential".into(),
            AuthPlacement::Bearer => "Authorization: Bearer header".into(),
            AuthPlacement::Scheme(s) => format!("Authorization: {s} header"),
            AuthPlacement::Header(h) => format!("{h} header"),
            AuthPlacement::HeaderPair(a, b) => format!("{a} and {b} headers"),
            AuthPlacement::Query(q) => format!("`{q}` query parameter (the provider takes nothing else; redacted)"),
        }
    }
}

/// For endpoints without a check call: the base URL itself.
fn status_probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(base, "/", &[]);
    spec.auth = AuthPlacement::Bearer;
    spec
}

/// The status says whether the token was taken; any success counts, since
/// the endpoint's own answer can be anything.
fn status_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if reply.is_success() {
        return Ok(());
    }
    Err(FetchError::new(
        crate::error::ErrorClass::from_status(reply.status, reply.retry_after(now)),
        format!("HTTP {}", reply.status),
    ))
}

/// A `/metrics` endpoint: a success whose body is the text format.
fn exposition_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    status_probe_result(reply, now)?;
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

/// A JSON endpoint: a success whose body is JSON.
fn json_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    status_probe_result(reply, now)?;
    serde_json::from_slice::<serde::de::IgnoredAny>(&reply.body)
        .map(|_| ())
        .map_err(|e| FetchError::bad_response(format!("the answer is not JSON: {e}")))
}

/// Why a probe's answer proves nothing about the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unconfirmed {
    /// 404 on the probe's path: most often a `base_url` one segment off.
    NotFound,
    /// An answer of another shape than the provider's, or an error the
    /// provider gives for other reasons than the key.
    Unexpected,
    /// No answer: offline, a timeout, TLS, or a server error.
    Unreachable,
    /// homedash sent nothing (an origin not approved, plain http).
    NotSent,
}

/// What a probe says about a key. Only `Valid` proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Rejected(String),
    /// Taken, but the plan or the key's scope does not allow the request.
    Forbidden(String),
    RateLimited {
        until: Option<DateTime<Utc>>,
        detail: String,
    },
    Unconfirmed {
        why: Unconfirmed,
        detail: String,
    },
}

impl Verdict {
    pub fn of(r: &Result<(), FetchError>) -> Verdict {
        use crate::error::ErrorClass as C;
        let e = match r {
            Ok(()) => return Verdict::Valid,
            Err(e) => e,
        };
        let detail = e.detail.clone();
        let unconfirmed = |why| Verdict::Unconfirmed {
            why,
            detail: detail.clone(),
        };
        match &e.class {
            C::Rejected => Verdict::Rejected(detail),
            C::Forbidden => Verdict::Forbidden(detail),
            C::RateLimited { until } => Verdict::RateLimited { until: *until, detail },
            C::NotFound => unconfirmed(Unconfirmed::NotFound),
            C::Offline | C::Timeout | C::Tls | C::Server(_) => unconfirmed(Unconfirmed::Unreachable),
            C::Insecure | C::Unapproved | C::NoCredential => unconfirmed(Unconfirmed::NotSent),
            C::Client(_) | C::Provider | C::BadResponse | C::TooLarge => unconfirmed(Unconfirmed::Unexpected),
        }
    }

    /// The only verdict a rotation, an add that tests, or the setup
    /// wizard takes as a pass.
    pub fn passed(&self) -> bool {
        *self == Verdict::Valid
    }

    /// One line for the user: "valid", "rejected: …", "could not confirm:
    /// …". Times are UTC: the line is also kept in the state file.
    pub fn describe(&self) -> String {
        let with = |head: &str, d: &str| {
            if d.is_empty() {
                head.to_string()
            } else {
                format!("{head}: {d}")
            }
        };
        match self {
            Verdict::Valid => "valid".into(),
            Verdict::Rejected(d) => with("rejected", d),
            Verdict::Forbidden(d) => with("forbidden or not in the plan", d),
            Verdict::RateLimited { until: Some(t), detail } => {
                with(&format!("rate-limited until {} UTC", t.format("%H:%M")), detail)
            }
            Verdict::RateLimited { until: None, detail } => with("rate-limited", detail),
            Verdict::Unconfirmed { why, detail } => {
                let head = match why {
                    Unconfirmed::NotFound => {
                        "could not confirm: the probe's endpoint was not found (HTTP 404); is `base_url` right?"
                    }
                    Unconfirmed::Unexpected => "could not confirm: the answer was not what this provider sends",
                    Unconfirmed::Unreachable => "could not confirm: no answer from the provider",
                    Unconfirmed::NotSent => "could not confirm: nothing was sent",
                };
                with(head, detail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_endpoints_prove_a_key_only_with_their_own_kind_of_answer() {
        crate::testing::assert_probe_cannot_confirm(exposition_probe_result);
        // Any JSON is a JSON endpoint's own kind of answer.
        crate::testing::assert_probe_cannot_confirm_with(json_probe_result, &["<html>Welcome</html>", "not json"]);
        let now = chrono::Utc::now();
        let ok = |body: &str| HttpReply {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        assert!(exposition_probe_result(&ok("# HELP up Up.\n# TYPE up gauge\nup 1\n"), now).is_ok());
        assert!(exposition_probe_result(&ok("up{job=\"a\"} 1\n"), now).is_ok());
        assert!(json_probe_result(&ok(r#"{"queue": {"depth": 3}}"#), now).is_ok());
        let denied = HttpReply { status: 401, ..ok("") };
        assert_eq!(
            Verdict::of(&json_probe_result(&denied, now)),
            Verdict::Rejected("HTTP 401".into())
        );
    }

    #[test]
    fn verdicts_say_what_they_prove() {
        assert_eq!(Verdict::of(&Ok(())).describe(), "valid");
        let v = Verdict::of(&Err(FetchError::new(crate::ErrorClass::Offline, "cannot connect")));
        assert_eq!(
            v.describe(),
            "could not confirm: no answer from the provider: cannot connect"
        );
        assert!(!v.passed());
    }
}
