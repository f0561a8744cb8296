//! The one HTTP client every poller shares: pooled, gzip, connect and total
//! timeouts, and a cap on the body size that holds after decompression.

use std::error::Error as _;
use std::time::Duration;

use homedash_widgets::{ErrorClass, FetchError, HttpReply, RequestSpec};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use tokio::time::Instant;

use crate::net::destinations::{self, Grant};
use crate::net::transport;
use crate::outside;

/// Larger answers are refused: no provider we speak sends more.
pub const BODY_CAP: usize = 4 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_REDIRECTS: usize = 5;
/// Idle keep-alive connections kept per host: enough for the polls that
/// overlap in steady state, even with a thousand widgets on one host.
const MAX_IDLE_PER_HOST: usize = 48;
/// Polls in flight at once; more wait their turn (within their timeout).
const MAX_IN_FLIGHT: usize = 64;

/// Proxies, as the environment names them (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY`, `NO_PROXY`, upper or lower case).
///
/// How they are used, so that no proxy sees a credential:
/// - loopback (127.0.0.0/8, ::1, localhost) is always reached directly;
/// - https goes through the https (or all) proxy as a CONNECT tunnel: the
///   proxy sees the host and port, never a header;
/// - plain http goes through the http (or all) proxy as an absolute-URI
///   request, which never carries a credential, because credentials go
///   over plain http to loopback only (`transport::check`);
/// - hosts `NO_PROXY` matches are reached directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub https: Option<String>,
    pub http: Option<String>,
    pub no_proxy: Option<String>,
}

/// Never through a proxy, whatever `NO_PROXY` says.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

impl ProxyEnv {
    pub fn from_env() -> Self {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok())
                .filter(|v| !v.trim().is_empty())
        };
        let all = var(&["ALL_PROXY", "all_proxy"]);
        ProxyEnv {
            https: var(&["HTTPS_PROXY", "https_proxy"]).or_else(|| all.clone()),
            // Lower case first, as curl does: a CGI host sets HTTP_PROXY
            // from a request header ("httpoxy").
            http: var(&["http_proxy", "HTTP_PROXY"]).or(all),
            no_proxy: var(&["NO_PROXY", "no_proxy"]),
        }
    }

    /// Each proxy is an http or https URL. A socks proxy would be used
    /// for every request, tunnel rules unproven, so it is refused with the
    /// variable that named it, before anything starts.
    pub fn validate(&self) -> Result<(), ClientError> {
        for (value, vars) in [
            (&self.https, ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            (&self.http, ["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"]),
        ] {
            let Some(value) = value else { continue };
            // reqwest reads a bare host:port as http://host:port.
            let scheme = value.split_once("://").map_or("http", |(s, _)| s).to_ascii_lowercase();
            if scheme != "http" && scheme != "https" {
                let var = vars
                    .into_iter()
                    .find(|v| std::env::var(v).ok().as_deref() == Some(value.as_str()))
                    .unwrap_or(vars[0]);
                return Err(ClientError::ProxyScheme {
                    var,
                    scheme: outside::admit_to(&scheme, 20),
                });
            }
        }
        Ok(())
    }

    fn apply(&self, mut b: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ClientError> {
        self.validate()?;
        // Nothing of reqwest's own reading of the environment: only this.
        b = b.no_proxy();
        let no = match &self.no_proxy {
            Some(n) => format!("{n},{LOOPBACK}"),
            None => LOOPBACK.to_string(),
        };
        let bad = |var: &'static str, source: reqwest::Error| ClientError::Proxy { var, source };
        if let Some(p) = &self.https {
            let proxy = reqwest::Proxy::https(p.as_str()).map_err(|e| bad("https", e))?;
            b = b.proxy(proxy.no_proxy(reqwest::NoProxy::from_string(&no)));
        }
        if let Some(p) = &self.http {
            let proxy = reqwest::Proxy::http(p.as_str()).map_err(|e| bad("http", e))?;
            b = b.proxy(proxy.no_proxy(reqwest::NoProxy::from_string(&no)));
        }
        Ok(b)
    }
}

/// Why no HTTP client could be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the {var} proxy URL is not usable: {source}")]
    Proxy {
        var: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error(
        "{var} names a {scheme}:// proxy; homedash speaks only to http and https proxies (https through a CONNECT tunnel): set {var} to http://HOST:PORT, or unset it"
    )]
    ProxyScheme { var: &'static str, scheme: String },
    #[error("bad root certificate: {0}")]
    Root(#[source] reqwest::Error),
    #[error("cannot read the gateway's CA file {}: {source}", path.display())]
    CaFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

/// How a client is built. Tests pin names to loopback addresses (no DNS)
/// and trust a throw-away certificate authority.
#[derive(Clone)]
pub struct Options {
    pub cap: usize,
    pub proxy: ProxyEnv,
    pub resolve: Vec<(String, std::net::SocketAddr)>,
    pub roots_pem: Vec<Vec<u8>>,
    /// Replaces the system resolver: tests inject one that fails, so a DNS
    /// failure is tested without a query leaving the machine.
    pub dns: Option<std::sync::Arc<dyn reqwest::dns::Resolve>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cap: BODY_CAP,
            proxy: ProxyEnv::from_env(),
            resolve: Vec::new(),
            roots_pem: Vec::new(),
            dns: None,
        }
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    cap: usize,
    /// A client that also trusts a private CA, used for one origin only
    /// (team mode's gateway), so that CA vouches for no other host.
    scoped: Option<std::sync::Arc<(String, reqwest::Client)>>,
    options: Options,
    /// Polls in flight at once, across every clone: widgets that start
    /// together queue here instead of each opening a connection and
    /// holding its buffers and answer at the same moment.
    in_flight: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Http {
    pub fn new() -> Result<Self, ClientError> {
        Self::with_cap(BODY_CAP)
    }

    pub fn with_cap(cap: usize) -> Result<Self, ClientError> {
        Self::with_options(Options {
            cap,
            ..Options::default()
        })
    }

    pub fn with_options(o: Options) -> Result<Self, ClientError> {
        // Several tests may build clients in one process; only the first install counts.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .user_agent(concat!("homedash/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(90))
            // Many widgets of one provider open many connections when they
            // start together; keeping them all would hold their buffers
            // (tens of KiB each) for as long as they are reused.
            .pool_max_idle_per_host(MAX_IDLE_PER_HOST)
            // Redirects are followed by hand in `fetch`, which decides per
            // hop whether the credential may go along.
            .redirect(reqwest::redirect::Policy::none());
        b = o.proxy.apply(b)?;
        if let Some(dns) = &o.dns {
            b = b.dns_resolver(dns.clone());
        }
        for (name, addr) in &o.resolve {
            b = b.resolve(name, *addr);
        }
        for pem in &o.roots_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(ClientError::Root)?;
            b = b.add_root_certificate(cert);
        }
        let client = b.build().map_err(|e| ClientError::Build(root_cause(&e)))?;
        Ok(Http {
            client,
            cap: o.cap,
            scoped: None,
            options: o,
            in_flight: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        })
    }

    /// For requests to `url`'s origin only, also trust the CA certificates
    /// in the PEM file `ca` (team mode's `[gateway] ca_file`).
    pub fn trusting_file(&self, url: &url::Url, ca: &std::path::Path) -> Result<Self, ClientError> {
        let pem = std::fs::read(ca).map_err(|e| ClientError::CaFile {
            path: ca.to_path_buf(),
            source: e,
        })?;
        let mut o = self.options.clone();
        o.roots_pem.push(pem);
        let scoped = Self::with_options(o)?;
        Ok(Http {
            scoped: Some(std::sync::Arc::new((destinations::origin_of(url), scoped.client))),
            ..self.clone()
        })
    }

    /// This client, or with `private_ca` (a gateway's URL and CA file)
    /// trusted for that origin.
    pub fn with_private_ca(&self, private_ca: Option<(&url::Url, &std::path::Path)>) -> Result<Self, ClientError> {
        match private_ca {
            Some((url, ca)) => self.trusting_file(url, ca),
            None => Ok(self.clone()),
        }
    }

    fn client_for(&self, url: &url::Url) -> &reqwest::Client {
        match &self.scoped {
            Some(s) if s.0 == destinations::origin_of(url) => &s.1,
            _ => &self.client,
        }
    }

    /// GET `spec` within `timeout` (connect, headers, redirects and body
    /// together). A credential, when given, goes only to an origin its
    /// owner approved (nothing is sent otherwise), is attached where
    /// `spec.auth` says, only over https or to loopback, and only to the
    /// original origin: a redirect elsewhere goes without it, and https to
    /// http is refused.
    pub async fn fetch(
        &self,
        spec: &RequestSpec,
        timeout: Duration,
        cred: Option<Grant<'_>>,
    ) -> Result<HttpReply, FetchError> {
        let deadline = Instant::now() + timeout;
        let origin = &spec.url;
        if let Some(g) = cred
            && !g.to.allows(origin)
        {
            return Err(FetchError::new(
                ErrorClass::Unapproved,
                destinations::unapproved(g.name, &destinations::origin_of(origin)),
            ));
        }
        let secret = cred.map(|g| g.secret);
        let Ok(Ok(_permit)) = tokio::time::timeout_at(deadline, self.in_flight.acquire()).await else {
            return Err(FetchError::new(
                ErrorClass::Timeout,
                format!(
                    "not sent within {}: {MAX_IN_FLIGHT} other polls were still waiting for answers",
                    humantime::format_duration(timeout)
                ),
            ));
        };
        let mut url = spec.url.clone();
        transport::strip_key(&mut url, &spec.auth);
        let mut base_headers = HeaderMap::new();
        for (k, v) in &spec.headers {
            if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
                base_headers.insert(k, v);
            }
        }
        for _hop in 0..=MAX_REDIRECTS {
            let host = url.host_str().unwrap_or("?").to_string();
            let mut target = url.clone();
            let mut headers = base_headers.clone();
            if let Some(secret) = secret.filter(|_| transport::same_origin(&url, origin)) {
                transport::check(&url)?;
                transport::attach(&mut target, &mut headers, &spec.auth, secret)?;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(FetchError::new(
                    ErrorClass::Timeout,
                    format!(
                        "no complete answer from {host} within {}",
                        humantime::format_duration(timeout)
                    ),
                ));
            }
            let fail = |e: reqwest::Error| classify(e, &host, timeout);
            let resp = self
                .client_for(&target)
                .get(target)
                .headers(headers)
                .timeout(left)
                .send()
                .await
                .map_err(fail)?;
            if resp.status().is_redirection()
                && let Some(location) = resp.headers().get(LOCATION)
            {
                let location = location.to_str().unwrap_or("");
                let mut next = url
                    .join(location)
                    .map_err(|e| FetchError::bad_response(format!("{host} redirected to a bad URL: {e}")))?;
                if url.scheme() == "https" && next.scheme() == "http" {
                    return Err(FetchError::new(
                        ErrorClass::Insecure,
                        format!("{host} redirected from https to plain http; not followed"),
                    ));
                }
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::bad_response(format!(
                        "{host} redirected to a {}: URL; not followed",
                        next.scheme()
                    )));
                }
                transport::strip_key(&mut next, &spec.auth);
                tracing::debug!(from = %host, to = next.host_str().unwrap_or("?"), "redirect");
                url = next;
                continue;
            }
            return self.read(resp, &host, timeout, Scrub::Body).await;
        }
        Err(FetchError::bad_response(format!(
            "more than {MAX_REDIRECTS} redirects from {}; not followed",
            origin.host_str().unwrap_or("?")
        )))
    }

    /// Send one exchange with an OAuth authorization server (a form POST
    /// to its token, device or revocation endpoint): https, or plain http
    /// to loopback only; never through a redirect, which RFC 6749 does not
    /// allow there; the answer capped like any other.
    pub async fn exchange(
        &self,
        req: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, FetchError> {
        let url =
            url::Url::parse(&req.uri().to_string()).map_err(|e| FetchError::bad_response(format!("not a URL: {e}")))?;
        transport::check(&url)?;
        let host = url.host_str().unwrap_or("?").to_string();
        let req = reqwest::Request::try_from(req).map_err(|e| FetchError::bad_response(root_cause(&e)))?;
        let fail = |e: reqwest::Error| classify(e, &host, timeout);
        let resp = tokio::time::timeout(timeout, self.client_for(&url).execute(req))
            .await
            .map_err(|_| {
                FetchError::new(
                    ErrorClass::Timeout,
                    format!("no answer from {host} within {}", humantime::format_duration(timeout)),
                )
            })?
            .map_err(fail)?;
        if resp.status().is_redirection() {
            return Err(FetchError::bad_response(format!(
                "{host} answered an OAuth request with a redirect (HTTP {}); not followed",
                resp.status().as_u16()
            )));
        }
        // The answer of a token endpoint carries tokens, which may be the
        // very ones held (a refresh token the server sends back unchanged):
        // scrubbed, they would be stored as "REDACTED". The exchange's
        // caller admits the text it shows (`oauth::clean_to`).
        let reply = tokio::time::timeout(timeout, self.read(resp, &host, timeout, Scrub::HeadersOnly))
            .await
            .map_err(|_| FetchError::new(ErrorClass::Timeout, format!("the answer from {host} broke off")))??;
        let mut out = http::Response::builder().status(reply.status);
        for (k, v) in &reply.headers {
            out = out.header(k, v);
        }
        out.body(reply.body)
            .map_err(|e| FetchError::bad_response(e.to_string()))
    }

    async fn read(
        &self,
        resp: reqwest::Response,
        host: &str,
        timeout: Duration,
        scrub: Scrub,
    ) -> Result<HttpReply, FetchError> {
        let fail = |e: reqwest::Error| classify(e, host, timeout);
        let status = resp.status().as_u16();
        // Outside text enters here: headers and body are scrubbed of every
        // held secret before anything parses, shows or stores them (the
        // parsers then clean and cut what they keep).
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), outside::scrub(v.to_str().ok()?))))
            .collect();
        if resp.content_length().is_some_and(|n| n > self.cap as u64) {
            return Err(too_large(self.cap));
        }
        // One allocation when the length is known (checked against the cap above).
        let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
        let mut resp = resp;
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > self.cap {
                return Err(too_large(self.cap));
            }
            body.extend_from_slice(&chunk);
        }
        let scrubbed = match scrub {
            Scrub::Body => match outside::scrub_bytes(&body) {
                std::borrow::Cow::Owned(v) => Some(v),
                std::borrow::Cow::Borrowed(_) => None,
            },
            Scrub::HeadersOnly => None,
        };
        if let Some(scrubbed) = scrubbed {
            // The unscrubbed copy held the secret: wipe it.
            drop(zeroize::Zeroizing::new(std::mem::replace(&mut body, scrubbed)));
        }
        Ok(HttpReply { status, headers, body })
    }
}

/// What of an answer is scrubbed as it is read.
#[derive(Clone, Copy)]
enum Scrub {
    Body,
    /// An OAuth exchange: its body is tokens, admitted by its reader.
    HeadersOnly,
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
