//! IANA time zones by name, from the time zone database compiled into the
//! binary (jiff's bundled copy): a dashboard reads no system files to draw
//! a clock, and the tables cost no start-up relocations.

use chrono::{DateTime, FixedOffset, Offset, Utc};
pub use jiff::tz::TimeZone;

/// The zone called `name` ("Europe/London"; any case), if there is one.
pub fn named(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// The zone's offset from UTC at `at`.
pub fn offset(tz: &TimeZone, at: DateTime<Utc>) -> FixedOffset {
    jiff::Timestamp::from_second(at.timestamp())
        .ok()
        .and_then(|t| FixedOffset::east_opt(tz.to_offset(t).seconds()))
        .unwrap_or(Utc.fix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_daylight_saving() {
        let ny = named("America/New_York").unwrap();
        let winter = DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z").unwrap().to_utc();
        let summer = DateTime::parse_from_rfc3339("2026-07-15T12:00:00Z").unwrap().to_utc();
        assert_eq!(offset(&ny, winter).local_minus_utc(), -5 * 3600);
        assert_eq!(offset(&ny, summer).local_minus_utc(), -4 * 3600);
        assert_eq!(offset(&named("asia/kolkata").unwrap(), winter).local_minus_utc(), 19800);
        assert!(named("Mars/Olympus_Mons").is_none() && named("").is_none());
    }
}
