//! Weather providers and the view they share.

pub mod open_meteo;
pub mod openweathermap;
mod view;
pub mod weatherapi;
pub mod wmo;

pub use view::{HourPoint, Weather, render};
