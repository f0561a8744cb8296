//! `homedash creds ...`: the Credentials screen's operations from the
//! command line, in the manner of `gh auth`.

mod login;
mod prompt;

use std::process::ExitCode;

use chrono::Utc;
use homedash_widgets::provider::Provider;
use serde::Serialize;

use crate::cli::Creds;
use crate::config::names;
use crate::config::{self, Config, Origin};
use crate::credentials::BACKEND;
use crate::credentials::CredError;
use crate::credentials::CredState;
use crate::credentials::SecretSource;
use crate::credentials::{Due, Manager};
use crate::credentials::{Meta, MetaFile};
use crate::logging;
use crate::net::destinations;
use crate::net::http::Http;
use prompt::read_secret;

pub fn main(cmd: Creds, origin: &Origin) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("homedash: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cmd, origin)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("homedash: {}", crate::outside::admit_lines(&e.to_string(), 2000));
            ExitCode::FAILURE
        }
    }
}

fn provider_named(name: &str) -> Result<&'static Provider, CredError> {
    homedash_widgets::source::keyed(name).ok_or_else(|| CredError::UnknownProvider {
        name: name.to_string(),
        available: homedash_widgets::source::keyed_all()
            .into_iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The credential name a command acts on, if it takes one.
fn named(cmd: &Creds) -> Option<&str> {
    match cmd {
        Creds::List { .. } | Creds::Test { name: None, .. } => None,
        Creds::Test { name: Some(name), .. }
        | Creds::Add { name, .. }
        | Creds::Rotate { name, .. }
        | Creds::Confirm { name }
        | Creds::Rollback { name }
        | Creds::Rm { name, .. }
        | Creds::Login { name }
        | Creds::Allow { name, .. }
        | Creds::Deny { name, .. } => Some(name),
    }
}

async fn run(cmd: Creds, origin: &Origin) -> Result<ExitCode, CredError> {
    if let Some(name) = named(&cmd) {
        names::check(name)?;
    }
    let config = config::load(origin)?;
    let state = logging::private_state_dir()?;
    crate::credentials::init_audit(&state).map_err(|source| CredError::Audit {
        dir: state.clone(),
        source,
    })?;
    let http = Http::new()?.with_private_ca(config.private_ca())?;
    let mut m = Manager::new(&state, http, None);
    if let Some(c) = named(&cmd).and_then(|n| config.credential(n))
        && c.oauth.is_some()
    {
        let what = match &cmd {
            Creds::Add { .. } => Some("add a token to"),
            Creds::Rotate { .. } => Some("rotate"),
            Creds::Confirm { .. } | Creds::Rollback { .. } => Some("roll back"),
            _ => None,
        };
        if let Some(what) = what {
            return Err(CredError::OAuthOnly {
                name: c.name.clone(),
                what,
            });
        }
    }
    let find = |name: &str| {
        config.credential(name).ok_or_else(|| CredError::NotInConfig {
            name: name.to_string(),
            config: config.source_name.clone(),
        })
    };
    match cmd {
        Creds::List { json } => list(&config, &mut m, json).await,
        Creds::Add {
            name,
            provider,
            no_test,
        } => {
            let p = match (&provider, config.credential(&name)) {
                (Some(p), _) => provider_named(p)?,
                (None, Some(c)) => c.provider,
                (None, None) => {
                    return Err(CredError::ProviderNeeded {
                        name: name.clone(),
                        config: config.source_name.clone(),
                    });
                }
            };
            crate::credentials::check_add(&config, &name, p)?;
            eprintln!("{}: create a key at {}", p.label, p.key_page);
            eprintln!("Least privilege: {}", p.advice);
            let origins = crate::credentials::origins_to_approve(&config, &name, p);
            say_destinations(&name, p, &origins);
            let secret = read_secret(&format!("Token for {name} (input hidden): "))?;
            let fp = m.add_sealed(&name, p, &secret, &origins).await?;
            println!("stored {name} ({fp}) in the {BACKEND} (service \"homedash\", account \"{name}\")");
            if config.credential(&name).is_none() {
                println!(
                    "add to {}:\n\n[credential.{name}]\nprovider = \"{}\"\n\nand `credential = \"{name}\"` to the widgets that use it",
                    config.source_name, p.name
                );
            }
            if no_test {
                return Ok(ExitCode::SUCCESS);
            }
            let cred = match config.credential(&name) {
                Some(c) => c.clone(),
                None => config::CredentialConfig {
                    name: name.clone(),
                    provider: p,
                    source: SecretSource::Keyring,
                    rotate_after: None,
                    expires: None,
                    budget: None,
                    oauth: None,
                },
            };
            test_some(&config, &mut m, &[cred]).await
        }
        Creds::Test { name, all } => {
            let creds: Vec<config::CredentialConfig> = match (name, all) {
                (Some(n), _) => vec![find(&n)?.clone()],
                (None, _) if config.credentials.is_empty() => {
                    return Err(CredError::NoCredentials {
                        config: config.source_name.clone(),
                    });
                }
                (None, _) => config.credentials.clone(),
            };
            test_some(&config, &mut m, &creds).await
        }
        Creds::Rotate { name, force } => {
            let c = find(&name)?.clone();
            crate::credentials::keyring_only(&c, "rotate")?;
            eprintln!(
                "Create the new key at {} before revoking the old one.",
                c.provider.key_page
            );
            let origins = crate::credentials::origins_to_approve(&config, &name, c.provider);
            say_destinations(&name, c.provider, &origins);
            let secret = read_secret(&format!("New token for {name} (input hidden): "))?;
            let base = crate::credentials::probe_base(&config, &c);
            let (fp, verdict) = m
                .rotate_sealed(&name, c.provider, &base, &secret, &origins, force)
                .await?;
            if verdict.passed() {
                println!("rotated {name}: the new token ({fp}) tested valid and is in use");
            } else {
                println!(
                    "rotated {name} (--force): the new token ({fp}) is in use, although its test said: {}",
                    verdict.describe()
                );
            }
            println!(
                "the previous token is kept: `homedash creds rollback {name}` puts it back, `homedash creds confirm {name}` deletes it"
            );
            println!("then revoke the old token at {}", c.provider.key_page);
            Ok(ExitCode::SUCCESS)
        }
        Creds::Confirm { name } => {
            crate::credentials::keyring_only(find(&name)?, "confirm")?;
            m.confirm(&name).await?;
            println!("{name}: previous token deleted from the keyring");
            Ok(ExitCode::SUCCESS)
        }
        Creds::Rollback { name } => {
            let c = find(&name)?;
            crate::credentials::keyring_only(c, "roll back")?;
            let fp = m.rollback(&name).await?;
            println!("{name}: previous token ({fp}) restored");
            Ok(ExitCode::SUCCESS)
        }
        Creds::Allow { name, origin } => allow(&config, &mut m, &name, &origin).await,
        Creds::Deny { name, origin } => deny(&config, &mut m, &name, &origin).await,
        Creds::Login { name } => {
            let c = find(&name)?.clone();
            let Some(o) = c.oauth.clone() else {
                return Err(CredError::NotOAuth { name });
            };
            login::login(&config, &mut m, &c, &o).await
        }
        Creds::Rm { name, local_only } if config.credential(&name).is_some_and(|c| c.oauth.is_some()) => {
            let c = find(&name)?.clone();
            let Some(o) = c.oauth.clone() else {
                return Err(CredError::NotOAuth { name });
            };
            login::remove(&mut m, &c, &o, local_only).await
        }
        Creds::Rm { name, .. } => {
            if let Some(c) = config.credential(&name) {
                crate::credentials::keyring_only(c, "remove")?;
            }
            m.revoke(&name).await?;
            println!("{name}: deleted from the {BACKEND}");
            if let Some(c) = config.credential(&name) {
                println!("revoke it at the provider too: {}", c.provider.key_page);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Before a token is taken: every origin it will be sent to.
fn say_destinations(name: &str, p: &Provider, origins: &[String]) {
    if let Some(own) = destinations::provider_origin(p) {
        eprintln!("{name} will be sent to {own} ({}'s API)", p.label);
    }
    for o in origins {
        eprintln!("{name} will be sent to {o} (approved by adding it here)");
    }
}

/// The provider of credential `name`, from the config or the state file.
fn provider_of(config: &Config, meta: &MetaFile, name: &str) -> Result<&'static Provider, CredError> {
    if let Some(c) = config.credential(name) {
        return Ok(c.provider);
    }
    meta.credentials
        .get(name)
        .and_then(|m| homedash_widgets::source::keyed(&m.provider))
        .ok_or_else(|| CredError::Unknown {
            name: name.to_string(),
            config: config.source_name.clone(),
        })
}

async fn allow(config: &Config, m: &mut Manager, name: &str, origin: &str) -> Result<ExitCode, CredError> {
    let origin = destinations::parse_origin(origin)?;
    let p = provider_of(config, &m.load_meta().await?, name)?;
    if destinations::provider_origin(p).as_deref() == Some(origin.as_str()) {
        println!("{name}: {origin} is {}'s own API; it needs no approval", p.label);
        return Ok(ExitCode::SUCCESS);
    }
    if m.approve(name, std::slice::from_ref(&origin)).await?.is_empty() {
        println!("{name}: {origin} was already approved");
    } else {
        println!("{name}: approved; it may now be sent to {origin}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn deny(config: &Config, m: &mut Manager, name: &str, origin: &str) -> Result<ExitCode, CredError> {
    let origin = destinations::parse_origin(origin)?;
    let p = provider_of(config, &m.load_meta().await?, name)?;
    if destinations::provider_origin(p).as_deref() == Some(origin.as_str()) {
        return Err(CredError::OwnOrigin {
            origin,
            label: p.label,
            name: name.to_string(),
        });
    }
    if !m.deny(name, &origin).await? {
        return Err(CredError::NotApproved {
            name: name.to_string(),
            origin,
        });
    }
    println!("{name}: approval withdrawn; it is no longer sent to {origin}");
    Ok(ExitCode::SUCCESS)
}

async fn test_some(
    config: &Config,
    m: &mut Manager,
    creds: &[config::CredentialConfig],
) -> Result<ExitCode, CredError> {
    let mut all_ok = true;
    for c in creds {
        if c.provider.probe_spends_quota {
            eprintln!(
                "{}: this test spends one request of {}'s daily quota",
                c.name, c.provider.label
            );
        }
        let base = crate::credentials::probe_base(config, c);
        match m.test(c, &base).await {
            Ok(r) => {
                println!("{}: {}", c.name, r.outcome);
                all_ok &= r.ok;
            }
            Err(e) => {
                println!("{}: cannot read: {e}", c.name);
                all_ok = false;
            }
        }
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[derive(Serialize)]
pub struct Row {
    pub name: String,
    pub provider: String,
    pub source: String,
    pub backend: String,
    /// The one status model: valid, untested, rejected, forbidden,
    /// rate_limited, unconfirmed, revoked, not_stored, unknown.
    pub state: CredState,
    /// Whether the keyring holds its token; null when not asked or not known.
    pub stored: Option<bool>,
    pub in_config: bool,
    /// A keyring entry under service "homedash" that homedash did not
    /// write: listed, never changed.
    pub foreign: bool,
    pub fingerprint: Option<String>,
    pub previous_fingerprint: Option<String>,
    pub created: Option<chrono::DateTime<Utc>>,
    pub rotated: Option<chrono::DateTime<Utc>>,
    pub due: Option<String>,
    pub last_test: Option<String>,
    pub last_test_ok: Option<bool>,
    pub used_by: Vec<String>,
    pub requests: u64,
    pub rejected: u64,
    pub rate_limited: u64,
    /// The provider's own API origin, approved without asking.
    pub provider_origin: Option<String>,
    /// Origins the owner approved besides the provider's own.
    pub destinations: Vec<String>,
    /// Origins the config sends it to that are not approved: nothing goes there.
    pub awaiting_approval: Vec<String>,
    pub notes: Vec<String>,
}

impl Row {
    fn new(name: &str, provider: &str, source: String, meta: Option<&Meta>) -> Row {
        Row {
            name: name.to_string(),
            provider: provider.to_string(),
            source,
            backend: String::new(),
            state: CredState::Untested,
            stored: None,
            in_config: false,
            foreign: false,
            fingerprint: meta.and_then(|e| e.fingerprint.clone()),
            previous_fingerprint: meta.and_then(|e| e.previous_fingerprint.clone()),
            created: meta.and_then(|e| e.created),
            rotated: meta.and_then(|e| e.rotated),
            due: None,
            last_test: meta.and_then(|e| e.last_test.as_ref()).map(|t| t.outcome.clone()),
            last_test_ok: meta.and_then(|e| e.last_test.as_ref()).map(|t| t.ok),
            used_by: Vec::new(),
            requests: meta.map_or(0, |e| e.usage.requests),
            rejected: meta.map_or(0, |e| e.usage.rejected),
            rate_limited: meta.map_or(0, |e| e.usage.limited),
            provider_origin: None,
            destinations: meta.map(Meta::approved).unwrap_or_default(),
            awaiting_approval: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Every credential the config names, then the keyring's homedash entries
/// the config does not name, then foreign ones. Works without a keyring:
/// what needs one is said, the rest comes from the state file.
async fn list(config: &Config, m: &mut Manager, json: bool) -> Result<ExitCode, CredError> {
    let mut notes: Vec<(String, String)> = Vec::new();
    // Repairs first (they need the keyring), then one search of it.
    let (accounts, keyring_problem) = match m.keyring().await {
        Ok(k) => {
            // An OAuth record is not a token to fingerprint whole.
            for c in config
                .credentials
                .iter()
                .filter(|c| c.source == SecretSource::Keyring && c.oauth.is_none())
            {
                if let Some(n) = m.reconcile(&c.name).await? {
                    notes.push((c.name.clone(), n.to_string()));
                }
            }
            match tokio::task::spawn_blocking(move || k.accounts()).await {
                Ok(Ok(a)) => (Some(a), None),
                Ok(Err(e)) => (None, Some(e.to_string())),
                Err(e) => (None, Some(e.to_string())),
            }
        }
        Err(e) => (None, Some(e.to_string())),
    };
    let meta: MetaFile = m.load_meta().await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for c in &config.credentials {
        let e = meta.credentials.get(&c.name);
        // Whether the keyring entry NAME holds its value (a client-
        // credentials grant keeps nothing there).
        let keyring = c.source == SecretSource::Keyring && c.oauth.as_deref().is_none_or(|o| o.grant.has_user());
        let stored = match (&accounts, keyring) {
            (Some(a), true) => Some(a.contains(&c.name)),
            _ => None,
        };
        let mut r = Row::new(&c.name, c.provider.name, crate::credentials::describe(c), e);
        r.in_config = true;
        r.stored = stored;
        r.state = match (keyring, stored, e) {
            // Nothing in the state file and no keyring to ask.
            (true, None, None) => CredState::Unknown,
            _ => CredState::derive(e, None, stored),
        };
        if keyring {
            r.backend = BACKEND.into();
        }
        r.due = Due::of(c, e, now).label().or_else(|| Due::next(c, e));
        r.used_by = config.users_of(&c.name).into_iter().map(String::from).collect();
        r.provider_origin = destinations::provider_origin(c.provider);
        let to = destinations::Destinations::new(c.provider, &r.destinations);
        r.awaiting_approval = crate::credentials::config_origins(config, &c.name)
            .into_iter()
            .filter(|o| !to.allows_origin(o))
            .collect();
        r.notes = notes
            .iter()
            .filter(|(n, _)| *n == c.name)
            .map(|(_, t)| t.clone())
            .collect();
        // An OAuth login's record: the refresh token in use now (renewals
        // rotate it without writing the state file), its age, the access
        // token's time left and the scopes granted.
        if let Some(o) = c.oauth.as_deref()
            && o.grant.has_user()
            && stored == Some(true)
            && let Ok(k) = m.keyring().await
            && let Ok(st) = crate::credentials::read_oauth(&k, &c.name).await
        {
            r.fingerprint = st.fingerprint();
            r.notes.push(format!(
                "logged in{}",
                crate::credentials::oauth_facts(&st, &o.scopes, now)
            ));
        }
        match r.state {
            CredState::NotStored | CredState::Revoked if c.oauth.is_some() => r.notes.push(format!(
                "not logged in: `homedash creds login {}` (or l on the Credentials screen)",
                c.name
            )),
            CredState::NotStored => r.notes.push(format!(
                "no token stored: `homedash creds add {} --provider {}`",
                c.name, c.provider.name
            )),
            CredState::Revoked => r
                .notes
                .push("revoked; store a new token with `homedash creds add`".into()),
            _ => {}
        }
        rows.push(r);
    }
    if let Some(accounts) = &accounts {
        let in_config = |n: &str| config.credential(n).is_some();
        for a in accounts {
            match names::classify(a) {
                names::Account::Token(n) if !in_config(&n) => {
                    let e = meta.credentials.get(&n);
                    let provider = e.map(|e| e.provider.clone()).unwrap_or_default();
                    let mut r = Row::new(&n, &provider, "keyring".into(), e);
                    r.backend = BACKEND.into();
                    r.stored = Some(true);
                    r.state = CredState::derive(e, None, Some(true));
                    r.notes.push(format!(
                        "not in {}: add a [credential.{n}] table to use it, or `homedash creds rm {n}`",
                        config.source_name
                    ));
                    rows.push(r);
                }
                names::Account::Staged(n) | names::Account::Previous(n) | names::Account::Client(n)
                    if !in_config(&n) =>
                {
                    let mut r = Row::new(a, "", "keyring".into(), None);
                    r.backend = BACKEND.into();
                    r.stored = Some(true);
                    r.state = CredState::Untested;
                    r.notes
                        .push(if matches!(names::classify(a), names::Account::Client(_)) {
                            format!(
                                "the client secret of OAuth credential \"{n}\", which is not in the config; left alone"
                            )
                        } else {
                            format!("a rotation's token for \"{n}\", which is not in the config; left alone")
                        });
                    rows.push(r);
                }
                names::Account::Foreign(raw) => {
                    let shown = crate::outside::admit_to(&raw, 80);
                    let mut r = Row::new(&shown, "", "keyring".into(), None);
                    r.backend = BACKEND.into();
                    r.stored = Some(true);
                    r.foreign = true;
                    r.state = CredState::Unknown;
                    r.notes.push("foreign: not written by homedash (its name is not a credential name); homedash never changes it".into());
                    rows.push(r);
                }
                _ => {}
            }
        }
    }
    if let Some(problem) = &keyring_problem {
        for r in rows.iter_mut().filter(|r| r.source == "keyring") {
            r.notes.push(format!(
                "the keyring cannot be asked, so whether a token is stored is not shown: {problem}"
            ));
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows).map_err(CredError::Encode)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!("{} defines no credentials", config.source_name);
    } else {
        print_table(&rows, now);
    }
    if let Some(problem) = keyring_problem {
        println!();
        println!("note: {problem}");
        println!(
            "note: the list above is what {} knows; whether each keyring token is stored, and keyring entries the config does not name, need the keyring",
            m.meta_path().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(rows: &[Row], now: chrono::DateTime<Utc>) {
    use homedash_widgets::format::fit;
    const HEADERS: [&str; 9] = [
        "NAME",
        "PROVIDER",
        "SOURCE",
        "TOKEN",
        "AGE",
        "DUE",
        "STATE",
        "LAST TEST",
        "USED BY",
    ];
    // Each column as wide as its longest cell (up to these), so the table
    // fits a terminal rather than a fixed 140 columns.
    const MAX: [usize; 8] = [16, 15, 16, 10, 8, 20, 17, 32];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            let age = r
                .rotated
                .or(r.created)
                .map(|t| homedash_widgets::format::age(now, t))
                .unwrap_or_else(|| "–".into());
            [
                fit(&r.name, MAX[0]),
                fit(if r.provider.is_empty() { "–" } else { &r.provider }, MAX[1]),
                fit(&r.source, MAX[2]),
                fit(r.fingerprint.as_deref().unwrap_or("–"), MAX[3]),
                age,
                fit(r.due.as_deref().unwrap_or("–"), MAX[5]),
                r.state.label().to_string(),
                fit(r.last_test.as_deref().unwrap_or("never"), MAX[7]),
                r.used_by.join(", "),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let mut out = String::new();
        for (i, c) in row.iter().enumerate() {
            if i + 1 == row.len() {
                out.push_str(c);
            } else {
                out.push_str(&format!("{c:<w$} ", w = widths[i]));
            }
        }
        out.trim_end().to_string()
    };
    println!("{}", line(&HEADERS.map(String::from)));
    for (r, row) in rows.iter().zip(&cells) {
        println!("{}", line(row));
        if let Some(p) = &r.previous_fingerprint {
            println!(
                "  previous token {p} kept for rollback (`homedash creds confirm {}` deletes it)",
                r.name
            );
        }
        for o in &r.awaiting_approval {
            println!(
                "  not approved for {o}: nothing is sent there; `homedash creds allow {} {o}` approves it",
                r.name
            );
        }
        for n in &r.notes {
            println!("  {n}");
        }
    }
}
