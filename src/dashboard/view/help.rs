//! The key help overlay, drawn from the action table with the keys in use.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use unicode_width::UnicodeWidthStr;

use crate::keymap::{Action, DASHBOARD, FIRST_RUN, HELP_ROWS, KeyMap, Scope};

/// The whole terminal the overlay needs: its box and the two bars.
/// Narrower, its descriptions are cut mid-word.
pub const MIN: (u16, u16) = (58, HELP_ROWS as u16 + 4 + 2);

pub fn draw(f: &mut Frame, body: Rect, first_run: bool, keys: &KeyMap) {
    let first = if first_run { FIRST_RUN } else { &[] };
    let rows: Vec<(String, &str)> = first
        .iter()
        .chain(DASHBOARD)
        .map(|r| (keys.row_keys(r), r.what))
        .collect();
    // The key column grows with remapped keys (a space after the longest);
    // the box grows to keep the words whole, as far as the body allows.
    let cols = |s: &str| UnicodeWidthStr::width(s);
    let keys_col = rows.iter().map(|(k, _)| cols(k) + 1).max().unwrap_or(0).max(20);
    let what_col = rows.iter().map(|(_, w)| cols(w)).max().unwrap_or(0);
    let width = ((2 + keys_col + what_col + 2) as u16).max(58).min(body.width);
    let height = (rows.len() as u16 + 4).min(body.height);
    let area = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + (body.height - height) / 2,
        width,
        height,
    );
    let mut lines = vec![Line::default()];
    lines.extend(rows.iter().map(|(k, what)| {
        let pad = " ".repeat(keys_col.saturating_sub(cols(k)));
        Line::from(vec![
            Span::styled(format!("  {k}{pad}"), style::label()),
            Span::raw(*what),
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
