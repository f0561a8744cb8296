//! The integration tests, in one binary: one link instead of one per file.
//! Tests that change process-wide state (environment variables) stay
//! binaries of their own: `tests/credential_pass.rs` and
//! `tests/keyring_unavailable.rs`.
//!
//! The Secret Service tests are `#[ignore]`d here and run by
//! `tests/secret-service.sh` inside a private GNOME Keyring.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod architecture;
mod atomic_kill;
mod budget;
mod cache;
mod cli;
mod completions;
mod config_corpus;
mod creds_keyring;
mod creds_truth;
mod doctor;
mod fault_matrix;
mod fuzz_smoke;
mod gateway;
mod hostile;
mod hot_reload;
mod hot_text;

mod http_faults;
mod keyring_secret_service;
mod keys;
mod keyutils;
mod kiosk;
mod layouts;
mod manpage;
mod no_keyring;
mod oauth;
mod one_gate;
mod pages;
mod providers_e2e;
mod proxy;
mod pty_e2e;
mod runtime_loop;
mod schema;
mod screens;
mod sizes;
mod soak;
mod store_move;
mod systemd;
mod transport;
mod trust;
mod wizard_e2e;
mod wizard_screens;
