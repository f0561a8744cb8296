//! Open-Meteo's keyless geocoding search: a place name to coordinates,
//! for the setup wizard's location step.
//! <https://open-meteo.com/en/docs/geocoding-api>

use serde::Deserialize;

use url::Url;

use crate::error::{ErrorClass, FetchError};
use crate::request::{HttpReply, RequestSpec};

pub const DEFAULT_BASE: &str = "https://geocoding-api.open-meteo.com";
/// Enough to tell the Berlins apart without scrolling.
pub const COUNT: u8 = 8;

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Place {
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub admin1: Option<String>,
    pub timezone: Option<String>,
    pub population: Option<u64>,
}

impl Place {
    /// "Berlin, Land Berlin, Germany": enough to pick the right one.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.name.as_str()];
        if let Some(a) = self.admin1.as_deref().filter(|a| *a != self.name) {
            parts.push(a);
        }
        if let Some(c) = self.country.as_deref().or(self.country_code.as_deref()) {
            parts.push(c);
        }
        parts.join(", ")
    }
}

impl crate::text::Clean for Place {
    fn clean(&mut self) {
        self.name.clean();
        self.country.clean();
        self.country_code.clean();
        self.admin1.clean();
        self.timezone.clean();
    }
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    results: Vec<Place>,
    #[serde(default)]
    error: bool,
    reason: Option<String>,
}

pub fn request(base: &Url, name: &str) -> RequestSpec {
    RequestSpec::get(
        base,
        "/v1/search",
        &[
            ("name", name.trim().to_string()),
            ("count", COUNT.to_string()),
            ("language", "en".into()),
            ("format", "json".into()),
        ],
    )
}

/// The matches, best first; empty when nothing matched.
pub fn parse(reply: &HttpReply, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<Place>, FetchError> {
    let body: Result<Body, _> = serde_json::from_slice(&reply.body);
    if !reply.is_success() {
        let reason = body.ok().and_then(|b| b.reason).unwrap_or_default();
        return Err(FetchError::new(
            ErrorClass::from_status(reply.status, reply.retry_after(now)),
            reason,
        ));
    }
    let body = body.map_err(FetchError::bad_response)?;
    if body.error {
        return Err(FetchError::new(ErrorClass::Provider, body.reason.unwrap_or_default()));
    }
    let mut places = body.results;
    crate::text::Clean::clean(&mut places);
    Ok(places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, name: &str) -> HttpReply {
        crate::testing::reply(status, &format!("open-meteo/{name}"))
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn request_asks_for_a_short_english_list_without_a_key() {
        let spec = request(&Url::parse(DEFAULT_BASE).unwrap(), " São Paulo ");
        assert_eq!(spec.url.path(), "/v1/search");
        let q: std::collections::HashMap<_, _> = spec.url.query_pairs().into_owned().collect();
        assert_eq!(q["name"], "São Paulo");
        assert_eq!(q["count"], "8");
        assert_eq!(spec.auth, crate::AuthPlacement::None);
    }

    #[test]
    fn parses_places_best_first() {
        let places = parse(&reply(200, "geocoding_berlin_CONSTRUCTED.json"), now()).unwrap();
        assert_eq!(places.len(), 3);
        assert_eq!(places[0].describe(), "Berlin, Land Berlin, Germany");
        assert_eq!((places[0].latitude, places[0].longitude), (52.52437, 13.41053));
        assert_eq!(places[1].describe(), "Berlin, New Hampshire, United States");
        assert_eq!(places[0].timezone.as_deref(), Some("Europe/Berlin"));
    }

    #[test]
    fn no_results_key_means_no_match() {
        let places = parse(&reply(200, "geocoding_no_match_CONSTRUCTED.json"), now()).unwrap();
        assert!(places.is_empty());
    }

    #[test]
    fn an_error_answer_keeps_its_reason() {
        let e = parse(&reply(400, "geocoding_error_400_CONSTRUCTED.json"), now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::Client(400));
        assert!(e.detail.contains("count"), "{e}");
        let e = parse(
            &HttpReply {
                status: 200,
                headers: vec![],
                body: b"<html>".to_vec(),
            },
            now(),
        )
        .unwrap_err();
        assert_eq!(e.class, ErrorClass::BadResponse);
    }
}
