//! Where a credential may travel, and attaching it. A secret is exposed
//! here and nowhere else, at the moment a request is built.

use homedash_widgets::error::Lack;
use homedash_widgets::{AuthPlacement, ErrorClass, FetchError};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use url::Url;
use zeroize::Zeroizing;

use crate::outside::REDACTED;

pub use homedash_widgets::request::is_loopback;

/// Scheme, host and port all equal: the only place a credential follows
/// a redirect to.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
}

/// A credential goes over https, or over plain http to this machine only.
/// Checked before any connection is made.
pub fn check(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(FetchError::new(
            ErrorClass::Insecure,
            format!(
                "the credential was not sent: {}:// to {} is not encrypted; use https",
                url.scheme(),
                url.host_str().unwrap_or("?")
            ),
        )),
    }
}

/// Remove a query-placed key from `url`, e.g. one a server echoed into a
/// redirect's Location.
pub fn strip_key(url: &mut Url, auth: &AuthPlacement) {
    let AuthPlacement::Query(name) = auth else { return };
    if url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != name).collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
}

/// Put the secret where the provider wants it. Header values are marked
/// sensitive, so hyper never logs them and HTTP/2 never indexes them.
pub fn attach(
    url: &mut Url,
    headers: &mut HeaderMap,
    auth: &AuthPlacement,
    secret: &SecretString,
) -> Result<(), FetchError> {
    let bad = || {
        FetchError::new(
            ErrorClass::NoCredential(Lack::Unavailable),
            "the stored token has characters no HTTP header can carry",
        )
    };
    // The formatted value is a copy of the secret: wiped once the header
    // holds it. The header's own bytes belong to the HTTP stack.
    let header = |value: String| -> Result<HeaderValue, FetchError> {
        let value = Zeroizing::new(value);
        let mut v = HeaderValue::from_str(&value).map_err(|_| bad())?;
        v.set_sensitive(true);
        Ok(v)
    };
    match auth {
        AuthPlacement::None => {}
        AuthPlacement::Bearer => {
            headers.insert(
                reqwest::header::AUTHORIZATION,
                header(format!("Bearer {}", secret.expose_secret()))?,
            );
        }
        AuthPlacement::Scheme(scheme) => {
            headers.insert(
                reqwest::header::AUTHORIZATION,
                header(format!("{scheme} {}", secret.expose_secret()))?,
            );
        }
        AuthPlacement::Header(name) => {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            headers.insert(name, header(secret.expose_secret().to_string())?);
        }
        AuthPlacement::HeaderPair(first, second) => {
            let Some((a, b)) = secret
                .expose_secret()
                .split_once(':')
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
            else {
                return Err(FetchError::new(
                    ErrorClass::NoCredential(Lack::Unavailable),
                    format!("this credential has two parts: store it as {first}:{second}, joined by a colon"),
                ));
            };
            for (name, value) in [(first, a), (second, b)] {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
                headers.insert(name, header(value.to_string())?);
            }
        }
        AuthPlacement::Query(name) => {
            strip_key(url, auth);
            url.query_pairs_mut().append_pair(name, secret.expose_secret());
        }
    }
    Ok(())
}

/// A URL fit for a log line or the screen: a query-placed key, and any
/// parameter named like a secret, reads REDACTED.
pub fn redact_url(url: &Url, auth: &AuthPlacement) -> String {
    let mut shown = url.clone();
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                let secret = matches!(auth, AuthPlacement::Query(q) if *q == k) || crate::config::is_secret_key(&k);
                (k, if secret { REDACTED.to_string() } else { v })
            })
            .collect();
        shown.set_query(None);
        shown.query_pairs_mut().extend_pairs(pairs);
    }
    if shown.password().is_some() {
        let _ = shown.set_password(Some(REDACTED));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn secret() -> SecretString {
        SecretString::from("hd-canary-transport-42")
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check(&url("https://finnhub.io/x")).is_ok());
        assert!(check(&url("http://127.0.0.1:8080/x")).is_ok());
        assert!(check(&url("http://[::1]:8080/x")).is_ok());
        assert!(check(&url("http://localhost/x")).is_ok());
        let e = check(&url("http://finnhub.io/x")).unwrap_err();
        assert_eq!(e.class, ErrorClass::Insecure);
        assert!(
            e.detail.contains("finnhub.io") && e.detail.contains("not encrypted"),
            "{e}"
        );
        assert!(check(&url("http://10.0.0.1/")).is_err());
        assert!(check(&url("http://127.0.0.1.evil.example/")).is_err());
    }

    #[test]
    fn origins() {
        assert!(same_origin(&url("https://a.io/x"), &url("https://a.io:443/y?z")));
        assert!(!same_origin(&url("https://a.io/"), &url("https://b.a.io/")));
        assert!(!same_origin(&url("https://a.io/"), &url("http://a.io/")));
        assert!(!same_origin(&url("http://127.0.0.1:1/"), &url("http://127.0.0.1:2/")));
    }

    #[test]
    fn attaching_each_placement() {
        let mut h = HeaderMap::new();
        let mut u = url("https://a.io/q?symbol=X");
        attach(&mut u, &mut h, &AuthPlacement::Bearer, &secret()).unwrap();
        let v = &h[reqwest::header::AUTHORIZATION];
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer hd-canary-transport-42");
        assert!(!format!("{h:?}").contains("canary"), "sensitive values hide from Debug");
        attach(
            &mut u,
            &mut h,
            &AuthPlacement::Header("X-Finnhub-Token".into()),
            &secret(),
        )
        .unwrap();
        assert!(h["x-finnhub-token"].is_sensitive());
        assert_eq!(u.as_str(), "https://a.io/q?symbol=X", "headers leave the URL alone");
        let auth = AuthPlacement::Query("apikey");
        let mut u = url("https://a.io/q?symbol=X&apikey=old");
        attach(&mut u, &mut HeaderMap::new(), &auth, &secret()).unwrap();
        assert_eq!(u.as_str(), "https://a.io/q?symbol=X&apikey=hd-canary-transport-42");
        assert_eq!(redact_url(&u, &auth), "https://a.io/q?symbol=X&apikey=REDACTED");
        let e = attach(
            &mut u,
            &mut HeaderMap::new(),
            &AuthPlacement::Bearer,
            &SecretString::from("bad\nvalue"),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("bad"));
    }

    #[test]
    fn a_two_part_credential_fills_two_headers() {
        let mut h = HeaderMap::new();
        let mut u = url("https://api.datadoghq.com/api/v1/validate");
        let pair = AuthPlacement::HeaderPair("DD-API-KEY", "DD-APPLICATION-KEY");
        attach(&mut u, &mut h, &pair, &SecretString::from("api123:app456")).unwrap();
        assert_eq!(h["dd-api-key"], "api123");
        assert_eq!(h["dd-application-key"], "app456");
        assert!(h["dd-application-key"].is_sensitive());
        let e = attach(&mut u, &mut h, &pair, &SecretString::from("only-one-part")).unwrap_err();
        assert!(
            e.detail.contains("DD-API-KEY:DD-APPLICATION-KEY") && !e.detail.contains("only-one"),
            "{e}"
        );
    }

    #[test]
    fn redaction() {
        let u = url("https://u:pw@a.io/q?token=abc&city=Paris");
        assert_eq!(
            redact_url(&u, &AuthPlacement::None),
            "https://u:REDACTED@a.io/q?token=REDACTED&city=Paris"
        );
    }
}
