//! The palette renderers draw with: one named ANSI colour per role, so
//! the user's terminal theme decides the actual shades. A homedash theme
//! (or `NO_COLOR`) maps each role afterwards, on the finished frame; so
//! a renderer draws in these colours only and never paints a background
//! of its own.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;
pub const GOOD: Color = Color::Green;
pub const WARN: Color = Color::Yellow;
pub const BAD: Color = Color::Red;
/// Hints, frames, what matters less.
pub const DIM: Color = Color::DarkGray;
/// Text on a bar painted in ACCENT or WARN (a selection, an alert).
pub const ON_BAR: Color = Color::Black;

pub fn dim() -> Style {
    Style::new().fg(DIM)
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
