//! The message a screen shows instead of itself below its minimum size.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// What every screen shows below its minimum size, instead of a layout cut
/// to pieces: the size now, the size needed, and what to do.
pub fn too_small(f: &mut Frame, area: Rect, here: (u16, u16), need: &str, hint: &str) {
    let text = vec![
        Line::from(Span::styled(
            "Terminal too small",
            Style::new().fg(style::WARN).add_modifier(Modifier::BOLD),
        )),
        Line::from(format!("{}x{} here; {need}.", here.0, here.1)),
        Line::from(hint.to_string()),
    ];
    // On a 1x1 terminal even this is cut, but it never panics. What was
    // drawn below (another screen's message) is cleared first.
    let target = if area.height == 0 { f.area() } else { area };
    f.render_widget(ratatui::widgets::Clear, target);
    f.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        target,
    );
}
