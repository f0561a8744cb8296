//! The checks of what homedash keeps: the config, the state directory,
//! the keyring and each credential's source.

use std::os::unix::fs::MetadataExt;

use chrono::{DateTime, Utc};

use super::{Check, Status};
use crate::config::{self, Config, CredentialConfig, LoadError, Origin};
use crate::credentials::{Due, describe};
use crate::credentials::{Keyring, KeyringError, keyring_off_thread as off_thread};
use crate::credentials::{Meta, MetaFile, SecretSource, SourceError, readable, state_file};

/// The config, when it is trusted and valid; what is wrong otherwise.
pub fn config(origin: &Origin, found: &mut Vec<Check>) -> Option<Config> {
    let Some(path) = origin.path() else {
        let c = config::load(origin).ok()?;
        crate::credentials::choose_store(c.keyring);
        found.push(Check::ok(
            "config",
            format!(
                "none written: the embedded default ({} widgets, no token); `homedash setup` writes your own",
                c.widgets.len()
            ),
        ));
        return Some(c);
    };
    match config::load(origin) {
        Ok(c) => {
            crate::credentials::choose_store(c.keyring);
            let mode = std::fs::metadata(path).map(|m| m.mode() & 0o777).unwrap_or(0);
            found.push(Check::ok(
                "config",
                format!(
                    "{}: valid, {} widget{}, {} credential{}; mode {mode:04o}, writable by you only",
                    path.display(),
                    c.widgets.len(),
                    if c.widgets.len() == 1 { "" } else { "s" },
                    c.credentials.len(),
                    if c.credentials.len() == 1 { "" } else { "s" },
                ),
            ));
            Some(c)
        }
        Err(LoadError::Untrusted(u)) => {
            found.push(Check::problem(
                "config",
                Status::Fail,
                format!(
                    "{} {}: anyone who can write it could point your tokens elsewhere or run commands as you, so homedash refuses it (and doctor runs none of its credential commands)",
                    u.path.display(),
                    u.why
                ),
                u.fix,
            ));
            None
        }
        Err(e @ LoadError::Read { .. }) => {
            found.push(Check::problem(
                "config",
                Status::Fail,
                e.to_string(),
                format!(
                    "check the path and its permissions, or run `homedash setup` to write {}",
                    path.display()
                ),
            ));
            None
        }
        Err(LoadError::Invalid(e)) => {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            found.push(Check::problem(
                "config",
                Status::Fail,
                first,
                format!(
                    "`homedash check --config {}` lists every problem with file:line:col",
                    path.display()
                ),
            ));
            None
        }
    }
}

/// A config whose first line names the schema beside it: the file is
/// there and is this homedash's, or an editor checks against old keys.
/// Nothing is said of a config that names no schema.
pub fn schema(origin: &Origin, found: &mut Vec<Check>) {
    let Some(path) = origin.path() else { return };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    if text.lines().next() != Some(config::schema::DIRECTIVE) {
        return;
    }
    let beside = path.with_file_name(config::schema::FILE_NAME);
    let fix = || {
        format!(
            "`homedash schema --write --config {}` writes this homedash's",
            path.display()
        )
    };
    match std::fs::read_to_string(&beside) {
        Ok(t) if t.trim_end() == config::schema::text() => found.push(Check::ok(
            "schema",
            format!("{}: this homedash's, for editors", beside.display()),
        )),
        Ok(_) => found.push(Check::problem(
            "schema",
            Status::Warn,
            format!(
                "{} is another homedash's: an editor checks the config against keys that may have changed",
                beside.display()
            ),
            fix(),
        )),
        Err(e) => found.push(Check::problem(
            "schema",
            Status::Warn,
            format!(
                "{}, which the config's first line names, cannot be read ({e}): an editor checks nothing",
                beside.display()
            ),
            fix(),
        )),
    }
}

/// The state directory and its files: the owner's alone.
pub fn state(found: &mut Vec<Check>) {
    let Some(dir) = crate::logging::state_dir() else {
        found.push(Check::problem(
            "state",
            Status::Fail,
            "no home directory to keep state in",
            "set HOME (or XDG_STATE_HOME)",
        ));
        return;
    };
    let meta = match std::fs::metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            found.push(Check::ok(
                "state",
                format!(
                    "{}: not created yet (the first credential or log creates it, 0700)",
                    dir.display()
                ),
            ));
            return;
        }
        Err(e) => {
            found.push(Check::problem(
                "state",
                Status::Fail,
                format!("cannot read {}: {e}", dir.display()),
                format!("ls -ld {}", dir.display()),
            ));
            return;
        }
    };
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        found.push(Check::problem(
            "state",
            Status::Fail,
            format!("{} belongs to another user (uid {})", dir.display(), meta.uid()),
            format!("chown -R $USER {}", dir.display()),
        ));
        return;
    }
    if meta.mode() & 0o077 != 0 {
        found.push(Check::problem(
            "state",
            Status::Fail,
            format!(
                "{} is open to others (mode {:04o}): its audit log and credential facts are yours alone",
                dir.display(),
                meta.mode() & 0o7777
            ),
            format!("chmod 700 {}", dir.display()),
        ));
        return;
    }
    let open: Vec<String> = [crate::credentials::STATE_FILE, crate::audit::FILE]
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.mode() & 0o077 != 0))
        .map(|p| p.display().to_string())
        .collect();
    if !open.is_empty() {
        found.push(Check::problem(
            "state",
            Status::Fail,
            format!("{} can be read by others", open.join(" and ")),
            format!("chmod 600 {}", open.join(" ")),
        ));
        return;
    }
    found.push(Check::ok("state", format!("{}: mode 0700, files 0600", dir.display())));
}

/// Whether the keyring answers and is unlocked. Checked whatever the
/// config says, since `creds add` and the Credentials screen need it.
pub async fn keyring(config: Option<&Config>, found: &mut Vec<Check>) -> Option<Keyring> {
    match unlocked_keyring().await {
        Ok((k, entries)) => {
            // The kernel keyring keeps its entries in memory only: say for
            // how long, so a reboot's loss is no surprise.
            let kept = crate::stores::lifetime(k.backend())
                .map(|l| format!("; {l}"))
                .unwrap_or_default();
            found.push(Check::ok(
                "keyring",
                format!(
                    "{} reachable and unlocked; {entries} homedash entr{}{kept}",
                    crate::credentials::backend_name(),
                    if entries == 1 { "y" } else { "ies" }
                ),
            ));
            Some(k)
        }
        Err(e) => {
            let needed = config.is_none_or(|c| c.credentials.iter().any(CredentialConfig::uses_keyring));
            let status = if needed { Status::Fail } else { Status::Warn };
            let fix = match &e {
                KeyringError::Locked { .. } => {
                    "unlock the keyring: log in to your desktop session, or open Seahorse (Passwords and Keys) and unlock \"Login\"; on a headless machine, `gnome-keyring-daemon --unlock` with the password on stdin"
                }
                _ => {
                    "start a Secret Service (GNOME Keyring, KWallet or KeePassXC) in your session, or set `[keyring] store = \"auto\"` or `\"keyutils\"` to keep tokens in the kernel keyring, or give each credential `source = \"env\"` or `source = \"command\"`"
                }
            };
            found.push(Check::problem("keyring", status, e.cause(), fix));
            None
        }
    }
}

/// The keyring, connected and proven unlocked, and how many homedash
/// entries it holds. Finding entries works on a locked keyring; reading
/// one does not. With none to read, a throw-away entry is written and
/// removed (its name has a space, which no credential name can).
async fn unlocked_keyring() -> Result<(Keyring, usize), KeyringError> {
    let k = off_thread(Keyring::connect).await?;
    let k2 = k.clone();
    let accounts = off_thread(move || k2.accounts()).await?;
    let k2 = k.clone();
    let first = accounts.first().cloned();
    off_thread(move || match first {
        Some(name) => k2.get(&name).map(drop),
        None => k2.probe_write(),
    })
    .await?;
    Ok((k, accounts.len()))
}

/// Each credential: its source reads, its last test, its due dates.
pub async fn credentials(config: Option<&Config>, keyring: Option<&Keyring>, found: &mut Vec<Check>) {
    let Some(config) = config else {
        found.push(Check {
            check: "credentials".into(),
            status: Status::Skipped,
            summary: "not checked: the config above could not be used".into(),
            fix: None,
        });
        return;
    };
    if config.credentials.is_empty() {
        found.push(Check::ok("credentials", "none in the config"));
        return;
    }
    let metas = crate::logging::state_dir()
        .map(|d| state_file(&d))
        .and_then(|p| MetaFile::load(&p).ok())
        .unwrap_or_default();
    let now = Utc::now();
    for c in &config.credentials {
        found.push(credential(c, metas.credentials.get(&c.name), keyring, now).await);
    }
}

async fn credential(c: &CredentialConfig, meta: Option<&Meta>, keyring: Option<&Keyring>, now: DateTime<Utc>) -> Check {
    let name = format!("credential {}", c.name);
    let from = describe(c);
    if c.uses_keyring() && keyring.is_none() {
        return Check {
            check: name,
            status: Status::Skipped,
            summary: format!("{from}: not read, the keyring above is not usable"),
            fix: None,
        };
    }
    if let Err(e) = read(c, keyring).await {
        let fix = match &e {
            SourceError::Keyring(KeyringError::NotFound { .. }) if c.oauth.is_some() => {
                format!("homedash creds login {}", c.name)
            }
            SourceError::Keyring(KeyringError::NotFound { .. }) => {
                format!("homedash creds add {} --provider {}", c.name, c.provider.name)
            }
            SourceError::EnvUnset { var } | SourceError::EnvEmpty { var } => {
                format!("export {var}=… in the environment homedash starts from")
            }
            SourceError::NotFound { program, .. } => {
                format!("install {program}, or give the full path in the credential's command")
            }
            SourceError::Failed { .. } | SourceError::EmptyOutput { .. } | SourceError::TooMuchOutput { .. } => {
                format!(
                    "run the command by hand ({}) and fix what it says; it must print the token alone on stdout",
                    command_line(c)
                )
            }
            SourceError::TimedOut { .. } => format!(
                "run the command by hand ({}): it must finish within its timeout (raise `timeout` in [credential.{}] if it prompts)",
                command_line(c),
                c.name
            ),
            SourceError::Keyring(KeyringError::Elsewhere { kept, here, .. }) => format!(
                "homedash creds move {} --to {} (where both answer), or [keyring] store = \"{}\"",
                c.name,
                here.key(),
                kept.key()
            ),
            SourceError::Keyring(KeyringError::Gone { .. }) => format!(
                "homedash creds add {} --provider {}, or a `systemd` or `command` source to outlive reboots",
                c.name, c.provider.name
            ),
            SourceError::NoCredentialsDirectory { name } => format!(
                "run homedash from a unit with LoadCredentialEncrypted={name}:… (assets/homedash.service); to check by hand: systemd-run --user --pty -p LoadCredentialEncrypted={name}:PATH homedash doctor"
            ),
            SourceError::SystemdFile { .. } => {
                "load it with the unit's LoadCredential= or LoadCredentialEncrypted=, which gives it to the service's user, mode 0400".to_string()
            }
            SourceError::Keyring(_) => "see the keyring line above".to_string(),
            SourceError::Unsafe { .. } if matches!(c.source, crate::credentials::SecretSource::Keyring) => {
                format!("homedash creds rotate {}", c.name)
            }
            SourceError::Unsafe { .. } => "store the token again where it lives, as printable text".to_string(),
        };
        let why = match &e {
            SourceError::Keyring(k) => k.cause(),
            other => other.to_string(),
        };
        return Check::problem(name, Status::Fail, format!("{from}: cannot read: {why}"), fix);
    }
    let mut facts = vec![format!("{from}: reads")];
    if let Some(fp) = meta.and_then(|m| m.fingerprint.as_deref()) {
        facts.push(format!("fingerprint {fp}"));
    }
    let ago = |at: DateTime<Utc>| {
        let days = (now - at).num_days();
        match days {
            0 => "today".to_string(),
            1 => "yesterday".to_string(),
            d => format!("{d} days ago"),
        }
    };
    let mut status = Status::Ok;
    let mut fix = None;
    match meta.and_then(|m| m.last_test.as_ref()) {
        Some(t) if t.ok => facts.push(format!("last test {} {}", t.outcome, ago(t.at))),
        Some(t) => {
            facts.push(format!("last test {} ({})", t.outcome, ago(t.at)));
            status = Status::Warn;
            fix = Some(format!(
                "homedash creds test {0}; if the provider rejects it, homedash creds rotate {0}",
                c.name
            ));
        }
        None if c.oauth.is_some() => {}
        None => {
            facts.push("never tested".into());
            status = Status::Warn;
            fix = Some(format!("homedash creds test {}", c.name));
        }
    }
    let expires = c.expires.or(meta.and_then(|m| m.expires));
    if let Some(exp) = expires {
        facts.push(format!("expires {exp}"));
    }
    if let (Some(every), Some(since)) = (c.rotate_after, meta.and_then(|m| m.rotated.or(m.created))) {
        let due = since + chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
        facts.push(format!("rotation due {}", due.date_naive()));
    }
    match Due::of(c, meta, now) {
        Due::Fine => {}
        Due::RotationDue { since_days } => {
            facts.push(format!("rotation overdue by {since_days} days"));
            status = worst(status, Status::Warn);
            fix = Some(format!("homedash creds rotate {}", c.name));
        }
        Due::ExpiresSoon { days } => {
            facts.push(format!("expires in {days} days"));
            status = worst(status, Status::Warn);
            fix = Some(format!(
                "get a new token from {} and `homedash creds rotate {}`",
                c.provider.name, c.name
            ));
        }
        Due::Expired { days_ago } => {
            facts.push(format!("expired {days_ago} days ago"));
            status = Status::Fail;
            fix = Some(format!(
                "get a new token from {} and `homedash creds rotate {}`",
                c.provider.name, c.name
            ));
        }
    }
    Check {
        check: name,
        status,
        summary: facts.join(" · "),
        fix,
    }
}

fn worst(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Ok => 0,
        Status::Skipped => 1,
        Status::Warn => 2,
        Status::Fail => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// The value (never shown), or why it cannot be read. An OAuth login is
/// its record in the keyring; its client secret is read where it lives.
async fn read(c: &CredentialConfig, keyring: Option<&Keyring>) -> Result<(), SourceError> {
    match c.oauth.as_deref() {
        Some(o) => {
            if o.grant.has_user() {
                readable(&SecretSource::Keyring, &c.name, keyring).await?;
            }
            if let Some(s) = &o.client_secret {
                readable(s, &crate::credentials::client_secret_account(&c.name), keyring).await?;
            }
            Ok(())
        }
        None => readable(&c.source, &c.name, keyring).await,
    }
}

/// The command of a command source, as the user would type it.
fn command_line(c: &CredentialConfig) -> String {
    match &c.source {
        SecretSource::Command { argv, .. } => argv.join(" "),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_beside_a_config_that_names_it_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let origin = Origin::Flag(path.clone());
        let run = || {
            let mut found = Vec::new();
            schema(&origin, &mut found);
            found
        };
        std::fs::write(&path, "[widget.c]\nkind = \"clock\"\n").unwrap();
        assert!(run().is_empty(), "no #:schema line, nothing to say");

        std::fs::write(
            &path,
            format!("{}\n[widget.c]\nkind = \"clock\"\n", config::schema::DIRECTIVE),
        )
        .unwrap();
        let missing = run();
        assert_eq!(missing[0].status, Status::Warn);
        assert!(missing[0].fix.as_deref().unwrap().contains("homedash schema --write"));

        let beside = dir.path().join(config::schema::FILE_NAME);
        std::fs::write(&beside, "{\"title\": \"an older homedash\"}\n").unwrap();
        let stale = run();
        assert_eq!(stale[0].status, Status::Warn);
        assert!(stale[0].summary.contains("another homedash"), "{}", stale[0].summary);

        config::write::write_schema_beside(&path).unwrap();
        let fine = run();
        assert_eq!(fine[0].status, Status::Ok, "{}", fine[0].summary);
    }
}
