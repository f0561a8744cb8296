//! Stock quote providers and the quote table they share.

pub mod finnhub;
mod view;

pub use view::{Quote, Quotes, render};
