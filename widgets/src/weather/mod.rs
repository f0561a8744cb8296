//! Weather providers and the view they share.

pub mod geocoding;
pub mod netatmo;
pub mod open_meteo;
pub mod openweathermap;
mod view;
pub mod weatherapi;
pub mod wmo;

pub use crate::data::{HourPoint, Weather};
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
