//! The error classes every provider maps its failures onto, so the dashboard
//! can say the same thing the same way whichever API failed.

use chrono::{DateTime, Local, Utc};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Connection refused, no route, DNS failure.
    Offline,
    /// Connect or total deadline passed.
    Timeout,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The provider refused the credential (401).
    Rejected,
    /// The credential lacks a scope or the plan lacks the endpoint (403).
    Forbidden,
    NotFound,
    RateLimited {
        until: Option<DateTime<Utc>>,
    },
    /// Any other 4xx: the request itself is wrong.
    Client(u16),
    /// 5xx.
    Server(u16),
    /// The provider answered with an error inside a successful response.
    Provider,
    /// The body could not be understood.
    BadResponse,
    /// The body was larger than the response cap.
    TooLarge,
    /// homedash refused to send the credential: plain http to a remote
    /// host, or a redirect from https to http.
    Insecure,
    /// The widget's credential cannot be used: unreadable, revoked, or
    /// paused after the provider rejected it.
    NoCredential,
    /// The credential's owner has not approved the origin it would go to.
    Unapproved,
}

impl ErrorClass {
    /// Classify a non-success HTTP status. Providers refine this with what
    /// their bodies say.
    pub fn from_status(status: u16, retry_until: Option<DateTime<Utc>>) -> Self {
        match status {
            401 => Self::Rejected,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            429 => Self::RateLimited { until: retry_until },
            500..=599 => Self::Server(status),
            _ => Self::Client(status),
        }
    }

    /// Short label for the widget's border.
    pub fn label(&self) -> String {
        match self {
            Self::Offline => "offline".into(),
            Self::Timeout => "timeout".into(),
            Self::Tls => "TLS error".into(),
            Self::Rejected => "credential rejected".into(),
            Self::Forbidden => "forbidden".into(),
            Self::NotFound => "not found".into(),
            Self::RateLimited { until: Some(t) } => {
                format!("rate-limited until {}", t.with_timezone(&Local).format("%H:%M"))
            }
            Self::RateLimited { until: None } => "rate-limited".into(),
            Self::Client(s) => format!("HTTP {s}"),
            Self::Server(s) => format!("HTTP {s}"),
            Self::Provider => "provider error".into(),
            Self::BadResponse => "bad response".into(),
            Self::TooLarge => "response too large".into(),
            Self::Insecure => "refused: insecure".into(),
            Self::NoCredential => "no credential".into(),
            Self::Unapproved => "origin not approved".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FetchError {
    pub class: ErrorClass,
    /// One line for the zoomed view and the log. Never contains a URL
    /// query; cleaned (see `text::clean`), since it often quotes a provider.
    pub detail: String,
}

impl FetchError {
    /// Provider text reaches the app through here: the detail is cleaned.
    pub fn new(class: ErrorClass, detail: impl Into<String>) -> Self {
        let mut detail = detail.into();
        crate::text::clean_in_place(&mut detail);
        Self { class, detail }
    }

    pub fn bad_response(detail: impl fmt::Display) -> Self {
        Self::new(ErrorClass::BadResponse, detail.to_string())
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            f.write_str(&self.class.label())
        } else {
            write!(f, "{}: {}", self.class.label(), self.detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_classes() {
        assert_eq!(ErrorClass::from_status(401, None), ErrorClass::Rejected);
        assert_eq!(ErrorClass::from_status(403, None), ErrorClass::Forbidden);
        assert_eq!(ErrorClass::from_status(404, None), ErrorClass::NotFound);
        assert_eq!(
            ErrorClass::from_status(429, None),
            ErrorClass::RateLimited { until: None }
        );
        assert_eq!(ErrorClass::from_status(503, None), ErrorClass::Server(503));
        assert_eq!(ErrorClass::from_status(418, None), ErrorClass::Client(418));
        assert_eq!(ErrorClass::Server(502).label(), "HTTP 502");
    }
}
