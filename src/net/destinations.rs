//! Where a credential may be sent: its provider's own API origin, and the
//! origins (scheme, host, port) its owner approved. The config alone never
//! decides: a `base_url` that points a credential somewhere new sends
//! nothing there until the owner approves that origin.

use homedash_widgets::provider::Provider;
use url::Url;

/// `scheme://host[:port]`, the port only when not the scheme's default.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The provider's own public API origin, approved without asking: only
/// providers with a public https API have one (a Prometheus or a JSON
/// endpoint is wherever its owner runs it).
pub fn provider_origin(p: &Provider) -> Option<String> {
    Url::parse(p.default_base)
        .ok()
        .filter(|u| u.scheme() == "https")
        .map(|u| origin_of(&u))
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    NotAUrl {
        text: String,
    },
    Scheme {
        text: String,
    },
    /// Plain http to another machine: never, approved or not.
    Insecure {
        origin: String,
    },
    HasPath {
        text: String,
    },
}

impl std::fmt::Display for OriginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginError::NotAUrl { text } => write!(
                f,
                "\"{text}\" is not an origin; write scheme, host and port, e.g. https://gateway.example:8443"
            ),
            OriginError::Scheme { text } => write!(f, "\"{text}\" must start with https:// (or http:// for loopback)"),
            OriginError::Insecure { origin } => write!(
                f,
                "{origin} is plain http to another machine; a credential never travels unencrypted, so use https"
            ),
            OriginError::HasPath { text } => write!(
                f,
                "\"{text}\" has a path or query; an approval covers a whole origin, so give just scheme, host and port"
            ),
        }
    }
}

/// Read an origin the user typed, normalised as `origin_of` writes it.
pub fn parse_origin(text: &str) -> Result<String, OriginError> {
    let t = text.trim();
    let url = Url::parse(t).map_err(|_| OriginError::NotAUrl { text: t.to_string() })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(OriginError::Scheme { text: t.to_string() });
    }
    if (url.path() != "/" && !url.path().is_empty()) || url.query().is_some() || url.fragment().is_some() {
        return Err(OriginError::HasPath { text: t.to_string() });
    }
    let origin = origin_of(&url);
    if url.scheme() == "http" && !super::transport::is_loopback(&url) {
        return Err(OriginError::Insecure { origin });
    }
    Ok(origin)
}

/// Where one credential may go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Destinations {
    provider: Option<String>,
    approved: Vec<String>,
}

impl Destinations {
    pub fn new(provider: &Provider, approved: &[String]) -> Self {
        Destinations {
            provider: provider_origin(provider),
            approved: approved.to_vec(),
        }
    }

    pub fn allows_origin(&self, origin: &str) -> bool {
        self.provider.as_deref() == Some(origin) || self.approved.iter().any(|a| a == origin)
    }

    pub fn allows(&self, url: &Url) -> bool {
        self.allows_origin(&origin_of(url))
    }

    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    pub fn approved(&self) -> &[String] {
        &self.approved
    }
}

/// A credential on its way out: its value, its name, and where it may go.
/// `Http::fetch` attaches the value only to an allowed origin.
#[derive(Clone, Copy)]
pub struct Grant<'a> {
    pub name: &'a str,
    pub secret: &'a secrecy::SecretString,
    pub to: &'a Destinations,
}

impl std::fmt::Debug for Grant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("name", &self.name)
            .field("to", self.to)
            .finish()
    }
}

/// Why a token was not sent to `origin`, and how to change that.
pub fn unapproved(name: &str, origin: &str) -> String {
    format!(
        "credential \"{name}\" is not approved for {origin}; nothing was sent there. Approve it with `homedash creds allow {name} {origin}`, or on the Credentials screen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use homedash_widgets::source::keyed;

    #[test]
    fn the_provider_origin_is_implicit_and_others_need_approval() {
        let fh = keyed("finnhub").unwrap();
        let d = Destinations::new(fh, &["http://127.0.0.1:4000".into()]);
        assert!(d.allows(&Url::parse("https://finnhub.io/api/v1/quote?x=1").unwrap()));
        assert!(d.allows(&Url::parse("https://finnhub.io:443/").unwrap()));
        assert!(d.allows(&Url::parse("http://127.0.0.1:4000/api/v1/").unwrap()));
        assert!(
            !d.allows(&Url::parse("http://127.0.0.1:4001/").unwrap()),
            "another port"
        );
        assert!(!d.allows(&Url::parse("http://finnhub.io/").unwrap()), "another scheme");
        assert!(
            !d.allows(&Url::parse("https://evil.finnhub.io/").unwrap()),
            "another host"
        );
        // A Prometheus has no public origin: everything is approved by hand.
        let prom = keyed("prometheus").unwrap();
        assert_eq!(provider_origin(prom), None);
        assert!(!Destinations::new(prom, &[]).allows(&Url::parse("http://localhost:9090/").unwrap()));
    }

    #[test]
    fn typed_origins_are_checked_and_normalised() {
        assert_eq!(parse_origin("https://GW.example:443").unwrap(), "https://gw.example");
        assert_eq!(
            parse_origin(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(parse_origin("http://[::1]:9").unwrap(), "http://[::1]:9");
        assert!(matches!(
            parse_origin("http://10.0.0.2"),
            Err(OriginError::Insecure { .. })
        ));
        assert!(matches!(
            parse_origin("https://a.io/api"),
            Err(OriginError::HasPath { .. })
        ));
        assert!(matches!(parse_origin("ftp://a.io"), Err(OriginError::Scheme { .. })));
        assert!(matches!(parse_origin("a.io"), Err(OriginError::NotAUrl { .. })));
        let e = unapproved("fh", "http://127.0.0.1:5");
        assert!(e.contains("homedash creds allow fh http://127.0.0.1:5"), "{e}");
    }
}
