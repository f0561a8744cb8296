//! homedash: a terminal homepage dashboard. ARCHITECTURE.md maps the rooms.

pub mod atomic;
pub mod audit;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod dashboard;
pub mod demo;
pub mod doctor;
pub mod gateway;
pub mod hardening;
pub mod keymap;
pub mod ledger;
pub mod logging;
pub mod malloc;
pub mod net;
pub mod outside;
pub mod pause;
pub mod process;
pub mod screens;
pub mod setup;
pub mod startup;
pub mod stores;
pub mod ui;
pub mod workers;
