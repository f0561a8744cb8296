//! The config as it will be written.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::keymap::Action;
use crate::setup::look::para;
use crate::setup::state::Wizard;

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let text = match &w.review {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            let mut lines = vec![
                Line::from(Span::styled(
                    "The result would not be a valid config, so it cannot be written:",
                    Style::new().fg(style::BAD),
                )),
                Line::default(),
            ];
            lines.extend(e.to_string().lines().map(|l| Line::from(l.to_string())));
            lines.push(Line::default());
            lines.push(Line::from(format!(
                "Go back ({}) and change what it names.",
                w.key_of(Action::Back)
            )));
            para(f, area, lines);
            return;
        }
        None => return,
    };
    let before: std::collections::HashSet<&str> = w.before.as_deref().unwrap_or("").lines().collect();
    let head = match &w.before {
        None => format!(
            "This will be written to {} (no key in it: keys live in the keyring):",
            w.path.display()
        ),
        Some(_) => format!(
            "{} after the change; + marks new or changed lines, the rest is your file as it was:",
            w.path.display()
        ),
    };
    let [top, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    para(f, top, vec![Line::from(Span::styled(head, style::label()))]);
    let mut lines = Vec::new();
    // A line wider than the panel ends in "…", never cut mid-word unseen.
    let room = usize::from(rest.width.saturating_sub(2));
    for l in text.lines().skip(w.review_scroll as usize) {
        let new = w.before.is_some() && !before.contains(l);
        let shown = homedash_widgets::format::fit(l, room);
        lines.push(if new {
            Line::from(Span::styled(format!("+ {shown}"), Style::new().fg(style::GOOD)))
        } else {
            Line::from(format!("  {shown}"))
        });
    }
    f.render_widget(Paragraph::new(lines), rest);
}
