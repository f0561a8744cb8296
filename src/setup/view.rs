//! The setup wizard's screens: a header with the step, the step's body in
//! a panel, a note line and the keys of the step.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::setup::state::{SrcKind, Step, Wizard};
use crate::setup::steps;

/// Wider than this, the panel is centred: long lines are hard to read.
const MAX_WIDTH: u16 = 110;

/// Below this the steps' fields and lists cannot be read.
pub const MIN: (u16, u16) = (50, 14);

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN.0 || height < MIN.1
}

pub fn draw(w: &Wizard, f: &mut Frame) {
    let area = f.area();
    if too_small(area.width, area.height) {
        crate::ui::too_small::too_small(
            f,
            area,
            (area.width, area.height),
            &format!("homedash setup needs {}x{}", MIN.0, MIN.1),
            "Enlarge the window: nothing you entered is lost.",
        );
        return;
    }
    let note_rows = match &w.note {
        Some((_, t)) if t.chars().count() + 1 > area.width as usize => 2,
        _ => 1,
    };
    let [head, body, note, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(note_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    header(w, f, head);
    let width = body.width.min(MAX_WIDTH);
    let panel = Rect::new(body.x + (body.width - width) / 2, body.y, width, body.height);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(style::ACCENT))
        .title(Span::styled(
            format!(" {} ", w.step.title()),
            style::value().fg(style::ACCENT),
        ));
    let inner = block.inner(panel);
    f.render_widget(block, panel);
    let inner = Rect::new(
        inner.x + 1.min(inner.width),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    match w.step {
        Step::Welcome => steps::welcome::draw(w, f, inner),
        Step::Widgets => steps::widgets::draw(w, f, inner),
        Step::Providers => steps::providers::draw(w, f, inner),
        Step::Credentials => steps::api_keys::draw(w, f, inner),
        Step::Location => steps::location::draw(w, f, inner),
        Step::Symbols => steps::symbols::draw(w, f, inner),
        Step::Metrics => steps::metrics::draw(w, f, inner),
        Step::Layout => steps::layout::draw(w, f, inner),
        Step::Review => steps::review::draw(w, f, inner),
    }
    if let Some((ok, text)) = &w.note {
        let color = if *ok { style::GOOD } else { style::WARN };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {text}"), Style::new().fg(color))).wrap(Wrap { trim: false }),
            note,
        );
    }
    f.render_widget(Line::from(Span::styled(format!(" {}", hints(w)), style::dim())), keys);
    if w.confirm_cancel {
        crate::ui::dialog::dialog(
            f,
            body,
            " Leave setup? ",
            vec![
                Line::from("Nothing has been written yet, and nothing will be."),
                Line::from("Keys stored in the keyring during this setup are deleted again."),
                Line::default(),
                Line::from(vec![
                    Span::styled("y", style::value()),
                    Span::raw(" leave   "),
                    Span::styled("n", style::value()),
                    Span::raw(" or Esc: keep going"),
                ]),
            ],
            "",
        );
    }
}

fn header(w: &Wizard, f: &mut Frame, area: Rect) {
    let steps = w.steps();
    let at = steps.iter().position(|s| *s == w.step).unwrap_or(0) + 1;
    let left = Line::from(vec![
        Span::styled(
            " homedash setup ",
            Style::new()
                .fg(style::ON_BAR)
                .bg(style::ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!("  step {at} of {}: {}", steps.len(), w.step.title())),
    ]);
    let used = left.width() as u16;
    f.render_widget(left, area);
    let path = format!("{} ", w.path.display());
    if used + 2 + path.chars().count() as u16 <= area.width {
        f.render_widget(Line::from(Span::styled(path, style::dim())).right_aligned(), area);
    }
}

fn hints(w: &Wizard) -> String {
    let back = "Shift-Tab back";
    let esc = "Esc leave";
    let step = match w.step {
        Step::Welcome => return format!("Enter start · {esc}"),
        Step::Widgets => "↑/↓ move · Space pick · Enter next",
        Step::Providers => "↑/↓ widget · ←/→ provider · Enter next",
        Step::Credentials => match w.page().map(|p| (p.src, p.on_value)) {
            Some((_, false)) => "←/→ where the key lives · Tab to the value · Enter test",
            Some((SrcKind::Keyring, true)) => "paste the key · Tab source · Enter test and store",
            _ => "type · Tab source · Enter test",
        },
        Step::Location => "Enter search, then use · ↑/↓ pick · Tab coordinates",
        Step::Symbols => "type symbols, Enter check · Enter again next",
        Step::Metrics => "Tab URL/query · Enter try · Enter again next",
        Step::Layout => "↑/↓ pick · Enter next",
        Step::Review => "↑/↓ PgUp/PgDn scroll · Enter write and start",
    };
    format!("{step} · {back} · {esc}")
}
