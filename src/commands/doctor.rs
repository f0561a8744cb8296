//! `homedash doctor`: every check run, then printed for a person (one
//! line each, its fix under it) or as one JSON document.

use std::process::ExitCode;

use serde::Serialize;

use crate::commands::out::{out, outln};
use crate::config::Origin;
use crate::doctor::{Check, Status, environment, run};

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
            crate::commands::out::error(format_args!("doctor: cannot start: {e}"));
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
            Ok(text) => outln!("{text}"),
            Err(e) => {
                crate::commands::out::error(format_args!("doctor: {e}"));
                return ExitCode::FAILURE;
            }
        }
    } else {
        out!("{}", text(&found, environment::colour_on_stdout()));
    }
    if fine { ExitCode::SUCCESS } else { ExitCode::FAILURE }
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
