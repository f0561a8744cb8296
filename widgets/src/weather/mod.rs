//! Weather providers and the view they share.

pub mod geocoding;
mod hours;
pub mod netatmo;
pub mod open_meteo;
pub mod openweathermap;
mod view;
pub mod weatherapi;
pub mod wmo;
mod zoom;

pub use crate::data::{DayPoint, HourPoint, Weather};

/// How many coming hours a parse keeps: a zoomed card shows a whole day.
pub const DAY_HOURS: usize = 24;
pub use view::render;

/// "YYYY-MM-DD" then `sep` then "HH:MM", the local times Open-Meteo ('T')
/// and WeatherAPI.com (' ') send. By hand: a forecast holds dozens of them,
/// and `parse_from_str` reads its format string again for each (a tenth of
/// a poll's cost at 1,000 widgets); the date too, as chrono's `FromStr`
/// goes through the same general parser (2 % of a poll's cost).
pub(crate) fn local_minute(s: &str, sep: u8) -> Option<chrono::NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b.get(10) != Some(&sep) || b.get(13) != Some(&b':') {
        return None;
    }
    local_date(s.get(..10)?)?.and_hms_opt(digits(b, 11, 13)?, digits(b, 14, 16)?, 0)
}

/// "YYYY-MM-DD", by hand as `local_minute`.
pub(crate) fn local_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(digits(b, 0, 4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, digits(b, 5, 7)?, digits(b, 8, 10)?)
}

/// The number `b[from..to]` spells in ASCII digits only (no sign).
fn digits(b: &[u8], from: usize, to: usize) -> Option<u32> {
    b.get(from..to)?
        .iter()
        .try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

/// The checks every weather provider's place keys need.
pub fn place_problems(latitude: f64, longitude: f64) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if !(-90.0..=90.0).contains(&latitude) {
        out.push(("latitude", format!("{latitude} is outside -90..90")));
    }
    if !(-180.0..=180.0).contains(&longitude) {
        out.push(("longitude", format!("{longitude} is outside -180..180")));
    }
    out
}

/// `{"error": {"code": N, "message": "…"}}`, the error body WeatherAPI.com
/// and Netatmo both send: its code and message, `(0, "HTTP nnn")` for a
/// failure without one, and `None` for a success.
pub(crate) fn coded_error(reply: &crate::HttpReply) -> Option<(i64, String)> {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Problem,
    }
    #[derive(serde::Deserialize)]
    struct Problem {
        code: Option<i64>,
        message: Option<String>,
    }
    let body: Option<Body> = serde_json::from_slice(&reply.body).ok();
    if reply.is_success() && body.is_none() {
        return None;
    }
    Some(
        body.map(|b| (b.error.code.unwrap_or(0), b.error.message.unwrap_or_default()))
            .unwrap_or((0, format!("HTTP {}", reply.status))),
    )
}

#[cfg(test)]
mod times {
    #[test]
    fn local_minute_takes_only_the_exact_shape() {
        let t = super::local_minute("2026-11-27T14:05", b'T').unwrap();
        assert_eq!(t.to_string(), "2026-11-27 14:05:00");
        assert_eq!(
            super::local_minute("2025-04-17 05:45", b' ').unwrap().to_string(),
            "2025-04-17 05:45:00"
        );
        for bad in [
            "2026-11-27T14:05",
            "2026-11-27 24:00",
            "2026-13-01 00:00",
            "2026-11-27 1:05",
            "2026-11-27 14:05:00",
            "x",
            "２026-11-27 14:05",
            "2026-11-27 +1:05",
            "2026/11/27 14:05",
            "2026-02-30 10:00",
            "2026-1-127 10:00",
        ] {
            assert!(super::local_minute(bad, b' ').is_none(), "{bad}");
        }
    }
}
