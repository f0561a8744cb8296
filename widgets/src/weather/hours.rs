//! The row of coming hours a weather card shows, and the short
//! temperatures it and the zoomed week print.

use chrono::Timelike;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::wmo;
use crate::data::HourPoint;
use crate::style;

/// Rounded to `decimals`, with no "-0.0": a value that rounds to zero
/// shows as zero.
pub(super) fn rounded(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

pub(super) fn short_temp(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{}°", rounded(v, 0)))
}

pub(super) const HOUR_COL: u16 = 6;

/// One row of hours, as many as fit: the hour, its glyph and temperature,
/// its chance of rain.
pub(super) fn render_hours(hours: &[HourPoint], area: Rect, buf: &mut Buffer) {
    let cols = (area.width / HOUR_COL) as usize;
    for (i, h) in hours.iter().take(cols).enumerate() {
        let x = area.x + i as u16 * HOUR_COL;
        buf.set_string(x, area.y, format!("{:02}h", h.time.hour()), style::dim());
        let glyph = h.code.map_or("?", |c| wmo::glyph_at(c, h.is_day));
        buf.set_string(
            x,
            area.y + 1,
            format!("{glyph} {}", short_temp(h.temperature)),
            Style::new(),
        );
        if let Some(p) = h.precip_probability {
            buf.set_string(x, area.y + 2, format!("{p:.0}%"), style::dim());
        }
    }
}
