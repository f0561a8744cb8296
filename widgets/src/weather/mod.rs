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
