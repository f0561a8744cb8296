//! The one HTTP client every poller shares: pooled, gzip, connect and total
//! timeouts, and a cap on the body size that holds after decompression.

use std::error::Error as _;
use std::time::Duration;

use homedash_widgets::{ErrorClass, FetchError, HttpReply, RequestSpec};

/// Larger answers are refused: no provider we speak sends more.
pub const BODY_CAP: usize = 4 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    cap: usize,
}

impl Http {
    pub fn new() -> Result<Self, String> {
        Self::with_cap(BODY_CAP)
    }

    pub fn with_cap(cap: usize) -> Result<Self, String> {
        // Several tests may build clients in one process; only the first install counts.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("homedash/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(90))
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", root_cause(&e)))?;
        Ok(Http { client, cap })
    }

    /// GET `spec` within `timeout` (connect, headers and body together).
    pub async fn fetch(&self, spec: &RequestSpec, timeout: Duration) -> Result<HttpReply, FetchError> {
        let mut req = self.client.get(spec.url.clone()).timeout(timeout);
        for (k, v) in &spec.headers {
            req = req.header(*k, v);
        }
        let host = spec.url.host_str().unwrap_or("?").to_string();
        let fail = |e: reqwest::Error| classify(e, &host, timeout);
        let resp = req.send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        if resp.content_length().is_some_and(|n| n > self.cap as u64) {
            return Err(too_large(self.cap));
        }
        let mut body = Vec::new();
        let mut resp = resp;
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > self.cap {
                return Err(too_large(self.cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpReply { status, headers, body })
    }
}

fn too_large(cap: usize) -> FetchError {
    FetchError::new(
        ErrorClass::TooLarge,
        format!("body over {} MiB, not read", cap / (1024 * 1024)),
    )
}

/// The innermost cause: the part that says what actually happened.
fn root_cause(e: &reqwest::Error) -> String {
    let mut last = e.to_string();
    let mut cur: Option<&dyn std::error::Error> = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !s.is_empty() {
            last = s;
        }
        cur = c.source();
    }
    last
}

/// One short line per failure, naming the host but never the URL: a URL may
/// carry a query-string key.
pub fn classify(e: reqwest::Error, host: &str, timeout: Duration) -> FetchError {
    let e = e.without_url();
    let cause = root_cause(&e);
    let lower = cause.to_ascii_lowercase();
    let dns = lower.contains("lookup address") || lower.contains("resolve") || lower.contains("name or service");
    let (class, detail) = if e.is_timeout() {
        (
            ErrorClass::Timeout,
            format!(
                "no complete answer from {host} within {}",
                humantime::format_duration(timeout)
            ),
        )
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        (ErrorClass::Tls, format!("TLS with {host} failed: {cause}"))
    } else if dns {
        (ErrorClass::Offline, format!("cannot resolve {host}: {cause}"))
    } else if e.is_connect() {
        (ErrorClass::Offline, format!("cannot connect to {host}: {cause}"))
    } else if e.is_body() || e.is_decode() {
        // The connection broke or the encoding was bad mid-body.
        (
            ErrorClass::BadResponse,
            format!("answer from {host} broke off: {cause}"),
        )
    } else {
        (ErrorClass::Offline, format!("{host}: {cause}"))
    };
    FetchError::new(class, detail)
}
