//! The key help overlay.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::dashboard::keys::{FIRST_RUN, KEYS};

/// The whole terminal the overlay needs: its box and the two bars.
pub const MIN: (u16, u16) = (44, (KEYS.len() + FIRST_RUN.len()) as u16 + 4 + 2);

pub fn draw(f: &mut Frame, body: Rect, first_run: bool) {
    let rows = KEYS.len() + if first_run { FIRST_RUN.len() } else { 0 };
    let width = 58.min(body.width);
    let height = (rows as u16 + 4).min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    let mut lines = vec![Line::default()];
    let first = if first_run { FIRST_RUN } else { &[] };
    lines.extend(first.iter().chain(KEYS).map(|r| {
        Line::from(vec![
            Span::styled(format!("  {:<20}", r.keys), style::label()),
            Span::raw(r.what),
        ])
    }));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(style::ACCENT))
                .title(" Keys ")
                .title_bottom(Line::from(Span::styled(" Esc, ? or q closes ", style::dim())).right_aligned()),
        ),
        area,
    );
}
