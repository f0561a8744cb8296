//! Open-Meteo forecast API: keyless, the default weather provider.
//! <https://open-meteo.com/en/docs>

use std::borrow::Cow;

use chrono::{NaiveDateTime, Timelike};
use serde::Deserialize;
use url::Url;

use super::{DayPoint, HourPoint, Weather};
use crate::data::{Data, RenderCtx};
use crate::error::{ErrorClass, FetchError};
use crate::kind::Kind;
use crate::registry::Info;
use crate::registry::Registered;
use crate::request::{HttpReply, RequestSpec};
use chrono::DateTime;
use chrono::Utc;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const DEFAULT_BASE: &str = "https://api.open-meteo.com";

/// "metric" (°C, km/h) or "imperial" (°F, mph).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    #[default]
    Metric,
    Imperial,
}

/// The `[widget.ID]` keys specific to Open-Meteo.
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
    /// How many upcoming hours the strip shows (1 to 24, default 8).
    #[schemars(range(min = 1, max = 24))]
    #[serde(default = "default_hours")]
    pub hours: u8,
}

fn default_hours() -> u8 {
    8
}

impl Config {
    /// Meaning checks beyond types: (key, problem).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = super::place_problems(self.latitude, self.longitude);
        if !(1..=24).contains(&self.hours) {
            out.push(("hours", format!("{} is outside 1..24", self.hours)));
        }
        out
    }
}

pub fn request(cfg: &Config, base: &Url) -> RequestSpec {
    let mut q = vec![
        ("latitude", cfg.latitude.to_string()),
        ("longitude", cfg.longitude.to_string()),
        (
            "current",
            "temperature_2m,relative_humidity_2m,apparent_temperature,is_day,weather_code,wind_speed_10m,wind_direction_10m".into(),
        ),
        ("hourly", "temperature_2m,weather_code,precipitation_probability,is_day".into()),
        (
            "daily",
            "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max".into(),
        ),
        ("timezone", "auto".into()),
        ("forecast_days", "7".into()),
        // From this hour: this one and the day after it, for a zoomed card.
        ("forecast_hours", "25".into()),
    ];
    if cfg.units == Units::Imperial {
        q.push(("temperature_unit", "fahrenheit".into()));
        q.push(("wind_speed_unit", "mph".into()));
    }
    RequestSpec::get(base, "/v1/forecast", &q)
}

// Times are borrowed from the body where they can be (they hold no
// escapes): a forecast holds dozens, and a String each was a tenth of the
// parse. Only the two units shown are read.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(default)]
    error: bool,
    reason: Option<String>,
    #[serde(default)]
    current_units: ShownUnits,
    #[serde(borrow)]
    current: Option<Current<'a>>,
    #[serde(borrow)]
    hourly: Option<Hourly<'a>>,
    #[serde(borrow)]
    daily: Option<Daily<'a>>,
}

#[derive(Default, Deserialize)]
struct ShownUnits {
    temperature_2m: Option<String>,
    wind_speed_10m: Option<String>,
}

#[derive(Deserialize)]
struct Current<'a> {
    #[serde(borrow)]
    time: Cow<'a, str>,
    temperature_2m: Option<f64>,
    relative_humidity_2m: Option<f64>,
    apparent_temperature: Option<f64>,
    is_day: Option<f64>,
    weather_code: Option<f64>,
    wind_speed_10m: Option<f64>,
    wind_direction_10m: Option<f64>,
}

#[derive(Deserialize)]
struct Hourly<'a> {
    #[serde(borrow)]
    time: Vec<Cow<'a, str>>,
    #[serde(default)]
    temperature_2m: Vec<Option<f64>>,
    #[serde(default)]
    weather_code: Vec<Option<f64>>,
    #[serde(default)]
    precipitation_probability: Vec<Option<f64>>,
    #[serde(default)]
    is_day: Vec<Option<f64>>,
}

#[derive(Deserialize)]
struct Daily<'a> {
    #[serde(borrow)]
    time: Vec<Cow<'a, str>>,
    #[serde(default)]
    temperature_2m_max: Vec<Option<f64>>,
    #[serde(default)]
    temperature_2m_min: Vec<Option<f64>>,
    #[serde(default)]
    weather_code: Vec<Option<f64>>,
    #[serde(default)]
    precipitation_probability_max: Vec<Option<f64>>,
}

fn local_time(s: &str) -> Result<NaiveDateTime, FetchError> {
    super::local_minute(s, b'T').ok_or_else(|| FetchError::bad_response(format!("time {s:?} is not YYYY-MM-DDTHH:MM")))
}

fn code(v: Option<f64>) -> Option<u8> {
    v.filter(|c| (0.0..=255.0).contains(c)).map(|c| c as u8)
}

fn at<T: Copy>(v: &[Option<T>], i: usize) -> Option<T> {
    v.get(i).copied().flatten()
}

pub fn parse(cfg: &Config, reply: &HttpReply, now: chrono::DateTime<chrono::Utc>) -> Result<Weather, FetchError> {
    let body: Result<Body, _> = serde_json::from_slice(&reply.body);
    if !reply.is_success() {
        let reason = body.ok().and_then(|b| b.reason).unwrap_or_default();
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        return Err(FetchError::new(class, reason));
    }
    let body = body.map_err(FetchError::bad_response)?;
    if body.error {
        return Err(FetchError::new(ErrorClass::Provider, body.reason.unwrap_or_default()));
    }
    let cur = body
        .current
        .ok_or_else(|| FetchError::bad_response("no current conditions in the answer"))?;
    let time = local_time(&cur.time)?;
    let temperature = cur
        .temperature_2m
        .ok_or_else(|| FetchError::bad_response("no current temperature"))?;
    let unit = |u: &Option<String>, fallback: &str| u.clone().unwrap_or_else(|| fallback.into());
    let (t_fallback, w_fallback) = match cfg.units {
        Units::Metric => ("°C", "km/h"),
        Units::Imperial => ("°F", "mph"),
    };

    let mut hourly = Vec::new();
    if let Some(h) = &body.hourly {
        let this_hour = time.with_minute(0).unwrap_or(time);
        for (i, t) in h.time.iter().enumerate() {
            let t = local_time(t)?;
            if t <= this_hour {
                continue;
            }
            hourly.push(HourPoint {
                time: t,
                temperature: at(&h.temperature_2m, i),
                code: code(at(&h.weather_code, i)),
                precip_probability: at(&h.precipitation_probability, i),
                is_day: at(&h.is_day, i).map(|d| d != 0.0),
            });
            if hourly.len() >= super::DAY_HOURS {
                break;
            }
        }
    }
    let mut days = Vec::new();
    if let Some(d) = &body.daily {
        for (i, t) in d.time.iter().enumerate() {
            let date = super::local_date(t)
                .ok_or_else(|| FetchError::bad_response(format!("date {t:?} is not YYYY-MM-DD")))?;
            if date < time.date() {
                continue;
            }
            days.push(DayPoint {
                date,
                code: code(at(&d.weather_code, i)),
                high: at(&d.temperature_2m_max, i),
                low: at(&d.temperature_2m_min, i),
                precip_probability: at(&d.precipitation_probability_max, i),
            });
        }
    }
    let today = days.first().filter(|d| d.date == time.date());
    Ok(Weather {
        time,
        temperature,
        apparent: cur.apparent_temperature,
        humidity: cur.relative_humidity_2m,
        code: code(cur.weather_code),
        is_day: cur.is_day.map(|d| d != 0.0),
        description: None,
        wind_speed: cur.wind_speed_10m,
        wind_direction: cur.wind_direction_10m,
        temp_unit: unit(&body.current_units.temperature_2m, t_fallback),
        wind_unit: match unit(&body.current_units.wind_speed_10m, w_fallback) {
            // Open-Meteo's own spelling; people write mph.
            u if u == "mp/h" => "mph".into(),
            u => u,
        },
        high: today.and_then(|d| d.high),
        low: today.and_then(|d| d.low),
        hourly,
        days,
        station: None,
    })
}

impl Registered for Config {
    const INFO: Info = Info {
        name: "open-meteo",
        kind: Kind::Weather,
        label: "Open-Meteo",
        default_base: Some(DEFAULT_BASE),
        keyed: None,
        in_wizard: true,
        fixtures: &[
            (200, "open-meteo/forecast_current_chicago.json"),
            (200, "open-meteo/forecast_full_berlin_CONSTRUCTED.json"),
            (400, "open-meteo/error_400_invalid_variable.json"),
            (429, "open-meteo/error_429_minutely_limit.json"),
        ],
        demo: &[],
        examples: &[r#"{"latitude": 52.52, "longitude": 13.41, "hours": 8}"#],
    };

    fn problems(&self) -> Vec<(&'static str, String)> {
        Config::problems(self)
    }

    fn requests(&self, base: &Url, _now: DateTime<Utc>) -> Vec<RequestSpec> {
        vec![request(self, base)]
    }

    fn parse(&self, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Data, FetchError> {
        match replies {
            [reply] => parse(self, reply, now).map(Data::Weather),
            _ => Err(FetchError::bad_response("no replies of the expected shape")),
        }
    }

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
    use chrono::{DateTime, Utc};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("open-meteo/{name}"))
    }

    fn cfg() -> Config {
        Config {
            latitude: 52.52,
            longitude: 13.41,
            location: Some("Berlin".into()),
            units: Units::Metric,
            hours: 6,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc()
    }

    fn text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    #[test]
    fn request_carries_location_units_and_blocks() {
        let mut c = cfg();
        c.units = Units::Imperial;
        let spec = request(&c, &Url::parse(DEFAULT_BASE).unwrap());
        let q: std::collections::HashMap<_, _> = spec.url.query_pairs().into_owned().collect();
        assert_eq!(spec.url.path(), "/v1/forecast");
        assert_eq!(q["latitude"], "52.52");
        assert_eq!(q["temperature_unit"], "fahrenheit");
        assert!(q["daily"].contains("temperature_2m_max"));
        assert_eq!((q["forecast_days"].as_str(), q["forecast_hours"].as_str()), ("7", "25"));
        assert_eq!(spec.auth, crate::AuthPlacement::None);
    }

    #[test]
    fn parses_the_recorded_current_only_capture() {
        let w = parse(&cfg(), &reply(200, "forecast_current_chicago.json"), now()).unwrap();
        assert_eq!(w.temperature, 17.5);
        assert_eq!(w.apparent, Some(5.4));
        assert_eq!(w.code, Some(3));
        assert_eq!(w.temp_unit, "°F");
        assert_eq!(w.wind_unit, "mph");
        assert_eq!(w.wind_direction, Some(319.0));
        assert!(w.hourly.is_empty());
        assert_eq!((w.high, w.low), (None, None));
    }

    #[test]
    fn parses_hourly_and_daily_with_nulls() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        assert_eq!(w.hourly[0].time.hour(), 15, "the strip starts at the next hour");
        assert_eq!(w.hourly[2].temperature, None, "17h is null in the fixture");
        assert_eq!(w.high, Some(7.2));
        assert_eq!(w.low, Some(1.4));
    }

    /// Times are borrowed from the body; one written with a JSON escape
    /// (legal, if odd) is read the same, not refused.
    #[test]
    fn escaped_times_read_the_same() {
        let plain = reply(200, "forecast_full_berlin_CONSTRUCTED.json");
        let text = String::from_utf8(plain.body.to_vec()).unwrap();
        let escaped = text
            .replace("T15:00", "T15\\u003a00")
            .replace("\"2026-11-28\"", "\"2026\\u002d11-28\"");
        assert_ne!(escaped, text);
        let mut r = plain.clone();
        r.body = escaped.into_bytes();
        let (a, b) = (parse(&cfg(), &plain, now()).unwrap(), parse(&cfg(), &r, now()).unwrap());
        assert_eq!(a.hourly, b.hourly);
        assert_eq!(a.days, b.days);
    }

    #[test]
    fn error_400_is_a_client_error_with_the_reason() {
        let e = parse(&cfg(), &reply(400, "error_400_invalid_variable.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Client(400));
        assert!(e.detail.contains("tempeture_2m"), "{e}");
    }

    #[test]
    fn error_429_is_rate_limited_until_retry_after() {
        let mut r = reply(429, "error_429_minutely_limit.json");
        r.headers.push(("retry-after".into(), "60".into()));
        let e = parse(&cfg(), &r, now()).unwrap_err();
        assert_eq!(
            e.class,
            ErrorClass::RateLimited {
                until: Some(now() + chrono::Duration::seconds(60))
            }
        );
        assert!(e.detail.contains("Minutely"));
        let e = parse(&cfg(), &reply(429, "error_429_minutely_limit.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::RateLimited { until: None });
    }

    #[test]
    fn error_inside_a_200_and_wrong_shapes() {
        let r = HttpReply {
            status: 200,
            headers: vec![],
            body: br#"{"error":true,"reason":"nope"}"#.to_vec(),
        };
        assert_eq!(parse(&cfg(), &r, now()).unwrap_err().class, ErrorClass::Provider);
        for body in [
            &b"{"[..],
            b"[]",
            b"{}",
            b"\xff\xfe",
            br#"{"current":{"time":"x","temperature_2m":1}}"#,
        ] {
            let r = HttpReply {
                status: 200,
                headers: vec![],
                body: body.to_vec(),
            };
            assert_eq!(
                parse(&cfg(), &r, now()).unwrap_err().class,
                ErrorClass::BadResponse,
                "{body:?}"
            );
        }
    }

    #[test]
    fn config_problems() {
        let mut c = cfg();
        c.latitude = 91.0;
        c.hours = 0;
        let keys: Vec<_> = c.problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["latitude", "hours"]);
    }

    #[test]
    fn renders_small_and_large() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        let mut small = Buffer::empty(Rect::new(0, 0, 30, 3));
        super::super::render(&w, 6, &crate::testing::ctx(false), small.area, &mut small);
        assert_eq!(
            text(&small),
            [
                "☂ 6.3°C  Light rain           ",
                "feels 3.1°C  H 7°  L 1°       ",
                "humidity 81%  wind 15 km/h SW ",
            ]
        );
        let mut large = Buffer::empty(Rect::new(0, 0, 40, 8));
        super::super::render(&w, 6, &crate::testing::ctx(false), large.area, &mut large);
        let t = text(&large);
        assert_eq!(t[4], "15h   16h   17h   18h   19h   20h       ");
        assert_eq!(
            t[5], "☁ 7°  ☁ 7°  ☁ –   ☁ 6°  ☁ 5°  ☁ 4°      ",
            "17h is null: a dash, not 0°"
        );
        assert_eq!(t[6], "15%   22%   29%   36%   43%   50%       ");
    }

    #[test]
    fn snapshot_60x8() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        let drawn = crate::testing::drawn(60, 8, |area, buf| {
            crate::weather::render(&w, usize::from(cfg().hours), &crate::testing::ctx(false), area, buf)
        });
        insta::assert_snapshot!("open_meteo_60x8", drawn);
    }

    #[test]
    fn parses_the_day_and_the_week() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        assert_eq!(w.hourly.len(), 24, "a whole day, whatever the strip shows");
        assert_eq!(w.hourly[23].time.hour(), 14, "to this hour tomorrow");
        assert_eq!(w.days.len(), 7);
        assert_eq!(w.days[1].low, None, "a null stays unknown");
        assert_eq!(w.days[4].code, Some(73));
        assert_eq!(w.days[4].precip_probability, Some(90.0));
        assert_eq!((w.days[4].high, w.days[4].low), (Some(-0.4), Some(-5.1)));
    }

    #[test]
    fn the_strip_shows_the_configured_hours_and_zoom_the_rest() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        let card = crate::testing::drawn(78, 8, |area, buf| {
            crate::weather::render(&w, 2, &crate::testing::ctx(false), area, buf)
        });
        assert!(
            card.contains("15h   16h\n") && !card.contains("17h"),
            "two hours only:\n{card}"
        );
        let zoomed = crate::testing::drawn(78, 21, |area, buf| {
            crate::weather::render(&w, 2, &crate::testing::ctx(true), area, buf)
        });
        assert!(
            zoomed.contains("Next 24 hours") && zoomed.contains("Next 7 days"),
            "{zoomed}"
        );
        assert!(zoomed.contains("Today") && zoomed.contains("Tue  1"), "{zoomed}");
    }

    #[test]
    fn zoomed_snapshots() {
        let w = parse(&cfg(), &reply(200, "forecast_full_berlin_CONSTRUCTED.json"), now()).unwrap();
        for (name, width, height) in [
            ("open_meteo_zoomed_78x21", 78, 21),
            ("open_meteo_zoomed_198x57", 198, 57),
        ] {
            let drawn = crate::testing::drawn(width, height, |area, buf| {
                crate::weather::render(&w, 8, &crate::testing::ctx(true), area, buf)
            });
            insta::assert_snapshot!(name, drawn);
        }
    }
}
