//! Picking the kinds of widget.

use crate::keymap::{Action, Input};
use homedash_widgets::source::Kind;
use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::setup::look::para;
use crate::setup::state::{Flow, KINDS, Wizard};

impl Wizard {
    pub(in crate::setup) fn widgets_key(&mut self, input: Input) -> Flow {
        match input {
            Input::Act(Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            Input::Act(Action::Down) => self.cursor = (self.cursor + 1).min(KINDS.len() - 1),
            Input::Act(Action::Toggle) => self.picked[self.cursor] = !self.picked[self.cursor],
            Input::Act(Action::Next) => {
                if !self.picked.iter().any(|p| *p) {
                    self.note = Some((
                        false,
                        format!("pick at least one widget ({})", self.key_of(Action::Toggle)),
                    ));
                    return Flow::redraw();
                }
                self.provider_row = 0;
                return self.next();
            }
            _ => return Flow::none(),
        }
        Flow::redraw()
    }
}

fn kind_blurb(k: Kind) -> &'static str {
    match k {
        Kind::Clock => "the time here and in other zones",
        Kind::Weather => "conditions now and the next hours, for one place",
        Kind::Stocks => "quotes with change and the day's range",
        Kind::Metrics => "one Prometheus or Datadog query, with a chart",
        Kind::System => "CPU, memory, disks and network of this machine",
    }
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from("Which widgets do you want on your homepage?"),
        Line::default(),
    ];
    for (i, k) in KINDS.iter().enumerate() {
        let box_ = if w.picked[i] { "[x]" } else { "[ ]" };
        let st = if i == w.cursor {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        let pointer = if i == w.cursor { "›" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!(" {pointer} {box_} {:<9}", k.name()), st),
            Span::styled(kind_blurb(*k), style::dim()),
        ]));
    }
    if w.existing.is_some() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Widgets of your file that are not listed here, or not ticked, are kept as they are.",
            style::dim(),
        )));
    }
    para(f, area, lines);
}
