//! The whole select! loop on a TestBackend with scripted input, while the
//! real pollers face hanging, huge and broken answers: keys must still be
//! handled at once, and the failures must show on screen.

use crate::support;

use std::io;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use homedash::config;
use homedash::dashboard::app::App;
use homedash::dashboard::event_loop::{self, Exit};
use homedash::dashboard::poll::Pollers;
use homedash::net::http::Http;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use support::FaultServer;
use tokio::sync::mpsc;

fn key(c: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent {
        code: c,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_stay_live_while_every_widget_fails() {
    let srv = FaultServer::start().await;
    let cases = ["hang", "hang-body", "huge", "huge-chunked", "malformed", "500", "slow"];
    let widgets: Vec<(String, String, &str)> = (0..21)
        .map(|i| (format!("w{i}"), srv.base(cases[i % cases.len()]), "1s"))
        .collect();
    let widgets: Vec<(&str, String, &str)> = widgets.iter().map(|(a, b, c)| (a.as_str(), b.clone(), *c)).collect();
    let cfg = config::parse("live", &support::weather_config(&widgets, "2s")).unwrap();
    let n = cfg.widgets.len();
    let mut app = App::new(
        cfg.clone(),
        false,
        Rect::new(0, 0, 160, 48),
        Utc::now(),
        event_loop::local_offset(),
    );
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let (tx, mut rx) = mpsc::channel(256);
    let services = event_loop::Services {
        pollers: Pollers::spawn(
            &cfg.widgets,
            &Http::new().unwrap(),
            &homedash::credentials::Broker::new(&cfg.credentials),
            &tx,
        ),
        creds: None,
    };
    drop(tx);

    let (etx, erx) = mpsc::unbounded_channel::<io::Result<Event>>();
    let events = Box::pin(futures_util::stream::unfold(erx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let presses = 40;
    let feeder = tokio::spawn(async move {
        // Let every poller get into its fault first.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        for _ in 0..presses {
            etx.send(key(KeyCode::Tab)).unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let sent = Instant::now();
        etx.send(key(KeyCode::Char('q'))).unwrap();
        (sent, etx)
    });
    let exit = event_loop::run(&mut term, &mut app, events, &mut rx, &services, std::future::pending())
        .await
        .unwrap();
    let returned = Instant::now();
    let (sent, _keep_input_open) = feeder.await.unwrap();
    services.pollers.shutdown();

    assert_eq!(exit, Exit::Quit);
    let lag = returned - sent;
    assert!(lag < Duration::from_millis(100), "q took {lag:?} to be handled");
    let order: Vec<usize> = homedash::ui::grid::areas(&app.current().unwrap().node, app.body(), app.mins())
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    assert_eq!(app.focus, order[presses % n], "every Tab was handled");
    let screen: String = term.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    for class in ["timeout", "response too large", "bad response", "HTTP 500"] {
        assert!(screen.contains(class), "{class} not on screen");
    }
}

/// CPU time this process has used, from /proc/self/stat (utime + stime).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_without_pollers_sleeps() {
    // Only a clock: no poller ever sends, and the channel closes at once.
    let cfg = config::parse("clock", "[widget.c]\nkind = \"clock\"\n").unwrap();
    let mut app = App::new(
        cfg,
        false,
        Rect::new(0, 0, 80, 24),
        Utc::now(),
        event_loop::local_offset(),
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (tx, mut rx) = mpsc::channel(8);
    drop(tx);
    let (etx, erx) = mpsc::unbounded_channel::<io::Result<Event>>();
    let events = Box::pin(futures_util::stream::unfold(erx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let before = cpu_time();
    let feeder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        etx.send(key(KeyCode::Char('q'))).unwrap();
        etx
    });
    let exit = event_loop::run(
        &mut term,
        &mut app,
        events,
        &mut rx,
        &event_loop::Services {
            pollers: Pollers::none(),
            creds: None,
        },
        std::future::pending(),
    )
    .await;
    let _ = feeder.await;
    assert_eq!(exit.unwrap(), Exit::Quit);
    let used = cpu_time() - before;
    assert!(
        used < Duration::from_millis(300),
        "the idle loop used {used:?} of CPU in 1.5 s"
    );
}

/// A poll says it started only where a card can show it: on screen, or
/// once its page comes on screen while it is still in flight. Hidden
/// widgets that keep polling cost one message per poll, not two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_widgets_on_screen_say_a_poll_started() {
    use homedash::dashboard::msg::{Msg, Seen};
    let srv = FaultServer::start().await;
    // "slow" answers after 600 ms: long enough to come on screen mid-poll.
    let widgets = [("shown", srv.base("slow"), "1h"), ("hidden", srv.base("slow"), "1h")];
    let cfg = config::parse("seen", &support::weather_config(&widgets, "5s")).unwrap();
    let id = |name: &str| cfg.widgets.iter().position(|w| w.id == name).unwrap();
    let (shown, hidden) = (id("shown"), id("hidden"));
    let mut seen = vec![Seen::Hidden; cfg.widgets.len()];
    seen[shown] = Seen::OnScreen;
    let (tx, mut rx) = mpsc::channel(16);
    let pollers = Pollers::resume(
        &cfg.widgets,
        &Http::new().unwrap(),
        &homedash::credentials::Broker::new(&cfg.credentials),
        &tx,
        &[],
        &seen,
        None,
    );
    drop(tx);
    let mut started = Vec::new();
    let mut ended = Vec::new();
    let mut switched = false;
    let deadline = Instant::now() + Duration::from_secs(5);
    while ended.len() < 2 {
        let msg = tokio::time::timeout_at(deadline.into(), rx.recv())
            .await
            .expect("both polls end within 5 s")
            .expect("pollers alive");
        match msg {
            Msg::Fetching(i) => started.push((i, Instant::now())),
            Msg::Fetched { id, .. } => ended.push(id),
            _ => {}
        }
        if !switched && started.len() == 1 {
            // Both polls are in flight now; bring the hidden one on screen.
            tokio::time::sleep(Duration::from_millis(200)).await;
            assert!(
                ended.is_empty() && rx.is_empty(),
                "the hidden poll said nothing while hidden"
            );
            seen[hidden] = Seen::OnScreen;
            seen[shown] = Seen::Hidden;
            pollers.show(&seen);
            switched = true;
        }
    }
    pollers.shutdown();
    let order: Vec<usize> = started.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        order,
        vec![shown, hidden],
        "on screen at the start, then on coming on screen"
    );
    assert!(ended.contains(&shown) && ended.contains(&hidden));
}
