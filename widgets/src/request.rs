//! What a provider asks for, and what came back. The app's HTTP layer turns a
//! `RequestSpec` into a real request; the credential, when there is one, is
//! attached there according to `AuthPlacement` and never passes through here.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use url::Url;

/// Where a provider wants its credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthPlacement {
    None,
    Bearer,
    /// `Authorization: <scheme> <key>`, e.g. Twelve Data's `apikey`.
    Scheme(&'static str),
    /// A named header, e.g. `X-Finnhub-Token`.
    Header(Cow<'static, str>),
    /// Two headers from one credential stored as `FIRST:SECOND`, e.g.
    /// Datadog's `DD-API-KEY` and `DD-APPLICATION-KEY`.
    HeaderPair(&'static str, &'static str),
    /// A query parameter: only for providers that accept nothing else.
    Query(&'static str),
}

impl AuthPlacement {
    /// The credential a request carried in this place, read through its
    /// headers (by lower-case name) and query parameters: what the
    /// provider's own server would read. The demo and the test servers use
    /// it to check where a token travelled.
    pub fn presented(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        query: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let named = |h: &str| header(&h.to_ascii_lowercase());
        match self {
            AuthPlacement::None => None,
            AuthPlacement::Bearer => header("authorization")?.strip_prefix("Bearer ").map(String::from),
            AuthPlacement::Scheme(s) => header("authorization")?
                .strip_prefix(&format!("{s} "))
                .map(String::from),
            AuthPlacement::Header(h) => named(h),
            AuthPlacement::HeaderPair(a, b) => Some(format!("{}:{}", named(a)?, named(b)?)),
            AuthPlacement::Query(q) => query(q),
        }
    }
}

/// This machine: `localhost`, 127.0.0.0/8 or `::1`. The one place plain
/// http may carry a credential to.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    pub url: Url,
    pub headers: Vec<(&'static str, String)>,
    pub auth: AuthPlacement,
}

impl RequestSpec {
    /// `base` may carry a path prefix (a gateway); `path` is appended to it.
    pub fn get(base: &Url, path: &str, query: &[(&str, String)]) -> Self {
        let mut url = base.clone();
        let prefix = base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{path}"));
        url.set_query(None);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Self {
            url,
            headers: Vec::new(),
            auth: AuthPlacement::None,
        }
    }
}

/// A complete HTTP reply, body already read (and capped) by the app.
#[derive(Clone, Debug, Default)]
pub struct HttpReply {
    pub status: u16,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` as an instant: delta-seconds or an HTTP date.
    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let raw = self.header("retry-after")?.trim();
        if let Ok(secs) = raw.parse::<u32>() {
            return Some(now + chrono::Duration::seconds(i64::from(secs)));
        }
        DateTime::parse_from_rfc2822(raw).ok().map(|t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_prefix_is_kept_and_query_encoded() {
        let base = Url::parse("https://gw.example/meteo/").unwrap();
        let spec = RequestSpec::get(&base, "/v1/forecast", &[("current", "a,b".into())]);
        assert_eq!(spec.url.as_str(), "https://gw.example/meteo/v1/forecast?current=a%2Cb");
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc();
        let mut r = HttpReply {
            status: 429,
            ..Default::default()
        };
        r.headers.push(("retry-after".into(), "120".into()));
        assert_eq!(r.retry_after(now), Some(now + chrono::Duration::seconds(120)));
        r.headers[0].1 = "Thu, 01 Jan 2026 00:05:00 GMT".into();
        assert_eq!(r.retry_after(now), Some(now + chrono::Duration::minutes(5)));
        r.headers[0].1 = "soon".into();
        assert_eq!(r.retry_after(now), None);
    }
}
