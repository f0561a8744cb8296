//! Why a keyring call failed, in words that say what to do, and the
//! deadline every call runs under. No token passes through here.

use std::sync::mpsc;
use std::time::Duration;

use keyring_core::Error;

use super::{Backend, SERVICE, backend_name};
use crate::stores;

pub const DEADLINE: Duration = Duration::from_secs(3);

/// What the user is told to do when the keyring cannot help.
const FIXES: &str =
    "unlock or start your keyring, or give this credential `source = \"env\"` or `source = \"command\"` in the config";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// No such entry (and the keyring itself answered normally).
    NotFound { name: String },
    /// The keyring is there but locked, or access was refused.
    Locked { detail: String },
    /// No keyring answered: no D-Bus session, no service, or it failed.
    Unavailable { detail: String },
    /// The keyring did not answer within `DEADLINE`.
    TimedOut { what: &'static str },
    /// The stored value is not text.
    BadValue { name: String },
    /// The state file says homedash keeps this credential in another
    /// store: it is never read from this one instead.
    Elsewhere { name: String, kept: Backend, here: Backend },
    /// The kernel keyring no longer holds a token homedash stored there
    /// (on `stored`): it forgets at reboot and after its expiry unused.
    Gone {
        name: String,
        stored: Option<chrono::NaiveDate>,
    },
    /// The stored value has a control or invisible character (written by
    /// another program, or before homedash refused them): never used.
    Unsafe { name: String, at: usize },
}

impl std::fmt::Display for KeyringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = backend_name();
        match self {
            KeyringError::NotFound { name } => {
                write!(
                    f,
                    "no token stored for \"{name}\" yet: add one on the Credentials screen or with `homedash creds add {name}`. "
                )?;
                match stores::backend() {
                    // The kernel forgets its keyring at reboot and after
                    // its expiry without use.
                    Backend::Keyutils => write!(
                        f,
                        "If you did store one, the {backend} forgets its entries at reboot and after {} days without use: add it again, or give this credential a `command` source",
                        stores::persistent_expiry_days()
                    ),
                    _ => write!(
                        f,
                        "If you did store one, the {backend} may have no default collection (service \"{SERVICE}\", account \"{name}\"): create one, e.g. in Seahorse"
                    ),
                }
            }
            KeyringError::Locked { detail } => {
                write!(f, "the {backend} is locked or refused access ({detail}): {FIXES}")
            }
            KeyringError::Unavailable { detail } => write!(f, "the {backend} is not reachable ({detail}): {FIXES}"),
            KeyringError::TimedOut { what } => write!(
                f,
                "the {backend} did not answer {what} within {} s (its D-Bus activation may be hung): {FIXES}",
                DEADLINE.as_secs()
            ),
            KeyringError::Unsafe { name, at } => write!(
                f,
                "the {backend} entry for \"{name}\" has a control or invisible character at position {at}, so it is not used; store the token again with `homedash creds rotate {name}` (copy it from the provider's key page)"
            ),
            KeyringError::Elsewhere { name, kept, here } => write!(
                f,
                "the token for \"{name}\" is kept in the {}, and this homedash uses the {}, so it is not read here. Run homedash where the first answers (with `[keyring] store = \"{}\"`), or move the token with `homedash creds move {name} --to {}` where both answer",
                kept.name(),
                here.name(),
                kept.key(),
                here.key()
            ),
            KeyringError::Gone { name, .. } => write!(
                f,
                "{}. Add it again with `homedash creds add {name}`, or give a service that must outlive reboots a `systemd` or `command` source for it",
                self.cause()
            ),
            KeyringError::BadValue { name } => write!(
                f,
                "the {backend} entry for \"{name}\" is not text; store the token again"
            ),
        }
    }
}

impl KeyringError {
    /// What happened, without the advice the full message ends with
    /// (for `homedash doctor`, which gives its own fix on a line of its own).
    pub fn cause(&self) -> String {
        let backend = backend_name();
        match self {
            KeyringError::Locked { detail } => format!("the {backend} is locked or refused access ({detail})"),
            KeyringError::Unavailable { detail } => format!("the {backend} is not reachable ({detail})"),
            KeyringError::TimedOut { what } => format!(
                "the {backend} did not answer {what} within {} s (its D-Bus activation may be hung)",
                DEADLINE.as_secs()
            ),
            KeyringError::NotFound { name } => format!("no token stored for \"{name}\" in the {backend}"),
            KeyringError::Elsewhere { name, kept, here } => format!(
                "the token for \"{name}\" is kept in the {}, not the {} in use here",
                kept.name(),
                here.name()
            ),
            KeyringError::Gone { name, stored } => format!(
                "the kernel keyring no longer holds the token for \"{name}\"{}: the kernel forgets its entries at reboot, and after {} days without use",
                stored.map(|d| format!(" (stored on {d})")).unwrap_or_default(),
                stores::persistent_expiry_days()
            ),
            KeyringError::BadValue { .. } | KeyringError::Unsafe { .. } => self.to_string(),
        }
    }
}

/// The backend's words come from another process (the Secret Service
/// daemon, D-Bus): cleaned like any outside text.
pub fn classify(e: Error, name: &str) -> KeyringError {
    let clean = |t: String| crate::outside::admit(&t);
    match e {
        Error::NoEntry => KeyringError::NotFound { name: name.to_string() },
        Error::NoStorageAccess(p) => KeyringError::Locked {
            detail: clean(p.to_string()),
        },
        Error::BadEncoding(_) | Error::BadDataFormat(..) => KeyringError::BadValue { name: name.to_string() },
        other => KeyringError::Unavailable {
            detail: clean(other.to_string()),
        },
    }
}

/// Run `op` on its own thread; give up after `DEADLINE`. A hung thread is
/// left behind blocked in D-Bus, which costs a thread, never the UI.
pub fn bounded<T: Send + 'static>(
    what: &'static str,
    op: impl FnOnce() -> T + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name(format!("keyring {what}"))
        .spawn(move || {
            let _ = tx.send(op());
        })
        .map_err(|e| KeyringError::Unavailable {
            detail: format!("cannot start a thread: {e}"),
        })?;
    rx.recv_timeout(DEADLINE).map_err(|_| KeyringError::TimedOut { what })
}
