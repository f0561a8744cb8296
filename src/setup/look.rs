//! The pieces every step of the wizard draws with.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::setup::worker::Verdict;

pub(in crate::setup) fn para(f: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

pub(in crate::setup) fn label(s: &str) -> Span<'static> {
    Span::styled(s.to_string(), style::label())
}

/// A one-line text field; the caret shows where typing goes.
pub(in crate::setup) fn field(name: &str, value: &str, focused: bool) -> Line<'static> {
    let mark = if focused { "▏" } else { "" };
    let st = if focused {
        Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
    } else {
        style::value()
    };
    Line::from(vec![
        label(&format!("{name:<11}")),
        Span::styled(format!("{value}{mark}"), st),
    ])
}

pub(in crate::setup) fn verdict_line((v, text): &(Verdict, String)) -> Line<'static> {
    let (mark, color) = match v {
        Verdict::Good => ("✓", style::GOOD),
        Verdict::Unchecked => ("?", style::WARN),
        Verdict::Wrong => ("✗", style::BAD),
    };
    Line::from(vec![
        Span::styled(format!("  {mark} "), Style::new().fg(color)),
        Span::raw(text.clone()),
    ])
}

pub(in crate::setup) fn provider_label(name: &str) -> String {
    homedash_widgets::source::ALL
        .iter()
        .find(|i| i.name == name)
        .map_or_else(|| name.to_string(), |i| i.label.to_string())
}
