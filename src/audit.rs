//! The audit log: one JSON line per credential event in the state dir,
//! appended to a file opened once, never through a symlink. Names,
//! fingerprints and outcomes only; a secret value has no way in, since no
//! event carries one, and an outcome that quotes a server is scrubbed
//! again on the way.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::Utc;
use serde::Serialize;

pub const FILE: &str = "audit.jsonl";

static LOG: OnceLock<Mutex<std::fs::File>> = OnceLock::new();

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Added,
    Tested,
    Rotated,
    /// A rotation whose new token was not proven valid: nothing changed.
    RotationRefused,
    RotationConfirmed,
    /// An interrupted rotation's leftovers tidied by the next command.
    RotationRepaired,
    RolledBack,
    Revoked,
    /// A token stored by a setup that was then cancelled, deleted again.
    Discarded,
    RejectedByProvider,
    ReadFailed,
    /// The owner approved an origin for the credential.
    DestinationAllowed,
    /// The owner withdrew an approval.
    DestinationDenied,
    /// Team mode: a client token made on the gateway host (its hash kept).
    GatewayClientAdded,
    /// Team mode: a client token revoked on the gateway host.
    GatewayClientRevoked,
    /// Team mode: the upstream keys written for nginx.
    GatewayKeysWritten,
    /// OAuth: a login stored a new grant.
    LoggedIn,
    /// OAuth: a refresh token renewed the access token (and perhaps itself).
    Refreshed,
    /// OAuth: the grant is gone (expired, revoked, reused); a new login is needed.
    LoginNeeded,
    /// OAuth: the grant was revoked at the authorization server (RFC 7009).
    RevokedAtServer,
    /// A credential's entries carried to another store (`creds move`).
    Moved,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    event: Event,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    outcome: &'a str,
}

/// Open (creating, owner-only) `dir/audit.jsonl`. Later calls are no-ops.
pub fn init(dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join(FILE);
    if LOG.get().is_none() {
        std::fs::create_dir_all(dir)?;
        let file = crate::atomic::open_append(&path)?;
        let _ = LOG.set(Mutex::new(file));
    }
    Ok(path)
}

/// Append one event. Without `init` (unit tests) nothing is written.
pub fn record(event: Event, name: &str, fingerprint: Option<&str>, outcome: &str) {
    let Some(log) = LOG.get() else { return };
    let outcome = crate::outside::scrub(outcome);
    let line = Line {
        time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        event,
        name,
        fingerprint,
        outcome: &outcome,
    };
    let Ok(mut text) = serde_json::to_string(&line) else {
        return;
    };
    text.push('\n');
    let mut w = log.lock().unwrap_or_else(|p| p.into_inner());
    if let Err(e) = w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
        tracing::warn!(error = %e, "cannot write the audit log");
    }
}

pub fn record_rejected(name: &str, detail: &str) {
    record(Event::RejectedByProvider, name, None, detail);
}
