//! `homedash doctor`: what is wrong with this installation, and the fix
//! for each problem. Every check runs, whatever failed before it, except
//! that a config others can write is not trusted to run its credential
//! commands. Exit 0 only when every check is fine.

mod checks;
pub mod environment;

use serde::Serialize;

use crate::config::Origin;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Works now, but needs the user soon (rotation due, no UTF-8).
    Warn,
    /// Broken: something homedash needs does not work.
    Fail,
    /// Not checked, because of a problem reported above it.
    Skipped,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        }
    }

    /// A colour for a terminal that takes them; the word says it anyway.
    pub fn colour(self) -> &'static str {
        match self {
            Status::Ok => "\x1b[32m",
            Status::Warn => "\x1b[33m",
            Status::Fail => "\x1b[1;31m",
            Status::Skipped => "\x1b[2m",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// What was checked: "config", "keyring", "credential finnhub", …
    pub check: String,
    pub status: Status,
    pub summary: String,
    /// What to do about it, when something is to be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(check: impl Into<String>, summary: impl Into<String>) -> Check {
        Check {
            check: check.into(),
            status: Status::Ok,
            summary: summary.into(),
            fix: None,
        }
    }

    pub fn problem(
        check: impl Into<String>,
        status: Status,
        summary: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            check: check.into(),
            status,
            summary: summary.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Every check, in the order a person fixes things: the config first,
/// then where secrets live, then the network and the terminal.
pub async fn run(origin: &Origin) -> Vec<Check> {
    let mut found = Vec::new();
    let config = checks::config(origin, &mut found);
    if config.is_some() {
        checks::schema(origin, &mut found);
    }
    checks::state(&mut found);
    let keyring = checks::keyring(config.as_ref(), &mut found).await;
    checks::credentials(config.as_ref(), keyring.as_ref(), &mut found).await;
    // One client for both: building it reads the proxy variables and the
    // system's root certificates.
    let http = crate::net::http::Http::new();
    environment::proxy(&http, &mut found);
    environment::clock(config.as_ref(), &http, &mut found).await;
    environment::terminal(&mut found);
    found
}
