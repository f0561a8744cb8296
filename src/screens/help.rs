//! The key help overlay.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

pub const KEYS: [(&str, &str); 11] = [
    ("Tab / Shift-Tab", "focus next / previous widget"),
    ("← ↓ ↑ → or h j k l", "move focus"),
    ("click", "focus a widget"),
    ("Enter or z", "zoom the focused widget / back"),
    ("Esc", "leave zoom or help"),
    ("r", "refresh the focused widget"),
    ("R", "refresh all widgets"),
    ("c", "credentials: add, test, rotate, revoke tokens"),
    ("?", "this help"),
    ("q", "quit"),
    ("Ctrl-C", "quit"),
];

/// The whole terminal the overlay needs: its box and the two bars.
pub const MIN: (u16, u16) = (44, KEYS.len() as u16 + 4 + 2);

pub fn draw(f: &mut Frame, body: Rect) {
    let width = 54.min(body.width);
    let height = (KEYS.len() as u16 + 4).min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    let mut lines = vec![Line::default()];
    lines.extend(KEYS.iter().map(|(k, what)| {
        Line::from(vec![
            Span::styled(format!("  {k:<20}"), style::label()),
            Span::raw(*what),
        ])
    }));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(style::ACCENT))
                .title(" Keys ")
                .title_bottom(Line::from(Span::styled(" Esc or ? to close ", style::dim())).right_aligned()),
        ),
        area,
    );
}
