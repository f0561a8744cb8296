//! Where a credential may travel, proven on the wire: never to a plain
//! http:// URL that is not loopback (refused before connecting), never to
//! another origin on a redirect, never over an https to http redirect; and
//! a query-string key shows in no error text and no log line.

use crate::support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use homedash::net::destinations::Grant;
use homedash::net::http::{Http, Options};
use homedash_widgets::{AuthPlacement, ErrorClass, RequestSpec};
use secrecy::SecretString;
use support::FaultServer;
use support::providers::ProviderServer;
use support::tls::{self, TlsServer};
use url::Url;

const TOKEN: &str = "hd-canary-transport-5d1e";
const TIMEOUT: Duration = Duration::from_secs(3);

fn secret() -> SecretString {
    SecretString::from(TOKEN)
}

fn quote(url: &str) -> RequestSpec {
    let mut spec = RequestSpec::get(&Url::parse(url).unwrap(), "/api/v1/quote", &[("symbol", "AAPL".into())]);
    spec.auth = AuthPlacement::Header("X-Finnhub-Token".into());
    spec
}

/// A fetch with the token, approved for the spec's own origin: these tests
/// are about where it travels from there.
async fn fetch_with(
    http: &Http,
    spec: &RequestSpec,
    timeout: Duration,
) -> Result<homedash_widgets::HttpReply, homedash_widgets::FetchError> {
    let secret = secret();
    let to = support::finnhub_to(&spec.url);
    let grant = Grant {
        name: "t",
        secret: &secret,
        to: &to,
    };
    http.fetch(spec, timeout, Some(grant)).await
}

fn carries_token(heads: &[String]) -> bool {
    heads.iter().any(|h| h.contains(TOKEN))
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_before_connecting() {
    let srv = ProviderServer::start("finnhub", &[TOKEN]);
    // `api.finnhub.test` is pinned to the loopback server, so a request
    // that went out would be seen there; the URL itself is not loopback.
    let http = Http::with_options(Options {
        resolve: vec![("api.finnhub.test".into(), srv.addr)],
        ..Options::default()
    })
    .unwrap();
    let url = format!("http://api.finnhub.test:{}/", srv.addr.port());
    let e = fetch_with(&http, &quote(&url), TIMEOUT).await.unwrap_err();
    assert_eq!(e.class, ErrorClass::Insecure);
    assert!(
        e.detail.contains("api.finnhub.test") && e.detail.contains("https"),
        "{e}"
    );
    assert!(srv.heads().is_empty(), "nothing reached the server");
    // The same URL without a credential does connect: the pinning works.
    let r = http.fetch(&quote(&url), TIMEOUT, None).await.unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(srv.heads().len(), 1);
    // And loopback by address takes the credential in its header.
    let r = fetch_with(&http, &quote(&srv.base()), TIMEOUT).await.unwrap();
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn a_redirect_keeps_the_credential_on_its_origin_only() {
    let srv = ProviderServer::start("finnhub", &[TOKEN]);
    let faults = FaultServer::start().await;
    let http = Http::new().unwrap();
    // Same origin: followed, credential attached again.
    let mut spec = quote(&srv.base());
    spec.url.set_path("/moved");
    let r = fetch_with(&http, &spec, TIMEOUT).await.unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // Another origin (another host name and port): followed without it.
    let target = format!("http://localhost:{}/api/v1/quote?symbol=AAPL", srv.addr.port());
    let mut spec = quote(&faults.base("redirect"));
    spec.url.set_query(Some(&format!(
        "to={}",
        url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
    )));
    let before = srv.heads().len();
    let r = fetch_with(&http, &spec, TIMEOUT).await.unwrap();
    assert_eq!(r.status, 429, "Finnhub's answer to a request with no token");
    let after = srv.heads();
    assert_eq!(after.len(), before + 1, "the redirect was followed");
    assert!(!carries_token(&after[before..]), "{:?}", &after[before..]);
    // A redirect loop ends.
    let e = fetch_with(&http, &quote(&faults.base("redirect-loop")), TIMEOUT)
        .await
        .unwrap_err();
    assert!(e.detail.contains("more than 5 redirects"), "{e}");
}

#[tokio::test]
async fn https_to_http_redirect_is_not_followed() {
    let plain = ProviderServer::start("finnhub", &[TOKEN]);
    let downgrade = format!(
        "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:{}/api/v1/quote?symbol=AAPL\r\ncontent-length: 0\r\n\r\n",
        plain.addr.port()
    );
    let tls_srv = TlsServer::start(downgrade).await;
    let http = Http::with_options(Options {
        resolve: vec![(tls::HOST.into(), tls_srv.addr)],
        roots_pem: vec![tls_srv.cert_pem.clone()],
        ..Options::default()
    })
    .unwrap();
    let e = fetch_with(&http, &quote(&tls_srv.url("/")), TIMEOUT).await.unwrap_err();
    assert_eq!(e.class, ErrorClass::Insecure, "{e}");
    assert!(e.detail.contains("https to plain http"), "{e}");
    assert!(
        carries_token(&tls_srv.heads()),
        "over https the credential went in its header"
    );
    assert!(plain.heads().is_empty(), "the http target was never contacted");
}

/// A `Write` that appends to a shared buffer, for capturing logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_query_string_key_is_in_no_error_and_no_log_line() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let faults = FaultServer::start().await;
    let http = Http::new().unwrap();
    let mut errors = Vec::new();
    let mut cases: Vec<String> = ["500", "404", "malformed", "hang", "hang-body", "redirect-loop"]
        .iter()
        .map(|c| faults.base(c))
        .collect();
    cases.push(support::refused_base());
    for base in cases {
        let mut spec = RequestSpec::get(
            &Url::parse(&base).unwrap(),
            "/query",
            &[("function", "GLOBAL_QUOTE".into())],
        );
        spec.auth = AuthPlacement::Query("apikey");
        match fetch_with(&http, &spec, Duration::from_millis(800)).await {
            Ok(r) => errors.push(format!("{} {}", r.status, String::from_utf8_lossy(&r.body))),
            Err(e) => errors.push(format!("{e} / {e:?}")),
        }
    }
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(!log.is_empty(), "trace logging was captured");
    for e in &errors {
        assert!(!e.contains(TOKEN), "{e}");
    }
    assert!(!log.contains(TOKEN), "a log line carries the key:\n{log}");
}
