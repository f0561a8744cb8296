//! The key help overlay, drawn from the action table with the keys in use.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::keymap::{Action, DASHBOARD, FIRST_RUN, HELP_ROWS, KeyMap, Scope};

/// The whole terminal the overlay needs: its box and the two bars.
pub const MIN: (u16, u16) = (44, HELP_ROWS as u16 + 4 + 2);

pub fn draw(f: &mut Frame, body: Rect, first_run: bool, keys: &KeyMap) {
    let first = if first_run { FIRST_RUN } else { &[] };
    let rows = first.len() + DASHBOARD.len();
    let width = 58.min(body.width);
    let height = (rows as u16 + 4).min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    let mut lines = vec![Line::default()];
    lines.extend(first.iter().chain(DASHBOARD).map(|r| {
        Line::from(vec![
            Span::styled(format!("  {:<20}", keys.row_keys(r)), style::label()),
            Span::raw(r.what),
        ])
    }));
    let close: Vec<String> = keys
        .keys(Scope::Help, Action::Close)
        .iter()
        .map(|k| k.label())
        .collect();
    let close = match close.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    };
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(style::ACCENT))
                .title(" Keys ")
                .title_bottom(Line::from(Span::styled(format!(" {close} closes "), style::dim())).right_aligned()),
        ),
        area,
    );
}
