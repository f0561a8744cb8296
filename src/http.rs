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
            .map_err(|e| format!("cannot build the HTTP client: {}", chain(&e)))?;
        Ok(Http { client, cap })
    }

    /// GET `spec` within `timeout` (connect, headers and body together).
    pub async fn fetch(&self, spec: &RequestSpec, timeout: Duration) -> Result<HttpReply, FetchError> {
        let mut req = self.client.get(spec.url.clone()).timeout(timeout);
        for (k, v) in &spec.headers {
            req = req.header(*k, v);
        }
        let resp = req.send().await.map_err(classify)?;
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
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
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

/// The error's causes, innermost last, without any URL (a URL may carry a
/// query-string key).
fn chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !s.is_empty() && parts.last() != Some(&s) {
            parts.push(s);
        }
        cur = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
}

pub fn classify(e: reqwest::Error) -> FetchError {
    let e = e.without_url();
    let detail = chain(&e);
    let lower = detail.to_ascii_lowercase();
    let class = if e.is_timeout() {
        ErrorClass::Timeout
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        ErrorClass::Tls
    } else if e.is_connect() || lower.contains("dns") || lower.contains("resolve") {
        ErrorClass::Offline
    } else if e.is_body() || e.is_decode() {
        // The connection broke or the encoding was bad mid-body.
        ErrorClass::BadResponse
    } else {
        ErrorClass::Offline
    };
    FetchError::new(class, detail)
}
