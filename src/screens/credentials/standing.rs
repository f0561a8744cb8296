//! How a credential stands, for every face of the credentials room: one
//! state derived from what the state file, the keyring and (in a running
//! dashboard) the broker know, and shown in the same words by this screen,
//! `creds list` and its `--json`.

use serde::Serialize;

use crate::credentials::{By, Due, Meta, Seen, Status, TestKind};

/// How a credential stands by the calendar, in a word or two: "rotation
/// due", "expires in 3d".
pub fn due_words(due: &Due) -> Option<String> {
    match due {
        Due::Fine => None,
        Due::RotationDue { .. } => Some("rotation due".into()),
        Due::ExpiresSoon { days: 0 } => Some("expires today".into()),
        Due::ExpiresSoon { days } => Some(format!("expires in {days}d")),
        Due::Expired { .. } => Some("expired".into()),
    }
}

/// The last answer about a credential: "rejected while polling at
/// 14:02", in local time.
pub fn answer_words(seen: &Seen) -> String {
    let what = match seen.kind {
        TestKind::Valid => "accepted",
        TestKind::Rejected => "rejected",
        TestKind::Forbidden => "forbidden",
        TestKind::RateLimited => "rate-limited",
        TestKind::Unconfirmed => "not confirmed",
    };
    let how = match seen.by {
        By::Poll => "while polling",
        By::Test => "by a test",
    };
    let at = seen.at.with_timezone(&chrono::Local).format("%H:%M");
    format!("{what} {how} at {at}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredState {
    /// Its last test proved it.
    Valid,
    /// A token is there; no test has said anything about it yet.
    Untested,
    /// The provider refused it (at a test or a poll); widgets pause.
    Rejected,
    /// Taken, but the plan or scope does not allow the request.
    Forbidden,
    RateLimited,
    /// Its last test could not confirm it either way.
    Unconfirmed,
    /// Deleted from the keyring by its owner.
    Revoked,
    /// Meant for the keyring, where no token is stored.
    NotStored,
    /// Its source cannot be read now (a locked keyring, an unset variable).
    Unavailable,
    /// The dashboard is reading it.
    Reading,
    /// Whether a token is stored needs the keyring, which cannot be asked.
    Unknown,
    /// An OAuth credential whose grant is gone or was never made.
    LoginNeeded,
}

impl CredState {
    pub fn label(self) -> &'static str {
        match self {
            CredState::Valid => "valid",
            CredState::Untested => "untested",
            CredState::Rejected => "rejected",
            CredState::Forbidden => "forbidden",
            CredState::RateLimited => "rate-limited",
            CredState::Unconfirmed => "could not confirm",
            CredState::Revoked => "revoked",
            CredState::NotStored => "not stored",
            CredState::Unavailable => "unavailable",
            CredState::Reading => "reading",
            CredState::Unknown => "unknown",
            CredState::LoginNeeded => "log in",
        }
    }

    /// Good, bad, or needs a look.
    pub fn tone(self) -> Tone {
        match self {
            CredState::Valid => Tone::Good,
            CredState::Rejected | CredState::Revoked | CredState::NotStored | CredState::LoginNeeded => Tone::Bad,
            CredState::Reading | CredState::Untested | CredState::Unknown => Tone::Neutral,
            _ => Tone::Warn,
        }
    }

    /// `meta` is the state file's entry, `live` the running dashboard's
    /// view (none on the command line), `stored` whether the keyring holds
    /// a token for a keyring credential (none when not known or not asked).
    pub fn derive(meta: Option<&Meta>, live: Option<&Status>, stored: Option<bool>) -> CredState {
        match live {
            Some(Status::Rejected(_) | Status::RefusedByGateway(..)) => return CredState::Rejected,
            Some(Status::Revoked) => return CredState::Revoked,
            Some(Status::NotStored) => return CredState::NotStored,
            Some(Status::Unavailable(_)) => return CredState::Unavailable,
            Some(Status::Loading) => return CredState::Reading,
            Some(Status::LoginNeeded(_)) => return CredState::LoginNeeded,
            Some(Status::Ready) | None => {}
        }
        let revoked = meta.is_some_and(|m| m.revoked.is_some() && m.fingerprint.is_none());
        if revoked && stored != Some(true) {
            return CredState::Revoked;
        }
        if stored == Some(false) {
            return CredState::NotStored;
        }
        if let Some((kind, _)) = meta.and_then(Meta::last_seen) {
            return match kind {
                TestKind::Valid => CredState::Valid,
                TestKind::Rejected => CredState::Rejected,
                TestKind::Forbidden => CredState::Forbidden,
                TestKind::RateLimited => CredState::RateLimited,
                TestKind::Unconfirmed => CredState::Unconfirmed,
            };
        }
        CredState::Untested
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Neutral,
}

#[cfg(test)]
#[path = "tests/standing.rs"]
mod tests;
