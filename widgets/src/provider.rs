//! What the app needs to know about each provider that takes a credential:
//! where the key goes, where the user makes one and what minimal kind to
//! make, its free-plan budget, and its cheapest proving request.

use chrono::{DateTime, Utc};
use url::Url;

use crate::error::FetchError;
use crate::metrics::{datadog, prometheus};
use crate::request::{AuthPlacement, HttpReply, RequestSpec};
use crate::source::Kind;
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
        probe_result: status_probe_result,
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
        probe_result: status_probe_result,
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

/// Accepted unless the answer is 401 or 403.
fn status_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    match reply.status {
        401 | 403 | 429 => Err(FetchError::new(
            crate::error::ErrorClass::from_status(reply.status, reply.retry_after(now)),
            format!("HTTP {}", reply.status),
        )),
        _ => Ok(()),
    }
}
