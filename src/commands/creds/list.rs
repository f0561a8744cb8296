//! `homedash creds list`: every credential, its state and what to do next,
//! as a table or JSON.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::commands::out::outln;
use crate::config::{Config, CredentialConfig, names};
use crate::credentials::{CredError, Due, Manager, Meta, MetaFile, SecretSource};
use crate::net::destinations;
use crate::screens::credentials::standing::{CredState, answer_words, due_words};

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
    /// Every request that carried it, polls and tests alike, and what
    /// their answers were.
    pub requests: u64,
    pub ok: u64,
    pub rejected: u64,
    pub forbidden: u64,
    pub rate_limited: u64,
    /// The last answer that said something about it, e.g. "rejected while
    /// polling at 14:02".
    pub last_answer: Option<String>,
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
            last_test: meta.and_then(Meta::current_test).map(|t| t.outcome.clone()),
            last_test_ok: meta.and_then(Meta::current_test).map(|t| t.ok),
            used_by: Vec::new(),
            requests: meta.map_or(0, |e| e.usage.requests),
            ok: meta.map_or(0, |e| e.usage.ok),
            rejected: meta.map_or(0, |e| e.usage.rejected),
            forbidden: meta.map_or(0, |e| e.usage.forbidden),
            rate_limited: meta.map_or(0, |e| e.usage.limited),
            last_answer: meta.and_then(|e| e.usage.last.as_ref()).map(answer_words),
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
pub(super) async fn list(config: &Config, m: &mut Manager, json: bool) -> Result<ExitCode, CredError> {
    let mut notes: Vec<(String, String)> = Vec::new();
    let (accounts, keyring_problem) = keyring_accounts(config, m, &mut notes).await?;
    let meta: MetaFile = m.load_meta().await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for c in &config.credentials {
        rows.push(configured(config, m, c, &meta, accounts.as_deref(), &notes, now).await);
    }
    if let Some(accounts) = &accounts {
        rows.extend(unconfigured(config, &meta, accounts));
    }
    // JSON rows stand alone; the table says the problem once, below it.
    if let Some(problem) = keyring_problem.as_ref().filter(|_| json) {
        for r in rows.iter_mut().filter(|r| r.source == "keyring") {
            r.notes.push(format!(
                "the keyring cannot be asked, so whether a token is stored is not shown: {problem}"
            ));
        }
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&rows).map_err(CredError::Encode)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        outln!("{} defines no credentials", config.source_name);
    } else {
        print_table(&rows, now);
    }
    if let Some(problem) = keyring_problem {
        outln!();
        outln!("note: {problem}");
        outln!(
            "note: the list above is what {} knows; whether each keyring token is stored, and keyring entries the config does not name, need the keyring",
            m.meta_path().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The keyring's accounts, or why it cannot be asked. Repairs of
/// interrupted rotations come first (they need the keyring); what each did
/// goes into `notes`.
async fn keyring_accounts(
    config: &Config,
    m: &mut Manager,
    notes: &mut Vec<(String, String)>,
) -> Result<(Option<Vec<String>>, Option<String>), CredError> {
    let k = match m.keyring().await {
        Ok(k) => k,
        Err(e) => return Ok((None, Some(e.to_string()))),
    };
    // An OAuth record is not a token to fingerprint whole.
    for c in config
        .credentials
        .iter()
        .filter(|c| c.source == SecretSource::Keyring && c.oauth.is_none())
    {
        match m.reconcile(&c.name).await {
            Ok(Some(n)) => notes.push((c.name.clone(), n.to_string())),
            Ok(None) => {}
            // Kept in another store: its row says so.
            Err(CredError::Keyring(
                crate::credentials::KeyringError::Elsewhere { .. } | crate::credentials::KeyringError::Gone { .. },
            )) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(match tokio::task::spawn_blocking(move || k.accounts()).await {
        Ok(Ok(a)) => (Some(a), None),
        Ok(Err(e)) => (None, Some(e.to_string())),
        Err(e) => (None, Some(e.to_string())),
    })
}

/// A credential the config names: its state, due dates, users, origins
/// and what to do next.
async fn configured(
    config: &Config,
    m: &mut Manager,
    c: &CredentialConfig,
    meta: &MetaFile,
    accounts: Option<&[String]>,
    notes: &[(String, String)],
    now: DateTime<Utc>,
) -> Row {
    let e = meta.credentials.get(&c.name);
    // Whether the keyring entry NAME holds its value (a client-
    // credentials grant keeps nothing there).
    let keyring = c.source == SecretSource::Keyring && c.oauth.as_deref().is_none_or(|o| o.grant.has_user());
    let stored = match (accounts, keyring) {
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
        r.backend = crate::credentials::backend_name().into();
    }
    r.due = due_words(&Due::of(c, e, now)).or_else(|| Due::next(c, e));
    r.used_by = config.users_of(&c.name).into_iter().map(String::from).collect();
    r.provider_origin = destinations::provider_origin(c.provider);
    let to = destinations::Destinations::new(c.provider, &r.destinations);
    r.awaiting_approval = crate::net::origins::config_origins(config, &c.name)
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
    // Kept in another store, or dropped by the kernel: never "not stored".
    if keyring
        && let Some(e) = e
        && let Some(kept) = e.store
    {
        let here = crate::credentials::backend();
        let why = e
            .elsewhere(&c.name, here)
            .or_else(|| (stored == Some(false)).then(|| e.dropped(&c.name)).flatten());
        if let Some(why) = why {
            r.backend = kept.name().into();
            r.stored = None;
            r.state = CredState::Unavailable;
            r.notes.push(why.to_string());
        }
    }
    match r.state {
        CredState::NotStored | CredState::Revoked if c.oauth.is_some() => r.notes.push(format!(
            "not logged in: `homedash creds login {}` (or from the Credentials screen)",
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
    r
}

/// The keyring's entries the config does not name: homedash's own (a
/// token, a rotation's, a client secret) and foreign ones, never changed.
fn unconfigured(config: &Config, meta: &MetaFile, accounts: &[String]) -> Vec<Row> {
    let in_config = |n: &str| config.credential(n).is_some();
    let mut rows = Vec::new();
    for a in accounts {
        let mut r = match names::classify(a) {
            names::Account::Token(n) if !in_config(&n) => {
                let e = meta.credentials.get(&n);
                let provider = e.map(|e| e.provider.clone()).unwrap_or_default();
                let mut r = Row::new(&n, &provider, "keyring".into(), e);
                r.state = CredState::derive(e, None, Some(true));
                r.notes.push(format!(
                    "not in {}: add a [credential.{n}] table to use it, or `homedash creds rm {n}`",
                    config.source_name
                ));
                r
            }
            names::Account::Staged(n) | names::Account::Previous(n) | names::Account::Client(n) if !in_config(&n) => {
                let mut r = Row::new(a, "", "keyring".into(), None);
                r.state = CredState::Untested;
                r.notes
                    .push(if matches!(names::classify(a), names::Account::Client(_)) {
                        format!("the client secret of OAuth credential \"{n}\", which is not in the config; left alone")
                    } else {
                        format!("a rotation's token for \"{n}\", which is not in the config; left alone")
                    });
                r
            }
            names::Account::Foreign(raw) => {
                let shown = crate::outside::admit_to(&raw, 80);
                let mut r = Row::new(&shown, "", "keyring".into(), None);
                r.foreign = true;
                r.state = CredState::Unknown;
                r.notes.push(
                    "foreign: not written by homedash (its name is not a credential name); homedash never changes it"
                        .into(),
                );
                r
            }
            _ => continue,
        };
        r.backend = crate::credentials::backend_name().into();
        r.stored = Some(true);
        rows.push(r);
    }
    rows
}

fn print_table(rows: &[Row], now: chrono::DateTime<Utc>) {
    use homedash_widgets::format::fit;
    use std::io::IsTerminal;
    // The screen's columns, in its order.
    use crate::screens::credentials::view::HEADERS;
    // Each column as wide as its longest cell, up to these on a terminal
    // so the table fits one; a pipe or a file gets every cell whole.
    let max: [usize; 8] = if std::io::stdout().is_terminal() {
        [16, 15, 16, 10, 8, 20, 32, 17]
    } else {
        [usize::MAX; 8]
    };
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            let age = r
                .rotated
                .or(r.created)
                .map(|t| homedash_widgets::format::age(now, t))
                .unwrap_or_else(|| "–".into());
            [
                fit(&r.name, max[0]),
                fit(if r.provider.is_empty() { "–" } else { &r.provider }, max[1]),
                fit(&r.source, max[2]),
                fit(r.fingerprint.as_deref().unwrap_or("–"), max[3]),
                age,
                fit(r.due.as_deref().unwrap_or("–"), max[5]),
                fit(r.last_test.as_deref().unwrap_or("never"), max[6]),
                r.state.label().to_string(),
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
    outln!("{}", line(&HEADERS.map(String::from)));
    for (r, row) in rows.iter().zip(&cells) {
        outln!("{}", line(row));
        if let Some(p) = &r.previous_fingerprint {
            outln!(
                "  previous token {p} kept for rollback (`homedash creds confirm {}` deletes it)",
                r.name
            );
        }
        for o in &r.awaiting_approval {
            outln!(
                "  not approved for {o}: nothing is sent there; `homedash creds allow {} {o}` approves it",
                r.name
            );
        }
        if r.requests > 0 {
            outln!(
                "  {} request{}: {} ok, {} rejected, {} forbidden, {} rate-limited{}",
                r.requests,
                if r.requests == 1 { "" } else { "s" },
                r.ok,
                r.rejected,
                r.forbidden,
                r.rate_limited,
                r.last_answer
                    .as_deref()
                    .map(|a| format!("; last {a}"))
                    .unwrap_or_default()
            );
        }
        for n in &r.notes {
            outln!("  {n}");
        }
    }
}
