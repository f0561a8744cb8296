//! What the app needs to know about each provider that takes a credential:
//! where the key goes, where the user makes one and what minimal kind to
//! make, its free-plan budget, and its cheapest proving request.

use chrono::{DateTime, Utc};
use url::Url;

use crate::error::FetchError;
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
        probe: weatherapi::probe,
        probe_result: weatherapi::probe_result,
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
            AuthPlacement::Query(q) => format!("`{q}` query parameter (the provider takes nothing else; redacted)"),
        }
    }
}
