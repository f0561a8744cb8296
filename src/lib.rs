//! homedash: a terminal homepage dashboard.

pub mod app;
pub mod atomic;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod creds;
pub mod credscreen;
pub mod demo;
pub mod grid;
pub mod hardening;
pub mod http;
pub mod logging;
pub mod msg;
pub mod poll;
pub mod reload;
pub mod run;
pub mod runtime;
pub mod sampler;
pub mod schedule;
pub mod screens;
pub mod terminal;
pub mod wizard;
