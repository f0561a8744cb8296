//! The palette renderers draw with. Named ANSI colours only, so the user's
//! terminal theme decides the actual shades.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;
pub const GOOD: Color = Color::Green;
pub const WARN: Color = Color::Yellow;
pub const BAD: Color = Color::Red;

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn label() -> Style {
    Style::new().fg(ACCENT)
}

pub fn value() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// Green under 60 %, yellow to 85 %, red above: for usage gauges.
pub fn usage(pct: f64) -> Style {
    let c = if pct < 60.0 {
        GOOD
    } else if pct < 85.0 {
        WARN
    } else {
        BAD
    };
    Style::new().fg(c)
}
