//! `homedash` with no subcommand: config, logging, terminal, loop, restore.

use std::io::IsTerminal;
use std::process::ExitCode;

use chrono::Utc;
use crossterm::event::EventStream;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::cli::Cli;
use crate::config::{self, Origin};
use crate::credentials::broker::Broker;
use crate::credentials::manager::Manager;
use crate::credentials::{self, worker};
use crate::http::Http;
use crate::msg::Msg;
use crate::poll::Pollers;
use crate::runtime::{self, Exit, Services};
use crate::{demo, logging, screens, terminal};

pub fn main(cli: Cli, origin: Origin) -> ExitCode {
    if let Err(e) = terminal::install_hooks() {
        eprintln!("homedash: cannot install error hooks: {e}");
    }
    // Everything that can fail on bad input fails here, before the terminal
    // changes, so the message lands on a normal stderr.
    let loaded = if cli.demo {
        config::parse("<demo>", config::DEMO).map_err(config::LoadError::Invalid)
    } else {
        config::load(&origin)
    };
    let config = match loaded {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if !std::io::stdout().is_terminal() {
        eprintln!(
            "homedash: standard output is not a terminal. Run homedash in a terminal; `homedash check` validates a config without one."
        );
        return ExitCode::FAILURE;
    }
    let logs = logging::init(&cli.log_level);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("homedash: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(session(config, cli.demo, logs.as_ref().err().cloned()));
    let restored = terminal::restore();
    drop(logs);
    match (result, restored) {
        (Ok(exit), Ok(())) => {
            tracing::info!(?exit, "exit");
            match exit {
                Exit::Quit | Exit::InputClosed => ExitCode::SUCCESS,
                Exit::Signal("SIGHUP") => ExitCode::from(129),
                Exit::Signal(_) => ExitCode::from(143),
            }
        }
        (Err(e), _) => {
            eprintln!("{:?}", color_eyre::eyre::eyre!(e));
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            eprintln!("homedash: could not restore the terminal: {e}; run `reset` if it misbehaves");
            ExitCode::FAILURE
        }
    }
}

async fn session(mut config: config::Config, demo_mode: bool, log_problem: Option<String>) -> color_eyre::Result<Exit> {
    let mut term = terminal::enter()?;
    let size = term.size()?;
    let mut app = App::new(
        config.clone(),
        demo_mode,
        Rect::new(0, 0, size.width, size.height),
        Utc::now(),
        runtime::local_offset(),
    );
    // First frame before anything slow: the TLS client reads root certificates.
    term.draw(|f| screens::draw(&app, f))?;

    let cancel = CancellationToken::new();
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    if let Some(p) = log_problem {
        app.notice = Some(format!("logging off: {p}"));
    }
    if demo_mode {
        match demo::start(&mut config, cancel.clone()).await {
            Ok(addr) => tracing::info!(%addr, "demo server"),
            Err(e) => app.notice = Some(format!("demo server failed to start: {e}")),
        }
    }
    // Lets the end-to-end tests prove that a panic in any task restores the
    // terminal; compiled out of release builds.
    #[cfg(debug_assertions)]
    if std::env::var_os("HOMEDASH_TEST_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            panic!("test panic in a background task");
        });
    }
    let http = Http::new().map_err(color_eyre::eyre::Error::msg)?;
    let broker = Broker::new(&config.credentials);
    if demo_mode {
        // Demo tokens live in memory only; the keyring is never asked.
        for c in &config.credentials {
            let token = match c.provider.auth {
                homedash_widgets::AuthPlacement::HeaderPair(..) => demo::PAIR_TOKEN,
                _ => demo::TOKEN,
            };
            broker.set(&c.name, Ok(secrecy::SecretString::from(token)));
        }
    } else {
        // One batch, off the UI path; widgets wait for it, never the UI.
        let broker = broker.clone();
        tokio::spawn(async move { broker.load_all().await });
    }
    let pollers = Pollers::spawn(&config.widgets, &http, &broker, &tx);
    let creds = match logging::state_dir().filter(|_| !demo_mode) {
        Some(state) => {
            if let Err(e) = credentials::audit::init(&state) {
                app.notice = Some(format!("audit log off: cannot open it in {}: {e}", state.display()));
            }
            let manager = Manager::new(&state, http.clone(), None);
            Some(worker::spawn(
                config.clone(),
                manager,
                broker.clone(),
                tx.clone(),
                cancel.clone(),
            ))
        }
        None => {
            // The demo (or a machine with no home): show the broker's state,
            // write nothing.
            tokio::spawn(worker::watch(None, broker.clone(), tx.clone(), cancel.clone()));
            None
        }
    };
    drop(tx);
    let services = Services { pollers, creds };
    let exit = runtime::run(
        &mut term,
        &mut app,
        EventStream::new(),
        &mut rx,
        &services,
        runtime::termination(),
    )
    .await;
    services.pollers.shutdown();
    cancel.cancel();
    Ok(exit?)
}
