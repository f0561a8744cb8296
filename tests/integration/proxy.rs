//! Proxies in the environment never see a credential: a proxy on another
//! loopback address, named by HTTP_PROXY, HTTPS_PROXY and ALL_PROXY,
//! receives nothing from `creds test` or a dashboard polling a loopback
//! server, and for an https endpoint only a CONNECT: the token travels
//! inside the TLS tunnel, which the proxy cannot read.

use crate::support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use homedash::net::destinations::Grant;
use homedash::net::http::{Http, Options, ProxyEnv};
use homedash_widgets::{AuthPlacement, ErrorClass, RequestSpec};
use secrecy::SecretString;
use support::providers::ProviderServer;
use support::proxy::Proxy;
use support::pty::Running;
use support::tls::{self, TlsServer};
use url::Url;

const TOKEN: &str = "hd-canary-proxy-0d5e7a91";

fn proxy_env(proxy: &Proxy) -> Vec<(&'static str, String)> {
    [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ]
    .into_iter()
    .map(|v| (v, proxy.url()))
    .collect()
}

fn config(base: &str) -> String {
    format!(
        "[widget.stocks]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\nbase_url = \"{base}\"\nrefresh = \"2s\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_PROXY_TOKEN\"\n"
    )
}

fn assert_proxy_saw_no_token(proxy: &Proxy) {
    for h in proxy.heads() {
        assert!(!h.contains(TOKEN), "the proxy got the token: {h}");
    }
    assert!(!String::from_utf8_lossy(&proxy.tunnelled()).contains(TOKEN));
}

fn setup(dir: &Path, base: &str) -> std::path::PathBuf {
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, config(base)).unwrap();
    support::allow(dir, &cfg, "fh", base);
    cfg
}

#[test]
fn creds_test_to_loopback_goes_around_the_proxy() {
    let srv = ProviderServer::start("finnhub", &[TOKEN]);
    let proxy = Proxy::start(HashMap::new());
    let dir = tempfile::tempdir().unwrap();
    let cfg = setup(dir.path(), &srv.base());
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--config", cfg.to_str().unwrap(), "creds", "test", "fh"])
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("HD_PROXY_TOKEN", TOKEN)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .envs(proxy_env(&proxy))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("fh: valid"), "{text}");
    assert_eq!(srv.accepted(), 1, "the loopback server got the token in its header");
    assert!(proxy.heads().is_empty(), "the proxy got {:?}", proxy.heads());
}

#[test]
fn a_dashboard_polling_loopback_goes_around_the_proxy() {
    let srv = ProviderServer::start("finnhub", &[TOKEN]);
    let proxy = Proxy::start(HashMap::new());
    let dir = tempfile::tempdir().unwrap();
    let cfg = setup(dir.path(), &srv.base());
    let mut env: Vec<(&str, String)> = proxy_env(&proxy);
    env.push(("HD_PROXY_TOKEN", TOKEN.into()));
    env.push(("NO_PROXY", String::new()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut app = Running::start_in(dir.path(), &["--config", cfg.to_str().unwrap()], &env);
    app.wait_for(&["AAPL", "261."], Duration::from_secs(5));
    // A few more polls at the 2 s refresh.
    std::thread::sleep(Duration::from_millis(2500));
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    assert!(srv.accepted() >= 2, "polled with the token: {}", srv.accepted());
    assert!(proxy.heads().is_empty(), "the proxy got {:?}", proxy.heads());
}

fn quote(url: &str) -> RequestSpec {
    let mut spec = RequestSpec::get(&Url::parse(url).unwrap(), "/api/v1/quote", &[("symbol", "AAPL".into())]);
    spec.auth = AuthPlacement::Header("X-Finnhub-Token".into());
    spec
}

#[tokio::test]
async fn https_goes_through_the_proxy_only_as_a_connect_tunnel() {
    let body = r#"{"c":1,"d":null}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let tls_srv = TlsServer::start(answer).await;
    let target = format!("{}:{}", tls::HOST, tls_srv.addr.port());
    let proxy = Proxy::start(HashMap::from([(target.clone(), tls_srv.addr)]));
    let client = |no_proxy: Option<&str>| {
        Http::with_options(Options {
            proxy: ProxyEnv {
                https: Some(proxy.url()),
                http: Some(proxy.url()),
                no_proxy: no_proxy.map(String::from),
            },
            // The name is pinned for a direct connection; through the
            // proxy, the proxy's own pin takes it there. No DNS either way.
            resolve: vec![(tls::HOST.into(), tls_srv.addr)],
            roots_pem: vec![tls_srv.cert_pem.clone()],
            ..Options::default()
        })
        .unwrap()
    };
    let secret = SecretString::from(TOKEN);
    let spec = quote(&tls_srv.url("/"));
    let to = support::finnhub_to(&spec.url);
    let grant = Grant {
        name: "fh",
        secret: &secret,
        to: &to,
    };

    let r = client(None)
        .fetch(&spec, Duration::from_secs(5), Some(grant))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("CONNECT {target} ")),
        "only a CONNECT: {heads:?}"
    );
    assert_proxy_saw_no_token(&proxy);
    assert!(!proxy.tunnelled().is_empty(), "the request went through the tunnel");
    assert!(
        tls_srv
            .heads()
            .iter()
            .any(|h| h.contains(&format!("x-finnhub-token: {TOKEN}"))),
        "the server, past the tunnel, got the token in its header"
    );

    // NO_PROXY is honoured: the same request goes direct.
    let r = client(Some(tls::HOST))
        .fetch(&spec, Duration::from_secs(5), Some(grant))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(proxy.heads().len(), 1, "nothing more reached the proxy");
    assert_eq!(tls_srv.heads().len(), 2);

    // Plain http to another host: without a credential it goes through the
    // http proxy as usual; with one it is refused before anything is sent,
    // so the proxy never gets an absolute-URI request carrying a token.
    let plain = "http://metrics.lan.test:9100/api/v1/quote";
    let e = client(None)
        .fetch(&quote(plain), Duration::from_secs(5), Some(grant))
        .await
        .unwrap_err();
    assert!(matches!(e.class, ErrorClass::Insecure | ErrorClass::Unapproved), "{e}");
    assert_eq!(proxy.heads().len(), 1);
    let _ = client(None).fetch(&quote(plain), Duration::from_secs(5), None).await;
    let heads = proxy.heads();
    assert_eq!(heads.len(), 2);
    assert!(heads[1].starts_with("GET http://metrics.lan.test:9100/"), "{heads:?}");
    assert_proxy_saw_no_token(&proxy);
}
