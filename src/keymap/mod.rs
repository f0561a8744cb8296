//! The one action table, as television keeps one: every screen acts on
//! `Action`s, and keys map to actions here only, in a scope per screen.
//! The user's `[keys.SCOPE]` tables (read by `config`) replace an action's
//! default keys; two actions on one key are refused. The help and every
//! footer are drawn from the same map, so they name the keys in use.
//!
//! No terminal crate here: `ui::keys` turns a key event into a `Key`.

mod key;
mod table;

use std::collections::BTreeMap;

pub use key::Key;
pub use table::{Action, CREDENTIALS, DASHBOARD, ESSENTIAL, FIRST_RUN, HELP_ROWS, Row, SPECS, Scope, Spec};

/// A key press as a screen reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Act(Action),
    /// A printable key no action took, or any printable key where text is
    /// typed.
    Text(char),
    Other,
}

/// Which keys do what, the user's choices over the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    keys: BTreeMap<(Scope, Action), Vec<Key>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap {
            keys: SPECS.iter().map(|s| ((s.scope, s.action), s.keys.to_vec())).collect(),
        }
    }
}

/// The user's keys for one action: `[keys.SCOPE] NAME = KEYS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub action: Action,
    pub keys: Vec<Key>,
}

/// Why a user's binding is refused; `at` is its index in the bindings
/// given, `with_at` the other's when the user gave that one too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `key` is also `other`'s.
    Conflict {
        at: usize,
        key: Key,
        other: (Scope, Action),
        with_at: Option<usize>,
    },
    /// A printable key where printable keys type.
    Types { at: usize, key: Key },
    /// An action that must keep a key (leaving a screen, answering a
    /// dialog) left without one; `at` is the binding that took them.
    Unbound { at: usize, scope: Scope, action: Action },
}

/// The config's name of an action in a scope.
pub fn name_of(scope: Scope, action: Action) -> &'static str {
    SPECS
        .iter()
        .find(|s| s.scope == scope && s.action == action)
        .map_or("?", |s| s.name)
}

/// The action a scope's table names `name`.
pub fn action_named(scope: Scope, name: &str) -> Option<Action> {
    SPECS
        .iter()
        .find(|s| s.scope == scope && s.name == name)
        .map(|s| s.action)
}

/// Labels that are one character each, one after another ("1" … "9").
fn consecutive(labels: &[String]) -> bool {
    let chars: Vec<char> = labels
        .iter()
        .filter_map(|l| {
            let mut cs = l.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        })
        .collect();
    // In keyboard order, where 0 follows 9.
    let next = |c: char| {
        if c == '9' {
            '0'
        } else {
            char::from_u32(u32::from(c) + 1).unwrap_or(c)
        }
    };
    chars.len() == labels.len() && chars.windows(2).all(|w| w[1] == next(w[0]))
}

impl KeyMap {
    /// The defaults with `bindings` over them, each checked: no printable
    /// key where text is typed, no key on two actions that can be read
    /// together.
    pub fn with(bindings: &[Binding]) -> Result<KeyMap, Vec<Refusal>> {
        let mut map = KeyMap::default();
        let mut given: BTreeMap<(Scope, Action), usize> = BTreeMap::new();
        let mut refused = Vec::new();
        for (i, b) in bindings.iter().enumerate() {
            for k in &b.keys {
                if b.scope.typed_over(b.action) && k.types() {
                    refused.push(Refusal::Types { at: i, key: *k });
                }
            }
            map.keys.insert((b.scope, b.action), b.keys.clone());
            given.insert((b.scope, b.action), i);
        }
        refused.extend(map.unbound(&given));
        refused.extend(map.conflicts(&given));
        if refused.is_empty() { Ok(map) } else { Err(refused) }
    }

    /// Essential actions the user left without a key.
    fn unbound(&self, given: &BTreeMap<(Scope, Action), usize>) -> Vec<Refusal> {
        let mut out: Vec<Refusal> = ESSENTIAL
            .iter()
            .filter(|sa| self.keys(sa.0, sa.1).is_empty())
            .filter_map(|&(scope, action)| {
                Some(Refusal::Unbound {
                    at: *given.get(&(scope, action))?,
                    scope,
                    action,
                })
            })
            .collect();
        let quits = [(Scope::Anywhere, Action::Quit), (Scope::Dashboard, Action::Quit)];
        if quits.iter().all(|q| self.keys(q.0, q.1).is_empty())
            && let Some((&(scope, action), &at)) = given.iter().find(|(sa, _)| quits.contains(sa))
        {
            out.push(Refusal::Unbound { at, scope, action });
        }
        out
    }

    /// Keys on two actions that can be read together, each told at the
    /// binding the user gave (the later one when both were given), naming
    /// the other.
    fn conflicts(&self, given: &BTreeMap<(Scope, Action), usize>) -> Vec<Refusal> {
        let mut out = Vec::new();
        let all: Vec<(&(Scope, Action), &Vec<Key>)> = self
            .keys
            .iter()
            .filter(|((_, a), _)| !table::first_run_only(*a))
            .collect();
        for (n, (a, a_keys)) in all.iter().enumerate() {
            for (b, b_keys) in &all[n + 1..] {
                if !a.0.meets(b.0) {
                    continue;
                }
                for k in a_keys.iter().filter(|k| b_keys.contains(k)) {
                    let (here, there) = match (given.get(a), given.get(b)) {
                        (Some(x), Some(y)) if x > y => (*a, *b),
                        (_, Some(_)) => (*b, *a),
                        (Some(_), None) => (*a, *b),
                        (None, None) => continue,
                    };
                    out.push(Refusal::Conflict {
                        at: given[here],
                        key: *k,
                        other: *there,
                        with_at: given.get(there).copied(),
                    });
                }
            }
        }
        out
    }

    pub fn keys(&self, scope: Scope, action: Action) -> &[Key] {
        self.keys.get(&(scope, action)).map_or(&[], Vec::as_slice)
    }

    /// The first key of an action, as the footers name it ("—" when the
    /// user took them all away).
    pub fn first(&self, scope: Scope, action: Action) -> String {
        self.keys(scope, action).first().map_or("—".into(), |k| k.label())
    }

    /// Two actions' first keys, as "←/→".
    pub fn pair(&self, scope: Scope, a: Action, b: Action) -> String {
        format!("{}/{}", self.first(scope, a), self.first(scope, b))
    }

    /// The action `key` asks for in `scope`. The first-run actions come
    /// last: a key of the user's that meets one of them is theirs.
    pub fn action(&self, scope: Scope, key: Key) -> Option<Action> {
        let mut found = self
            .keys
            .iter()
            .filter(|((s, _), keys)| *s == scope && keys.contains(&key))
            .map(|((_, a), _)| *a);
        let first = found.next()?;
        if table::first_run_only(first) {
            return Some(found.next().unwrap_or(first));
        }
        Some(first)
    }

    /// `key` read in `scope`; where `typing`, every printable key is text.
    pub fn read(&self, scope: Scope, key: Key, typing: bool) -> Input {
        match key {
            Key::Char(c) if typing => Input::Text(c),
            _ => match (self.action(scope, key), key) {
                (Some(a), _) => Input::Act(a),
                (None, Key::Char(c)) => Input::Text(c),
                (None, _) => Input::Other,
            },
        }
    }

    /// A row's keys as the help writes them: "Tab / Shift-Tab",
    /// "← ↓ ↑ → or h j k l", "Enter or z", "1 … 9, 0".
    pub fn row_keys(&self, row: &Row) -> String {
        if let Some(fixed) = row.fixed {
            return fixed.to_string();
        }
        let keys: Vec<&[Key]> = row.actions.iter().map(|a| self.keys(row.scope, *a)).collect();
        let join = |labels: Vec<String>| -> String {
            match labels.len() {
                2 => labels.join(" / "),
                // The digit row's 0 is page 10: said after the 9.
                n if n > 5 && consecutive(&labels) && labels[n - 1] == "0" => {
                    format!("{} … {}, 0", labels[0], labels[n - 2])
                }
                n if n > 4 && consecutive(&labels) => format!("{} … {}", labels[0], labels[n - 1]),
                _ => labels.join(" "),
            }
        };
        let m = keys.first().map_or(0, |k| k.len());
        if m > 0 && keys.iter().all(|k| k.len() == m) {
            let groups: Vec<String> = (0..m)
                .map(|i| join(keys.iter().map(|k| k[i].label()).collect()))
                .collect();
            return groups.join(" or ");
        }
        // Actions with different numbers of keys: each action's keys
        // together.
        let each: Vec<String> = keys
            .iter()
            .map(|k| match k.len() {
                0 => "—".to_string(),
                _ => k.iter().map(|k| k.label()).collect::<Vec<_>>().join("/"),
            })
            .collect();
        join(each)
    }

    /// The hints of `rows`: "Tab focus  Enter zoom  …", or the short words
    /// one space apart.
    pub fn hints(&self, rows: &[Row], short: bool) -> String {
        let words: Vec<String> = rows
            .iter()
            .filter_map(|r| {
                let word = if short { r.short } else { r.hint }?;
                let action = r.actions.first()?;
                Some(format!("{} {word}", self.first(r.scope, *action)))
            })
            .collect();
        words.join(if short { " " } else { "  " })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_draw_the_help_as_before_and_conflict_nowhere() {
        let m = KeyMap::with(&[]).unwrap();
        let rows: Vec<String> = DASHBOARD.iter().map(|r| m.row_keys(r)).collect();
        assert_eq!(
            rows,
            [
                "Tab / Shift-Tab",
                "← ↓ ↑ → or h j k l",
                "click",
                "Enter or z",
                "Esc",
                "1 … 9, 0",
                "[ / ]",
                "r",
                "R",
                "c",
                "!",
                "? or F1",
                "q",
                "Ctrl-C"
            ]
        );
        assert_eq!(
            m.hints(DASHBOARD, false),
            "Tab focus  Enter zoom  r refresh  c credentials  ? help  q quit"
        );
        assert_eq!(
            m.hints(CREDENTIALS, false),
            "a add  t test  r rotate  y keep new  b roll back  d revoke  o approve origins  l log in  Esc back  q quit"
        );
        assert_eq!(
            m.hints(CREDENTIALS, true),
            "a add t test r rotate y keep b rollback d revoke o approve l login Esc back q quit"
        );
        assert_eq!(
            m.read(Scope::Dashboard, Key::Char('r'), false),
            Input::Act(Action::Refresh)
        );
        assert_eq!(m.read(Scope::Form, Key::Char('r'), true), Input::Text('r'));
        assert_eq!(
            m.read(Scope::Form, Key::Ctrl('u'), true),
            Input::Act(Action::EraseField)
        );
        assert_eq!(m.read(Scope::Dashboard, Key::Char('x'), false), Input::Text('x'));
        assert_eq!(m.read(Scope::Dashboard, Key::Home, false), Input::Other);
        // Every spec's name is unique in its scope.
        for s in SPECS {
            assert_eq!(action_named(s.scope, s.name), Some(s.action), "{}", s.name);
        }
    }

    #[test]
    fn a_swap_is_taken_and_a_clash_is_refused_where_it_was_written() {
        let swap = [
            Binding {
                scope: Scope::Dashboard,
                action: Action::Refresh,
                keys: vec![Key::Char('c')],
            },
            Binding {
                scope: Scope::Dashboard,
                action: Action::Credentials,
                keys: vec![Key::Char('r')],
            },
        ];
        let m = KeyMap::with(&swap).unwrap();
        assert_eq!(m.action(Scope::Dashboard, Key::Char('c')), Some(Action::Refresh));
        assert_eq!(
            m.hints(DASHBOARD, false),
            "Tab focus  Enter zoom  c refresh  r credentials  ? help  q quit"
        );
        // Only one of the two moved: 'r' is now on two actions.
        let clash = KeyMap::with(&swap[1..]).unwrap_err();
        assert_eq!(
            clash,
            [Refusal::Conflict {
                at: 0,
                key: Key::Char('r'),
                other: (Scope::Dashboard, Action::Refresh),
                with_at: None
            }]
        );
        // A printable key on every screen would eat what a dialog types.
        let typed = KeyMap::with(&[Binding {
            scope: Scope::Anywhere,
            action: Action::Quit,
            keys: vec![Key::Char('Q')],
        }])
        .unwrap_err();
        assert_eq!(
            typed,
            [Refusal::Types {
                at: 0,
                key: Key::Char('Q')
            }]
        );
        // Ctrl-R anywhere meets the dashboard's keys; the wizard's are apart.
        let both = [
            Binding {
                scope: Scope::Anywhere,
                action: Action::Quit,
                keys: vec![Key::Ctrl('b')],
            },
            Binding {
                scope: Scope::Form,
                action: Action::Cancel,
                keys: vec![Key::Ctrl('b')],
            },
        ];
        let e = KeyMap::with(&both).unwrap_err();
        assert_eq!(
            e,
            [Refusal::Conflict {
                at: 1,
                key: Key::Ctrl('b'),
                other: (Scope::Anywhere, Action::Quit),
                with_at: Some(0)
            }]
        );
    }
}
