//! Picking a provider for each kind.

use crate::keymap::{Action, Input};
use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::setup::look::{label, para, provider_label};
use crate::setup::state::{Flow, Wizard, needs_key, offered, provider_slot};

impl Wizard {
    pub(in crate::setup) fn providers_key(&mut self, input: Input) -> Flow {
        let kinds = self.networked();
        let Some(kind) = kinds.get(self.provider_row).copied() else {
            return self.next();
        };
        let Some(slot) = provider_slot(kind) else {
            return Flow::none();
        };
        let n = offered(kind).len();
        match input {
            Input::Act(Action::Up) => self.provider_row = self.provider_row.saturating_sub(1),
            Input::Act(Action::Down) => self.provider_row = (self.provider_row + 1).min(kinds.len() - 1),
            Input::Act(Action::Left) => self.providers[slot] = (self.providers[slot] + n - 1) % n,
            Input::Act(Action::Right | Action::Toggle) => self.providers[slot] = (self.providers[slot] + 1) % n,
            Input::Act(Action::Next) => return self.next(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }
}

fn key_note(name: &str) -> (&'static str, Style) {
    match (needs_key(name), homedash_widgets::source::keyed(name)) {
        (Some(_), _) => ("needs an API key", Style::new().fg(style::WARN)),
        (None, Some(_)) => ("keyless (a token is optional)", Style::new().fg(style::GOOD)),
        (None, None) => ("keyless", Style::new().fg(style::GOOD)),
    }
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from("Where should each widget get its data? Keyless providers come first and need no account."),
        Line::default(),
    ];
    let kinds = w.networked();
    for (row, k) in kinds.iter().enumerate() {
        let chosen = w.provider(*k).unwrap_or("");
        let focused = row == w.provider_row;
        let st = if focused {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        let (note, note_style) = key_note(chosen);
        lines.push(Line::from(vec![
            Span::styled(format!(" {} {:<9}", if focused { "›" } else { " " }, k.name()), st),
            Span::styled(format!("‹ {} ›  ", provider_label(chosen)), st),
            Span::styled(note, note_style),
        ]));
    }
    if let Some(k) = kinds.get(w.provider_row) {
        lines.push(Line::default());
        lines.push(Line::from(label(&format!("{} providers:", k.name()))));
        let chosen = w.provider(*k).unwrap_or("");
        for p in offered(*k) {
            let (note, note_style) = key_note(p);
            let mark = if p == chosen { "●" } else { "○" };
            lines.push(Line::from(vec![
                // A label longer than its column still keeps a space.
                Span::raw(format!("   {mark} {:<24} ", provider_label(p))),
                Span::styled(note, note_style),
            ]));
            if let Some(kp) = homedash_widgets::source::keyed(p) {
                let per_day = kp.budget.per_day.map(|d| format!(", {d} a day")).unwrap_or_default();
                lines.push(Line::from(Span::styled(
                    format!(
                        "       {} · free plan: {} a minute{per_day}",
                        kp.placement(),
                        kp.budget.per_minute
                    ),
                    style::dim(),
                )));
            }
        }
    }
    para(f, area, lines);
}
