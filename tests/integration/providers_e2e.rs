//! Every provider end to end against its loopback twin: the server takes
//! the credential only in the provider's real place (a header, or the query
//! parameter for the query-only providers) and rejects it anywhere else.
//! The widget gets its data, and `homedash creds test` classifies valid,
//! rejected and rate-limited.

use crate::support;

use std::process::Command;
use std::time::Duration;

use homedash::config;
use homedash::credentials::Broker;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::poll::Pollers;
use homedash::net::http::Http;
use secrecy::SecretString;
use support::providers::ProviderServer;

/// (provider, kind-specific keys, token)
const CASES: [(&str, &str, &str); 8] = [
    ("finnhub", "kind = \"stocks\"\nsymbols = [\"AAPL\"]", "fh-token-0001"),
    (
        "twelvedata",
        "kind = \"stocks\"\nsymbols = [\"AAPL\"]\nintraday = true\nrefresh = \"5m\"",
        "td-token-0002",
    ),
    ("polygon", "kind = \"stocks\"\nsymbols = [\"AAPL\"]", "pg-token-0003"),
    (
        "alphavantage",
        "kind = \"stocks\"\nsymbols = [\"AZN.LON\"]\nrefresh = \"1h\"",
        "av-token-0004",
    ),
    (
        "openweathermap",
        "kind = \"weather\"\nlatitude = 44.34\nlongitude = 10.99\nhours = 3",
        "owm-token-0005",
    ),
    (
        "weatherapi",
        "kind = \"weather\"\nlatitude = 51.52\nlongitude = -0.11",
        "wa-token-0006",
    ),
    (
        "prometheus",
        "kind = \"metrics\"\nquery = \"up\"\nrange = \"1h\"",
        "prom-token-0007",
    ),
    (
        "datadog",
        "kind = \"metrics\"\nquery = \"system.cpu.idle{*}\"",
        "ddapi0008:ddapp0008",
    ),
];

fn config_for(servers: &[ProviderServer], env_source: bool) -> String {
    let mut s = String::new();
    for ((provider, keys, _), srv) in CASES.iter().zip(servers) {
        s.push_str(&format!(
            "[widget.{provider}]\nprovider = \"{provider}\"\n{keys}\nbase_url = \"{}\"\ncredential = \"{provider}\"\n\n",
            srv.base()
        ));
        s.push_str(&format!("[credential.{provider}]\nprovider = \"{provider}\"\n"));
        if env_source {
            s.push_str(&format!(
                "source = \"env\"\nenv = \"HD_TEST_{}\"\n",
                provider.to_uppercase()
            ));
        }
        s.push('\n');
    }
    s
}

fn start_all() -> Vec<ProviderServer> {
    CASES
        .iter()
        .map(|(p, _, token)| ProviderServer::start(p, &[token]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_widget_gets_its_data_with_the_credential_in_its_place() {
    let servers = start_all();
    let mut text = config_for(&servers, false);
    let yahoo = ProviderServer::start("yahoo", &[]);
    text.push_str(&format!(
        "[widget.yahoo]\nkind = \"stocks\"\nsymbols = [\"AAPL\"]\nbase_url = \"{}\"\n",
        yahoo.base()
    ));
    let cfg = config::parse("providers", &text).unwrap_or_else(|e| panic!("{e}"));
    let broker = Broker::new(&cfg.credentials);
    broker.approve_config_origins(&cfg);
    for (provider, _, token) in CASES {
        broker.set(provider, Ok(SecretString::from(token)));
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let pollers = Pollers::spawn(&cfg.widgets, &Http::new().unwrap(), &broker, &tx);
    let mut ok = vec![false; cfg.widgets.len()];
    let mut last = vec![String::new(); cfg.widgets.len()];
    let done = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(msg) = rx.recv().await {
            if let Msg::Fetched { id, result, .. } = msg {
                match result {
                    Ok(_) => ok[id] = true,
                    Err(e) => last[id] = e.to_string(),
                }
                if ok.iter().all(|o| *o) {
                    return;
                }
            }
        }
    })
    .await;
    pollers.shutdown();
    for (i, w) in cfg.widgets.iter().enumerate() {
        assert!(ok[i], "{} got no data: {}", w.id, last[i]);
    }
    assert!(done.is_ok());
    for s in servers.iter().chain([&yahoo]) {
        assert!(s.accepted() >= 1, "{}", s.provider);
        assert_eq!(s.misplaced(), 0, "{}: a token went somewhere else", s.provider);
    }
}

fn creds_test(dir: &std::path::Path, provider: &str, token: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args([
            "--config",
            dir.join("config.toml").to_str().unwrap(),
            "creds",
            "test",
            provider,
        ])
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env(format!("HD_TEST_{}", provider.to_uppercase()), token)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn creds_test_classifies_valid_rejected_and_rate_limited() {
    let servers = start_all();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, config_for(&servers, true)).unwrap();
    for ((provider, _, _), srv) in CASES.iter().zip(&servers) {
        support::allow(dir.path(), &cfg, provider, &srv.base());
    }
    for ((provider, _, token), srv) in CASES.iter().zip(&servers) {
        let (ok, text) = creds_test(dir.path(), provider, token);
        assert!(ok, "{provider} valid: {text}");
        assert!(text.contains(&format!("{provider}: valid")), "{text}");
        let (ok, text) = creds_test(dir.path(), provider, "wrong0000:wrong0000");
        assert!(!ok, "{provider} wrong key: {text}");
        assert!(text.contains("rejected"), "{provider}: {text}");
        srv.set_rate_limited(true);
        let (ok, text) = creds_test(dir.path(), provider, token);
        srv.set_rate_limited(false);
        assert!(!ok, "{provider} limited: {text}");
        assert!(text.contains("rate-limited"), "{provider}: {text}");
        if *provider == "alphavantage" {
            assert!(
                text.contains("spends one request"),
                "the quota warning comes first: {text}"
            );
        }
        assert_eq!(srv.misplaced(), 0, "{provider}");
        assert!(!text.contains(token), "{provider}: the token was printed");
    }
}
