//! The house rules of ARCHITECTURE.md, read from the source: no file or
//! room imports one that imports it back, rooms depend downward only, and
//! the background side never reaches for a screen.
//!
//! `cargo test --test integration architecture -- --nocapture` prints each crate's
//! room graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every module of the crate rooted at `root` (`src/`), by module path, with
/// the modules its non-test code names through `crate::` or `super::`.
fn imports(root: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    walk(root, &mut files);
    // The build script is compiled on its own, not a module of the crate.
    files.retain(|f| f.file_name().is_none_or(|n| n != "build.rs"));
    let mut modules: BTreeMap<Module, String> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap().with_extension("");
        let mut path: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if matches!(path.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            path.pop();
        }
        let text = std::fs::read_to_string(f).unwrap();
        modules.insert(path, non_test_code(&text));
    }
    let known: BTreeSet<Module> = modules.keys().cloned().collect();
    let resolve = |path: &[String]| -> Option<Module> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| known.contains(p))
    };
    let mut graph = BTreeMap::new();
    for (module, code) in &modules {
        let mut deps = BTreeSet::new();
        for (base, rest) in [("crate::", Vec::new()), ("super::", parent(module))] {
            for path in paths_after(code, base) {
                let full: Module = rest.iter().cloned().chain(path).collect();
                if let Some(d) = resolve(&full)
                    && &d != module
                {
                    deps.insert(d);
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

fn parent(module: &Module) -> Module {
    module[..module.len().saturating_sub(1)].to_vec()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code without comments and without its `#[cfg(test)] mod tests`
/// block (only the block: code after it is still read).
fn non_test_code(text: &str) -> String {
    let mut code = text.to_string();
    if let Some(start) = code.find("#[cfg(test)]\nmod tests") {
        let mut depth = 0usize;
        let mut end = code.len();
        for (i, c) in code[start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => {
                    end = start + i + 1;
                    break;
                }
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        code.replace_range(start..end, "");
    }
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path that follows `base` in `code`, with `{a, b::{c, d}}` groups
/// expanded.
fn paths_after(code: &str, base: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find(base) {
        let start = at + i;
        at = start + base.len();
        let before = code[..start].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let (paths, _) = parse_tree(&code[at..]);
        out.extend(paths);
    }
    out
}

/// Parses `a::b::{c, d::e}` at the start of `s`: the paths it names, and
/// how many bytes it took.
fn parse_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    loop {
        if bytes.get(i) == Some(&b'{') {
            let mut paths = Vec::new();
            i += 1;
            loop {
                while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace() || *b == b',') {
                    i += 1;
                }
                if bytes.get(i).is_none_or(|b| *b == b'}') {
                    i += 1;
                    break;
                }
                let (inner, used) = parse_tree(&s[i..]);
                if used == 0 {
                    i += 1;
                    continue;
                }
                i += used;
                for p in inner {
                    paths.push(prefix.iter().cloned().chain(p).collect());
                }
            }
            return (paths, i);
        }
        let len = s[i..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if len == 0 {
            return (if prefix.is_empty() { Vec::new() } else { vec![prefix] }, i);
        }
        prefix.push(s[i..i + len].to_string());
        i += len;
        if s[i..].starts_with("::") {
            i += 2;
        } else {
            // `x as y`, a `;`, a `(`: the path ends here.
            return (vec![prefix], i);
        }
    }
}

fn name(m: &Module) -> String {
    if m.is_empty() { "(root)".into() } else { m.join("/") }
}

/// Every cycle's members, one strongly connected component each.
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm over a small graph.
    struct T<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a Module) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let l = t.low[w].min(t.low[v]);
                t.low.insert(v, l);
            } else if t.stack.contains(&w) {
                let l = t.index[w].min(t.low[v]);
                t.low.insert(v, l);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                comp.push(name(w));
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The graph between rooms: the top-level modules.
fn rooms(graph: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeMap<Module, BTreeSet<Module>> {
    let room = |m: &Module| m.iter().take(1).cloned().collect::<Module>();
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, deps) in graph {
        let entry = out.entry(room(m)).or_default();
        for d in deps {
            if room(d) != room(m) {
                entry.insert(room(d));
            }
        }
    }
    out
}

fn show(title: &str, graph: &BTreeMap<Module, BTreeSet<Module>>) {
    println!("{title}");
    for (m, deps) in graph {
        let deps: Vec<String> = deps.iter().map(name).collect();
        println!("  {} -> {}", name(m), deps.join(", "));
    }
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_file_or_room_imports_one_that_imports_it_back() {
    for (crate_name, root) in [
        ("homedash", manifest().join("src")),
        ("homedash-widgets", manifest().join("widgets/src")),
    ] {
        let files = imports(&root);
        assert!(
            files.len() > 10,
            "{crate_name}: only {} modules read from {root:?}",
            files.len()
        );
        let by_room = rooms(&files);
        show(&format!("{crate_name}: rooms"), &by_room);
        let found = cycles(&files);
        println!("{crate_name}: {} modules, cycles between them: {found:?}", files.len());
        assert!(
            found.is_empty(),
            "{crate_name}: modules that import each other: {found:?}"
        );
        let found = cycles(&by_room);
        println!("{crate_name}: {} rooms, cycles between them: {found:?}", by_room.len());
        assert!(
            found.is_empty(),
            "{crate_name}: rooms that import each other: {found:?}"
        );
    }
}

/// A room may use only the rooms before it. The order is ARCHITECTURE.md's.
const ROOM_ORDER: &[&str] = &[
    "atomic",
    "malloc",
    "hardening",
    "pause",
    "outside",
    "process",
    "logging",
    "audit",
    "keymap",
    "config",
    "cli",
    "net",
    "stores",
    "ledger",
    "cache",
    "credentials",
    "gateway",
    "workers",
    "ui",
    "demo",
    "screens",
    "dashboard",
    "setup",
    "doctor",
    "commands",
    "startup",
    "main",
];

#[test]
fn rooms_depend_downward_only() {
    let by_room = rooms(&imports(&manifest().join("src")));
    for (room, deps) in &by_room {
        if room.is_empty() {
            continue;
        }
        let at = ROOM_ORDER
            .iter()
            .position(|r| *r == room[0])
            .unwrap_or_else(|| panic!("room {} is not in ROOM_ORDER (and ARCHITECTURE.md)", room[0]));
        for d in deps {
            let dep_at = ROOM_ORDER.iter().position(|r| *r == d[0]);
            assert!(
                dep_at.is_some_and(|i| i < at),
                "{} imports {}, which sits above it (or is unknown)",
                room[0],
                d[0]
            );
        }
    }
}

/// Modules that draw or hold a screen's state.
fn is_ui(m: &Module) -> bool {
    m.first().is_some_and(|r| r == "ui" || r == "screens") || m.iter().any(|p| p == "screen" || p == "view")
}

#[test]
fn the_background_side_never_reaches_for_a_screen() {
    let graph = imports(&manifest().join("src"));
    let background = |m: &Module| {
        matches!(
            m.first().map(String::as_str),
            Some("config" | "net" | "credentials" | "workers")
        ) && !is_ui(m)
            || matches!(
                m.iter().map(String::as_str).collect::<Vec<_>>()[..],
                ["dashboard", "poll" | "schedule" | "sampler" | "reload"]
            )
    };
    let mut checked = 0;
    for (m, deps) in &graph {
        if !background(m) {
            continue;
        }
        checked += 1;
        for d in deps {
            assert!(!is_ui(d), "{} (background) imports {} (a screen)", name(m), name(d));
            assert!(
                d.first() == m.first()
                    || !matches!(d.first().map(String::as_str), Some("dashboard" | "setup" | "startup")),
                "{} (background) imports {}",
                name(m),
                name(d)
            );
        }
    }
    assert!(checked > 20, "only {checked} background modules found");
}

#[test]
fn the_path_reader_expands_groups() {
    let p = paths_after("use crate::{a::B, c::{d, e::F}};\nlet x = crate::g::h(1);", "crate::");
    let p: Vec<String> = p.iter().map(|p| p.join("::")).collect();
    assert_eq!(p, ["a::B", "c::d", "c::e::F", "g::h"]);
}

/// Files outside `allowed` rooms whose non-test code names one of `words`.
fn naming(root: &Path, words: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap();
        let room = rel.iter().next().and_then(|r| r.to_str()).unwrap_or("");
        let room = room.trim_end_matches(".rs");
        if allowed.contains(&room) {
            continue;
        }
        let code = non_test_code(&std::fs::read_to_string(&f).unwrap());
        for w in words {
            if mentions(&code, w) {
                out.push(format!("{} names {w}", rel.display()));
            }
        }
    }
    out
}

/// `word` as a whole identifier in `code`.
fn mentions(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(i, _)| {
        let before = code[..i].chars().last();
        let after = code[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// One gate: a secret value is held only in the credentials room and
/// attached only by the HTTP client (`net/`). Every other room gets a
/// `Lease` or a `Sealed` token from the credentials room, and can neither
/// hold a `SecretString` nor open one.
#[test]
fn secrets_are_held_only_by_the_credentials_room_and_the_http_client() {
    let words = ["SecretString", "expose_secret", "ExposeSecret"];
    let allowed = ["credentials", "net"];
    // The rule can fail: a violation written the way code would write it.
    assert!(mentions("fn f(s: &secrecy::SecretString) {}", "SecretString"));
    assert!(!mentions("struct NotSecretStringy;", "SecretString"));
    let found = naming(&manifest().join("src"), &words, &allowed);
    assert!(
        found.is_empty(),
        "secrets held outside the credentials room: {found:#?}"
    );
}

/// Every `Result<T, String>` in `code`: its text.
fn string_errors(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("Result<") {
        if code[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let args = &code[i + "Result<".len()..];
        let (mut depth, mut comma, mut end) = (0i32, None, None);
        for (j, c) in args.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' | ')' | ']' if depth == 0 => {
                    end = Some(j);
                    break;
                }
                '>' | ')' | ']' => depth -= 1,
                ',' if depth == 0 => comma = Some(j),
                _ => {}
            }
        }
        if let (Some(c), Some(e)) = (comma, end)
            && args[c + 1..e].trim() == "String"
        {
            out.push(format!("Result<{}>", &args[..e]));
        }
    }
    out
}

/// Errors are types: no `Result<_, String>` outside tests.
#[test]
fn no_error_is_a_string() {
    // The rule can fail: a violation written the way code would write it.
    assert_eq!(
        string_errors("fn f() -> Result<Vec<(u8, u8)>, String> {}"),
        ["Result<Vec<(u8, u8)>, String>"]
    );
    assert!(string_errors("fn f() -> Result<String, MyError> {}").is_empty());
    let mut files = Vec::new();
    for root in ["src", "widgets/src"] {
        walk(&manifest().join(root), &mut files);
    }
    let found: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let code = non_test_code(&std::fs::read_to_string(f).unwrap());
            string_errors(&code)
                .into_iter()
                .map(move |e| format!("{}: {e}", f.display()))
        })
        .collect();
    assert!(found.is_empty(), "errors that are strings: {found:#?}");
}

/// Where a module outside `room` reaches past the room's façade: an import
/// of one of its members (`room::member::Item`) instead of what its
/// `mod.rs` hands on (`room::Item`).
fn past_the_facade(graph: &BTreeMap<Module, BTreeSet<Module>>, room: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (m, deps) in graph {
        if m.first().is_some_and(|r| r == room) {
            continue;
        }
        for d in deps {
            if d.first().is_some_and(|r| r == room) && d.len() > 1 {
                out.push(format!("{} imports {}", name(m), name(d)));
            }
        }
    }
    out
}

/// The credentials room is reached only through its façade: its members
/// are private (`mod x;` behind `pub use`), no other room imports one,
/// and what it keeps for the integration tests (`internals`) is named by
/// no file of the crate.
#[test]
fn the_credentials_room_is_reached_through_its_facade() {
    // The rule can fail: a face that imports a member.
    let m = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Module>();
    let mut violation = BTreeMap::new();
    violation.insert(
        m(&["screens", "credentials", "view"]),
        BTreeSet::from([m(&["credentials"]), m(&["credentials", "manager"])]),
    );
    assert_eq!(
        past_the_facade(&violation, "credentials"),
        ["screens/credentials/view imports credentials/manager"]
    );
    let found = past_the_facade(&imports(&manifest().join("src")), "credentials");
    assert!(found.is_empty(), "imports past the credentials façade: {found:#?}");

    let facade = std::fs::read_to_string(manifest().join("src/credentials/mod.rs")).unwrap();
    let public: Vec<&str> = facade
        .lines()
        .filter(|l| l.trim_start().starts_with("pub mod ") && l.trim() != "pub mod internals {")
        .collect();
    assert!(
        public.is_empty(),
        "members of the credentials room made public: {public:?}"
    );
    let found = naming(&manifest().join("src"), &["internals"], &["credentials"]);
    assert!(found.is_empty(), "the tests' door used by the crate: {found:#?}");
}

/// The rooms that hold secrets, state and the network: they never reach
/// for a face, and no terminal or UI crate is named in them.
const CORE: &[&str] = &[
    "atomic",
    "hardening",
    "pause",
    "outside",
    "process",
    "logging",
    "audit",
    "net",
    "stores",
    "ledger",
    "cache",
    "credentials",
    "gateway",
    "workers",
];
/// The rooms a person sees or types into.
const FACES: &[&str] = &[
    "ui",
    "screens",
    "dashboard",
    "setup",
    "demo",
    "doctor",
    "commands",
    "startup",
    "main",
];

/// Core modules that import a face.
fn core_reaching_up(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    fn room_of(m: &Module) -> &str {
        m.first().map(String::as_str).unwrap_or("")
    }
    let mut out = Vec::new();
    for (m, deps) in graph {
        if !CORE.contains(&room_of(m)) {
            continue;
        }
        for d in deps {
            if FACES.contains(&room_of(d)) {
                out.push(format!("{} imports {}", name(m), name(d)));
            }
        }
    }
    out
}

/// Faces use the core and never the reverse; the core names no terminal
/// or UI crate.
#[test]
fn faces_use_the_core_never_the_reverse() {
    let m = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Module>();
    let mut violation = BTreeMap::new();
    violation.insert(
        m(&["credentials", "manager"]),
        BTreeSet::from([m(&["screens", "credentials"])]),
    );
    assert_eq!(
        core_reaching_up(&violation),
        ["credentials/manager imports screens/credentials"]
    );
    assert!(mentions("use ratatui::text::Line;", "ratatui"));
    let found = core_reaching_up(&imports(&manifest().join("src")));
    assert!(found.is_empty(), "the core reaching for a face: {found:#?}");
    let faces_and_others: Vec<&str> = ROOM_ORDER.iter().copied().filter(|r| !CORE.contains(r)).collect();
    let found = naming(&manifest().join("src"), &["ratatui", "crossterm"], &faces_and_others);
    assert!(found.is_empty(), "the core naming a terminal crate: {found:#?}");
}

/// Files whose non-test code names `KeyCode`, but for `allowed`.
fn raw_keys(root: &Path, allowed: &str) -> Vec<String> {
    let mut files = Vec::new();
    walk(root, &mut files);
    files
        .iter()
        .filter(|f| f.strip_prefix(root).unwrap() != Path::new(allowed))
        .filter(|f| mentions(&non_test_code(&std::fs::read_to_string(f).unwrap()), "KeyCode"))
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect()
}

/// One action table: screens act on `keymap::Action`s, and only the
/// table's edge (`ui/keys.rs`) reads a terminal's key codes.
#[test]
fn no_screen_reads_a_raw_key() {
    // The rule can fail: a screen that matches a key code itself.
    assert!(mentions("match k.code { KeyCode::Esc => close() }", "KeyCode"));
    let found = raw_keys(&manifest().join("src"), "ui/keys.rs");
    assert!(found.is_empty(), "raw key codes outside the action table: {found:#?}");
}

/// The lines of a room's code, its unit tests (in `tests/` beside it)
/// left out.
fn code_lines(dir: &Path) -> usize {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files
        .iter()
        .filter(|f| {
            !f.strip_prefix(dir)
                .unwrap()
                .components()
                .any(|c| c.as_os_str() == "tests")
        })
        .map(|f| std::fs::read_to_string(f).unwrap().lines().count())
        .sum()
}

/// The credentials room holds secrets and their life, and nothing else:
/// the faces, the wording and the plumbing (processes, origins) live in
/// rooms of their own, and a room that grows past this size is taking
/// them back.
#[test]
fn the_credentials_room_keeps_to_secrets() {
    const MOST: usize = 5_000;
    let lines = code_lines(&manifest().join("src/credentials"));
    assert!(lines > 1_000, "the count reads the room: {lines} lines");
    assert!(
        lines < MOST,
        "src/credentials/ has {lines} lines of code, over {MOST}: move what is not a secret's own out"
    );
}
