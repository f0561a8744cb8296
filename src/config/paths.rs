//! Finding keys in the parsed TOML tree by path, and paths by position, so
//! every problem can point at file:line:col.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub fn display(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// serde_ignored's path, as segments.
pub fn from_ignored(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => from_ignored(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Seg::Index(*index)),
        Path::Map { key, .. } => out.push(Seg::Key(key.clone())),
        _ => {}
    }
    out
}

pub fn table_entries<'a, 'i>(
    t: &'a DeTable<'i>,
) -> Vec<(&'a Spanned<std::borrow::Cow<'i, str>>, &'a Spanned<DeValue<'i>>)> {
    // The map is sorted by key; file order is what users expect to read.
    let mut v: Vec<_> = t.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// Span of the key (for "unknown key") and of the value (for "bad value").
/// An array element has no key: its own span stands for both.
pub fn find(root: &Spanned<DeValue<'_>>, segs: &[Seg]) -> Option<(Range<usize>, Range<usize>)> {
    let mut key_span = root.span();
    let mut cur = root;
    for s in segs {
        let (key, val) = step(cur, s)?;
        key_span = key.unwrap_or_else(|| val.span());
        cur = val;
    }
    Some((key_span, cur.span()))
}

/// The value at `segs`.
pub fn get<'r, 't>(root: &'r Spanned<DeValue<'t>>, segs: &[Seg]) -> Option<&'r Spanned<DeValue<'t>>> {
    segs.iter().try_fold(root, |cur, s| step(cur, s).map(|(_, v)| v))
}

/// One segment down: the key's span (none for an array element) and the value.
fn step<'r, 't>(cur: &'r Spanned<DeValue<'t>>, seg: &Seg) -> Option<(Option<Range<usize>>, &'r Spanned<DeValue<'t>>)> {
    match (seg, cur.get_ref()) {
        (Seg::Key(k), DeValue::Table(t)) => t
            .iter()
            .find(|(key, _)| key.get_ref() == k)
            .map(|(key, val)| (Some(key.span()), val)),
        (Seg::Index(i), DeValue::Array(a)) => a.get(*i).map(|v| (None, v)),
        _ => None,
    }
}

/// The deepest key path whose key or value contains `offset`. Tables made
/// by `[a.b]` headers do not span their bodies, so every branch is searched.
pub fn path_at(root: &Spanned<DeValue<'_>>, offset: usize) -> Vec<Seg> {
    search(root, offset).unwrap_or_default()
}

fn search(value: &Spanned<DeValue<'_>>, offset: usize) -> Option<Vec<Seg>> {
    let within = |seg: Seg, key: Option<Range<usize>>, child: &Spanned<DeValue<'_>>| {
        if let Some(mut deeper) = search(child, offset) {
            deeper.insert(0, seg);
            return Some(deeper);
        }
        let on_key = key.is_some_and(|k| k.contains(&offset));
        (on_key || child.span().contains(&offset)).then(|| vec![seg])
    };
    match value.get_ref() {
        DeValue::Table(t) => t
            .iter()
            .find_map(|(k, v)| within(Seg::Key(k.get_ref().to_string()), Some(k.span()), v)),
        DeValue::Array(a) => a.iter().enumerate().find_map(|(i, v)| within(Seg::Index(i), None, v)),
        _ => None,
    }
}
