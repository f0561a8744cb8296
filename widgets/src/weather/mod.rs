//! Weather providers and the view they share.

pub mod open_meteo;
mod view;
pub mod wmo;

pub use view::{HourPoint, Weather, render};
