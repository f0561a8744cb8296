//! `homedash gateway`: render and reload the nginx gateway, manage its
//! clients, and read its access log.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::commands::out::outln;
use crate::credentials::{ClientToken, ClientTokenError};
use chrono::Utc;

use crate::audit::{self, Event};
use crate::cli::{Gateway, GatewayClientCmd};
use crate::config::{self, Origin};
use crate::credentials::{MetaFile, state_file};
use crate::gateway::clients::{self, Client, Clients};
use crate::gateway::{self, GatewayError, nginx, report};
use crate::logging;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] config::LoadError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Clients(#[from] clients::ClientsError),
    #[error(transparent)]
    Name(#[from] config::names::BadName),
    #[error(transparent)]
    StateDir(#[from] logging::StateDirError),
    #[error(transparent)]
    State(#[from] crate::credentials::StateError),
    #[error("client \"{0}\" already exists; revoke it first (`homedash gateway client rm {0}`) to give it a new token")]
    Exists(String),
    #[error("no client \"{0}\" (see `homedash gateway client list`)")]
    NoSuchClient(String),
    #[error("client \"{0}\" is already revoked")]
    AlreadyRevoked(String),
    #[error(transparent)]
    Token(#[from] ClientTokenError),
    #[error("cannot read the access log {}: {source}", path.display())]
    Log {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

pub fn main(cmd: Gateway, origin: &Origin) -> ExitCode {
    match run(cmd, origin) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            crate::commands::out::error(e);
            ExitCode::FAILURE
        }
    }
}

fn run(cmd: Gateway, origin: &Origin) -> Result<(), CliError> {
    match cmd {
        Gateway::Render => {
            let config = config::load(origin)?;
            crate::credentials::choose_store(config.keyring);
            let main = render(&config)?;
            outln!("wrote {} (checked with nginx -t)", main.display());
            let dir = &gateway::server(&config)?.directory;
            outln!("start nginx with: {}", nginx::start_command(&main, dir));
            outln!("after a change or a `creds rotate`: homedash gateway reload");
            Ok(())
        }
        Gateway::Reload => {
            let config = config::load(origin)?;
            crate::credentials::choose_store(config.keyring);
            let main = render(&config)?;
            match nginx::reload(&main, &gateway::server(&config)?.directory) {
                Ok(()) => {
                    gateway::confirm_running(&config)?;
                    outln!(
                        "reloaded nginx with {} (checked with nginx -t first; its new workers are running)",
                        main.display()
                    );
                    Ok(())
                }
                Err(e @ nginx::NginxError::NotApplied { .. }) => {
                    gateway::restore_previous(&config)?;
                    Err(GatewayError::from(e).into())
                }
                Err(e) => Err(GatewayError::from(e).into()),
            }
        }
        Gateway::Client(c) => client(c, origin),
        Gateway::Report { log, json } => {
            let text = std::fs::read_to_string(&log).map_err(|source| CliError::Log {
                path: log.clone(),
                source,
            })?;
            let plans: BTreeMap<String, u32> = config::load(origin)
                .ok()
                .and_then(|c| c.gateway_server)
                .map(|s| {
                    s.routes
                        .iter()
                        .map(|r| (r.provider.to_string(), r.per_key.per_minute))
                        .collect()
                })
                .unwrap_or_default();
            let r = report::build(&text, &plans);
            let out = if json {
                serde_json::to_string_pretty(&r).unwrap_or_default() + "\n"
            } else {
                report::text(&r)
            };
            crate::commands::out::write(format_args!("{out}"));
            Ok(())
        }
    }
}

fn render(config: &config::Config) -> Result<PathBuf, CliError> {
    gateway::server(config)?;
    let state = logging::private_state_dir()?;
    let _ = crate::audit::init(&state);
    let meta = MetaFile::load(&state_file(&state))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(rt.block_on(gateway::render(config, &meta))?)
}

fn client(cmd: GatewayClientCmd, origin: &Origin) -> Result<(), CliError> {
    let config = config::load(origin)?;
    let s = gateway::server(&config)?;
    let path = clients::path(&s.directory);
    if let Ok(state) = logging::private_state_dir() {
        let _ = crate::audit::init(&state);
    }
    let mut list = Clients::load(&path)?;
    match cmd {
        GatewayClientCmd::Add { name, out } => {
            config::names::check(&name)?;
            if list.clients.get(&name).is_some_and(|c| c.revoked.is_none()) {
                return Err(CliError::Exists(name));
            }
            let token = ClientToken::new()?;
            list.clients.insert(
                name.clone(),
                Client {
                    sha256: token.sha256.clone(),
                    created: Utc::now(),
                    revoked: None,
                },
            );
            // The token goes out first: a client list that names a token
            // nobody ever saw would be a client no one can use.
            token.hand_out(out.as_deref())?;
            drop(token);
            list.save(&path)?;
            audit::record(Event::GatewayClientAdded, &name, None, "hash kept on the gateway host");
            match out {
                Some(p) => eprintln!(
                    "client \"{name}\": its token is in {} (mode 0600); move it to the client and delete it here",
                    p.display()
                ),
                None => eprintln!("client \"{name}\": the token above is shown once; only its hash is kept"),
            }
            eprintln!(
                "on the client: homedash creds add {name} --provider gateway   (then [gateway] credential = \"{name}\")"
            );
            eprintln!("here: homedash gateway reload");
            Ok(())
        }
        GatewayClientCmd::Rm { name } => {
            let c = list
                .clients
                .get_mut(&name)
                .ok_or_else(|| CliError::NoSuchClient(name.clone()))?;
            if c.revoked.is_some() {
                return Err(CliError::AlreadyRevoked(name));
            }
            c.revoked = Some(Utc::now());
            list.save(&path)?;
            audit::record(Event::GatewayClientRevoked, &name, None, "revoked");
            outln!("revoked client \"{name}\"; it is refused once nginx reloads: homedash gateway reload");
            Ok(())
        }
        GatewayClientCmd::List => {
            outln!("{:<20} {:<22} STATE", "CLIENT", "CREATED");
            for (name, c) in &list.clients {
                let state = match c.revoked {
                    Some(t) => format!("revoked {}", t.format("%Y-%m-%d %H:%M UTC")),
                    None => "active".into(),
                };
                outln!("{name:<20} {:<22} {state}", c.created.format("%Y-%m-%d %H:%M UTC"));
            }
            Ok(())
        }
    }
}
