//! Text formatting shared by every renderer.

use chrono::{DateTime, Utc};

/// "just now", "3m ago", "2h ago", "4d ago". Minute granularity on purpose:
/// the dashboard's idle timer then wakes at most once a minute per widget.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{}m ago", secs / 60),
        3600..86400 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86400),
    }
}

/// The next instant at which `age(now, then)` prints something different.
pub fn age_changes_at(now: DateTime<Utc>, then: DateTime<Utc>) -> DateTime<Utc> {
    let secs = (now - then).num_seconds().max(0);
    let step = match secs {
        0..3600 => 60,
        3600..86400 => 3600,
        _ => 86400,
    };
    then + chrono::Duration::seconds((secs / step + 1) * step)
}

/// Binary units, one decimal: "512 B", "1.5 KiB", "23.4 GiB".
/// A config-sized duration: "90d", "12h", "15m", or humantime's form.
pub fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "0s".into(),
        _ if s.is_multiple_of(86400) => format!("{}d", s / 86400),
        _ if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// A byte rate, e.g. "1.2 MiB/s".
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes(bytes_per_sec.max(0.0) as u64))
}

/// Compass point for a wind direction in degrees.
pub fn compass(deg: f64) -> &'static str {
    const POINTS: [&str; 8] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
    let idx = ((deg.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
    POINTS[idx]
}

/// Cut to `width` columns with an ellipsis; width counts chars, which is
/// right for the text this crate renders (no wide glyphs).
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Of `items` rows that want `room` rows: how many to draw, and how many
/// a last `+N more` row stands for (0 when all fit). A row is never cut.
pub fn rows_shown(items: usize, room: usize) -> (usize, usize) {
    if items <= room {
        (items, 0)
    } else {
        let shown = room.saturating_sub(1);
        (shown, items - shown)
    }
}

/// The row that says how many did not fit.
pub fn more(n: usize) -> ratatui::text::Line<'static> {
    ratatui::text::Line::from(ratatui::text::Span::styled(format!("+{n} more"), crate::style::dim()))
}

/// The spans of `parts` that fit `width` whole, in order: the first is
/// always kept (cut with an ellipsis if it must be), a later part that
/// does not fit is dropped with all after it, so a line shortens by
/// whole parts instead of being cut mid-word.
pub fn whole_parts(parts: Vec<Vec<ratatui::text::Span<'static>>>, width: usize) -> ratatui::text::Line<'static> {
    let mut out: Vec<ratatui::text::Span<'static>> = Vec::new();
    let mut used = 0;
    for (i, part) in parts.into_iter().enumerate() {
        let w: usize = part.iter().map(|s| s.content.chars().count()).sum();
        if used + w <= width {
            used += w;
            out.extend(part);
        } else if i == 0 {
            let text: String = part.iter().map(|s| s.content.as_ref()).collect();
            let style = part.first().map(|s| s.style).unwrap_or_default();
            out.push(ratatui::text::Span::styled(fit(&text, width), style));
            break;
        } else {
            break;
        }
    }
    ratatui::text::Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_way_to_a_count_of_the_rest() {
        assert_eq!(rows_shown(3, 5), (3, 0));
        assert_eq!(rows_shown(3, 3), (3, 0));
        assert_eq!(rows_shown(4, 3), (2, 2));
        assert_eq!(rows_shown(4, 0), (0, 4));
    }

    #[test]
    fn a_line_shortens_by_whole_parts() {
        use ratatui::text::Span;
        let parts = || {
            vec![
                vec![Span::raw("feels 7°  ")],
                vec![Span::raw("H 10°  ")],
                vec![Span::raw("L 2°")],
            ]
        };
        let text = |l: ratatui::text::Line| l.spans.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(whole_parts(parts(), 40)), "feels 7°  H 10°  L 2°");
        assert_eq!(text(whole_parts(parts(), 18)), "feels 7°  H 10°  ");
        assert_eq!(text(whole_parts(parts(), 12)), "feels 7°  ");
        assert_eq!(text(whole_parts(parts(), 5)), "feel…");
    }

    #[test]
    fn config_durations() {
        use std::time::Duration as D;
        assert_eq!(duration(D::from_secs(90 * 86400)), "90d");
        assert_eq!(duration(D::from_secs(7200)), "2h");
        assert_eq!(duration(D::from_secs(90)), "90s");
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn ages_and_their_next_change() {
        let then = t("2026-01-01T00:00:00Z");
        assert_eq!(age(t("2026-01-01T00:00:59Z"), then), "just now");
        assert_eq!(age(t("2026-01-01T00:03:10Z"), then), "3m ago");
        assert_eq!(age(t("2026-01-01T02:00:00Z"), then), "2h ago");
        assert_eq!(age(t("2026-01-03T00:00:00Z"), then), "2d ago");
        assert_eq!(
            age_changes_at(t("2026-01-01T00:03:10Z"), then),
            t("2026-01-01T00:04:00Z")
        );
        assert_eq!(
            age_changes_at(t("2026-01-01T02:10:00Z"), then),
            t("2026-01-01T03:00:00Z")
        );
    }

    #[test]
    fn units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(rate(3.0 * 1024.0 * 1024.0), "3.0 MiB/s");
        assert_eq!(compass(0.0), "N");
        assert_eq!(compass(319.0), "NW");
        assert_eq!(compass(-10.0), "N");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
