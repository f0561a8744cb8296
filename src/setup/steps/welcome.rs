//! The first page: what the wizard will do.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::config::write::backup_path;
use crate::keymap::Action;
use crate::setup::look::{label, para};
use crate::setup::state::Wizard;

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
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
        Span::styled(w.key_of(Action::Next), style::value()),
        Span::raw(" to begin, "),
        Span::styled(w.key_of(Action::Leave), style::value()),
        Span::raw(" to leave without writing anything."),
    ]));
    para(f, area, lines);
}
