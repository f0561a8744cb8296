//! With the Secret Service chosen and no D-Bus session, the keyring fails
//! fast, says which store and how to fix it, and never falls back to
//! another store. Its own test binary: it changes the process environment.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use homedash::credentials::internals::DEADLINE;
use homedash::credentials::{Keyring, KeyringError, StoreChoice, backend_name, choose_store};

#[test]
fn no_session_bus_is_a_clear_error_within_the_deadline() {
    // SAFETY: this test binary has this one test, so no other thread reads
    // the environment while it changes.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/homedash-test-bus");
        std::env::set_var("XDG_RUNTIME_DIR", "/nonexistent");
    }
    choose_store(StoreChoice::SecretService);
    let started = Instant::now();
    let err = Keyring::connect().expect_err("there is no bus to connect to");
    assert!(
        started.elapsed() < DEADLINE + Duration::from_millis(500),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, KeyringError::Unavailable { .. } | KeyringError::TimedOut { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(backend_name()) && text.contains("Secret Service"),
        "{text}"
    );
    assert!(text.contains("source = \"env\""), "{text}");
}
