//! WeatherAPI.com `forecast.json` (current conditions plus today's range
//! and hours in one call). The key can only go in the `key` query
//! parameter, so it is redacted everywhere. The monthly quota is answered
//! with 403 and code 2007. <https://www.weatherapi.com/docs/>

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use url::Url;

use super::open_meteo::Units;
use super::{DayPoint, HourPoint, Weather, wmo};
use crate::data::{Data, RenderCtx};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::provider::Budget;
use crate::provider::Provider;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const DEFAULT_BASE: &str = "https://api.weatherapi.com";
pub const AUTH: AuthPlacement = AuthPlacement::Query("key");

#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Degrees north, -90 to 90.
    #[schemars(range(min = -90.0, max = 90.0))]
    pub latitude: f64,
    /// Degrees east, -180 to 180.
    #[schemars(range(min = -180.0, max = 180.0))]
    pub longitude: f64,
    /// Display name of the place; the widget title defaults to it.
    pub location: Option<String>,
    /// "metric" (°C, km/h, the default) or "imperial" (°F, mph).
    #[serde(default)]
    pub units: Units,
    /// How many upcoming hours the strip shows (0 to 24, default 8).
    #[schemars(range(max = 24))]
    #[serde(default = "default_hours")]
    pub hours: u8,
}

fn default_hours() -> u8 {
    8
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = super::place_problems(self.latitude, self.longitude);
        if self.hours > 24 {
            out.push(("hours", format!("{} is outside 0..24", self.hours)));
        }
        out
    }
}

fn get(base: &Url, q: String) -> RequestSpec {
    let mut spec = RequestSpec::get(
        base,
        "/v1/forecast.json",
        &[
            ("q", q),
            // A week; a plan that has fewer days sends what it has.
            ("days", "7".into()),
            ("aqi", "no".into()),
            ("alerts", "no".into()),
        ],
    );
    spec.auth = AUTH;
    spec
}

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    vec![get(base, format!("{},{}", cfg.latitude, cfg.longitude))]
}

pub fn probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(
        base,
        "/v1/current.json",
        &[("q", "London".into()), ("aqi", "no".into())],
    );
    spec.auth = AUTH;
    spec
}

#[derive(Deserialize)]
struct Condition {
    text: Option<String>,
    code: Option<u16>,
}

#[derive(Deserialize)]
struct Location {
    localtime: Option<String>,
}

#[derive(Deserialize)]
struct Current {
    last_updated: Option<String>,
    temp_c: f64,
    temp_f: f64,
    feelslike_c: Option<f64>,
    feelslike_f: Option<f64>,
    humidity: Option<f64>,
    wind_kph: Option<f64>,
    wind_mph: Option<f64>,
    wind_degree: Option<f64>,
    condition: Option<Condition>,
    is_day: Option<u8>,
}

#[derive(Deserialize)]
struct Day {
    maxtemp_c: Option<f64>,
    maxtemp_f: Option<f64>,
    mintemp_c: Option<f64>,
    mintemp_f: Option<f64>,
    condition: Option<Condition>,
    daily_chance_of_rain: Option<f64>,
}

#[derive(Deserialize)]
struct Hour {
    time: String,
    temp_c: Option<f64>,
    temp_f: Option<f64>,
    condition: Option<Condition>,
    chance_of_rain: Option<f64>,
    is_day: Option<u8>,
}

#[derive(Deserialize)]
struct ForecastDay {
    date: Option<String>,
    day: Option<Day>,
    #[serde(default)]
    hour: Vec<Hour>,
}

#[derive(Deserialize)]
struct Forecast {
    #[serde(default)]
    forecastday: Vec<ForecastDay>,
}

#[derive(Deserialize)]
struct Body {
    location: Option<Location>,
    current: Current,
    forecast: Option<Forecast>,
}

fn next_month(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (y, m) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single()
}

fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    let (code, message) = super::coded_error(reply)?;
    let class = match code {
        1002 | 2006 => ErrorClass::Rejected,
        2007 => ErrorClass::RateLimited { until: next_month(now) },
        2008 | 2009 => ErrorClass::Forbidden,
        1006 => ErrorClass::NotFound,
        _ => ErrorClass::from_status(reply.status, reply.retry_after(now)),
    };
    Some(FetchError::new(class, format!("{message} (code {code})")))
}

fn time(s: &str) -> Option<NaiveDateTime> {
    super::local_minute(s, b' ')
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Weather, FetchError> {
    let reply = replies.first().ok_or_else(|| FetchError::bad_response("no reply"))?;
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    let b: Body = serde_json::from_slice(&reply.body).map_err(FetchError::bad_response)?;
    let imperial = cfg.units == Units::Imperial;
    let pick = |c: Option<f64>, f: Option<f64>| if imperial { f } else { c };
    let c = &b.current;
    let at = b
        .location
        .as_ref()
        .and_then(|l| l.localtime.as_deref())
        .or(c.last_updated.as_deref())
        .and_then(time)
        .ok_or_else(|| FetchError::bad_response("no local time in the answer"))?;
    let today = b.forecast.as_ref().and_then(|f| f.forecastday.first());
    let mut hourly = Vec::new();
    if let Some(f) = &b.forecast {
        for h in f.forecastday.iter().flat_map(|d| &d.hour) {
            let Some(t) = time(&h.time) else { continue };
            if t <= at {
                continue;
            }
            hourly.push(HourPoint {
                time: t,
                temperature: pick(h.temp_c, h.temp_f),
                code: h.condition.as_ref().and_then(|c| c.code).map(wmo::from_weatherapi),
                precip_probability: h.chance_of_rain,
                is_day: h.is_day.map(|d| d != 0),
            });
            if hourly.len() >= super::DAY_HOURS {
                break;
            }
        }
    }
    let days: Vec<DayPoint> = b
        .forecast
        .iter()
        .flat_map(|f| &f.forecastday)
        .filter_map(|d| {
            let date = d.date.as_deref()?.parse::<NaiveDate>().ok()?;
            let day = d.day.as_ref()?;
            Some(DayPoint {
                date,
                code: day.condition.as_ref().and_then(|c| c.code).map(wmo::from_weatherapi),
                high: pick(day.maxtemp_c, day.maxtemp_f),
                low: pick(day.mintemp_c, day.mintemp_f),
                precip_probability: day.daily_chance_of_rain,
            })
        })
        .filter(|d| d.date >= at.date())
        .collect();
    Ok(Weather {
        time: at,
        temperature: if imperial { c.temp_f } else { c.temp_c },
        apparent: pick(c.feelslike_c, c.feelslike_f),
        humidity: c.humidity,
        code: c.condition.as_ref().and_then(|c| c.code).map(wmo::from_weatherapi),
        is_day: c.is_day.map(|d| d != 0),
        description: c.condition.as_ref().and_then(|c| c.text.clone()),
        wind_speed: pick(c.wind_kph, c.wind_mph),
        wind_direction: c.wind_degree,
        temp_unit: if imperial { "°F" } else { "°C" }.into(),
        wind_unit: if imperial { "mph" } else { "km/h" }.into(),
        high: today
            .and_then(|d| d.day.as_ref())
            .and_then(|d| pick(d.maxtemp_c, d.maxtemp_f)),
        low: today
            .and_then(|d| d.day.as_ref())
            .and_then(|d| pick(d.mintemp_c, d.mintemp_f)),
        hourly,
        days,
        station: None,
    })
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if let Some(e) = failure(reply, now) {
        return Err(e);
    }
    // Only current conditions prove the key was used.
    serde_json::from_slice::<Body>(&reply.body)
        .map(|_| ())
        .map_err(|e| FetchError::bad_response(format!("not a WeatherAPI.com answer: {e}")))
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "weatherapi",
    label: "WeatherAPI.com (weather)",
    kind: Some(Kind::Weather),
    auth: AUTH,
    also_in_query: &[],
    default_base: DEFAULT_BASE,
    key_page: "https://www.weatherapi.com/my/",
    advice: "The free plan's key is read-only; it can only be sent in the URL, which homedash redacts everywhere. The monthly quota is shared by all your apps, so keep refreshes at 10 minutes or more.",
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
        name: "weatherapi",
        kind: Kind::Weather,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "weatherapi/current_london.json"),
            (400, "weatherapi/error_400_code1003_missing_q.json"),
            (401, "weatherapi/error_401_code1002_missing_key.json"),
            (401, "weatherapi/error_401_code2006_invalid_key.json"),
        ],
        demo: &[],
        examples: &[r#"{"latitude": 52.52, "longitude": 13.41, "hours": 8}"#],
    };

    forward_registered!(Weather);

    fn title(&self) -> String {
        self.location.clone().unwrap_or_else(|| "Weather".into())
    }

    fn render(&self, data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(Data::Weather(w)) = data {
            super::render(w, usize::from(self.hours), ctx, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("weatherapi/{name}"))
    }

    fn cfg() -> Config {
        Config {
            latitude: 51.52,
            longitude: -0.11,
            location: Some("London".into()),
            units: Units::Metric,
            hours: 4,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1744865102, 0).unwrap()
    }

    fn inline(status: u16, body: &str) -> HttpReply {
        HttpReply {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_key_is_a_query_parameter_added_by_the_app() {
        let s = requests(&cfg(), &Url::parse(DEFAULT_BASE).unwrap());
        assert_eq!(
            s[0].url.as_str(),
            "https://api.weatherapi.com/v1/forecast.json?q=51.52%2C-0.11&days=7&aqi=no&alerts=no"
        );
        assert_eq!(s[0].auth, AuthPlacement::Query("key"));
    }

    #[test]
    fn parses_the_current_capture() {
        let w = parse(&cfg(), &[reply(200, "current_london.json")], now()).unwrap();
        assert_eq!((w.temperature, w.apparent, w.humidity), (3.3, Some(2.8), Some(93.0)));
        assert_eq!(w.description.as_deref(), Some("Clear"));
        assert_eq!(w.code, Some(0));
        assert_eq!(w.time.to_string(), "2025-04-17 05:45:00");
        assert!(w.hourly.is_empty() && w.high.is_none());
    }

    #[test]
    fn parses_a_forecast_block() {
        let body = r#"{"location":{"localtime":"2025-04-17 05:45"},"current":{"temp_c":3.3,"temp_f":37.9,"condition":{"text":"Clear","code":1000}},
            "forecast":{"forecastday":[{"date":"2025-04-17","day":{"maxtemp_c":14.1,"maxtemp_f":57.4,"mintemp_c":2.9,"mintemp_f":37.2,
              "condition":{"code":1183},"daily_chance_of_rain":80},
            "hour":[{"time":"2025-04-17 05:00","temp_c":3.4,"condition":{"code":1000},"chance_of_rain":0},
                    {"time":"2025-04-17 06:00","temp_c":3.6,"condition":{"code":1003},"chance_of_rain":10},
                    {"time":"2025-04-17 07:00","temp_c":5.0,"condition":{"code":1183},"chance_of_rain":80}]}]}}"#;
        let w = parse(&cfg(), &[inline(200, body)], now()).unwrap();
        assert_eq!((w.high, w.low), (Some(14.1), Some(2.9)));
        assert_eq!(w.hourly.len(), 2, "hours after the local time");
        assert_eq!(w.hourly[1].code, Some(61));
        assert_eq!(w.hourly[1].precip_probability, Some(80.0));
        assert_eq!(w.days.len(), 1);
        assert_eq!((w.days[0].code, w.days[0].precip_probability), (Some(61), Some(80.0)));
        assert_eq!((w.days[0].high, w.days[0].low), (Some(14.1), Some(2.9)));
    }

    #[test]
    fn error_classes() {
        for f in [
            "error_401_code1002_missing_key.json",
            "error_401_code2006_invalid_key.json",
        ] {
            assert_eq!(
                parse(&cfg(), &[reply(401, f)], now()).unwrap_err().class,
                ErrorClass::Rejected,
                "{f}"
            );
        }
        let e = parse(&cfg(), &[reply(400, "error_400_code1003_missing_q.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Client(400));
        let quota = inline(
            403,
            r#"{"error":{"code":2007,"message":"API key has exceeded calls per month quota."}}"#,
        );
        let e = parse(&cfg(), &[quota], now()).unwrap_err();
        let may = Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap();
        assert_eq!(e.class, ErrorClass::RateLimited { until: Some(may) });
        let off = inline(403, r#"{"error":{"code":2008,"message":"API key has been disabled."}}"#);
        assert_eq!(parse(&cfg(), &[off], now()).unwrap_err().class, ErrorClass::Forbidden);
        let nowhere = inline(
            400,
            r#"{"error":{"code":1006,"message":"No matching location found."}}"#,
        );
        assert_eq!(
            parse(&cfg(), &[nowhere], now()).unwrap_err().class,
            ErrorClass::NotFound
        );
        assert_eq!(
            parse(&cfg(), &[inline(200, "[]")], now()).unwrap_err().class,
            ErrorClass::BadResponse
        );
    }

    #[test]
    fn snapshots_small_and_large() {
        let w = parse(&cfg(), &[reply(200, "current_london.json")], now()).unwrap();
        for (width, h) in [(30u16, 3u16), (60, 8)] {
            let drawn = crate::testing::drawn(width, h, |area, buf| {
                super::super::render(&w, usize::from(cfg().hours), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("weatherapi_{width}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
