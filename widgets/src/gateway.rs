//! Team mode's contract between a homedash client and the gateway (nginx,
//! configured by `homedash gateway render`): how the client authenticates,
//! where it asks, and how the gateway says that it, not the provider,
//! refused a request. Both sides read the names from here, so the rendered
//! nginx config and the client cannot drift apart.

use chrono::{DateTime, Utc};
use url::Url;

use crate::error::{ErrorClass, FetchError};
use crate::provider::{Budget, Provider};
use crate::request::{AuthPlacement, HttpReply, RequestSpec};

/// The response header every refusal of the gateway's own carries. An
/// answer without it is the provider's, passed through.
pub const VERDICT_HEADER: &str = "x-homedash-gateway";

/// Answers 200 with `{"client": NAME, "routes": [...]}` to a client the
/// gateway knows: the probe of a gateway credential.
pub const WHOAMI_PATH: &str = "/.homedash/whoami";

pub use crate::error::Refusal;

/// The gateway's own refusal in `reply`, if it is one. A reply without the
/// header (or with an unknown value) is the provider's, and is parsed as
/// such.
pub fn refusal(reply: &HttpReply, now: DateTime<Utc>) -> Option<FetchError> {
    let r = Refusal::from_code(reply.header(VERDICT_HEADER)?)?;
    let until = matches!(r, Refusal::RateLimited | Refusal::UpstreamRateLimited)
        .then(|| reply.retry_after(now))
        .flatten();
    Some(FetchError::new(ErrorClass::Gateway { refusal: r, until }, r.advice()))
}

/// Where a widget of `provider` asks the gateway at `gateway`: the route
/// is the provider's name, as a path prefix.
pub fn route_base(gateway: &Url, provider: &str) -> Url {
    let mut u = gateway.clone();
    let prefix = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{prefix}/{provider}/"));
    u.set_query(None);
    u.set_fragment(None);
    u
}

fn probe(base: &Url) -> RequestSpec {
    let mut spec = RequestSpec::get(base, WHOAMI_PATH, &[]);
    spec.auth = AuthPlacement::Bearer;
    spec
}

fn probe_result(reply: &HttpReply, now: DateTime<Utc>) -> Result<(), FetchError> {
    if let Some(e) = refusal(reply, now) {
        return Err(e);
    }
    let whoami = serde_json::from_slice::<serde_json::Value>(&reply.body)
        .ok()
        .filter(|v| v.get("client").is_some_and(|c| c.is_string()));
    match (reply.is_success(), whoami) {
        (true, Some(_)) => Ok(()),
        (true, None) => Err(FetchError::bad_response(
            "the answer is not a homedash gateway's (is `[gateway] url` right?)",
        )),
        (false, _) => Err(FetchError::new(
            ErrorClass::from_status(reply.status, reply.retry_after(now)),
            format!(
                "HTTP {} without the gateway's verdict header: not a homedash gateway?",
                reply.status
            ),
        )),
    }
}

/// A client's credential for a homedash gateway: a bearer token that goes
/// to the gateway's origin only (`[gateway] url`), never to a provider.
pub const PROVIDER: Provider = Provider {
    name: "gateway",
    label: "homedash gateway (team mode)",
    kind: None,
    auth: AuthPlacement::Bearer,
    also_in_query: &[],
    // No public endpoint: the gateway is wherever its owner runs it, so
    // its origin is approved when the token is added.
    default_base: "",
    key_page: "the gateway host: `homedash gateway client add NAME`",
    advice: "One token per client machine, so that one can be revoked without the others.",
    budget: Budget {
        per_minute: 600,
        per_day: None,
    },
    probe_spends_quota: false,
    credential_optional: false,
    probe,
    probe_result,
    oauth: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> HttpReply {
        HttpReply {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn every_refusal_reads_back_from_its_code() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::from_code(r.code()), Some(r));
        }
        assert_eq!(Refusal::from_code("upstream"), None);
    }

    #[test]
    fn a_refusal_is_the_gateways_only_with_its_header() {
        let now = Utc::now();
        // The provider's own 401, passed through: the provider parses it.
        assert!(refusal(&reply(401, &[], r#"{"error":"Invalid API key"}"#), now).is_none());
        let e = refusal(&reply(401, &[(VERDICT_HEADER, "client-revoked")], "{}"), now).unwrap();
        assert_eq!(
            e.class,
            ErrorClass::Gateway {
                refusal: Refusal::ClientRevoked,
                until: None
            }
        );
        assert_eq!(e.class.label(), "gateway rejected this client (revoked)");
        let e = refusal(
            &reply(429, &[(VERDICT_HEADER, "rate-limited"), ("retry-after", "30")], ""),
            now,
        )
        .unwrap();
        assert!(matches!(e.class, ErrorClass::Gateway { refusal: Refusal::RateLimited, until: Some(t) } if t > now));
        assert!(e.class.label().starts_with("rate-limited by the gateway until "));
    }

    #[test]
    fn routes_are_path_prefixes_under_the_gateway() {
        let gw = Url::parse("https://gw.example:8443").unwrap();
        assert_eq!(route_base(&gw, "finnhub").as_str(), "https://gw.example:8443/finnhub/");
        let gw = Url::parse("https://gw.example/team/?x=1").unwrap();
        assert_eq!(
            route_base(&gw, "open-meteo").as_str(),
            "https://gw.example/team/open-meteo/"
        );
    }

    #[test]
    fn the_probe_proves_a_client_only_with_the_gateways_own_answer() {
        let now = Utc::now();
        assert!(probe_result(&reply(200, &[], r#"{"client":"alice","routes":["finnhub"]}"#), now).is_ok());
        let v = |r: &HttpReply| crate::provider::Verdict::of(&probe_result(r, now));
        assert!(!v(&reply(200, &[], "<html>nginx</html>")).passed());
        assert!(matches!(
            v(&reply(401, &[(VERDICT_HEADER, "client-rejected")], "")),
            crate::provider::Verdict::Rejected(_)
        ));
        assert!(matches!(
            v(&reply(403, &[(VERDICT_HEADER, "address-denied")], "")),
            crate::provider::Verdict::Forbidden(_)
        ));
        let spec = probe(&Url::parse("https://gw.example:8443/").unwrap());
        assert_eq!(spec.url.as_str(), "https://gw.example:8443/.homedash/whoami");
        assert_eq!(spec.auth, AuthPlacement::Bearer);
    }
}
