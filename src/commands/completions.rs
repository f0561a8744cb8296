//! Shell completions. `homedash completions SHELL` prints a small script
//! that the shell loads once; at each Tab the script runs
//! `COMPLETE=SHELL homedash -- WORDS…` and homedash answers from its own
//! command definition (clap_complete's engine), so subcommands and flags
//! never drift from the binary, and credential names come from the
//! user's config and state file at the moment they are asked for.

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::path::PathBuf;

use clap_complete::aot::Shell;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::config::{self, Origin};

/// The variable that turns a run of homedash into a completion request.
pub const VAR: &str = "COMPLETE";

/// The `creds` subcommands whose `NAME` is a credential.
const NAMED: &[&str] = &[
    "add", "test", "rotate", "confirm", "rollback", "rm", "login", "allow", "deny",
];

/// The command line, with credential names completed from the config.
pub fn command() -> clap::Command {
    let names = ArgValueCompleter::new(credential_names);
    crate::cli::command().mut_subcommand("creds", |creds| {
        NAMED.iter().fold(creds, |creds, sub| {
            creds.mut_subcommand(sub, |c| {
                // `mut_arg` moves an argument to the end: explicit indexes
                // keep the positionals in their order (`allow NAME ORIGIN`).
                let order: Vec<clap::Id> = c.get_positionals().map(|a| a.get_id().clone()).collect();
                let c = c.mut_arg("name", |a| a.add(names.clone()));
                order
                    .iter()
                    .enumerate()
                    .fold(c, |c, (i, id)| c.mut_arg(id, |a| a.index(i + 1)))
            })
        })
    })
}

/// Answer a completion request and exit, if this run is one; otherwise
/// return at once. First thing in `main`: nothing may be printed before.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(command).var(VAR).complete();
}

/// `homedash completions SHELL`: the registration script on stdout.
pub fn main(shell: Shell) -> std::process::ExitCode {
    let mut script = Vec::new();
    match write_registration(shell, &mut script) {
        Ok(()) => {
            // Through the one way out, so `| head` ends it quietly.
            crate::commands::out::write(format_args!("{}", String::from_utf8_lossy(&script)));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            crate::commands::out::error(format_args!("completions {shell}: {e}"));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The script that `shell` loads, calling back the homedash that printed
/// it (by its path when it was run by one, so a build outside $PATH works).
pub fn write_registration(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Elvish => &Elvish,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        Shell::Zsh => &Zsh,
        // clap's Shell is non-exhaustive; each shell it adds needs its engine here.
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("no completion engine for {shell}"),
            ));
        }
    };
    let me = std::env::args_os().next().map(PathBuf::from).unwrap_or_default();
    let me = if me.components().count() > 1 {
        std::env::current_dir().map(|d| d.join(&me)).unwrap_or(me)
    } else {
        PathBuf::from("homedash")
    };
    completer.write_registration(VAR, "homedash", "homedash", &me.to_string_lossy(), out)
}

/// Which names a `creds` subcommand takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wanted {
    /// `add`: the config's keyring credentials with no token stored yet.
    New,
    /// `login`: the config's OAuth credentials.
    OAuth,
    /// `allow`, `deny`: any credential homedash knows of.
    Known,
    /// `test`: credentials with a value to try (a stored token, or an env
    /// or command source).
    Testable,
    /// The rest (`rm`, `rotate`, `confirm`, `rollback`): a stored token.
    Stored,
}

impl Wanted {
    /// From the words being completed: the word after `creds`.
    fn of(words: &[OsString]) -> Wanted {
        let mut it = words
            .iter()
            .skip_while(|w| *w != "--")
            .skip(1)
            .skip_while(|w| *w != "creds");
        match it.nth(1).and_then(|w| w.to_str()) {
            Some("add") => Wanted::New,
            Some("login") => Wanted::OAuth,
            Some("allow" | "deny") => Wanted::Known,
            Some("test") => Wanted::Testable,
            _ => Wanted::Stored,
        }
    }
}

/// One credential as completion sees it.
#[derive(Debug, Default)]
struct Known {
    provider: Option<String>,
    /// Declared in the config, and how its value is kept.
    declared: bool,
    outside_keyring: bool,
    oauth: bool,
    /// A token is stored (the state file says so, and it was not revoked).
    stored: bool,
}

impl Known {
    fn fits(&self, wanted: Wanted) -> bool {
        match wanted {
            Wanted::New => self.declared && !self.outside_keyring && !self.oauth && !self.stored,
            Wanted::OAuth => self.oauth,
            Wanted::Known => true,
            Wanted::Testable => self.stored || self.outside_keyring,
            Wanted::Stored => self.stored,
        }
    }
}

/// Credential names that start with `current` and that the subcommand
/// being completed can work on (`creds rm` offers what is stored, `creds
/// add` what is declared and not), each with its provider where known.
/// The config is read leniently: a file with a mistake elsewhere still
/// completes its names.
fn credential_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let words: Vec<OsString> = std::env::args_os().collect();
    let origin = Origin::locate(
        config_flag(&words),
        std::env::var_os("HOMEDASH_CONFIG").map(Into::into),
        config::xdg_path(),
    );
    let text = match origin.path() {
        Some(p) => std::fs::read_to_string(p).unwrap_or_default(),
        None => config::EMBEDDED_DEFAULT.to_string(),
    };
    let meta = crate::logging::state_dir()
        .map(|d| crate::credentials::state_file(&d))
        .and_then(|p| crate::credentials::MetaFile::load(&p).ok());
    known(&text, meta.as_ref())
        .into_iter()
        // Only names homedash accepts: a hand-edited file's odd key never
        // reaches the shell's line.
        .filter(|(n, k)| n.starts_with(current) && config::names::check(n).is_ok() && k.fits(Wanted::of(&words)))
        .map(|(n, k)| {
            let help = k.provider.map(|p| crate::outside::admit_to(&p, 40).to_string().into());
            CompletionCandidate::new(n).help(help)
        })
        .collect()
}

/// Every credential the config text and the state file know of.
fn known(text: &str, meta: Option<&crate::credentials::MetaFile>) -> std::collections::BTreeMap<String, Known> {
    let mut names: std::collections::BTreeMap<String, Known> = Default::default();
    if let Ok(table) = text.parse::<toml::Table>()
        && let Some(creds) = table.get("credential").and_then(|c| c.as_table())
    {
        for (name, c) in creds {
            let source = c.get("source").and_then(|s| s.as_str()).unwrap_or("keyring");
            names.insert(
                name.clone(),
                Known {
                    provider: c.get("provider").and_then(|p| p.as_str()).map(String::from),
                    declared: true,
                    outside_keyring: source != "keyring",
                    oauth: c.get("oauth").is_some(),
                    stored: false,
                },
            );
        }
    }
    for (name, m) in meta.iter().flat_map(|m| m.credentials.iter()) {
        let k = names.entry(name.clone()).or_default();
        k.stored = m.fingerprint.is_some() && m.revoked.is_none();
        if k.provider.is_none() && !m.provider.is_empty() {
            k.provider = Some(m.provider.clone());
        }
    }
    names
}

/// The `--config` / `-c` of the words being completed.
fn config_flag(words: &[OsString]) -> Option<PathBuf> {
    let mut it = words.iter().skip_while(|w| *w != "--").skip(1);
    let mut found = None;
    while let Some(w) = it.next() {
        let s = w.to_string_lossy();
        if s == "--config" || s == "-c" {
            found = it.next().map(PathBuf::from);
        } else if let Some(v) = s.strip_prefix("--config=") {
            found = Some(PathBuf::from(v));
        } else if let Some(v) = s.strip_prefix("-c").filter(|v| !v.is_empty() && !s.starts_with("--")) {
            found = Some(PathBuf::from(v));
        }
    }
    found.filter(|p| !p.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<OsString> {
        w.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_config_flag_is_found_in_every_spelling() {
        for (line, want) in [
            (
                &["homedash", "--", "homedash", "--config", "a.toml", "creds", "test", ""][..],
                Some("a.toml"),
            ),
            (
                &["homedash", "--", "homedash", "-c", "b.toml", "creds", "rm", ""],
                Some("b.toml"),
            ),
            (
                &["homedash", "--", "homedash", "--config=c.toml", "creds", "rm", ""],
                Some("c.toml"),
            ),
            (
                &["homedash", "--", "homedash", "-cd.toml", "creds", "rm", ""],
                Some("d.toml"),
            ),
            (&["homedash", "--", "homedash", "creds", "rm", ""], None),
            // Before the `--`: homedash's own path, not the user's words.
            (&["homedash", "-c", "x.toml", "--", "homedash", "creds", ""], None),
        ] {
            assert_eq!(config_flag(&words(line)), want.map(PathBuf::from), "{line:?}");
        }
    }

    #[test]
    fn each_subcommand_is_offered_the_names_it_can_work_on() {
        let text = "[credential.fresh]\nprovider = \"finnhub\"\n\
                    [credential.kept]\nprovider = \"finnhub\"\n\
                    [credential.gone]\nprovider = \"finnhub\"\n\
                    [credential.ci]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"T\"\n";
        let mut meta = crate::credentials::MetaFile::default();
        let stored = |fp: Option<&str>, revoked: bool| crate::credentials::Meta {
            provider: "finnhub".into(),
            fingerprint: fp.map(String::from),
            revoked: revoked.then(chrono::Utc::now),
            ..Default::default()
        };
        meta.credentials
            .insert("kept".into(), stored(Some("…abcd·0001"), false));
        // Removed with `creds rm`: its facts stay, its token does not.
        meta.credentials.insert("gone".into(), stored(Some("…abcd·0002"), true));
        let k = known(text, Some(&meta));
        let offered =
            |w: Wanted| -> Vec<&str> { k.iter().filter(|(_, k)| k.fits(w)).map(|(n, _)| n.as_str()).collect() };
        assert_eq!(offered(Wanted::Stored), ["kept"]);
        assert_eq!(offered(Wanted::Testable), ["ci", "kept"]);
        assert_eq!(offered(Wanted::New), ["fresh", "gone"]);
        assert_eq!(offered(Wanted::Known), ["ci", "fresh", "gone", "kept"]);
        let line = |sub: &str| words(&["homedash", "--", "homedash", "creds", sub, ""]);
        assert_eq!(Wanted::of(&line("rm")), Wanted::Stored);
        assert_eq!(Wanted::of(&line("test")), Wanted::Testable);
        assert_eq!(Wanted::of(&line("add")), Wanted::New);
        assert_eq!(Wanted::of(&line("login")), Wanted::OAuth);
        assert_eq!(Wanted::of(&line("allow")), Wanted::Known);
    }

    #[test]
    fn names_stay_the_first_positional() {
        use clap::FromArgMatches;
        let m = command().get_matches_from(["homedash", "creds", "allow", "fh", "https://x.example"]);
        match crate::cli::Cli::from_arg_matches(&m).unwrap().command {
            Some(crate::cli::Command::Creds(crate::cli::Creds::Allow { name, origin })) => {
                assert_eq!((name.as_str(), origin.as_str()), ("fh", "https://x.example"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_named_subcommand_has_a_name_argument() {
        let cmd = command();
        let creds = cmd.find_subcommand("creds").unwrap();
        for sub in NAMED {
            let c = creds.find_subcommand(sub).unwrap_or_else(|| panic!("creds {sub}"));
            assert!(c.get_arguments().any(|a| a.get_id() == "name"), "creds {sub} NAME");
        }
    }
}
