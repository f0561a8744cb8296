//! The weather view every weather provider parses into.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::hours::{render_hours, rounded};
use super::wmo;
use crate::data::{RenderCtx, Weather};
use crate::format;
use crate::style;

impl crate::text::Clean for Weather {
    fn clean(&mut self) {
        self.description.clean();
        self.temp_unit.clean();
        self.wind_unit.clean();
    }
}

fn temp(v: f64, unit: &str) -> String {
    format!("{}{unit}", rounded(v, 1))
}

/// Render the conditions into `area`, most important first: the rows that do
/// not fit are dropped from the bottom. A card's strip shows the first
/// `strip` coming hours; zoomed, the whole day and the week follow.
pub fn render(w: &Weather, strip: usize, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let mut lines: Vec<Line> = Vec::new();
    let code = w.code.unwrap_or(255);
    // A personal station measures; it names no conditions.
    let glyph = if w.code.is_none() && w.station.is_some() {
        "⌂"
    } else {
        wmo::glyph_at(code, w.is_day)
    };
    let now = format!("{glyph} {}", temp(w.temperature, &w.temp_unit));
    let describe = w.description.clone().unwrap_or_else(|| wmo::describe(code).to_string());
    // The conditions shorten with an ellipsis rather than vanish: they are
    // the line's point.
    let room = width.saturating_sub(now.chars().count() + 2);
    let mut first = vec![
        Span::styled(format!("{glyph} "), style::label()),
        Span::styled(temp(w.temperature, &w.temp_unit), style::value()),
    ];
    if room >= 4 {
        first.push(Span::raw("  "));
        first.push(Span::raw(format::fit(&describe, room)));
    }
    lines.push(Line::from(first));
    let mut second = Vec::new();
    if let Some(a) = w.apparent {
        second.push(part("feels ", format!("{}  ", temp(a, &w.temp_unit))));
    }
    if let (Some(h), Some(l)) = (w.high, w.low) {
        second.push(part("H ", format!("{h:.0}°  ")));
        second.push(part("L ", format!("{l:.0}°")));
    } else if let Some(h) = w.high {
        second.push(part("H ", format!("{h:.0}°")));
    }
    if !second.is_empty() {
        lines.push(format::whole_parts(second, width));
    }
    let mut third = Vec::new();
    if let Some(h) = w.humidity {
        third.push(part("humidity ", format!("{h:.0}%  ")));
    }
    if let Some(s) = w.wind_speed {
        let dir = w.wind_direction.map(format::compass).unwrap_or("");
        third.push(part("wind ", format!("{s:.0} {} {dir}", w.wind_unit)));
    }
    if !third.is_empty() {
        lines.push(format::whole_parts(third, width));
    }
    if let Some(st) = &w.station {
        let mut fourth = Vec::new();
        if let Some(p) = st.pressure {
            fourth.push(part("pressure ", format!("{p:.0} mbar  ")));
        }
        if let Some(c) = st.co2 {
            fourth.push(part("CO₂ ", format!("{c:.0} ppm  ")));
        }
        if let Some(a) = st.reading_age_secs {
            let then = chrono::DateTime::UNIX_EPOCH;
            fourth.push(part("read ", format::age(then + chrono::Duration::seconds(a), then)));
        }
        if !fourth.is_empty() {
            lines.push(format::whole_parts(fourth, width));
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let y = area.y + i as u16;
        if y >= area.bottom() {
            return;
        }
        buf.set_line(area.x, y, line, area.width);
    }
    let used = lines.len() as u16 + 1;
    if area.height <= used {
        return;
    }
    let below = Rect::new(area.x, area.y + used, area.width, area.height - used);
    if ctx.zoomed {
        super::zoom::render(w, below, buf);
        return;
    }
    // The hourly strip needs a blank separator row plus three rows.
    let hours = &w.hourly[..strip.min(w.hourly.len())];
    if below.height >= 3 && !hours.is_empty() {
        render_hours(hours, Rect::new(below.x, below.y, below.width, 3), buf);
    }
}

/// A dim label and its value, kept or dropped together.
fn part(label: &'static str, value: String) -> Vec<Span<'static>> {
    vec![Span::styled(label, style::dim()), Span::raw(value)]
}

#[cfg(test)]
mod rounding {
    use super::super::hours::short_temp;

    #[test]
    fn no_negative_zero() {
        assert_eq!(super::temp(-0.04, "°C"), "0.0°C");
        assert_eq!(super::temp(-0.06, "°C"), "-0.1°C");
        assert_eq!(short_temp(Some(-0.4)), "0°");
        assert_eq!(short_temp(Some(-2.6)), "-3°");
    }
}
