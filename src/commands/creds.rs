//! `homedash creds ...`: the Credentials screen's operations from the
//! command line, in the manner of `gh auth`.

mod list;
mod login;
mod prompt;

use std::io::IsTerminal;
use std::process::ExitCode;

use homedash_widgets::provider::Provider;

use crate::cli::Creds;
use crate::commands::out::outln;
use crate::config::names;
use crate::config::{self, Config, CredentialConfig, Origin};
use crate::credentials::CredError;
use crate::credentials::Manager;
use crate::credentials::MetaFile;
use crate::logging;
use crate::net::destinations;
use crate::net::http::Http;
use prompt::read_secret;

pub fn main(cmd: Creds, origin: &Origin) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::commands::out::error(format_args!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let code = match rt.block_on(run(cmd, origin)) {
        Ok(code) => code,
        Err(e) => {
            crate::commands::out::error(e);
            ExitCode::FAILURE
        }
    };
    // Where no Secret Service answers, the first command says where
    // tokens went, and why, once.
    if let Some(note) = logging::state_dir().and_then(|s| {
        let ledger = crate::credentials::state_file(&s);
        crate::ledger::say_once(
            &ledger,
            crate::credentials::Backend::Keyutils,
            crate::stores::fallback_note(),
        )
    }) {
        eprintln!("note: {note}");
    }
    code
}

/// The credential name a command acts on, if it takes one.
fn named(cmd: &Creds) -> Option<&str> {
    match cmd {
        Creds::List { .. } | Creds::Test { name: None, .. } => None,
        Creds::Test { name: Some(name), .. }
        | Creds::Add { name, .. }
        | Creds::Rotate { name, .. }
        | Creds::Move { name, .. }
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
    crate::credentials::choose_store(config.keyring);
    let state = logging::private_state_dir()?;
    crate::audit::init(&state).map_err(|source| CredError::Audit {
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
        Creds::List { json } => list::list(&config, &mut m, json).await,
        Creds::Add {
            name,
            provider,
            no_test,
        } => add(&config, &mut m, &name, provider.as_deref(), no_test).await,
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
        Creds::Rotate { name, force } => rotate(&config, &mut m, find(&name)?, force).await,
        Creds::Move { name, to, force } => {
            let c = find(&name)?;
            let base = crate::net::origins::probe_base(&config, c);
            let moved = m.move_to(c, &base, to, force).await?;
            outln!(
                "{name}: moved from the {} to the {}, tested first ({}); nothing is left in the {}",
                moved.from.name(),
                moved.to.name(),
                moved.verdict.describe(),
                moved.from.name()
            );
            if moved.entries > 1 {
                outln!("its previous token, kept for rollback, moved with it");
            }
            if moved.to.choice() != config.keyring {
                // A process reads only the store it uses.
                outln!(
                    "homedash reads it from the {} only: where {}'s `[keyring] store` picks another store, set it to \"{}\"",
                    moved.to.name(),
                    config.source_name,
                    moved.to.key()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Creds::Confirm { name } => {
            crate::credentials::keyring_only(find(&name)?, "confirm")?;
            m.confirm(&name).await?;
            outln!("{name}: previous token deleted from the keyring");
            Ok(ExitCode::SUCCESS)
        }
        Creds::Rollback { name } => {
            let c = find(&name)?;
            crate::credentials::keyring_only(c, "roll back")?;
            let fp = m.rollback(&name).await?;
            outln!("{name}: previous token ({fp}) restored");
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
        // As the screen's revoke asks first, so does rm, on a terminal.
        Creds::Rm { name, yes: false, .. }
            if std::io::stdin().is_terminal()
                && !prompt::confirm(&format!(
                    "Remove credential \"{name}\"? Its token is deleted and its widgets stop."
                )) =>
        {
            outln!("{name}: kept");
            Ok(ExitCode::from(1))
        }
        Creds::Rm { name, local_only, .. } if config.credential(&name).is_some_and(|c| c.oauth.is_some()) => {
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
            // Named after the keyring answered: the store in use.
            let backend = crate::credentials::backend_name();
            outln!("{name}: deleted from the {backend}");
            if let Some(c) = config.credential(&name) {
                outln!("revoke it at the provider too: {}", c.provider.key_page);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `creds add`: the key page and least-privilege advice, every origin the
/// token will go to, the token read hidden, stored, then tested.
async fn add(
    config: &Config,
    m: &mut Manager,
    name: &str,
    provider: Option<&str>,
    no_test: bool,
) -> Result<ExitCode, CredError> {
    let p = match (provider, config.credential(name)) {
        (Some(p), _) => crate::credentials::keyed_provider(p)?,
        (None, Some(c)) => c.provider,
        (None, None) => {
            return Err(CredError::ProviderNeeded {
                name: name.to_string(),
                config: config.source_name.clone(),
            });
        }
    };
    crate::credentials::check_add(config, name, p)?;
    eprintln!("{}: create a key at {}", p.label, p.key_page);
    eprintln!("Least privilege: {}", p.advice);
    let origins = crate::net::origins::origins_to_approve(config, name, p);
    say_destinations(name, p, &origins, &approved_before(m, name).await, "adding");
    let secret = read_secret(&format!("Token for {name} (input hidden): "))?;
    let fp = m.add_sealed(name, p, &secret, &origins).await?;
    // Named after the keyring answered: the store in use.
    let backend = crate::credentials::backend_name();
    outln!("stored {name} ({fp}) in the {backend} (service \"homedash\", account \"{name}\")");
    if config.credential(name).is_none() {
        outln!(
            "add to {}:\n\n[credential.{name}]\nprovider = \"{}\"\n\nand `credential = \"{name}\"` to the widgets that use it",
            config.source_name,
            p.name
        );
    }
    if no_test {
        return Ok(ExitCode::SUCCESS);
    }
    let cred = match config.credential(name) {
        Some(c) => c.clone(),
        None => CredentialConfig::in_keyring(name, p),
    };
    test_some(config, m, &[cred]).await
}

/// `creds rotate`: the new token tested before it replaces the old, which
/// is kept for a rollback until confirmed.
async fn rotate(config: &Config, m: &mut Manager, c: &CredentialConfig, force: bool) -> Result<ExitCode, CredError> {
    let name = c.name.as_str();
    crate::credentials::keyring_only(c, "rotate")?;
    eprintln!(
        "Create the new key at {} before revoking the old one.",
        c.provider.key_page
    );
    let origins = crate::net::origins::origins_to_approve(config, name, c.provider);
    say_destinations(name, c.provider, &origins, &approved_before(m, name).await, "rotating");
    let secret = read_secret(&format!("New token for {name} (input hidden): "))?;
    let base = crate::net::origins::probe_base(config, c);
    let (fp, verdict) = m
        .rotate_sealed(name, c.provider, &base, &secret, &origins, force)
        .await?;
    if verdict.passed() {
        outln!("rotated {name}: the new token ({fp}) tested valid and is in use");
    } else {
        outln!(
            "rotated {name} (--force): the new token ({fp}) is in use, although its test said: {}",
            verdict.describe()
        );
    }
    outln!(
        "the previous token is kept: `homedash creds rollback {name}` puts it back, `homedash creds confirm {name}` deletes it"
    );
    outln!("then revoke the old token at {}", c.provider.key_page);
    Ok(ExitCode::SUCCESS)
}

/// Before a token is taken: every origin it will be sent to, and which
/// of them this command approves (`doing` it: "adding", "rotating").
fn say_destinations(name: &str, p: &Provider, origins: &[String], before: &[String], doing: &str) {
    if let Some(own) = destinations::provider_origin(p) {
        eprintln!("{name} will be sent to {own} ({}'s API)", p.label);
    }
    for o in origins {
        if before.contains(o) {
            eprintln!("{name} will be sent to {o} (approved before)");
        } else {
            eprintln!("{name} will be sent to {o} (approved by {doing} it here)");
        }
    }
}

/// The origins `name` was approved for before this command; none when the
/// state file cannot be read (the command itself then says why).
async fn approved_before(m: &Manager, name: &str) -> Vec<String> {
    m.load_meta()
        .await
        .ok()
        .and_then(|meta| meta.credentials.get(name).map(|c| c.approved()))
        .unwrap_or_default()
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
        outln!("{name}: {origin} is {}'s own API; it needs no approval", p.label);
        return Ok(ExitCode::SUCCESS);
    }
    if m.approve(name, std::slice::from_ref(&origin)).await?.is_empty() {
        outln!("{name}: {origin} was already approved");
    } else {
        outln!("{name}: approved; it may now be sent to {origin}");
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
    outln!("{name}: approval withdrawn; it is no longer sent to {origin}");
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
        let base = crate::net::origins::probe_base(config, c);
        match m.test(c, &base).await {
            Ok(r) => {
                outln!("{}: {}", c.name, r.outcome);
                all_ok &= r.ok;
            }
            Err(e) => {
                outln!("{}: cannot read: {e}", c.name);
                all_ok = false;
            }
        }
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
