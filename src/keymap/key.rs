//! A key as the table and the config name it: "q", "Ctrl-C", "Enter",
//! "Shift-Tab", "←", "F1", "Space". No terminal crate here: `ui::keys`
//! turns a terminal's key event into one.

/// One key, modifiers folded in: a shifted letter is its capital, Ctrl
/// goes with a letter only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Char(char),
    /// Ctrl with a letter, kept in lower case.
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

/// Names the config accepts for keys that are no printable character
/// (case does not matter), with the key each means.
const NAMED: &[(&str, Key)] = &[
    ("enter", Key::Enter),
    ("return", Key::Enter),
    ("esc", Key::Esc),
    ("escape", Key::Esc),
    ("tab", Key::Tab),
    ("shift-tab", Key::BackTab),
    ("backtab", Key::BackTab),
    ("backspace", Key::Backspace),
    ("delete", Key::Delete),
    ("del", Key::Delete),
    ("up", Key::Up),
    ("down", Key::Down),
    ("left", Key::Left),
    ("right", Key::Right),
    ("pageup", Key::PageUp),
    ("pgup", Key::PageUp),
    ("pagedown", Key::PageDown),
    ("pgdn", Key::PageDown),
    ("home", Key::Home),
    ("end", Key::End),
    ("space", Key::Char(' ')),
];

/// A character a key types on its own: no control, no white space but the
/// space bar, nothing invisible or that only changes its neighbours (a
/// bidi override, a zero-width or combining mark).
fn pressable(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    c == ' '
        || !c.is_whitespace()
            && !homedash_widgets::text::is_unsafe(c)
            && UnicodeWidthChar::width(c).is_some_and(|w| w > 0)
}

impl Key {
    /// A key from its name in the config; `None` for a name it is not.
    pub fn parse(text: &str) -> Option<Key> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return match c {
                '←' => Some(Key::Left),
                '→' => Some(Key::Right),
                '↑' => Some(Key::Up),
                '↓' => Some(Key::Down),
                c if !pressable(c) => None,
                c => Some(Key::Char(c)),
            };
        }
        let lower = text.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("ctrl+")) {
            let mut cs = rest.chars();
            return match (cs.next(), cs.next()) {
                // The terminal sends these as Backspace, Tab, Enter (twice).
                (Some('h' | 'i' | 'j' | 'm'), None) => None,
                (Some(c), None) if c.is_ascii_alphabetic() => Some(Key::Ctrl(c)),
                _ => None,
            };
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            return (1..=12).contains(&n).then_some(Key::F(n));
        }
        NAMED.iter().find(|(name, _)| *name == lower).map(|(_, k)| *k)
    }

    /// How the help and the footers write it.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "Shift-Tab".into(),
            Key::Backspace => "Backspace".into(),
            Key::Delete => "Del".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::Left => "←".into(),
            Key::Right => "→".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::F(n) => format!("F{n}"),
        }
    }

    /// A key that types a character where a text field has focus.
    pub fn types(self) -> bool {
        matches!(self, Key::Char(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_parses_back_to_its_key() {
        let keys = [
            Key::Char('q'),
            Key::Char('R'),
            Key::Char('?'),
            Key::Char(' '),
            Key::Ctrl('c'),
            Key::Enter,
            Key::Esc,
            Key::Tab,
            Key::BackTab,
            Key::Backspace,
            Key::Delete,
            Key::Up,
            Key::Down,
            Key::Left,
            Key::Right,
            Key::PageUp,
            Key::PageDown,
            Key::Home,
            Key::End,
            Key::F(1),
            Key::F(12),
        ];
        for k in keys {
            assert_eq!(Key::parse(&k.label()), Some(k), "{}", k.label());
        }
        assert_eq!(Key::parse("CTRL+x"), Some(Key::Ctrl('x')));
        assert_eq!(Key::parse("escape"), Some(Key::Esc));
        for bad in [
            "", "Ctrl-", "Ctrl-1", "Ctrl-i", "Ctrl-M", "F13", "F0", "Hyper-a", "ab", "\t", "\u{1b}", "\u{202e}",
            "\u{200b}", "\u{0301}", "\u{feff}",
        ] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
    }
}
