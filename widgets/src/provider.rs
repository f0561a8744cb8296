//! What the app needs to know about each provider that takes a credential:
//! where the key goes, where the user makes one and what minimal kind to
//! make, its free-plan budget, and its cheapest proving request.

use chrono::{DateTime, Utc};
use url::Url;

use crate::error::FetchError;
use crate::kind::Kind;
use crate::request::{AuthPlacement, HttpReply, RequestSpec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: u32,
    pub per_day: Option<u32>,
}

#[derive(Debug)]
pub struct Provider {
    pub name: &'static str,
    pub label: &'static str,
    /// `None` for a credential that serves every kind (a gateway's).
    pub kind: Option<Kind>,
    pub auth: AuthPlacement,
    /// Query parameters the provider also takes its key in, besides
    /// `auth` (Finnhub's `token`, Twelve Data's `apikey`): a gateway
    /// refuses them from a client, so none is forgotten.
    pub also_in_query: &'static [&'static str],
    pub default_base: &'static str,
    /// Where the user creates or revokes a key.
    pub key_page: &'static str,
    /// Least privilege: which key to create.
    pub advice: &'static str,
    pub budget: Budget,
    /// The probe costs a request of a small daily quota: say so first.
    pub probe_spends_quota: bool,
    /// Widgets may run without a credential (e.g. Prometheus without a proxy).
    pub credential_optional: bool,
    /// The cheapest request that proves a credential.
    pub probe: fn(&Url) -> RequestSpec,
    /// `Ok` when the probe's answer shows the credential was accepted.
    pub probe_result: fn(&HttpReply, DateTime<Utc>) -> Result<(), FetchError>,
    /// A provider whose tokens come only from an OAuth 2.0 login.
    pub oauth: Option<OAuthHints>,
}

/// Where a provider's OAuth 2.0 login happens, and the least scopes
/// homedash needs of it: what setup writes into `[credential.NAME]`.
#[derive(Debug)]
pub struct OAuthHints {
    pub authorization_endpoint: &'static str,
    pub token_endpoint: &'static str,
    pub scopes: &'static [&'static str],
    /// The client's id and secret go in the form body, not HTTP Basic.
    pub client_in_body: bool,
    /// Where the user registers an app and finds its client id and secret.
    pub app_page: &'static str,
}

impl Provider {
    /// Where the key travels, for the Credentials screen.
    pub fn placement(&self) -> String {
        match &self.auth {
            AuthPlacement::None => "no credential".into(),
            AuthPlacement::Bearer => "Authorization: Bearer header".into(),
            AuthPlacement::Scheme(s) => format!("Authorization: {s} header"),
            AuthPlacement::Header(h) => format!("{h} header"),
            AuthPlacement::HeaderPair(a, b) => format!("{a} and {b} headers"),
            AuthPlacement::Query(q) => format!("`{q}` query parameter (the provider takes nothing else; redacted)"),
        }
    }
}

/// For endpoints without a check call: the base URL itself.
pub fn status_probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(base, "/", &[]);
    spec.auth = AuthPlacement::Bearer;
    spec
}

/// The status says whether the token was taken; any success counts, since
/// the endpoint's own answer can be anything.
pub fn status_probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if reply.is_success() {
        return Ok(());
    }
    Err(FetchError::new(
        crate::error::ErrorClass::from_status(reply.status, reply.retry_after(now)),
        format!("HTTP {}", reply.status),
    ))
}

/// Why a probe's answer proves nothing about the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unconfirmed {
    /// 404 on the probe's path: most often a `base_url` one segment off.
    NotFound,
    /// An answer of another shape than the provider's, or an error the
    /// provider gives for other reasons than the key.
    Unexpected,
    /// No answer: offline, a timeout, TLS, or a server error.
    Unreachable,
    /// homedash sent nothing (an origin not approved, plain http).
    NotSent,
}

/// What a probe says about a key. Only `Valid` proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Rejected(String),
    /// Taken, but the plan or the key's scope does not allow the request.
    Forbidden(String),
    RateLimited {
        until: Option<DateTime<Utc>>,
        detail: String,
    },
    Unconfirmed {
        why: Unconfirmed,
        detail: String,
    },
}

impl Verdict {
    pub fn of(r: &Result<(), FetchError>) -> Verdict {
        use crate::error::ErrorClass as C;
        let e = match r {
            Ok(()) => return Verdict::Valid,
            Err(e) => e,
        };
        let detail = e.detail.clone();
        let unconfirmed = |why| Verdict::Unconfirmed {
            why,
            detail: detail.clone(),
        };
        match &e.class {
            C::Rejected => Verdict::Rejected(detail),
            C::Gateway { refusal, until } => {
                use crate::error::Refusal as R;
                let detail = format!("{}: {detail}", refusal.label());
                match refusal {
                    R::ClientRejected | R::ClientRevoked | R::UpstreamKeyRejected => Verdict::Rejected(detail),
                    R::AddressDenied | R::UpstreamKeyForbidden => Verdict::Forbidden(detail),
                    R::RateLimited | R::UpstreamRateLimited => Verdict::RateLimited { until: *until, detail },
                    R::NoRoute => Verdict::Unconfirmed {
                        why: Unconfirmed::NotFound,
                        detail,
                    },
                    R::UpstreamUnreachable => Verdict::Unconfirmed {
                        why: Unconfirmed::Unreachable,
                        detail,
                    },
                    R::MethodNotAllowed | R::BadRequest => Verdict::Unconfirmed {
                        why: Unconfirmed::Unexpected,
                        detail,
                    },
                }
            }
            C::Forbidden => Verdict::Forbidden(detail),
            C::RateLimited { until } => Verdict::RateLimited { until: *until, detail },
            C::NotFound => unconfirmed(Unconfirmed::NotFound),
            C::Offline | C::Timeout | C::Tls | C::Server(_) => unconfirmed(Unconfirmed::Unreachable),
            C::Insecure | C::Unapproved | C::NoCredential(_) => unconfirmed(Unconfirmed::NotSent),
            C::Client(_) | C::Provider | C::BadResponse | C::TooLarge => unconfirmed(Unconfirmed::Unexpected),
        }
    }

    /// The only verdict a rotation, an add that tests, or the setup
    /// wizard takes as a pass.
    pub fn passed(&self) -> bool {
        *self == Verdict::Valid
    }

    /// One line for the user: "valid", "rejected: …", "could not confirm:
    /// …". Times are UTC: the line is also kept in the state file.
    pub fn describe(&self) -> String {
        let with = |head: &str, d: &str| {
            if d.is_empty() {
                head.to_string()
            } else {
                format!("{head}: {d}")
            }
        };
        match self {
            Verdict::Valid => "valid".into(),
            Verdict::Rejected(d) => with("rejected", d),
            Verdict::Forbidden(d) => with("forbidden or not in the plan", d),
            Verdict::RateLimited { until: Some(t), detail } => {
                with(&format!("rate-limited until {} UTC", t.format("%H:%M")), detail)
            }
            Verdict::RateLimited { until: None, detail } => with("rate-limited", detail),
            Verdict::Unconfirmed { why, detail } => {
                let head = match why {
                    Unconfirmed::NotFound => {
                        "could not confirm: the probe's endpoint was not found (HTTP 404); is `base_url` right?"
                    }
                    Unconfirmed::Unexpected => "could not confirm: the answer was not what this provider sends",
                    Unconfirmed::Unreachable => "could not confirm: the endpoint gave no usable answer",
                    Unconfirmed::NotSent => "could not confirm: nothing was sent",
                };
                with(head, detail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_say_what_they_prove() {
        assert_eq!(Verdict::of(&Ok(())).describe(), "valid");
        let v = Verdict::of(&Err(FetchError::new(crate::ErrorClass::Offline, "cannot connect")));
        assert_eq!(
            v.describe(),
            "could not confirm: the endpoint gave no usable answer: cannot connect"
        );
        assert!(!v.passed());
    }
}
