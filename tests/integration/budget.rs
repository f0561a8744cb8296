//! Five widgets share one credential with a budget of 10 requests a minute,
//! and someone keeps pressing refresh: the provider never sees more than 10
//! requests in any minute. Runs for 75 s of real time.

use crate::support;

use std::time::{Duration, Instant};

use homedash::config;
use homedash::credentials::Broker;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::poll::Pollers;
use homedash::net::http::Http;
use secrecy::SecretString;
use support::providers::ProviderServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_budget_holds_under_pressure() {
    let srv = ProviderServer::start("finnhub", &["budget-token-0001"]);
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "[widget.w{i}]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nrefresh = \"30s\"\nbase_url = \"{}\"\ncredential = \"fh\"\n\n",
            srv.base()
        ));
    }
    text.push_str("[credential.fh]\nprovider = \"finnhub\"\nbudget = { per_minute = 10 }\n");
    let cfg = config::parse("budget", &text).unwrap_or_else(|e| panic!("{e}"));
    let broker = Broker::new(&cfg.credentials);
    broker.approve_config_origins(&cfg);
    broker.set("fh", Ok(SecretString::from("budget-token-0001")));
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let pollers = Pollers::spawn(&cfg.widgets, &Http::new().unwrap(), &broker, &tx);
    let started = Instant::now();
    let mut held = 0;
    while started.elapsed() < Duration::from_secs(75) {
        // Ten refreshes a second across the five widgets.
        for id in 0..5 {
            pollers.refresh(id);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Fetched { result: Err(e), .. } = msg
                && e.detail.contains("budget")
            {
                held += 1;
            }
        }
    }
    pollers.shutdown();
    let max = srv.max_in_window(Duration::from_secs(60));
    let times: Vec<String> = srv
        .times()
        .iter()
        .map(|t| format!("{:.2}", t.duration_since(started).as_secs_f64()))
        .collect();
    eprintln!("at: {}", times.join(" "));
    let total = srv.requests();
    eprintln!("requests: {total} in 75 s, at most {max} in any minute; {held} holds shown");
    assert!(max <= 10, "{max} requests in one minute");
    assert!(total >= 15, "the budget was used, not starved: {total}");
    assert!(held > 0, "the widgets said they were holding");
}
