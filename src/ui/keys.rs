//! The action table's edge: a terminal key event as the table's `Key`.
//! This is the one place outside tests that reads a `KeyCode`; screens
//! act on what `keymap::KeyMap::read` makes of it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::keymap::Key;

/// `None` for a key the table has no name for (media keys, a lone
/// modifier, Ctrl with a non-letter).
pub fn key_of(e: &KeyEvent) -> Option<Key> {
    let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
    Some(match e.code {
        KeyCode::Char(c) if ctrl => {
            let c = c.to_ascii_lowercase();
            if !c.is_ascii_alphabetic() {
                return None;
            }
            Key::Ctrl(c)
        }
        // Any other modified key is not one the table binds.
        _ if ctrl => return None,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

/// A key event for tests, from the table's key.
#[cfg(test)]
pub fn event(k: Key) -> KeyEvent {
    let none = KeyModifiers::NONE;
    match k {
        Key::Char(c) => KeyEvent::new(KeyCode::Char(c), none),
        Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        Key::Enter => KeyEvent::new(KeyCode::Enter, none),
        Key::Esc => KeyEvent::new(KeyCode::Esc, none),
        Key::Tab => KeyEvent::new(KeyCode::Tab, none),
        Key::BackTab => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        Key::Backspace => KeyEvent::new(KeyCode::Backspace, none),
        Key::Delete => KeyEvent::new(KeyCode::Delete, none),
        Key::Up => KeyEvent::new(KeyCode::Up, none),
        Key::Down => KeyEvent::new(KeyCode::Down, none),
        Key::Left => KeyEvent::new(KeyCode::Left, none),
        Key::Right => KeyEvent::new(KeyCode::Right, none),
        Key::PageUp => KeyEvent::new(KeyCode::PageUp, none),
        Key::PageDown => KeyEvent::new(KeyCode::PageDown, none),
        Key::Home => KeyEvent::new(KeyCode::Home, none),
        Key::End => KeyEvent::new(KeyCode::End, none),
        Key::F(n) => KeyEvent::new(KeyCode::F(n), none),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_the_tables_keys() {
        for k in [
            Key::Char('q'),
            Key::Char('R'),
            Key::Ctrl('c'),
            Key::Enter,
            Key::BackTab,
            Key::F(1),
            Key::PageDown,
        ] {
            assert_eq!(key_of(&event(k)), Some(k));
        }
        let ctrl_upper = KeyEvent::new(KeyCode::Char('C'), KeyModifiers::CONTROL | KeyModifiers::SHIFT);
        assert_eq!(key_of(&ctrl_upper), Some(Key::Ctrl('c')));
        assert_eq!(key_of(&KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL)), None);
        assert_eq!(key_of(&KeyEvent::new(KeyCode::Null, KeyModifiers::NONE)), None);
    }
}
