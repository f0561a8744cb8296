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
    let mut lines: Vec<Line> = Vec::new();
    let code = w.code.unwrap_or(255);
    lines.push(Line::from(vec![
        // A personal station measures; it names no conditions.
        Span::styled(
            format!(
                "{} ",
                if w.code.is_none() && w.station.is_some() {
                    "⌂"
                } else {
                    wmo::glyph(code)
                }
            ),
            style::label(),
        ),
        Span::styled(temp(w.temperature, &w.temp_unit), style::value()),
        Span::raw("  "),
        Span::raw(w.description.clone().unwrap_or_else(|| wmo::describe(code).to_string())),
    ]));
    let mut second = Vec::new();
    if let Some(a) = w.apparent {
        second.push(Span::styled("feels ", style::dim()));
        second.push(Span::raw(format!("{}  ", temp(a, &w.temp_unit))));
    }
    if let (Some(h), Some(l)) = (w.high, w.low) {
        second.push(Span::styled("H ", style::dim()));
        second.push(Span::raw(format!("{h:.0}°  ")));
        second.push(Span::styled("L ", style::dim()));
        second.push(Span::raw(format!("{l:.0}°")));
    } else if let Some(h) = w.high {
        second.push(Span::styled("H ", style::dim()));
        second.push(Span::raw(format!("{h:.0}°")));
    }
    if !second.is_empty() {
        lines.push(Line::from(second));
    }
    let mut third = Vec::new();
    if let Some(h) = w.humidity {
        second_push(&mut third, "humidity ", format!("{h:.0}%  "));
    }
    if let Some(s) = w.wind_speed {
        let dir = w.wind_direction.map(format::compass).unwrap_or("");
        second_push(&mut third, "wind ", format!("{s:.0} {} {dir}", w.wind_unit));
    }
    if !third.is_empty() {
        lines.push(Line::from(third));
    }
    if let Some(st) = &w.station {
        let mut fourth = Vec::new();
        if let Some(p) = st.pressure {
            second_push(&mut fourth, "pressure ", format!("{p:.0} mbar  "));
        }
        if let Some(c) = st.co2 {
            second_push(&mut fourth, "CO₂ ", format!("{c:.0} ppm  "));
        }
        if let Some(a) = st.reading_age_secs {
            let then = chrono::DateTime::UNIX_EPOCH;
            second_push(
                &mut fourth,
                "read ",
                format::age(then + chrono::Duration::seconds(a), then),
            );
        }
        if !fourth.is_empty() {
            lines.push(Line::from(fourth));
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

fn second_push(spans: &mut Vec<Span<'static>>, label: &'static str, value: String) {
    spans.push(Span::styled(label, style::dim()));
    spans.push(Span::raw(value));
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
