//! The dashboard: widgets polled on their schedules, laid out in a grid,
//! redrawn when something visible changed.

pub mod app;
pub mod event_loop;
pub mod kiosk;
pub mod msg;
pub mod pages;
pub mod poll;
pub mod reload;
pub mod sampler;
pub mod schedule;
pub mod view;
