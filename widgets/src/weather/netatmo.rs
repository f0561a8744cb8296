//! Netatmo's personal weather station: `GET /api/getstationsdata` with an
//! OAuth 2.0 bearer token (scope `read_station` only). The outdoor
//! module's temperature and humidity, the base station's pressure and
//! CO2, and the age of the last reading. Netatmo answers an invalid or
//! expired token with HTTP 403 and error code 2 or 3.
//! <https://dev.netatmo.com/apidocumentation/weather>

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::Weather;
use crate::data::{Data, RenderCtx, Station};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::provider::{Budget, OAuthHints, Provider};
use crate::registry::{Info, Registered};
use crate::request::{AuthPlacement, HttpReply, RequestSpec};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const DEFAULT_BASE: &str = "https://api.netatmo.com";

#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// The station's MAC address (its `_id`); the account's first station
    /// when absent.
    pub station: Option<String>,
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        match &self.station {
            Some(s) if !is_mac(s) => vec![(
                "station",
                format!("\"{s}\" is not a station id; write its MAC address, e.g. \"70:ee:50:00:00:14\""),
            )],
            _ => Vec::new(),
        }
    }
}

fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn get(base: &Url, station: Option<&str>) -> RequestSpec {
    let mut query = vec![("get_favorites", "false".to_string())];
    if let Some(s) = station {
        query.push(("device_id", s.to_string()));
    }
    let mut spec = RequestSpec::get(base, "/api/getstationsdata", &query);
    spec.auth = AuthPlacement::Bearer;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    vec![get(base, cfg.station.as_deref())]
}

pub fn probe(base: &Url) -> RequestSpec {
    get(base, None)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Readings {
    temperature: Option<f64>,
    humidity: Option<f64>,
    pressure: Option<f64>,
    #[serde(rename = "CO2")]
    co2: Option<f64>,
    #[serde(rename = "time_utc")]
    time_utc: Option<i64>,
    #[serde(rename = "min_temp")]
    min_temp: Option<f64>,
    #[serde(rename = "max_temp")]
    max_temp: Option<f64>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type")]
    kind: Option<String>,
    dashboard_data: Option<Readings>,
}

#[derive(Deserialize)]
struct Place {
    timezone: Option<String>,
}

#[derive(Deserialize)]
struct Device {
    #[serde(rename = "_id")]
    id: Option<String>,
    station_name: Option<String>,
    dashboard_data: Option<Readings>,
    #[serde(default)]
    modules: Vec<Module>,
    place: Option<Place>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    devices: Vec<Device>,
}

#[derive(Deserialize)]
struct Answer {
    body: Body,
}

fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    let (code, message) = super::coded_error(reply)?;
    let class = match code {
        // Invalid, expired or malformed token: renew, else log in again.
        1..=3 => ErrorClass::Rejected,
        13 => ErrorClass::Forbidden,
        9 => ErrorClass::NotFound,
        26 => ErrorClass::RateLimited {
            until: reply.retry_after(now),
        },
        _ => ErrorClass::from_status(reply.status, reply.retry_after(now)),
    };
    Some(FetchError::new(class, format!("{message} (code {code})")))
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Weather, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let a: Answer = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let device = match &cfg.station {
        Some(want) => a
            .body
            .devices
            .iter()
            .find(|d| d.id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(want))),
        None => a.body.devices.first(),
    }
    .ok_or_else(|| FetchError::new(ErrorClass::NotFound, "no such station in this account"))?;
    let indoor = device.dashboard_data.as_ref();
    let outdoor = device
        .modules
        .iter()
        .find(|m| m.kind.as_deref() == Some("NAModule1"))
        .and_then(|m| m.dashboard_data.as_ref());
    // Without an outdoor module, the base station's own readings.
    let main = outdoor
        .or(indoor)
        .ok_or_else(|| FetchError::bad_response("the station sent no readings (is it offline?)"))?;
    let temperature = main
        .temperature
        .ok_or_else(|| FetchError::bad_response("no temperature in the station's readings"))?;
    let at = main
        .time_utc
        .or_else(|| indoor.and_then(|r| r.time_utc))
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .ok_or_else(|| FetchError::bad_response("no reading time"))?;
    let tz = device
        .place
        .as_ref()
        .and_then(|p| p.timezone.as_deref())
        .and_then(crate::zone::named);
    let local = match tz {
        Some(tz) => at.with_timezone(&crate::zone::offset(&tz, at)).naive_local(),
        None => at.naive_utc(),
    };
    Ok(Weather {
        time: local,
        temperature,
        apparent: None,
        humidity: main.humidity,
        code: None,
        // A station names no conditions to draw by day or night.
        is_day: None,
        description: Some(match (&device.station_name, outdoor.is_some()) {
            (Some(n), true) => format!("{n}, outdoor"),
            (Some(n), false) => format!("{n}, indoor"),
            (None, _) => "station".into(),
        }),
        wind_speed: None,
        wind_direction: None,
        temp_unit: "°C".into(),
        wind_unit: "km/h".into(),
        high: main.max_temp,
        low: main.min_temp,
        hourly: Vec::new(),
        days: Vec::new(),
        station: Some(Station {
            pressure: indoor.and_then(|r| r.pressure),
            co2: indoor.and_then(|r| r.co2),
            reading_age_secs: Some((now - at).num_seconds().max(0)),
        }),
    })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    serde_json::from_slice::<Answer>(&reply.body)
        .map(|_| ())
        .map_err(|e| FetchError::bad_response(format!("not a Netatmo answer: {e}")))
}

/// Netatmo's login: the authorization code grant (it has no device flow),
/// the client in the form body, and `read_station` only.
pub const OAUTH: OAuthHints = OAuthHints {
    authorization_endpoint: "https://api.netatmo.com/oauth2/authorize",
    token_endpoint: "https://api.netatmo.com/oauth2/token",
    scopes: &["read_station"],
    client_in_body: true,
    app_page: "https://dev.netatmo.com/apps/",
};

/// Where its token goes and what to ask for: a bearer token from an OAuth
/// 2.0 login, with the scope `read_station` only.
pub const PROVIDER: Provider = Provider {
    name: "netatmo",
    label: "Netatmo weather station",
    kind: Some(Kind::Weather),
    auth: AuthPlacement::Bearer,
    also_in_query: &["access_token"],
    default_base: DEFAULT_BASE,
    key_page: "https://dev.netatmo.com/apps/",
    advice: "Create an app at dev.netatmo.com and give homedash its client id and secret; ask for the read_station scope only. Its tokens come from `homedash creds login NAME` (type = \"oauth2\", grant = \"authorization_code\"), never by hand.",
    budget: Budget {
        // 500 requests an hour per user.
        per_minute: 8,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: false,
    probe,
    probe_result,
    oauth: Some(OAUTH),
};

impl Registered for Config {
    const INFO: Info = Info {
        name: "netatmo",
        kind: Kind::Weather,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "netatmo/getstationsdata_CONSTRUCTED.json"),
            (403, "netatmo/error_403_code2_invalid_token_CONSTRUCTED.json"),
            (403, "netatmo/error_403_code3_expired_token_CONSTRUCTED.json"),
            (403, "netatmo/error_403_code13_scope_CONSTRUCTED.json"),
        ],
        demo: &[(
            "/api/getstationsdata",
            include_str!("../../tests/fixtures/netatmo/getstationsdata_CONSTRUCTED.json"),
        )],
        examples: &[r#"{}"#, r#"{"station": "70:ee:50:00:00:14"}"#],
    };

    forward_registered!(Weather);

    fn title(&self) -> String {
        "Weather station".into()
    }

    fn render(&self, data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(Data::Weather(w)) = data {
            super::render(w, 0, ctx, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("netatmo/{name}"))
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1555677739 + 240, 0).unwrap()
    }

    fn cfg() -> Config {
        Config { station: None }
    }

    #[test]
    fn the_token_is_a_bearer_header_added_by_the_app() {
        let s = requests(
            &Config {
                station: Some("70:ee:50:00:00:14".into()),
            },
            &Url::parse(DEFAULT_BASE).unwrap(),
        );
        assert_eq!(
            s[0].url.as_str(),
            "https://api.netatmo.com/api/getstationsdata?get_favorites=false&device_id=70%3Aee%3A50%3A00%3A00%3A14"
        );
        assert_eq!(s[0].auth, AuthPlacement::Bearer);
    }

    #[test]
    fn parses_the_outdoor_module_and_the_base_station() {
        let w = parse(&cfg(), &[reply(200, "getstationsdata_CONSTRUCTED.json")], now()).unwrap();
        assert_eq!((w.temperature, w.humidity), (7.8, Some(85.0)));
        assert_eq!((w.high, w.low), (Some(11.5), Some(6.7)));
        let st = w.station.unwrap();
        assert_eq!((st.pressure, st.co2), (Some(997.6), Some(967.0)));
        assert_eq!(st.reading_age_secs, Some(240));
        // 2019-04-19 12:42:19 UTC in Paris.
        assert_eq!(w.time.to_string(), "2019-04-19 14:42:19");
        assert_eq!(w.description.as_deref(), Some("Home, outdoor"));
    }

    #[test]
    fn another_station_is_not_found() {
        let e = parse(
            &Config {
                station: Some("70:ee:50:00:00:99".into()),
            },
            &[reply(200, "getstationsdata_CONSTRUCTED.json")],
            now(),
        )
        .unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        assert!(
            Config {
                station: Some("home".into())
            }
            .problems()[0]
                .1
                .contains("MAC")
        );
    }

    #[test]
    fn token_errors_are_rejections_so_the_token_is_renewed() {
        for (file, class) in [
            ("error_403_code2_invalid_token_CONSTRUCTED.json", ErrorClass::Rejected),
            ("error_403_code3_expired_token_CONSTRUCTED.json", ErrorClass::Rejected),
            ("error_403_code13_scope_CONSTRUCTED.json", ErrorClass::Forbidden),
        ] {
            let e = parse(&cfg(), &[reply(403, file)], now()).unwrap_err();
            assert_eq!(e.class, class, "{file}");
            assert!(probe_result(&reply(403, file), now()).is_err());
        }
        assert!(probe_result(&reply(200, "getstationsdata_CONSTRUCTED.json"), now()).is_ok());
    }

    #[test]
    fn renders_the_station() {
        let w = parse(&cfg(), &[reply(200, "getstationsdata_CONSTRUCTED.json")], now()).unwrap();
        insta::assert_snapshot!(crate::testing::drawn(48, 5, |area, buf| super::super::render(
            &w,
            0,
            &crate::testing::ctx(false),
            area,
            buf
        )));
    }
}
