//! The fault matrix: every networked widget kind (weather, stocks, metrics,
//! and a stocks widget with a credential) against every way a provider or
//! the network can fail. Each widget starts with good data; after the
//! fault it must show the fault's class and still hold that data. Then 200
//! widgets face faults at once while keys are timed from send to frame.

use crate::support;

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use homedash::config::{self, Config};
use homedash::credentials::Broker;
use homedash::dashboard::app::App;
use homedash::dashboard::event_loop::{self, Exit};
use homedash::dashboard::msg::Msg;
use homedash::dashboard::poll::Pollers;
use homedash::net::http::{Http, Options};
use homedash_widgets::{Data, ErrorClass, HttpReply, Source};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Rect, Size};
use support::FaultServer;
use support::tls::{self, TlsServer};
use tokio::sync::mpsc;

/// A resolver that fails every name: DNS failure without a DNS query.
struct FailingDns;

impl reqwest::dns::Resolve for FailingDns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            Err(
                format!("failed to lookup address information: {host}: Name or service not known (test resolver)")
                    .into(),
            )
        })
    }
}

/// (id prefix, the widget's keys). `CRED` is replaced per widget.
const KINDS: [(&str, &str); 4] = [
    ("weather", "kind = \"weather\"\nlatitude = 52.52\nlongitude = 13.41"),
    ("stocks", "kind = \"stocks\"\nsymbols = [\"AAPL\"]"),
    (
        "metrics",
        "kind = \"metrics\"\nprovider = \"prometheus\"\nquery = \"up\"",
    ),
    (
        "keyed",
        "kind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"CRED\"",
    ),
];

fn good(source: &Source) -> Data {
    let body: &str = match source.provider() {
        "open-meteo" => support::FORECAST,
        "yahoo" => include_str!("../../widgets/tests/fixtures/yahoo/chart_AAPL_1d_5m_CONSTRUCTED.json"),
        "prometheus" => include_str!("../../widgets/tests/fixtures/prometheus/query_vector.json"),
        "finnhub" => include_str!("../../widgets/tests/fixtures/finnhub/quote_docs_example.json"),
        other => panic!("no fixture for {other}"),
    };
    source
        .parse(
            &[HttpReply {
                status: 200,
                headers: vec![],
                body: body.as_bytes().to_vec(),
            }],
            Utc::now(),
        )
        .unwrap()
}

struct Setup {
    _srv: FaultServer,
    _tls: (TlsServer, TlsServer),
    http: Http,
    /// (case, base URL, expected class).
    cases: Vec<(&'static str, String, ErrorClass)>,
}

async fn setup() -> Setup {
    let srv = FaultServer::start().await;
    // A certificate nobody trusts, and a trusted https that sends you to http.
    let untrusted = TlsServer::start("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".into()).await;
    let downgrade = TlsServer::start(format!(
        "HTTP/1.1 302 Found\r\nlocation: {}\r\ncontent-length: 0\r\n\r\n",
        srv.base("ok")
    ))
    .await;
    let http = Http::with_options(Options {
        resolve: vec![(tls::HOST.into(), downgrade.addr), ("localhost".into(), srv.addr)],
        roots_pem: vec![downgrade.cert_pem.clone()],
        dns: Some(Arc::new(FailingDns)),
        ..Options::default()
    })
    .unwrap();
    let rate_limited = ErrorClass::RateLimited { until: None };
    let cases = vec![
        ("401", srv.base("401"), ErrorClass::Rejected),
        ("403", srv.base("403"), ErrorClass::Forbidden),
        ("404", srv.base("404"), ErrorClass::NotFound),
        ("429 + Retry-After", srv.base("429"), rate_limited.clone()),
        ("429", srv.base("429-bare"), rate_limited),
        ("500", srv.base("500"), ErrorClass::Server(500)),
        ("502", srv.base("502"), ErrorClass::Server(502)),
        ("503", srv.base("503-bare"), ErrorClass::Server(503)),
        ("hang before headers", srv.base("hang"), ErrorClass::Timeout),
        ("hang mid-body", srv.base("hang-body"), ErrorClass::Timeout),
        ("connection reset", srv.base("reset"), ErrorClass::BadResponse),
        ("refused", support::refused_base(), ErrorClass::Offline),
        ("DNS failure", "https://provider.invalid/".into(), ErrorClass::Offline),
        (
            "TLS failure",
            format!("https://127.0.0.1:{}/", untrusted.addr.port()),
            ErrorClass::Tls,
        ),
        ("malformed JSON", srv.base("malformed"), ErrorClass::BadResponse),
        (
            "JSON of the wrong shape",
            srv.base("wrong-shape"),
            ErrorClass::BadResponse,
        ),
        ("invalid UTF-8", srv.base("utf8"), ErrorClass::BadResponse),
        ("50 MB body", srv.base("huge"), ErrorClass::TooLarge),
        ("redirect loop", srv.base("redirect-loop"), ErrorClass::BadResponse),
        (
            "redirect to another host",
            srv.base("redirect-away"),
            ErrorClass::Rejected,
        ),
        (
            "redirect https to http",
            format!("https://{}:{}/", tls::HOST, downgrade.addr.port()),
            ErrorClass::Insecure,
        ),
    ];
    Setup {
        _srv: srv,
        _tls: (untrusted, downgrade),
        http,
        cases,
    }
}

/// One widget per kind and case; every keyed one with its own credential.
fn matrix_config(cases: &[(&'static str, String, ErrorClass)], refresh: &str, copies: usize) -> String {
    let mut s = String::new();
    let mut n = 0;
    for copy in 0..copies {
        for (ci, (_, base, _)) in cases.iter().enumerate() {
            for (kind, keys) in KINDS {
                let id = format!("{kind}_{ci}_{copy}");
                let keys = keys.replace("CRED", &format!("k{n}"));
                s.push_str(&format!(
                    "[widget.{id}]\n{keys}\nbase_url = \"{base}\"\nrefresh = \"{refresh}\"\ntimeout = \"1s\"\n\n"
                ));
                if kind == "keyed" {
                    s.push_str(&format!("[credential.k{n}]\nprovider = \"finnhub\"\n\n"));
                    n += 1;
                }
            }
        }
    }
    s
}

fn broker_with_tokens(cfg: &Config) -> Arc<Broker> {
    let broker = Broker::new(&cfg.credentials);
    broker.approve_config_origins(cfg);
    for c in &cfg.credentials {
        broker.set(&c.name, Ok(secrecy::SecretString::from("matrix-token-0001")));
    }
    broker
}

fn same_class(got: &ErrorClass, want: &ErrorClass) -> bool {
    match (got, want) {
        (ErrorClass::RateLimited { .. }, ErrorClass::RateLimited { .. }) => true,
        _ => got == want,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_shows_each_fault_and_keeps_its_last_good_data() {
    let s = setup().await;
    let cfg = config::parse("matrix", &matrix_config(&s.cases, "1h", 1)).unwrap();
    let mut app = App::new(
        cfg.clone(),
        false,
        Rect::new(0, 0, 120, 40),
        Utc::now(),
        event_loop::local_offset(),
    );
    for (id, w) in cfg.widgets.iter().enumerate() {
        app.update(Msg::Fetched {
            id,
            at: Utc::now(),
            result: Ok(good(&w.source)),
            next: None,
        });
    }
    let (tx, mut rx) = mpsc::channel(1024);
    let pollers = Pollers::spawn(&cfg.widgets, &s.http, &broker_with_tokens(&cfg), &tx);
    let mut done = vec![false; cfg.widgets.len()];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while done.iter().any(|d| !d) {
        let Ok(Some(msg)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            break;
        };
        if let Msg::Fetched { id, .. } = &msg {
            done[*id] = true;
        }
        app.update(msg);
    }
    pollers.shutdown();

    let mut table = String::from(
        "| fault | expected class | weather | stocks | metrics | stocks, keyed |\n|---|---|---|---|---|---|\n",
    );
    let mut wrong = Vec::new();
    for (ci, (case, _, want)) in s.cases.iter().enumerate() {
        let mut row = format!("| {case} | {} |", want.label());
        for (kind, _) in KINDS {
            let id = format!("{kind}_{ci}_0");
            let i = cfg.widgets.iter().position(|w| w.id == id).unwrap();
            let st = &app.states[i];
            let shown = match &st.error {
                Some(e) => e.class.label(),
                None => "no error".into(),
            };
            let ok = st.error.as_ref().is_some_and(|e| same_class(&e.class, want)) && st.data.is_some();
            if !ok {
                wrong.push(format!(
                    "{case} / {kind}: {:?}, data kept: {}",
                    st.error,
                    st.data.is_some()
                ));
            }
            row.push_str(&format!(
                " {shown}{} |",
                if st.data.is_some() {
                    ", data kept"
                } else {
                    ", DATA LOST"
                }
            ));
        }
        table.push_str(&row);
        table.push('\n');
    }
    eprintln!("{table}");
    assert!(wrong.is_empty(), "{}\n{table}", wrong.join("\n"));
    // What the screen says for each, on the card border.
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for i in 0..cfg.widgets.len() {
        app.focus = i;
        app.zoom = true;
        term.draw(|f| homedash::dashboard::view::draw(&app, f)).unwrap();
        // The card's top border: under the title bar and the page bar.
        let y = app.body().y;
        let top: String = (0..120)
            .map(|x| term.backend().buffer()[(x, y)].symbol().to_string())
            .collect();
        let label = app.states[i]
            .error
            .as_ref()
            .map(|e| e.class.label())
            .unwrap_or_default();
        let short: String = label.chars().take(12).collect();
        assert!(
            top.contains(&short),
            "{}: {label:?} not on the border: {top}",
            cfg.widgets[i].id
        );
    }
}

/// TestBackend, plus the time of each flush: when a frame is complete.
struct Timed {
    inner: TestBackend,
    flushes: Arc<Mutex<Vec<Instant>>>,
}

impl Backend for Timed {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.flushes.lock().unwrap().push(Instant::now());
        self.inner.flush()
    }
}

fn press(c: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_stay_fast_while_200_widgets_face_faults() {
    let s = setup().await;
    // 21 cases x 4 kinds x 3 copies = 252 widgets, all failing, polling again each second.
    let mut text = matrix_config(&s.cases, "1s", 3);
    let ids: Vec<String> = config::parse("m", &text)
        .unwrap()
        .widgets
        .iter()
        .map(|w| w.id.clone())
        .collect();
    let ids = &ids[..200];
    // Keep 200 of them, laid out 10 rows of 20 so every card is drawn.
    let keep: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
    let cfg_all = config::parse("m", &text).unwrap();
    text = String::new();
    let mut creds = Vec::new();
    for w in &cfg_all.widgets {
        if !keep.contains(w.id.as_str()) {
            continue;
        }
        let base = w.base_url.as_ref().unwrap();
        let keys = match w.source.provider() {
            "open-meteo" => KINDS[0].1.to_string(),
            "yahoo" => KINDS[1].1.to_string(),
            "prometheus" => KINDS[2].1.to_string(),
            _ => {
                let c = w.credential.clone().unwrap();
                creds.push(c.clone());
                KINDS[3].1.replace("CRED", &c)
            }
        };
        text.push_str(&format!(
            "[widget.{}]\n{keys}\nbase_url = \"{base}\"\nrefresh = \"1s\"\ntimeout = \"1s\"\n\n",
            w.id
        ));
    }
    for c in &creds {
        text.push_str(&format!("[credential.{c}]\nprovider = \"finnhub\"\n\n"));
    }
    for row in ids.chunks(20) {
        text.push_str("[[layout.row]]\n");
        for id in row {
            text.push_str(&format!("  [[layout.row.col]]\n  widget = \"{id}\"\n"));
        }
    }
    let cfg = config::parse("m200", &text).unwrap();
    assert_eq!(cfg.widgets.len(), 200);
    let (w, h) = (260, 40);
    let mut app = App::new(
        cfg.clone(),
        false,
        Rect::new(0, 0, w, h),
        Utc::now(),
        event_loop::local_offset(),
    );
    assert!(!app.too_small(), "every card is drawn");
    let flushes = Arc::new(Mutex::new(Vec::new()));
    let mut term = Terminal::new(Timed {
        inner: TestBackend::new(w, h),
        flushes: flushes.clone(),
    })
    .unwrap();
    let (tx, mut rx) = mpsc::channel(256);
    let services = event_loop::Services {
        pollers: Pollers::spawn(&cfg.widgets, &s.http, &broker_with_tokens(&cfg), &tx),
        creds: None,
    };
    drop(tx);
    let (etx, erx) = mpsc::unbounded_channel::<io::Result<Event>>();
    let events = Box::pin(futures_util::stream::unfold(erx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let presses = 300;
    let feeder = tokio::spawn(async move {
        // Every widget is in its fault, and retrying, before the first key.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let mut sent = Vec::with_capacity(presses);
        for _ in 0..presses {
            sent.push(Instant::now());
            etx.send(press(KeyCode::Tab)).unwrap();
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        etx.send(press(KeyCode::Char('q'))).unwrap();
        (sent, etx)
    });
    let exit = event_loop::run(&mut term, &mut app, events, &mut rx, &services, std::future::pending())
        .await
        .unwrap();
    let (sent, _keep_open) = feeder.await.unwrap();
    services.pollers.shutdown();
    assert_eq!(exit, Exit::Quit);
    let flushes = flushes.lock().unwrap().clone();
    let mut lat: Vec<Duration> = sent
        .iter()
        .map(|t| {
            let f = flushes.iter().find(|f| *f >= t).expect("a frame after every key");
            *f - *t
        })
        .collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).min(lat.len()) - 1];
    let failing = app.states.iter().filter(|s| s.error.is_some()).count();
    let classes: HashMap<String, usize> = app
        .states
        .iter()
        .filter_map(|s| s.error.as_ref().map(|e| e.class.label()))
        .fold(HashMap::new(), |mut m, l| {
            *m.entry(l).or_default() += 1;
            m
        });
    eprintln!(
        "200 widgets, {failing} failing ({} classes), {presses} keys: key-to-frame p50 {:?}, p90 {:?}, p99 {:?}, max {:?}; {} frames",
        classes.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        lat[lat.len() - 1],
        flushes.len()
    );
    assert!(failing >= 190, "only {failing} of 200 failing: {classes:?}");
    assert!(pct(0.99) <= Duration::from_millis(50), "p99 {:?}", pct(0.99));
}
