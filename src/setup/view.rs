//! The setup wizard's screens: a header with the step, the step's body in
//! a panel, a note line and the keys of the step.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::keymap::{Action, Key, KeyMap, Scope};
use crate::setup::state::{SrcKind, Step, Wizard};
use crate::setup::steps;

/// Wider than this, the panel is centred: long lines are hard to read.
const MAX_WIDTH: u16 = 110;

/// The size on which every step shows its fields, its result and a
/// whole footer: the longest footer is 80 columns, and a key page with a
/// two-line result takes 24 rows. Smaller, the steps cut what they say.
pub const MIN: (u16, u16) = (80, 24);

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
            "homedash setup",
            MIN,
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
                    Span::styled(w.keys.first(Scope::Confirm, Action::Yes), style::value()),
                    Span::raw(" leave   "),
                    Span::styled(no_keys(&w.keys), style::value()),
                    Span::raw(" keep going"),
                ]),
            ],
            "",
        );
    }
}

fn header(w: &Wizard, f: &mut Frame, area: Rect) {
    let at = Step::ALL.iter().position(|s| *s == w.step).unwrap_or(0) + 1;
    let left = Line::from(vec![
        Span::styled(
            " homedash setup ",
            Style::new()
                .fg(style::ON_BAR)
                .bg(style::ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!("  step {at} of {}: {}", Step::ALL.len(), w.step.title())),
    ]);
    let used = left.width() as u16;
    f.render_widget(left, area);
    let path = format!("{} ", w.path.display());
    if used + 2 + path.chars().count() as u16 <= area.width {
        f.render_widget(Line::from(Span::styled(path, style::dim())).right_aligned(), area);
    }
}

/// Every key of "no", as "n or Esc": a letter and its capital are one.
fn no_keys(keys: &KeyMap) -> String {
    let mut all: Vec<String> = Vec::new();
    for k in keys.keys(Scope::Confirm, Action::No) {
        let label = match k {
            Key::Char(c) => c.to_lowercase().to_string(),
            _ => k.label(),
        };
        if !all.contains(&label) {
            all.push(label);
        }
    }
    if all.is_empty() {
        return "—".into();
    }
    all.join(" or ")
}

/// The footer of the step in view, with the keys in use.
fn hints(w: &Wizard) -> String {
    let k = |a| w.keys.first(Scope::Wizard, a);
    let up_down = w.keys.pair(Scope::Wizard, Action::Up, Action::Down);
    let left_right = w.keys.pair(Scope::Wizard, Action::Left, Action::Right);
    let (next, field) = (k(Action::Next), k(Action::Field));
    let back = format!("{} back", k(Action::Back));
    let esc = format!("{} leave", k(Action::Leave));
    let step = match w.step {
        Step::Welcome => return format!("{next} start · {esc}"),
        Step::Widgets => format!("{up_down} move · {} pick · {next} next", k(Action::Toggle)),
        Step::Providers => format!("{up_down} widget · {left_right} provider · {next} next"),
        Step::Credentials => {
            let fields = w.keys.pair(Scope::Wizard, Action::Field, Action::PreviousField);
            match w.page().map(|p| (p.src, p.on_value, p.on_endpoint)) {
                Some((_, _, true)) => format!("type the endpoint · {fields} fields · {next} test"),
                Some((_, false, _)) => format!("{left_right} source · {fields} fields · {next} test"),
                Some((SrcKind::Keyring, true, _)) => format!("paste the key · {fields} fields · {next} test"),
                _ => format!("type · {fields} fields · {next} test"),
            }
        }
        Step::Location => format!("{next} search, then use · {up_down} pick · {field} coordinates"),
        Step::Symbols => format!("type symbols, {next} check · {next} again next"),
        Step::Metrics => format!("{field} URL/query · {next} try · {next} again next"),
        Step::Layout => format!("{up_down} pick · {next} next"),
        Step::Review => format!(
            "{up_down} {} scroll · {next} write and start",
            w.keys.pair(Scope::Wizard, Action::PageUp, Action::PageDown)
        ),
    };
    format!("{step} · {back} · {esc}")
}
