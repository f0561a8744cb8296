//! The real pollers and HTTP client against a loopback server that fails in
//! every way issue #2 lists: each failure must reach the widget as its error
//! class, with the backoff the schedule promises, and input must stay live.

use crate::support;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use homedash::config;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::poll::Pollers;
use homedash::net::http::Http;
use homedash_widgets::{ErrorClass, FetchError};
use support::FaultServer;
use tokio::sync::mpsc;

struct Outcome {
    at: DateTime<Utc>,
    next: DateTime<Utc>,
    result: Result<(), FetchError>,
}

impl Outcome {
    fn delay_secs(&self) -> f64 {
        (self.next - self.at).num_milliseconds() as f64 / 1000.0
    }
}

/// The first `per_widget` results of every widget, by widget id.
async fn collect(cfg: &config::Config, per_widget: usize, within: Duration) -> HashMap<String, Vec<Outcome>> {
    let (tx, mut rx) = mpsc::channel(256);
    let http = Http::new().unwrap();
    let pollers = Pollers::spawn(
        &cfg.widgets,
        &http,
        &homedash::credentials::Broker::new(&cfg.credentials),
        &tx,
    );
    let mut out: HashMap<String, Vec<Outcome>> = HashMap::new();
    let deadline = tokio::time::Instant::now() + within;
    while out.len() < cfg.widgets.len() || out.values().any(|v| v.len() < per_widget) {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await;
        let Ok(Some(msg)) = msg else { break };
        if let Msg::Fetched { id, at, result, next } = msg {
            out.entry(cfg.widgets[id].id.clone()).or_default().push(Outcome {
                at,
                next: next.unwrap_or(DateTime::<Utc>::MAX_UTC),
                result: result.map(|_| ()),
            });
        }
    }
    pollers.shutdown();
    out
}

fn class(o: &Outcome) -> Option<ErrorClass> {
    o.result.as_ref().err().map(|e| e.class.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_reaches_its_widget_as_its_class_with_its_backoff() {
    let srv = FaultServer::start().await;
    let cases = [
        ("ok", srv.base("ok")),
        ("e404", srv.base("404")),
        ("e429", srv.base("429")),
        ("e429bare", srv.base("429-bare")),
        ("e500", srv.base("500")),
        ("e503", srv.base("503")),
        ("hang", srv.base("hang")),
        ("hangbody", srv.base("hang-body")),
        ("refused", support::refused_base()),
        ("malformed", srv.base("malformed")),
        ("shape", srv.base("wrong-shape")),
        ("huge", srv.base("huge")),
        ("hugechunked", srv.base("huge-chunked")),
    ];
    let widgets: Vec<_> = cases.iter().map(|(id, base)| (*id, base.clone(), "30s")).collect();
    let cfg = config::parse("faults", &support::weather_config(&widgets, "1s")).unwrap();
    let hwm_before = support::vm_hwm_kib();
    let got = collect(&cfg, 1, Duration::from_secs(10)).await;
    let first = |id: &str| {
        got.get(id)
            .and_then(|v| v.first())
            .unwrap_or_else(|| panic!("no result for {id}"))
    };

    assert!(first("ok").result.is_ok());
    let d = first("ok").delay_secs();
    assert!((27.0..=33.0).contains(&d), "success: refresh 30s ± 10 %, got {d}");

    let expect: [(&str, ErrorClass, f64, f64); 11] = [
        ("e404", ErrorClass::NotFound, 4.5, 5.5),
        ("e429bare", ErrorClass::RateLimited { until: None }, 60.0, 60.1),
        ("e500", ErrorClass::Server(500), 4.5, 5.5),
        ("e503", ErrorClass::Server(503), 29.9, 30.1),
        ("hang", ErrorClass::Timeout, 4.5, 5.5),
        ("hangbody", ErrorClass::Timeout, 4.5, 5.5),
        ("refused", ErrorClass::Offline, 4.5, 5.5),
        ("malformed", ErrorClass::BadResponse, 4.5, 5.5),
        ("shape", ErrorClass::BadResponse, 4.5, 5.5),
        ("huge", ErrorClass::TooLarge, 4.5, 5.5),
        ("hugechunked", ErrorClass::TooLarge, 4.5, 5.5),
    ];
    for (id, want, lo, hi) in expect {
        let o = first(id);
        assert_eq!(class(o), Some(want.clone()), "{id}: {:?}", o.result);
        let d = o.delay_secs();
        assert!((lo..=hi).contains(&d), "{id}: next try after {d}s, want {lo}..{hi}");
    }
    // 429 with Retry-After: 120 is rate-limited until then, and waits it out.
    let o = first("e429");
    match class(o) {
        Some(ErrorClass::RateLimited { until: Some(t) }) => {
            let secs = (t - o.at).num_seconds();
            assert!((118..=121).contains(&secs), "until {secs}s");
        }
        other => panic!("e429: {other:?}"),
    }
    assert!((119.0..=121.0).contains(&first("e429").delay_secs()));
    // Error text names the host and what went wrong, and never the URL,
    // whose query string may carry a key.
    for id in ["refused", "hang", "hangbody", "huge"] {
        let e = first(id).result.as_ref().unwrap_err();
        assert!(
            !e.detail.contains("latitude=") && !e.detail.contains("http://"),
            "{id}: {e}"
        );
    }
    let refused = first("refused").result.as_ref().unwrap_err();
    assert!(refused.detail.starts_with("cannot connect to 127.0.0.1"), "{refused}");
    assert!(refused.detail.to_lowercase().contains("refused"), "{refused}");
    let hang = first("hang").result.as_ref().unwrap_err();
    assert_eq!(hang.detail, "no complete answer from 127.0.0.1 within 1s");
    // 2 x 50 MB were offered; the cap kept the process from reading them.
    let grown_mib = support::vm_hwm_kib().saturating_sub(hwm_before) / 1024;
    assert!(grown_mib < 32, "peak memory grew {grown_mib} MiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backoff_doubles_after_each_failure() {
    let srv = FaultServer::start().await;
    let cfg = config::parse(
        "backoff",
        &support::weather_config(&[("w", srv.base("500"), "1s")], "1s"),
    )
    .unwrap();
    let got = collect(&cfg, 3, Duration::from_secs(10)).await;
    let delays: Vec<f64> = got["w"].iter().map(Outcome::delay_secs).collect();
    assert_eq!(delays.len(), 3, "{delays:?}");
    for (d, want) in delays.iter().zip([1.0, 2.0, 4.0]) {
        assert!((want * 0.89..=want * 1.11).contains(d), "{delays:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_during_a_fetch_coalesce_into_it() {
    let srv = FaultServer::start().await;
    let cfg = config::parse("slow", &support::weather_config(&[("w", srv.base("slow"), "1h")], "5s")).unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let http = Http::new().unwrap();
    let pollers = Pollers::spawn(
        &cfg.widgets,
        &http,
        &homedash::credentials::Broker::new(&cfg.credentials),
        &tx,
    );
    // Wait until the first fetch is under way, then ask five more times.
    while !matches!(rx.recv().await, Some(Msg::Fetching(0))) {}
    for _ in 0..5 {
        pollers.refresh(0);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    while !matches!(rx.recv().await, Some(Msg::Fetched { .. })) {}
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(srv.hits("slow"), 1, "one request in flight, refreshes joined it");
    // A refresh after the fetch does fetch again.
    pollers.refresh(0);
    while !matches!(rx.recv().await, Some(Msg::Fetched { .. })) {}
    assert_eq!(srv.hits("slow"), 2);
    pollers.shutdown();
}
