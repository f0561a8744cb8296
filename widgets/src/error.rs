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
    /// The widget's credential cannot be used now, and why: a card says
    /// "removed" or "log in again", never "no credential" when one exists.
    NoCredential(Lack),
    /// The credential's owner has not approved the origin it would go to.
    Unapproved,
    /// A homedash gateway (team mode) refused the request itself; the
    /// provider's own answers through it keep their usual classes.
    Gateway {
        refusal: Refusal,
        until: Option<DateTime<Utc>>,
    },
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
            Self::NoCredential(lack) => lack.label().into(),
            Self::Unapproved => "origin not approved".into(),
            Self::Gateway {
                refusal,
                until: Some(t),
            } => {
                format!("{} until {}", refusal.label(), t.with_timezone(&Local).format("%H:%M"))
            }
            Self::Gateway { refusal, until: None } => refusal.label().into(),
        }
    }
}

/// Why a widget's credential cannot be used now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lack {
    /// Still being read from its source.
    Reading,
    /// Its source cannot be read (a locked keyring, an unset variable), or
    /// the value cannot be sent (a character no header can carry).
    Unavailable,
    /// Meant for the keyring, where no token is stored.
    NotStored,
    /// Its owner removed it.
    Removed,
    /// The provider refused it; polling waits for a test.
    Rejected,
    /// Team mode's gateway refused this client.
    Refused(Refusal),
    /// An OAuth grant that is gone or was never made.
    LoginNeeded,
    /// The config names a credential it does not define.
    Undefined,
}

impl Lack {
    pub fn label(self) -> &'static str {
        match self {
            Lack::Reading => "reading credential",
            Lack::Unavailable => "credential unavailable",
            Lack::NotStored => "no token stored",
            Lack::Removed => "credential removed",
            Lack::Rejected => "credential rejected",
            Lack::Refused(Refusal::ClientRevoked) => "revoked by the gateway",
            Lack::Refused(r) => r.label(),
            Lack::LoginNeeded => "log in again",
            Lack::Undefined => "credential not defined",
        }
    }
}

/// What team mode's gateway refused, as its `X-Homedash-Gateway` header
/// (`gateway::VERDICT_HEADER`) names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No client credential, or one the gateway does not know.
    ClientRejected,
    /// A client credential the gateway's owner revoked.
    ClientRevoked,
    /// The client's address is outside the gateway's allowlist.
    AddressDenied,
    /// The client went over its own rate at the gateway.
    RateLimited,
    /// The gateway has no route for this provider.
    NoRoute,
    /// The gateway could not reach the provider (and had nothing cached).
    UpstreamUnreachable,
    /// The provider refused the gateway's key (401).
    UpstreamKeyRejected,
    /// The provider took the gateway's key but not for this (403).
    UpstreamKeyForbidden,
    /// The gateway held the request to keep its key inside the plan.
    UpstreamRateLimited,
    /// A method other than GET or HEAD: the gateway only reads.
    MethodNotAllowed,
    /// nginx refused the request itself (400, 414, 494), or it carried a
    /// provider's own credential parameter.
    BadRequest,
}

impl Refusal {
    pub const ALL: [Refusal; 11] = [
        Refusal::ClientRejected,
        Refusal::ClientRevoked,
        Refusal::AddressDenied,
        Refusal::RateLimited,
        Refusal::NoRoute,
        Refusal::UpstreamUnreachable,
        Refusal::UpstreamKeyRejected,
        Refusal::UpstreamKeyForbidden,
        Refusal::UpstreamRateLimited,
        Refusal::MethodNotAllowed,
        Refusal::BadRequest,
    ];

    /// The header value.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::ClientRejected => "client-rejected",
            Refusal::ClientRevoked => "client-revoked",
            Refusal::AddressDenied => "address-denied",
            Refusal::RateLimited => "rate-limited",
            Refusal::NoRoute => "no-route",
            Refusal::UpstreamUnreachable => "upstream-unreachable",
            Refusal::UpstreamKeyRejected => "upstream-key-rejected",
            Refusal::UpstreamKeyForbidden => "upstream-key-forbidden",
            Refusal::UpstreamRateLimited => "upstream-rate-limited",
            Refusal::MethodNotAllowed => "method-not-allowed",
            Refusal::BadRequest => "bad-request",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// The HTTP status the gateway answers this refusal with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::ClientRejected | Refusal::ClientRevoked => 401,
            Refusal::AddressDenied => 403,
            Refusal::RateLimited | Refusal::UpstreamRateLimited => 429,
            Refusal::NoRoute => 404,
            Refusal::UpstreamUnreachable => 502,
            Refusal::UpstreamKeyRejected => 401,
            Refusal::UpstreamKeyForbidden => 403,
            Refusal::MethodNotAllowed => 405,
            Refusal::BadRequest => 400,
        }
    }

    /// The widget's words for it.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::ClientRejected => "gateway rejected this client",
            Refusal::ClientRevoked => "gateway rejected this client (revoked)",
            Refusal::AddressDenied => "gateway: this address is not allowed",
            Refusal::RateLimited => "rate-limited by the gateway",
            Refusal::NoRoute => "gateway has no route for this provider",
            Refusal::UpstreamUnreachable => "gateway cannot reach the provider",
            Refusal::UpstreamKeyRejected => "provider rejected the gateway's key",
            Refusal::UpstreamKeyForbidden => "provider refused the gateway's key for this",
            Refusal::UpstreamRateLimited => "gateway holding requests to the provider's plan",
            Refusal::MethodNotAllowed => "gateway only reads (GET and HEAD)",
            Refusal::BadRequest => "gateway refused a malformed request",
        }
    }

    /// What the user can do about it.
    pub fn advice(self) -> &'static str {
        match self {
            Refusal::ClientRejected => {
                "the gateway does not know this client's token: ask its owner for one (`homedash gateway client add`)"
            }
            Refusal::ClientRevoked => "the gateway's owner revoked this client; ask for a new token",
            Refusal::AddressDenied => "ask the gateway's owner to add this machine's address to `allow`",
            Refusal::RateLimited => "this client polls faster than the gateway allows; lengthen `refresh`",
            Refusal::NoRoute => "the gateway does not serve this provider; opt the widget out with `gateway = false`",
            Refusal::UpstreamUnreachable => "the gateway's owner can check its network and error log",
            Refusal::UpstreamKeyRejected | Refusal::UpstreamKeyForbidden => {
                "the gateway's owner should test and rotate it there (`homedash creds test`, `gateway reload`)"
            }
            Refusal::UpstreamRateLimited => "the widget waits; the gateway's key is shared by every client",
            Refusal::MethodNotAllowed => "homedash only reads; another program is writing through the gateway",
            Refusal::BadRequest => {
                "the request was too large or carried a credential of its own; check the widget's `base_url` and query"
            }
        }
    }

    /// A refusal of the client's own credential: its widgets stop polling
    /// until the credential changes.
    pub fn pauses_client(self) -> bool {
        matches!(self, Refusal::ClientRejected | Refusal::ClientRevoked)
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
