//! Stock quote providers and the quote table they share.

pub mod alphavantage;
pub mod chart;
mod common;
pub mod finnhub;
pub mod polygon;
pub mod twelvedata;
mod view;
pub mod yahoo;

pub use crate::data::{Quote, Quotes};
pub use view::{render, sparkline};
