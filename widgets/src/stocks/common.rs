//! What the stock providers share: symbol checks and the start of the
//! next minute or UTC day, which is when a spent quota comes back.

use chrono::{DateTime, Duration, Timelike, Utc};

use super::{Quote, Quotes};
use crate::error::FetchError;
use crate::request::HttpReply;

/// One reply per symbol, in order: a failure of any fails the widget, so
/// a typo or a bad key is seen rather than hidden.
pub fn per_symbol(
    symbols: &[String],
    replies: &[HttpReply],
    now: DateTime<Utc>,
    one: fn(&str, &HttpReply, DateTime<Utc>) -> Result<Quote, FetchError>,
) -> Result<Quotes, FetchError> {
    if replies.len() != symbols.len() {
        return Err(FetchError::bad_response("missing replies"));
    }
    let quotes = symbols
        .iter()
        .zip(replies)
        .map(|(s, r)| one(s, r, now))
        .collect::<Result<_, _>>()?;
    Ok(Quotes { quotes })
}

/// A probe answer: the key was accepted when the provider answered in its
/// own format, even if that answer is "no such symbol". A 404 status is
/// not such an answer: the endpoint itself was not found.
pub fn accepted(reply: &HttpReply, r: Result<Quote, FetchError>) -> Result<(), FetchError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.class == crate::error::ErrorClass::NotFound && reply.is_success() => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn symbol_problems(symbols: &[String]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if symbols.is_empty() {
        out.push(("symbols", "list at least one symbol, e.g. [\"AAPL\"]".into()));
    }
    if symbols.len() > 20 {
        out.push((
            "symbols",
            format!(
                "{} symbols is one request each per refresh; keep it to 20",
                symbols.len()
            ),
        ));
    }
    for s in symbols {
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '^' | '=' | '/'))
        {
            out.push(("symbols", format!("\"{s}\" is not a ticker symbol")));
        }
    }
    out
}

pub fn next_minute(now: DateTime<Utc>) -> DateTime<Utc> {
    let base = now.with_nanosecond(0).unwrap_or(now) - Duration::seconds(i64::from(now.second()));
    base + Duration::minutes(1)
}

pub fn next_utc_day(now: DateTime<Utc>) -> DateTime<Utc> {
    (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_resets() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T15:04:31.5Z").unwrap().to_utc();
        assert_eq!(next_minute(now).to_rfc3339(), "2026-11-27T15:05:00+00:00");
        assert_eq!(next_utc_day(now).to_rfc3339(), "2026-11-28T00:00:00+00:00");
    }
}
