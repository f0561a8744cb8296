//! What the stock providers share: symbol checks and the start of the
//! next minute or UTC day, which is when a spent quota comes back.

use chrono::{DateTime, Duration, Timelike, Utc};

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
