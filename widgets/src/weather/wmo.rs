//! WMO weather interpretation codes, as Open-Meteo returns them.

pub fn describe(code: u8) -> &'static str {
    match code {
        0 => "Clear sky",
        1 => "Mainly clear",
        2 => "Partly cloudy",
        3 => "Overcast",
        45 | 48 => "Fog",
        51 | 53 | 55 => "Drizzle",
        56 | 57 => "Freezing drizzle",
        61 => "Light rain",
        63 => "Rain",
        65 => "Heavy rain",
        66 | 67 => "Freezing rain",
        71 => "Light snow",
        73 => "Snow",
        75 => "Heavy snow",
        77 => "Snow grains",
        80..=82 => "Rain showers",
        85 | 86 => "Snow showers",
        95 => "Thunderstorm",
        96 | 99 => "Thunderstorm, hail",
        _ => "Unknown",
    }
}

/// One narrow glyph per code family. Every glyph here is one column wide in
/// the terminals we target; emoji-presentation symbols are avoided on purpose.
pub fn glyph(code: u8) -> &'static str {
    match code {
        0 | 1 => "☀",
        2 | 3 => "☁",
        45 | 48 => "≡",
        51..=67 | 80..=82 => "☂",
        71..=77 | 85 | 86 => "❄",
        95..=99 => "↯",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn every_glyph_is_one_column() {
        for code in 0..=99u8 {
            assert_eq!(Span::raw(glyph(code)).width(), 1, "code {code}");
        }
        assert_eq!(describe(3), "Overcast");
        assert_eq!(describe(200), "Unknown");
    }
}
