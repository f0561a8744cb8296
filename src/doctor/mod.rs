//! `homedash doctor`: what is wrong with this installation, and the fix
//! for each problem. Every check runs, whatever failed before it, except
//! that a config others can write is not trusted to run its credential
//! commands. Exit 0 only when every check is fine.

mod checks;
mod environment;

use std::process::ExitCode;

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
    fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        }
    }

    /// A colour for a terminal that takes them; the word says it anyway.
    fn colour(self) -> &'static str {
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

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    checks: &'a [Check],
}

/// Run every check and print them; `json`: one JSON document instead.
pub fn main(origin: &Origin, json: bool) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("homedash doctor: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let found = runtime.block_on(run(origin));
    let fine = found.iter().all(|c| c.status == Status::Ok);
    if json {
        match serde_json::to_string_pretty(&Report {
            ok: fine,
            checks: &found,
        }) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("homedash doctor: {}", crate::outside::admit_lines(&e.to_string(), 2000));
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", text(&found, environment::colour_on_stdout()));
    }
    if fine { ExitCode::SUCCESS } else { ExitCode::FAILURE }
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

/// The report for a person: one line per check, its fix under it, and a
/// last line that counts.
pub fn text(found: &[Check], colour: bool) -> String {
    let width = found.iter().map(|c| c.check.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for c in found {
        let word = if colour {
            format!("{}{:<4}\x1b[0m", c.status.colour(), c.status.word())
        } else {
            format!("{:<4}", c.status.word())
        };
        out.push_str(&format!("{word}  {:<width$}  {}\n", c.check, c.summary));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("      {:<width$}  fix: {fix}\n", ""));
        }
    }
    let count = |s: Status| found.iter().filter(|c| c.status == s).count();
    let (fail, warn, skip) = (count(Status::Fail), count(Status::Warn), count(Status::Skipped));
    if fail + warn + skip == 0 {
        out.push_str("Everything is fine.\n");
    } else {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if fail > 0 {
            parts.push(plural(fail, "problem", "problems"));
        }
        if warn > 0 {
            parts.push(plural(warn, "warning", "warnings"));
        }
        if skip > 0 {
            parts.push(format!("{skip} not checked"));
        }
        out.push_str(&format!("{}.\n", parts.join(", ")));
    }
    out
}
