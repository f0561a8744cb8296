//! The setup wizard's screens: a header with the step, the step's body in
//! a panel, a note line and the keys of the step.

use homedash_widgets::source::Kind;
use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::config::write::backup_path;
use crate::config::{Content, Node, Size};
use crate::setup::state::{CredPage, CredState, KINDS, LocField, SrcKind, Step, Wizard, needs_key, offered};
use crate::setup::worker::Verdict;
use crate::ui::grid;

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
        Step::Welcome => welcome(w, f, inner),
        Step::Widgets => widgets(w, f, inner),
        Step::Providers => providers(w, f, inner),
        Step::Credentials => credentials(w, f, inner),
        Step::Location => location(w, f, inner),
        Step::Symbols => symbols(w, f, inner),
        Step::Metrics => metrics(w, f, inner),
        Step::Layout => layout(w, f, inner),
        Step::Review => review(w, f, inner),
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
                .fg(ratatui::style::Color::Black)
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

fn para(f: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn label(s: &str) -> Span<'static> {
    Span::styled(s.to_string(), style::label())
}

/// A one-line text field; the caret shows where typing goes.
fn field(name: &str, value: &str, focused: bool) -> Line<'static> {
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

fn verdict_line((v, text): &(Verdict, String)) -> Line<'static> {
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

fn welcome(w: &Wizard, f: &mut Frame, area: Rect) {
    let target = match &w.before {
        None => vec![
            Line::from(vec![
                label("It will create  "),
                Span::styled(w.path.display().to_string(), style::value()),
            ]),
            Line::from("(mode 0600; nothing is written until you confirm on the last step)"),
        ],
        Some(_) => vec![
            Line::from(vec![
                label("It will edit  "),
                Span::styled(w.path.display().to_string(), style::value()),
            ]),
            Line::from(format!(
                "Comments and sections it does not know stay as they are; the old file is kept as {}.",
                backup_path(&w.path).display()
            )),
        ],
    };
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            "Let's build your homepage: weather, quotes, metrics and this machine, in one terminal page.",
            style::value(),
        )),
        Line::default(),
        Line::from("You will pick widgets and where their data comes from. Where a provider needs an API key,"),
        Line::from("this setup says which minimal key to create, tests it as you paste it, and keeps it in your"),
        Line::from("OS keyring (or reads it from an environment variable or a command such as pass)."),
        Line::from("A key is never written to the config file, a log or the screen."),
        Line::default(),
    ];
    lines.extend(target);
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Enter", style::value()),
        Span::raw(" to begin, "),
        Span::styled("Esc", style::value()),
        Span::raw(" to leave without writing anything."),
    ]));
    para(f, area, lines);
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

fn widgets(w: &Wizard, f: &mut Frame, area: Rect) {
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

fn provider_label(name: &str) -> String {
    homedash_widgets::source::ALL
        .iter()
        .find(|i| i.name == name)
        .map_or_else(|| name.to_string(), |i| i.label.to_string())
}

fn key_note(name: &str) -> (&'static str, Style) {
    match (needs_key(name), homedash_widgets::source::keyed(name)) {
        (Some(_), _) => ("needs an API key", Style::new().fg(style::WARN)),
        (None, Some(_)) => ("keyless (a token is optional)", Style::new().fg(style::GOOD)),
        (None, None) => ("keyless", Style::new().fg(style::GOOD)),
    }
}

fn providers(w: &Wizard, f: &mut Frame, area: Rect) {
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

fn state_line(p: &CredPage) -> Line<'static> {
    let (text, color) = match &p.state {
        CredState::Unknown => (String::new(), style::WARN),
        CredState::Busy(what) => (what.clone(), style::ACCENT),
        CredState::Absent if p.src == SrcKind::Keyring => ("no key stored yet: paste one".to_string(), style::WARN),
        CredState::Absent => (String::new(), style::WARN),
        CredState::KeyringError(e) => (
            format!(
                "the keyring cannot be used: {e}. Here: Tab, then ←/→ to read the key from an environment variable or a command instead."
            ),
            style::BAD,
        ),
        CredState::Existing {
            fingerprint,
            test: None,
        } => (
            format!("a key is already stored ({fingerprint}); testing it…"),
            style::ACCENT,
        ),
        CredState::Existing {
            fingerprint,
            test: Some((true, _)),
        } => (
            format!("✓ a key is already stored ({fingerprint}) and is valid: Enter keeps it"),
            style::GOOD,
        ),
        CredState::Existing {
            fingerprint,
            test: Some((false, why)),
        } => (
            format!(
                "a key is already stored ({fingerprint}) but failed its test: {why}. Enter keeps it; replace it after setup with the Credentials screen (c, then r)"
            ),
            style::WARN,
        ),
        CredState::Stored {
            fingerprint, ok: true, ..
        } => (
            format!("✓ valid, stored in the keyring ({fingerprint}); Enter to go on"),
            style::GOOD,
        ),
        CredState::Stored { fingerprint, text, .. } => (
            format!("stored ({fingerprint}), but the test could not confirm it: {text}; Enter to go on"),
            style::WARN,
        ),
        CredState::Tested { ok: true, .. } => ("✓ valid; Enter to go on".to_string(), style::GOOD),
        CredState::Tested { text, .. } => (
            format!("✗ {text}; fix it and Enter to test again, or go on"),
            style::WARN,
        ),
        CredState::Failed(e) => (format!("✗ {e}"), style::BAD),
        CredState::Unconfirmed(e) => (format!("? {e}"), style::WARN),
    };
    Line::from(Span::styled(text, Style::new().fg(color)))
}

fn credentials(w: &Wizard, f: &mut Frame, area: Rect) {
    let Some(p) = w.page() else {
        return;
    };
    let users: Vec<String> = w
        .networked()
        .into_iter()
        .filter(|k| w.provider(*k) == Some(p.provider.name))
        .map(|k| format!("the {} widget", k.name()))
        .collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("Key {} of {}: ", w.cred_at + 1, w.live_creds()), style::label()),
            Span::styled(p.provider.label.to_string(), style::value()),
            Span::styled(
                format!("   credential \"{}\", for {}", p.name, users.join(" and ")),
                style::dim(),
            ),
        ]),
        Line::default(),
        Line::from(vec![
            label("Create it at     "),
            Span::styled(p.provider.key_page.to_string(), style::value()),
        ]),
        Line::from(vec![
            label("Least privilege  "),
            Span::raw(p.provider.advice.to_string()),
        ]),
        Line::from(vec![label("Sent as          "), Span::raw(p.provider.placement())]),
        Line::from(vec![
            label("Will be sent to  "),
            Span::styled(w.destination(p.provider), style::value()),
        ]),
        Line::default(),
    ];
    let src_style = if p.on_value {
        style::value()
    } else {
        Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
    };
    lines.push(Line::from(vec![
        label(&format!("{:<11}", "Keep it in")),
        Span::styled(format!("‹ {} ›", p.src.label()), src_style),
    ]));
    lines.push(match p.src {
        SrcKind::Keyring => field("Key", &p.token.masked(), p.on_value),
        SrcKind::Env => field("Variable", &p.env, p.on_value),
        SrcKind::Command => field("Command", &p.command, p.on_value),
    });
    match p.src {
        SrcKind::Env => lines.push(Line::from(Span::styled(
            "homedash reads the variable when it starts; set it in your shell profile, not in the config.",
            style::dim(),
        ))),
        SrcKind::Command => lines.push(Line::from(Span::styled(
            format!(
                "The command prints the key on stdout, e.g. pass show homedash/{}",
                p.name
            ),
            style::dim(),
        ))),
        SrcKind::Keyring => {}
    }
    lines.push(Line::default());
    lines.push(state_line(p));
    para(f, area, lines);
}

fn location(w: &Wizard, f: &mut Frame, area: Rect) {
    let l = &w.location;
    let mut lines = vec![
        Line::from("Which place should the weather be for? The search uses Open-Meteo's keyless place index."),
        Line::default(),
        field("Place", &l.query, l.field == LocField::Query),
    ];
    if l.busy {
        lines.push(Line::from(Span::styled("  searching…", Style::new().fg(style::ACCENT))));
    }
    for (i, p) in l.results.iter().enumerate() {
        let sel = i == l.selected;
        let st = if sel {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {} {}", if sel { "›" } else { " " }, p.describe()), st),
            Span::styled(format!("  {:.2}, {:.2}", p.latitude, p.longitude), style::dim()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Or give coordinates (Tab):", style::dim())));
    lines.push(field("Latitude", &l.latitude, l.field == LocField::Latitude));
    lines.push(field("Longitude", &l.longitude, l.field == LocField::Longitude));
    if let Some(c) = &l.chosen {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            label("Chosen     "),
            Span::styled(
                format!("{} ({:.4}, {:.4})", c.name, c.latitude, c.longitude),
                Style::new().fg(style::GOOD),
            ),
        ]));
    }
    para(f, area, lines);
}

fn symbols(w: &Wizard, f: &mut Frame, area: Rect) {
    let provider = w.provider(Kind::Stocks).unwrap_or("yahoo");
    let mut lines = vec![
        Line::from(format!(
            "Which symbols should the quotes show? Separate them with commas; {} checks each one.",
            provider_label(provider)
        )),
        Line::from(Span::styled(
            "Examples: AAPL, MSFT, ^GSPC (S&P 500), BTC-USD on Yahoo; exchange suffixes such as AZN.LON where the provider uses them.",
            style::dim(),
        )),
        Line::default(),
        field("Symbols", &w.symbols, true),
        Line::default(),
    ];
    if w.symbols_tried.busy {
        lines.push(Line::from(Span::styled("  checking…", Style::new().fg(style::ACCENT))));
    }
    lines.extend(w.symbols_tried.lines.iter().map(verdict_line));
    para(f, area, lines);
}

fn metrics(w: &Wizard, f: &mut Frame, area: Rect) {
    let provider = w.provider(Kind::Metrics).unwrap_or("prometheus");
    let m = &w.metrics;
    let mut lines = vec![
        Line::from(format!(
            "Which {} query should the metrics widget show? Enter runs it once so you can see what it returns.",
            provider_label(provider)
        )),
        Line::default(),
    ];
    if provider == "prometheus" {
        lines.push(field("URL", &m.url, !m.on_query));
    }
    lines.push(field("Query", &m.query, m.on_query || provider != "prometheus"));
    lines.push(Line::from(Span::styled(
        if provider == "prometheus" {
            "e.g. up, or 100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100"
        } else {
            "e.g. avg:system.cpu.idle{*} by {host}"
        },
        style::dim(),
    )));
    lines.push(Line::default());
    if m.tried.busy {
        lines.push(Line::from(Span::styled("  running…", Style::new().fg(style::ACCENT))));
    }
    lines.extend(m.tried.lines.iter().map(verdict_line));
    para(f, area, lines);
}

fn layout(w: &Wizard, f: &mut Frame, area: Rect) {
    let presets = w.presets();
    let mut lines = vec![Line::from("How should the widgets be arranged?"), Line::default()];
    for (i, p) in presets.iter().enumerate() {
        let sel = i == w.layout;
        let st = if sel {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        lines.push(Line::from(Span::styled(
            format!(" {} {}", if sel { "›" } else { " " }, p.label()),
            st,
        )));
    }
    if let Some(p) = presets.get(w.layout) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(p.describe(), style::dim())));
    }
    // Room for the description to wrap once at narrow widths.
    let list_rows = (lines.len() as u16 + 1).min(area.height);
    let [list, preview] = Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(area);
    para(f, list, lines);
    // The chosen arrangement, drawn by the dashboard's own grid.
    let Some(config) = &w.preview else {
        return;
    };
    if preview.height < 4 {
        return;
    }
    let preview = Rect::new(
        preview.x,
        preview.y + 1,
        preview.width.min(72),
        (preview.height - 1).min(16),
    );
    for (id, rect) in grid::areas(&shrunk(&config.layout), preview) {
        if rect.width < 2 || rect.height < 2 {
            continue;
        }
        let name = config.widgets.get(id).map(|w| w.id.clone()).unwrap_or_default();
        f.render_widget(
            Block::bordered()
                .border_style(style::dim())
                .title(Span::styled(name, style::label())),
            rect,
        );
    }
}

/// Fixed heights are for a real terminal; in a small preview they would
/// crowd out the other rows, so every cell takes a share instead.
fn shrunk(node: &Node) -> Node {
    Node {
        size: match node.size {
            Size::Length(_) => Size::Ratio(1),
            other => other,
        },
        content: match &node.content {
            Content::Widget(i) => Content::Widget(*i),
            Content::Rows(v) => Content::Rows(v.iter().map(shrunk).collect()),
            Content::Cols(v) => Content::Cols(v.iter().map(shrunk).collect()),
        },
    }
}

fn review(w: &Wizard, f: &mut Frame, area: Rect) {
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
            lines.push(Line::from("Go back (Shift-Tab) and change what it names."));
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
    for l in text.lines().skip(w.review_scroll as usize) {
        let new = w.before.is_some() && !before.contains(l);
        lines.push(if new {
            Line::from(Span::styled(format!("+ {l}"), Style::new().fg(style::GOOD)))
        } else {
            Line::from(format!("  {l}"))
        });
    }
    f.render_widget(Paragraph::new(lines), rest);
}
