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
/// The glyph for `code` in daylight or not: a clear or mainly clear night
/// is a moon. Unknown daylight is taken as day.
pub fn glyph_at(code: u8, is_day: Option<bool>) -> &'static str {
    match (code, is_day) {
        (0 | 1, Some(false)) => "☾",
        _ => glyph(code),
    }
}

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

/// OpenWeatherMap condition id to the nearest WMO code, for the glyph.
pub fn from_owm(id: u16) -> u8 {
    match id {
        200..=299 => 95,
        300..=399 => 53,
        500 => 61,
        501 => 63,
        502..=504 => 65,
        511 => 66,
        520..=531 => 80,
        600 => 71,
        601 => 73,
        602 => 75,
        611..=616 => 66,
        620..=622 => 85,
        700..=799 => 45,
        800 => 0,
        801 => 1,
        802 => 2,
        _ => 3,
    }
}

/// WeatherAPI.com condition code to the nearest WMO code, for the glyph.
pub fn from_weatherapi(code: u16) -> u8 {
    match code {
        1000 => 0,
        1003 => 2,
        1006 | 1009 => 3,
        1030 | 1135 | 1147 => 45,
        1063 | 1240 => 80,
        1066 | 1255 | 1258 => 85,
        1069 | 1072 | 1168 | 1171 => 56,
        1087 | 1273 | 1276 => 95,
        1279 | 1282 => 96,
        1114 | 1117 | 1222 | 1225 => 75,
        1150 | 1153 => 51,
        1180 | 1183 => 61,
        1186 | 1189 => 63,
        1192 | 1195 | 1243 | 1246 => 65,
        1198 | 1201 | 1204 | 1207 | 1249 | 1252 => 66,
        1210 | 1213 => 71,
        1216 | 1219 => 73,
        1237 | 1261 | 1264 => 77,
        _ => 3,
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
