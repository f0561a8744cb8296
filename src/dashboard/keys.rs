//! The dashboard's keys, defined once: `App::key` acts on them, the help
//! overlay lists them and the title bar's hints are drawn from them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks of the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextWidget,
    PreviousWidget,
    Left,
    Right,
    Up,
    Down,
    Zoom,
    LeaveZoom,
    Refresh,
    RefreshAll,
    /// Page `n`, counted from 0.
    Page(u8),
    NextPage,
    PreviousPage,
    Credentials,
    StatusInFull,
    Help,
    Quit,
    Setup,
    Demo,
}

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    Ctrl(char),
}

impl Key {
    fn matches(self, k: &KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Code(code) => !ctrl && k.code == code,
            Key::Ctrl(c) => ctrl && k.code == KeyCode::Char(c),
        }
    }
}

/// One row of the help: how it names the keys, what they do, the hint the
/// title bar shows for them (if any), and each key's action.
pub struct Row {
    pub keys: &'static str,
    pub what: &'static str,
    pub hint: Option<&'static str>,
    pub binds: &'static [(Key, Action)],
}

const fn ch(c: char) -> Key {
    Key::Code(KeyCode::Char(c))
}

pub const KEYS: &[Row] = &[
    Row {
        keys: "Tab / Shift-Tab",
        what: "focus next / previous widget",
        hint: Some("Tab focus"),
        binds: &[
            (Key::Code(KeyCode::Tab), Action::NextWidget),
            (Key::Code(KeyCode::BackTab), Action::PreviousWidget),
        ],
    },
    Row {
        keys: "← ↓ ↑ → or h j k l",
        what: "move focus",
        hint: None,
        binds: &[
            (Key::Code(KeyCode::Left), Action::Left),
            (ch('h'), Action::Left),
            (Key::Code(KeyCode::Down), Action::Down),
            (ch('j'), Action::Down),
            (Key::Code(KeyCode::Up), Action::Up),
            (ch('k'), Action::Up),
            (Key::Code(KeyCode::Right), Action::Right),
            (ch('l'), Action::Right),
        ],
    },
    // The mouse is handled apart; the row tells that it can.
    Row {
        keys: "click",
        what: "focus a widget, or a page's name",
        hint: None,
        binds: &[],
    },
    Row {
        keys: "Enter or z",
        what: "zoom the focused widget / back",
        hint: Some("Enter zoom"),
        binds: &[(Key::Code(KeyCode::Enter), Action::Zoom), (ch('z'), Action::Zoom)],
    },
    Row {
        keys: "Esc",
        what: "leave zoom or help",
        hint: None,
        binds: &[(Key::Code(KeyCode::Esc), Action::LeaveZoom)],
    },
    Row {
        keys: "1 … 9",
        what: "show page 1 to 9",
        hint: None,
        binds: &[
            (ch('1'), Action::Page(0)),
            (ch('2'), Action::Page(1)),
            (ch('3'), Action::Page(2)),
            (ch('4'), Action::Page(3)),
            (ch('5'), Action::Page(4)),
            (ch('6'), Action::Page(5)),
            (ch('7'), Action::Page(6)),
            (ch('8'), Action::Page(7)),
            (ch('9'), Action::Page(8)),
        ],
    },
    Row {
        keys: "[ / ]",
        what: "previous / next page",
        hint: None,
        binds: &[(ch('['), Action::PreviousPage), (ch(']'), Action::NextPage)],
    },
    Row {
        keys: "r",
        what: "refresh the focused widget",
        hint: Some("r refresh"),
        binds: &[(ch('r'), Action::Refresh)],
    },
    Row {
        keys: "R",
        what: "refresh all widgets",
        hint: None,
        binds: &[(ch('R'), Action::RefreshAll)],
    },
    Row {
        keys: "c",
        what: "the Credentials screen: tokens",
        hint: Some("c credentials"),
        binds: &[(ch('c'), Action::Credentials)],
    },
    Row {
        keys: "!",
        what: "the status bar's message in full",
        hint: None,
        binds: &[(ch('!'), Action::StatusInFull)],
    },
    Row {
        keys: "? or F1",
        what: "this help",
        hint: Some("? help"),
        binds: &[(ch('?'), Action::Help), (Key::Code(KeyCode::F(1)), Action::Help)],
    },
    Row {
        keys: "q",
        what: "quit (Credentials screen too)",
        hint: Some("q quit"),
        binds: &[(ch('q'), Action::Quit)],
    },
    Row {
        keys: "Ctrl-C",
        what: "quit",
        hint: None,
        binds: &[(Key::Ctrl('c'), Action::Quit)],
    },
];

/// Only on the first run, with no config yet.
pub const FIRST_RUN: &[Row] = &[
    Row {
        keys: "s",
        what: "set up your own dashboard",
        hint: None,
        binds: &[(ch('s'), Action::Setup)],
    },
    Row {
        keys: "d",
        what: "try the demo",
        hint: None,
        binds: &[(ch('d'), Action::Demo)],
    },
];

/// The action of `k`, first-run keys included when `first_run`.
pub fn action(k: &KeyEvent, first_run: bool) -> Option<Action> {
    let first: &[Row] = if first_run { FIRST_RUN } else { &[] };
    first
        .iter()
        .chain(KEYS)
        .flat_map(|r| r.binds.iter())
        .find(|(key, _)| key.matches(k))
        .map(|(_, a)| *a)
}

/// Whether `k` quits from anywhere (the Credentials screen included).
pub fn quits_anywhere(k: &KeyEvent) -> bool {
    Key::Ctrl('c').matches(k)
}

/// The title bar's hints: "Tab focus  Enter zoom  …  q quit ".
pub fn hints() -> String {
    let mut s: String = KEYS.iter().filter_map(|r| r.hint).collect::<Vec<_>>().join("  ");
    s.push(' ');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_key_has_one_action_and_first_run_keys_only_then() {
        let mut seen: Vec<Key> = Vec::new();
        for (k, _) in FIRST_RUN.iter().chain(KEYS).flat_map(|r| r.binds.iter()) {
            assert!(!seen.contains(k), "{k:?} is bound twice");
            seen.push(*k);
        }
        assert_eq!(action(&key(KeyCode::Char('s')), true), Some(Action::Setup));
        assert_eq!(action(&key(KeyCode::Char('s')), false), None);
        assert_eq!(
            action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), false),
            Some(Action::Quit)
        );
        assert_eq!(action(&key(KeyCode::Char('c')), false), Some(Action::Credentials));
        assert_eq!(
            hints(),
            "Tab focus  Enter zoom  r refresh  c credentials  ? help  q quit "
        );
    }
}
