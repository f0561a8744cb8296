//! OpenWeatherMap current weather and 3-hourly forecast. The key can only
//! go in the `appid` query parameter, so it is redacted everywhere. A new
//! key answers 401 for up to a few hours until it is activated.
//! <https://openweathermap.org/current>

use chrono::{DateTime, NaiveDateTime, Utc};
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

pub const DEFAULT_BASE: &str = "https://api.openweathermap.org";
pub const AUTH: AuthPlacement = AuthPlacement::Query("appid");

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
    /// Upcoming 3-hour steps in the strip (0 to 8); 0 skips the forecast
    /// call, and with it the zoomed card's day and week.
    #[schemars(range(max = 8))]
    #[serde(default = "default_steps")]
    pub hours: u8,
}

fn default_steps() -> u8 {
    6
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = super::place_problems(self.latitude, self.longitude);
        if self.hours > 8 {
            out.push(("hours", format!("{} is outside 0..8 (3-hour steps)", self.hours)));
        }
        out
    }

    pub fn requests_per_poll(&self) -> u32 {
        if self.hours > 0 { 2 } else { 1 }
    }
}

fn get(cfg: &Config, base: &Url, path: &str, extra: &[(&str, String)]) -> RequestSpec {
    let mut q = vec![
        ("lat", cfg.latitude.to_string()),
        ("lon", cfg.longitude.to_string()),
        (
            "units",
            match cfg.units {
                Units::Metric => "metric",
                Units::Imperial => "imperial",
            }
            .into(),
        ),
    ];
    q.extend(extra.iter().cloned());
    let mut spec = RequestSpec::get(base, path, &q);
    spec.auth = AUTH;
    spec
}

/// All the 3-hour steps the free forecast has: five days, for the zoomed
/// card's week.
const FORECAST_STEPS: u8 = 40;

pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    let mut out = vec![get(cfg, base, "/data/2.5/weather", &[])];
    if cfg.hours > 0 {
        out.push(get(
            cfg,
            base,
            "/data/2.5/forecast",
            &[("cnt", FORECAST_STEPS.to_string())],
        ));
    }
    out
}

pub fn probe(base: &Url) -> RequestSpec {
    let cfg = Config {
        latitude: 51.51,
        longitude: -0.13,
        location: None,
        units: Units::Metric,
        hours: 0,
    };
    get(&cfg, base, "/data/2.5/weather", &[])
}

#[derive(Deserialize)]
struct Problem {
    message: Option<String>,
}

#[derive(Deserialize)]
struct Condition {
    id: u16,
    description: Option<String>,
    /// "10d" or "10n": the last letter is day or night.
    icon: Option<String>,
}

impl Condition {
    fn is_day(&self) -> Option<bool> {
        match self.icon.as_deref()?.chars().last()? {
            'd' => Some(true),
            'n' => Some(false),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Main {
    temp: f64,
    feels_like: Option<f64>,
    temp_min: Option<f64>,
    temp_max: Option<f64>,
    humidity: Option<f64>,
}

#[derive(Deserialize)]
struct Wind {
    speed: Option<f64>,
    deg: Option<f64>,
}

#[derive(Deserialize)]
struct Current {
    #[serde(default)]
    weather: Vec<Condition>,
    main: Main,
    wind: Option<Wind>,
    dt: i64,
    #[serde(default)]
    timezone: i64,
}

#[derive(Deserialize)]
struct Step {
    dt: i64,
    main: Main,
    #[serde(default)]
    weather: Vec<Condition>,
    pop: Option<f64>,
}

#[derive(Deserialize)]
struct City {
    #[serde(default)]
    timezone: i64,
}

#[derive(Deserialize)]
struct Forecast {
    #[serde(default)]
    list: Vec<Step>,
    city: Option<City>,
}

fn failure(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    if reply.is_success() {
        return None;
    }
    let message = serde_json::from_slice::<Problem>(&reply.body)
        .ok()
        .and_then(|p| p.message)
        .unwrap_or_else(|| format!("HTTP {}", reply.status));
    let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
    Some(FetchError::new(class, message))
}

fn local(ts: i64, offset: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(ts + offset, 0).map(|t| t.naive_utc())
}

pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Weather, FetchError> {
    let Some(first) = replies.first() else {
        return Err(FetchError::bad_response("no reply"));
    };
    if let Some(e) = replies.iter().find_map(|r| failure(r, now)) {
        return Err(e);
    }
    let c: Current = serde_json::from_slice(&first.body).map_err(FetchError::bad_response)?;
    let time = local(c.dt, c.timezone).ok_or_else(|| FetchError::bad_response("bad `dt`"))?;
    let (t_unit, w_unit) = match cfg.units {
        Units::Metric => ("°C", "km/h"),
        Units::Imperial => ("°F", "mph"),
    };
    // m/s in metric; the view speaks km/h.
    let speed = |v: f64| if cfg.units == Units::Metric { v * 3.6 } else { v };
    let cond = c.weather.first();
    let mut hourly = Vec::new();
    let mut days: Vec<DayPoint> = Vec::new();
    if let Some(r) = replies.get(1) {
        let f: Forecast = serde_json::from_slice(&r.body).map_err(FetchError::bad_response)?;
        let offset = f.city.map_or(c.timezone, |c| c.timezone);
        for s in &f.list {
            let Some(t) = local(s.dt, offset) else { continue };
            let point = HourPoint {
                time: t,
                temperature: Some(s.main.temp),
                code: s.weather.first().map(|w| wmo::from_owm(w.id)),
                precip_probability: s.pop.map(|p| p * 100.0),
                is_day: s.weather.first().and_then(Condition::is_day),
            };
            add_to_day(&mut days, &point, s.main.temp_max, s.main.temp_min);
            // Eight 3-hour steps make the day a zoomed card shows.
            if hourly.len() < super::DAY_HOURS / 3 {
                hourly.push(point);
            }
        }
    }
    Ok(Weather {
        time,
        temperature: c.main.temp,
        apparent: c.main.feels_like,
        humidity: c.main.humidity,
        code: cond.map(|w| wmo::from_owm(w.id)),
        is_day: cond.and_then(Condition::is_day),
        description: cond.and_then(|w| w.description.clone()).map(|d| {
            let mut chars = d.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }),
        wind_speed: c.wind.as_ref().and_then(|w| w.speed).map(speed),
        wind_direction: c.wind.as_ref().and_then(|w| w.deg),
        temp_unit: t_unit.into(),
        wind_unit: w_unit.into(),
        high: c.main.temp_max,
        low: c.main.temp_min,
        hourly,
        days,
        station: None,
    })
}

/// The forecast gives no days, only 3-hour steps: a day is its steps'
/// highest and lowest temperature, its likeliest rain and its worst weather
/// (a higher WMO code is the more severe).
fn add_to_day(days: &mut Vec<DayPoint>, step: &HourPoint, max: Option<f64>, min: Option<f64>) {
    let date = step.time.date();
    if days.last().is_none_or(|d| d.date != date) {
        days.push(DayPoint {
            date,
            code: None,
            high: None,
            low: None,
            precip_probability: None,
        });
    }
    let Some(day) = days.last_mut() else { return };
    let most = |a: Option<f64>, b: Option<f64>| a.into_iter().chain(b).reduce(f64::max);
    let least = |a: Option<f64>, b: Option<f64>| a.into_iter().chain(b).reduce(f64::min);
    day.high = most(day.high, max.or(step.temperature));
    day.low = least(day.low, min.or(step.temperature));
    day.precip_probability = most(day.precip_probability, step.precip_probability);
    day.code = day.code.into_iter().chain(step.code).max();
}

pub fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    match failure(reply, now) {
        Some(mut e) if e.class == ErrorClass::Rejected => {
            e.detail
                .push_str(" (a new OpenWeatherMap key can take a few hours to activate; test again later)");
            Err(e)
        }
        Some(e) => Err(e),
        // Only current conditions prove the key was used.
        None => serde_json::from_slice::<Current>(&reply.body)
            .map(|_| ())
            .map_err(|e| FetchError::bad_response(format!("not an OpenWeatherMap answer: {e}"))),
    }
}

/// Where its key goes, where to make one, its budget and its probe.
pub const PROVIDER: Provider = Provider {
    name: "openweathermap",
    label: "OpenWeatherMap (weather)",
    kind: Some(Kind::Weather),
    auth: AUTH,
    also_in_query: &[],
    default_base: DEFAULT_BASE,
    key_page: "https://home.openweathermap.org/api_keys",
    advice: "Create a key named for homedash on the free plan (60 calls a minute); it can only be sent in the URL, which homedash redacts everywhere. A new key may be rejected for a few hours until it activates.",
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
        name: "openweathermap",
        kind: Kind::Weather,
        label: PROVIDER.label,
        default_base: Some(DEFAULT_BASE),
        keyed: Some(&PROVIDER),
        in_wizard: true,
        fixtures: &[
            (200, "openweathermap/current_weather_zocca.json"),
            (401, "openweathermap/error_401_invalid_key.json"),
            (429, "openweathermap/error_429_blocked.json"),
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
        crate::testing::reply(status, &format!("openweathermap/{name}"))
    }

    fn cfg() -> Config {
        Config {
            latitude: 44.34,
            longitude: 10.99,
            location: Some("Zocca".into()),
            units: Units::Metric,
            hours: 3,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1661870600, 0).unwrap()
    }

    #[test]
    fn the_key_is_a_query_parameter_added_by_the_app() {
        let s = requests(&cfg(), &Url::parse(DEFAULT_BASE).unwrap());
        assert_eq!(
            s[0].url.as_str(),
            "https://api.openweathermap.org/data/2.5/weather?lat=44.34&lon=10.99&units=metric"
        );
        assert!(s[1].url.as_str().contains("/data/2.5/forecast?") && s[1].url.as_str().contains("cnt=40"));
        assert_eq!(s[0].auth, AuthPlacement::Query("appid"));
        assert_eq!(cfg().requests_per_poll(), 2);
    }

    #[test]
    fn parses_current_and_forecast() {
        let w = parse(
            &cfg(),
            &[
                reply(200, "current_weather_zocca.json"),
                reply(200, "forecast_zocca_CONSTRUCTED.json"),
            ],
            now(),
        )
        .unwrap();
        assert_eq!(
            w.temperature, 298.48,
            "the capture was taken without units: kelvin, shown as sent"
        );
        assert_eq!(w.description.as_deref(), Some("Moderate rain"));
        assert_eq!(w.code, Some(63));
        assert_eq!(w.time.to_string(), "2022-08-30 16:43:12", "local time from `timezone`");
        assert!((w.wind_speed.unwrap() - 2.232).abs() < 1e-9, "m/s to km/h");
        assert_eq!(w.hourly.len(), 3);
        assert_eq!(w.hourly[0].precip_probability, Some(32.0));
        assert_eq!(w.hourly[2].code, Some(3));
        assert_eq!(w.days.len(), 1, "the capture's steps are all one local day");
        let d = &w.days[0];
        assert_eq!(d.date.to_string(), "2022-08-30");
        assert_eq!((d.high, d.low), (Some(297.87), Some(290.31)), "the steps' extremes");
        assert_eq!(d.precip_probability, Some(33.0), "the likeliest step");
        assert_eq!(d.code, Some(61), "rain outranks overcast");
    }

    #[test]
    fn error_classes() {
        let e = parse(&cfg(), &[reply(401, "error_401_invalid_key.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Rejected);
        assert!(e.detail.starts_with("Invalid API key"));
        let e = probe_result(&reply(401, "error_401_invalid_key.json"), now()).unwrap_err();
        assert!(e.detail.contains("few hours to activate"), "{e}");
        let e = parse(&cfg(), &[reply(429, "error_429_blocked.json")], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::RateLimited { until: None });
        let bad = HttpReply {
            status: 200,
            headers: vec![],
            body: b"{\"cod\":200}".to_vec(),
        };
        assert_eq!(parse(&cfg(), &[bad], now()).unwrap_err().class, ErrorClass::BadResponse);
    }

    #[test]
    fn snapshots_small_and_large() {
        let mut w = parse(
            &cfg(),
            &[
                reply(200, "current_weather_zocca.json"),
                reply(200, "forecast_zocca_CONSTRUCTED.json"),
            ],
            now(),
        )
        .unwrap();
        // The captures are in kelvin (no `units` was sent); homedash always
        // asks for metric or imperial, so show what a real answer looks like.
        fn k(v: f64) -> f64 {
            ((v - 273.15) * 10.0).round() / 10.0
        }
        w.temperature = k(w.temperature);
        w.apparent = w.apparent.map(k);
        w.high = w.high.map(k);
        w.low = w.low.map(k);
        for h in &mut w.hourly {
            h.temperature = h.temperature.map(k);
        }
        for (width, h) in [(30u16, 3u16), (60, 8)] {
            let drawn = crate::testing::drawn(width, h, |area, buf| {
                super::super::render(&w, usize::from(cfg().hours), &crate::testing::ctx(false), area, buf)
            });
            insta::assert_snapshot!(format!("owm_{width}x{h}"), drawn);
        }
    }

    #[test]
    fn a_404_or_an_unexpected_answer_confirms_nothing() {
        crate::testing::assert_probe_cannot_confirm(probe_result);
    }
}
