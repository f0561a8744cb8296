//! The one dialog box every screen uses: centred, rounded, wrapped, as tall
//! as its text needs.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub fn dialog(f: &mut Frame, body: Rect, title: &str, lines: Vec<Line>, footer: &str) {
    let width = 78.min(body.width);
    let inner_w = width.saturating_sub(2).max(1);
    let needed: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(inner_w).max(1))
        .sum::<u16>()
        + 2;
    let height = needed.min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    f.render_widget(Clear, area);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(style::ACCENT))
        .title(Span::styled(title.to_string(), style::value().fg(style::ACCENT)));
    if !footer.is_empty() {
        // Right-aligned text too long for the border loses its start, the
        // part that names the keys: a long footer is cut at its end.
        let footer = homedash_widgets::format::fit(footer, usize::from(inner_w));
        block = block.title_bottom(Line::from(Span::styled(footer, style::dim())).right_aligned());
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
