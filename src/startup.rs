//! `homedash` with no subcommand: config, logging, terminal, loop, restore.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::cli::Cli;
use crate::config::{self, Origin};
use crate::credentials::{Broker, Manager};
use crate::dashboard::app::App;
use crate::dashboard::event_loop::{self, Exit, Services};
use crate::dashboard::msg::Msg;
use crate::dashboard::poll::Pollers;
use crate::net::http::Http;
use crate::setup::error::OpenError;
use crate::setup::{self, Endpoints, Wizard};
use crate::ui::input::Input;
use crate::ui::theme::{Look, Theme};
use crate::{dashboard::reload, dashboard::view, demo, logging, ui::terminal};

/// What the terminal shows next.
enum Start {
    Dashboard {
        config: Box<config::Config>,
        demo: bool,
        first_run: bool,
        /// The file to watch for hot reload.
        watch: Option<PathBuf>,
    },
    /// The wizard; `back` is the first-run dashboard to return to on a cancel.
    Setup { wizard: Box<Wizard>, back: bool },
}

pub fn main(cli: Cli, origin: Origin) -> ExitCode {
    // Everything that can fail on bad input fails here, before the terminal
    // changes, so the message lands on a normal stderr.
    if let Err(e) = crate::net::http::ProxyEnv::from_env().validate() {
        crate::commands::out::error(e);
        return ExitCode::FAILURE;
    }
    let loaded = if cli.demo {
        config::parse("<demo>", config::DEMO).map_err(config::LoadError::Invalid)
    } else {
        config::load(&origin)
    };
    if let Ok(config) = &loaded {
        crate::credentials::choose_store(config.keyring);
    }
    match loaded {
        Ok(config) if config.widgets.is_empty() => {
            crate::commands::out::error(format_args!(
                "{} has no widgets: it describes a gateway ([gateway_server]), which nginx serves; run `homedash gateway render`, or give the dashboard a config with widgets",
                config.source_name
            ));
            ExitCode::FAILURE
        }
        Ok(config) => drive(
            &cli,
            Start::Dashboard {
                config: Box::new(config),
                demo: cli.demo,
                first_run: !cli.demo && origin == Origin::Embedded,
                watch: origin.path().filter(|_| !cli.demo).map(PathBuf::from),
            },
        ),
        Err(e) => {
            crate::commands::out::error(e);
            ExitCode::FAILURE
        }
    }
}

/// `homedash setup`: the wizard, then the dashboard it wrote.
/// `theme`: `setup --theme`, over a `--theme` before the command.
pub fn setup(mut cli: Cli, theme: Option<crate::config::ThemeName>, origin: Origin) -> ExitCode {
    cli.theme = theme.or(cli.theme);
    // Fails here, before the terminal changes: an unreadable file, or an
    // invalid one (the wizard edits it in place, so it must be valid).
    match setup_wizard(&origin) {
        Ok(wizard) => drive(
            &cli,
            Start::Setup {
                wizard: Box::new(wizard),
                back: false,
            },
        ),
        Err(e) => {
            crate::commands::out::error(e);
            ExitCode::FAILURE
        }
    }
}

/// The wizard for the file `origin` names (or the XDG one), read now.
fn setup_wizard(origin: &Origin) -> Result<Wizard, OpenError> {
    let path = origin
        .path()
        .map(PathBuf::from)
        .or_else(config::xdg_path)
        .ok_or(OpenError::NoConfigDir)?;
    config::check_trust(&path)?;
    let before = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(OpenError::Read { path, source }),
    };
    let w = Wizard::new(path, before, Endpoints::from_env())?;
    // A re-run keeps tokens in the store the config names.
    if let Some(c) = &w.existing {
        crate::credentials::choose_store(c.keyring);
    }
    Ok(w)
}

fn drive(cli: &Cli, start: Start) -> ExitCode {
    if let Err(e) = terminal::install_hooks() {
        crate::commands::out::error(format_args!("cannot install error hooks: {e}"));
    }
    if !std::io::stdout().is_terminal() {
        crate::commands::out::error(
            "standard output is not a terminal. Run homedash in a terminal; `homedash check` validates a config without one.",
        );
        return ExitCode::FAILURE;
    }
    let logs = logging::init(&cli.log_level);
    for p in crate::hardening::problems() {
        tracing::warn!(problem = %p, "hardening");
    }
    // One thread for the loop and every poller: a poll's answer reaches
    // the screen without waking another thread (at 1,000 polls a second
    // the hand-offs cost more than the polls), and there is one malloc
    // arena. Keyring and file work runs on the blocking pool.
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::commands::out::error(format_args!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let mut said = Vec::new();
    let result = rt.block_on(sessions(
        start,
        Look {
            console: crate::ui::console::wanted(cli.look),
            kiosk: cli.kiosk,
            ..Look::from_env(cli.theme)
        },
        logs.as_ref().err().map(ToString::to_string),
        &mut said,
    ));
    let restored = terminal::restore();
    // The terminal may be gone (SIGHUP): a failed write is no reason to
    // panic, which `eprintln!` would.
    for line in said {
        let _ = writeln!(std::io::stderr(), "{}", crate::outside::admit_lines(&line, 2000));
    }
    // A terminal that is gone (its window closed: writes fail with EIO)
    // cannot be restored, and needs no restoring: the session's own end
    // decides the exit, SIGHUP's 129 when the loop saw the terminal go.
    let restored = restored.or_else(|e| if io_gone(&e) { Ok(()) } else { Err(e) });
    let code = match (result, restored) {
        (Ok(exit), Ok(())) => {
            tracing::info!(?exit, "exit");
            match exit {
                Exit::Signal("SIGHUP") => ExitCode::from(129),
                Exit::Signal(_) => ExitCode::from(143),
                _ => ExitCode::SUCCESS,
            }
        }
        (Err(e), _)
            if e.chain()
                .filter_map(|c| c.downcast_ref::<std::io::Error>())
                .any(io_gone) =>
        {
            tracing::info!(error = %e, "exit: the terminal is gone");
            ExitCode::from(129)
        }
        (Err(e), _) => {
            tracing::error!(error = %e, "the session ended on an error");
            let _ = writeln!(std::io::stderr(), "{:?}", color_eyre::eyre::eyre!(e));
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            tracing::error!(error = %e, "could not restore the terminal");
            crate::commands::out::error(format_args!(
                "could not restore the terminal: {e}; run `reset` if it misbehaves"
            ));
            ExitCode::FAILURE
        }
    };
    // Last: the log's writer flushes what the lines above said.
    drop(logs);
    code
}

/// An error that says the terminal itself is gone: a write to a closed
/// pty fails with EIO, or the pipe broke.
fn io_gone(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(5)
        || e.kind() == std::io::ErrorKind::BrokenPipe
        // An error rewrapped on its way up (the input reader's) keeps the
        // OS's inside.
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<std::io::Error>())
            .is_some_and(io_gone)
}

/// One terminal, several screens in turn: the first-run dashboard, the
/// wizard, the dashboard it wrote. `said` collects what to print once the
/// terminal is back.
async fn sessions(
    mut next: Start,
    look: Look,
    log_problem: Option<String>,
    said: &mut Vec<String>,
) -> color_eyre::Result<Exit> {
    // Before the terminal is taken and its first frame drawn.
    let mut signals = event_loop::Termination::listen();
    let mut term = terminal::enter()?;
    let mut input = Input::start();
    let mut notice = log_problem.map(|p| format!("logging off: {p}"));
    loop {
        next = match next {
            Start::Dashboard {
                config,
                demo,
                first_run,
                watch,
            } => match session(
                &mut term,
                &mut input,
                &mut signals,
                look,
                *config,
                demo,
                first_run,
                notice.take(),
                watch,
            )
            .await?
            {
                Exit::Setup => Start::Setup {
                    wizard: Box::new(setup_wizard(&Origin::Embedded).map_err(color_eyre::eyre::Error::msg)?),
                    back: true,
                },
                Exit::Demo => Start::Dashboard {
                    config: Box::new(config::parse("<demo>", config::DEMO)?),
                    demo: true,
                    first_run: false,
                    watch: None,
                },
                exit => return Ok(exit),
            },
            Start::Setup { wizard: w, back } => {
                match wizard(&mut term, &mut input, &mut signals, Wizard { look, ..*w }).await? {
                    (setup::Exit::Written(path), _) => {
                        notice = Some(format!(
                            "setup wrote {}; homedash setup changes it again",
                            path.display()
                        ));
                        said.push(format!("homedash setup: wrote {}", path.display()));
                        Start::Dashboard {
                            config: Box::new(config::load(&Origin::Flag(path.clone()))?),
                            demo: false,
                            first_run: false,
                            watch: Some(path),
                        }
                    }
                    (exit @ (setup::Exit::Cancelled | setup::Exit::Signal(_)), problem) => {
                        let mut line = "homedash setup: cancelled; no file was written".to_string();
                        if let Some(p) = problem {
                            line.push_str(&format!(" ({p})"));
                        }
                        if let setup::Exit::Signal(sig) = exit {
                            said.push(line);
                            return Ok(Exit::Signal(sig));
                        }
                        if !back {
                            said.push(line);
                            return Ok(Exit::Quit);
                        }
                        // Back to the first-run dashboard, whose status bar offers the choice again.
                        Start::Dashboard {
                            config: Box::new(config::load(&Origin::Embedded)?),
                            demo: false,
                            first_run: true,
                            watch: None,
                        }
                    }
                }
            }
        };
    }
}

/// The wizard on `term`; on a cancel, also what could not be cleaned up.
async fn wizard(
    term: &mut terminal::Tui,
    input: &mut Input,
    signals: &mut event_loop::Termination,
    mut w: Wizard,
) -> color_eyre::Result<(setup::Exit, Option<String>)> {
    let state = logging::private_state_dir().map_err(color_eyre::eyre::Error::msg)?;
    if let Err(e) = crate::audit::init(&state) {
        w.note = Some((
            false,
            format!("audit log off: cannot open it in {}: {e}", state.display()),
        ));
    }
    let http = Http::new().map_err(color_eyre::eyre::Error::msg)?;
    let (ops, mut replies) = setup::worker::spawn(Manager::new(&state, http.clone(), None), http);
    let exit = setup::session::run(term, &mut w, input, &ops, &mut replies, signals.recv()).await?;
    let problem = w.note.filter(|(ok, _)| !ok).map(|(_, t)| t);
    Ok((exit, problem))
}

#[allow(clippy::too_many_arguments)]
async fn session(
    term: &mut terminal::Tui,
    input: &mut Input,
    signals: &mut event_loop::Termination,
    look: Look,
    mut config: config::Config,
    demo_mode: bool,
    first_run: bool,
    notice: Option<String>,
    watch: Option<PathBuf>,
) -> color_eyre::Result<Exit> {
    let size = term.size()?;
    let mut app = App::new(
        config.clone(),
        demo_mode,
        Rect::new(0, 0, size.width, size.height),
        Utc::now(),
        event_loop::local_offset(),
    );
    app.look = look;
    if look.kiosk {
        app.start_kiosk(config.kiosk);
    }
    // Each widget's last good answer, drawn in the first frame; one still
    // within its refresh is not asked for again until it is due. The demo
    // neither reads nor writes it.
    let cache = if demo_mode {
        None
    } else {
        logging::private_state_dir()
            .ok()
            .and_then(|s| crate::cache::Cache::open(&s).ok())
    };
    let mut resume = cache.as_ref().map(|c| app.restore(c)).unwrap_or_default();
    // First frame before anything slow: the TLS client reads root certificates.
    let theme = Theme::resolve(&app.theme, app.look);
    term.draw(|f| {
        view::draw(&app, f);
        theme.finish(f.buffer_mut());
    })?;
    // Entries of widgets gone from the config, after the first frame.
    if let Some(c) = &cache {
        c.prune(&config.widgets);
    }

    let cancel = CancellationToken::new();
    if let Some(n) = notice {
        app.warn(n);
    }
    app.first_run = first_run;
    if demo_mode {
        match demo::start(&mut config, cancel.clone()).await {
            Ok(addr) => tracing::info!(%addr, "demo server"),
            Err(e) => app.warn(format!("demo server failed to start: {e}")),
        }
    }
    // Lets the end-to-end tests prove that a panic in any task restores the
    // terminal; compiled out of release builds.
    #[cfg(debug_assertions)]
    if std::env::var_os("HOMEDASH_TEST_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            // The panic is the point: the test proves the hook restores the terminal.
            #[allow(clippy::panic)]
            {
                panic!("test panic in a background task");
            }
        });
    }
    let http = Http::new().map_err(color_eyre::eyre::Error::msg)?;
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let outbox: reload::Outbox = Arc::new(Mutex::new(tx.clone()));
    let _watching = match watch {
        Some(path) => match reload::watch(path, outbox.clone(), cancel.clone()) {
            Ok(w) => Some(w),
            Err(e) => {
                app.warn(format!("hot reload off: {e}"));
                None
            }
        },
        None => None,
    };
    let mut tx = Some(tx);
    loop {
        // Each run of the background work gets its own channel, so nothing
        // of a run that a reload ended reaches the next one.
        let tx = match tx.take() {
            Some(tx) => tx,
            None => {
                let (t, r) = mpsc::channel::<Msg>(256);
                rx = r;
                t
            }
        };
        *outbox.lock().unwrap_or_else(|p| p.into_inner()) = tx.clone();
        let run = cancel.child_token();
        let (services, usage) = start_services(
            &config,
            demo_mode,
            &http,
            &tx,
            &run,
            Warm {
                due: &resume,
                cache: cache.as_ref(),
            },
            &mut app,
        );
        drop(tx);
        let exit = event_loop::run(term, &mut app, &mut *input, &mut rx, &services, signals.recv()).await;
        services.pollers.shutdown();
        run.cancel();
        // The polls' counters since the last save, before the process or
        // this run ends: `creds list` then counts every one.
        if let Some((broker, file)) = &usage {
            broker.save_usage(file).await;
        }
        match exit {
            Ok(Exit::Reload) => {
                let Some(new) = app.reload.take() else { continue };
                config = new.clone();
                let (next, summary) = App::reloaded(new, app);
                tracing::info!(%summary, "reload");
                app = next;
                resume = app.states.iter().map(|s| s.next).collect();
            }
            other => {
                cancel.cancel();
                return Ok(other?);
            }
        }
    }
}

/// The credentials broker, the pollers and the credential worker for one
/// run of the dashboard on `config`; and the broker and the state file its
/// counters go to, where one is kept.
/// What the pollers start from: when each widget is due (kept across a
/// reload, or from the cache at start), and where good answers are kept.
struct Warm<'a> {
    due: &'a [Option<chrono::DateTime<Utc>>],
    cache: Option<&'a crate::cache::Cache>,
}

fn start_services(
    config: &config::Config,
    demo_mode: bool,
    http: &Http,
    tx: &mpsc::Sender<Msg>,
    cancel: &CancellationToken,
    warm: Warm<'_>,
    app: &mut App,
) -> (Services, Option<(Arc<Broker>, PathBuf)>) {
    let broker = Broker::new(&config.credentials);
    let state = if demo_mode {
        None
    } else {
        logging::private_state_dir()
            .inspect_err(|e| app.warn(format!("credential state off: {e}")))
            .ok()
    };
    if demo_mode {
        // Demo tokens live in memory only; the keyring is never asked, and
        // they go only to the demo's own loopback server.
        broker.approve_config_origins(config);
        for c in &config.credentials {
            let token = match c.provider.auth {
                homedash_widgets::AuthPlacement::HeaderPair(..) => demo::PAIR_TOKEN,
                _ => demo::TOKEN,
            };
            broker.set_demo(&c.name, token);
        }
    } else {
        // One batch, off the UI path; widgets wait for it, never the UI.
        let broker = broker.clone();
        let meta = state.as_deref().map(crate::credentials::state_file);
        let said = tx.clone();
        tokio::spawn(async move {
            broker.load_all(meta.clone()).await;
            // Where no Secret Service answered: where tokens are, once.
            let Some(ledger) = meta else { return };
            let once = tokio::task::spawn_blocking(move || {
                crate::ledger::say_once(
                    &ledger,
                    crate::credentials::Backend::Keyutils,
                    crate::stores::fallback_note(),
                )
            });
            if let Ok(Some(note)) = once.await {
                let _ = said.send(Msg::Notice(note)).await;
            }
        });
    }
    let http = http.with_private_ca(config.private_ca()).unwrap_or_else(|e| {
        app.warn(format!("gateway: {e}; its widgets will fail TLS"));
        http.clone()
    });
    let http = &http;
    let pollers = Pollers::resume(&config.widgets, http, &broker, tx, warm.due, &app.shown(), warm.cache);
    let usage = state
        .as_deref()
        .map(|s| (broker.clone(), crate::credentials::state_file(s)));
    let creds = match state {
        Some(state) => {
            if let Err(e) = crate::audit::init(&state) {
                app.warn(format!("audit log off: cannot open it in {}: {e}", state.display()));
            }
            let manager = Manager::new(&state, http.clone(), None);
            Some(crate::workers::credentials::spawn(
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
            tokio::spawn(crate::workers::credentials::watch::watch(
                None,
                broker.clone(),
                tx.clone(),
                cancel.clone(),
            ));
            None
        }
    };
    (Services { pollers, creds }, usage)
}
