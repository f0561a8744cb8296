//! `[keys.SCOPE]`: the user's keys over the action table's defaults, each
//! name and key checked where it is written, and two actions on one key
//! refused at both places.

use toml::Spanned;
use toml::de::DeValue;

use super::{Checker, suggest};
use crate::config::paths::{self, Seg};
use crate::keymap::{self, Binding, Key, KeyMap, Refusal, Scope};

/// Where each binding was written, and each of its keys.
struct Written {
    path: Vec<Seg>,
    keys: Vec<Vec<Seg>>,
}

impl<'t> Checker<'t> {
    pub(super) fn keys(&mut self, v: &Spanned<DeValue<'t>>) -> KeyMap {
        let base = vec![Seg::Key("keys".into())];
        let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
        let DeValue::Table(t) = v.get_ref() else {
            self.at(
                &base,
                true,
                format!(
                    "`keys` holds a table per screen: [keys.dashboard], [keys.credentials], …; known: {}",
                    scopes.join(", ")
                ),
            );
            return KeyMap::default();
        };
        let mut bindings = Vec::new();
        let mut written = Vec::new();
        for (scope_name, sv) in paths::table_entries(t) {
            let mut at = base.clone();
            at.push(Seg::Key(scope_name.get_ref().to_string()));
            let Some(scope) = Scope::named(scope_name.get_ref()) else {
                let hint = suggest(scope_name.get_ref(), &scopes)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; known: {}", scopes.join(", ")));
                self.at(
                    &at,
                    true,
                    format!(
                        "unknown screen `{}`{hint}",
                        crate::outside::admit_to(scope_name.get_ref(), 40)
                    ),
                );
                continue;
            };
            let DeValue::Table(actions) = sv.get_ref() else {
                self.at(
                    &at,
                    true,
                    format!("[keys.{}] is a table: ACTION = \"KEY\" or [\"KEY\", …]", scope.name()),
                );
                continue;
            };
            let names: Vec<&str> = keymap::SPECS
                .iter()
                .filter(|s| s.scope == scope)
                .map(|s| s.name)
                .collect();
            for (action_name, av) in paths::table_entries(actions) {
                let mut path = at.clone();
                path.push(Seg::Key(action_name.get_ref().to_string()));
                let Some(action) = keymap::action_named(scope, action_name.get_ref()) else {
                    let hint = suggest(action_name.get_ref(), &names)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("; known: {}", names.join(", ")));
                    self.at(
                        &path,
                        true,
                        format!(
                            "[keys.{}] has no action `{}`{hint}",
                            scope.name(),
                            crate::outside::admit_to(action_name.get_ref(), 40)
                        ),
                    );
                    continue;
                };
                if let Some((keys, places)) = self.key_list(av, &path) {
                    bindings.push(Binding { scope, action, keys });
                    written.push(Written { path, keys: places });
                }
            }
        }
        match KeyMap::with(&bindings) {
            Ok(map) => map,
            Err(refusals) => {
                for r in refusals {
                    self.refused(&r, &bindings, &written);
                }
                KeyMap::default()
            }
        }
    }

    /// A key or a list of keys, each parsed where it is written.
    fn key_list(&mut self, v: &Spanned<DeValue<'t>>, path: &[Seg]) -> Option<(Vec<Key>, Vec<Vec<Seg>>)> {
        let items: Vec<(&Spanned<DeValue<'t>>, Vec<Seg>)> = match v.get_ref() {
            DeValue::String(_) => vec![(v, path.to_vec())],
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut p = path.to_vec();
                    p.push(Seg::Index(i));
                    (item, p)
                })
                .collect(),
            _ => {
                self.at(
                    path,
                    false,
                    "a key is a string (\"r\", \"Ctrl-R\", \"F5\") or a list of them",
                );
                return None;
            }
        };
        let mut keys = Vec::new();
        let mut places = Vec::new();
        let mut ok = true;
        for (item, p) in items {
            let DeValue::String(s) = item.get_ref() else {
                ok = false;
                self.at(&p, false, "a key is written in quotes, e.g. \"r\" or \"F5\"");
                continue;
            };
            match Key::parse(s) {
                Some(k) => {
                    keys.push(k);
                    places.push(p);
                }
                None => {
                    ok = false;
                    // Escaped, so a tab or a bidi override shows as what it is.
                    let text = s.escape_debug().to_string();
                    self.at(
                        &p,
                        false,
                        format!(
                            "\"{}\" is not a key: a character you can see (\"r\", \"?\"), Space, Ctrl-LETTER (not Ctrl-H, I, J or M, which the terminal sends as Backspace, Tab and Enter), F1 to F12, or a name: Enter, Esc, Tab, Shift-Tab, Backspace, Del, Up, Down, Left, Right, PgUp, PgDn, Home, End",
                            crate::outside::admit_to(&text, 40)
                        ),
                    );
                }
            }
        }
        ok.then_some((keys, places))
    }

    fn refused(&mut self, r: &Refusal, bindings: &[Binding], written: &[Written]) {
        match *r {
            Refusal::Types { at, key } => {
                let b = &bindings[at];
                let place = key_place(&written[at], &b.keys, key);
                let where_ = match b.scope {
                    Scope::Wizard => "the wizard's text fields",
                    Scope::Anywhere => "dialogs",
                    _ => "this dialog's fields",
                };
                self.at(
                    &place,
                    false,
                    format!(
                        "\"{}\" types text in {where_}, so `{}` would never act there; give it a key that types nothing (Ctrl-LETTER, Esc, F1, …)",
                        key.label(),
                        keymap::name_of(b.scope, b.action)
                    ),
                );
            }
            Refusal::Unbound { at, scope, action } => self.at(
                &written[at].path,
                false,
                format!(
                    "`{}` needs a key: without one {} could not be left or answered",
                    keymap::name_of(scope, action),
                    scope.what()
                ),
            ),
            Refusal::Conflict {
                at,
                key,
                other,
                with_at,
            } => {
                let b = &bindings[at];
                let (scope, action) = other;
                let theirs = format!("the key of [keys.{}] {}", scope.name(), keymap::name_of(scope, action));
                let here = key_place(&written[at], &b.keys, key);
                match with_at {
                    Some(o) => {
                        let there = key_place(&written[o], &bindings[o].keys, key);
                        self.at(
                            &here,
                            false,
                            format!(
                                "\"{}\" is also {theirs} (at {}); one key, one action",
                                key.label(),
                                paths::display(&there)
                            ),
                        );
                        self.at(
                            &there,
                            false,
                            format!(
                                "\"{}\" is also the key of [keys.{}] {}; one key, one action",
                                key.label(),
                                b.scope.name(),
                                keymap::name_of(b.scope, b.action)
                            ),
                        );
                    }
                    None => self.at(
                        &here,
                        false,
                        format!(
                            "\"{}\" is {theirs} by default; give [keys.{}] {} another key too, or pick another here",
                            key.label(),
                            scope.name(),
                            keymap::name_of(scope, action)
                        ),
                    ),
                }
            }
        }
    }
}

/// Where `key` was written in a binding.
fn key_place(w: &Written, keys: &[Key], key: Key) -> Vec<Seg> {
    keys.iter()
        .position(|k| *k == key)
        .and_then(|i| w.keys.get(i).cloned())
        .unwrap_or_else(|| w.path.clone())
}
