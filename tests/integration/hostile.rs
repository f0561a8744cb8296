//! Hostile provider text, tried as an attacker would: every keyed provider
//! answers every error path (401, 403, 404, 429, 500, an error inside a
//! 200) and its data with ESC, OSC 52, CSI, BEL, CR, LF, C1, U+202E and a
//! 1 MiB field, and a command source writes the same to stderr. None of it
//! reaches, raw or uncapped, the output of `creds test`, `creds list`,
//! `check`, the state file, the audit log, the log file, or the bytes the
//! dashboard writes to its terminal.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use support::hostile::{CASES, HostileServer, PROVIDERS, unfit};
use support::pty::Running;

/// No printed or stored line may be longer: the text cap (400 characters)
/// plus what a line says around it.
const LINE_CAP: usize = 1200;

fn token(provider: &str) -> String {
    match provider {
        "datadog" => "hd-canary-hostile-api-0001:hd-canary-hostile-app-0001".into(),
        p => format!("hd-canary-hostile-{p}-0001"),
    }
}

fn var(provider: &str) -> String {
    format!("HD_HOSTILE_{}", provider.to_uppercase().replace('-', "_"))
}

/// The widget table of `provider` against `base`.
fn widget(provider: &str, base: &str) -> String {
    let keys = support::hostile::widget_keys(provider);
    let id = provider.replace('-', "_");
    format!(
        "[widget.{id}]\n{keys}\nprovider = \"{provider}\"\nbase_url = \"{base}\"\ncredential = \"{provider}\"\nrefresh = \"1h\"\ntimeout = \"5s\"\n\n"
    )
}

/// A command whose stderr is as hostile as a provider, then a megabyte.
const HOSTILE_COMMAND: &str = r#"["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' A >&2; printf '\\nHOSTILE\\033]52;c;aGk=\\007\\033[2J\\033[31;5;7m\\r forged\\302\\233\\342\\200\\256evil\\177' >&2; exit 3"]"#;

/// Every provider's widget on `case` (or each on its own case), each
/// credential from the environment, plus one from a hostile command.
fn config(srv: &HostileServer, case: Option<&str>) -> String {
    let mut s = String::new();
    for (i, p) in PROVIDERS.iter().enumerate() {
        let c = case.unwrap_or(CASES[i % CASES.len()]);
        s.push_str(&widget(p, &srv.base(p, c)));
    }
    s.push_str(&format!(
        "[widget.cmd]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nbase_url = \"{}\"\ncredential = \"cmd\"\n\n",
        srv.base("finnhub", "data")
    ));
    for p in PROVIDERS {
        s.push_str(&format!(
            "[credential.{p}]\nprovider = \"{p}\"\nsource = \"env\"\nenv = \"{}\"\n",
            var(p)
        ));
        // Seven tests a minute, then the dashboard: more than free plans allow.
        s.push_str("budget = { per_minute = 100, per_day = 1000 }\n");
        s.push('\n');
    }
    s.push_str(&format!(
        "[credential.cmd]\nprovider = \"finnhub\"\nsource = \"command\"\ncommand = {HOSTILE_COMMAND}\ncommand_timeout = \"5s\"\n"
    ));
    s
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_homedash"));
        c.args(["--config", self.config().to_str().unwrap()])
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("HOMEDASH_CONFIG");
        for p in PROVIDERS {
            c.env(var(p), token(p));
        }
        c.output().unwrap()
    }

    fn state(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("state/homedash").join(file)).unwrap_or_default()
    }

    fn logs(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.path().join("state/homedash"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect()
    }
}

fn assert_fit(what: &str, text: &str) {
    if let Some(why) = unfit(text, LINE_CAP) {
        panic!("{what}: {why}");
    }
    for p in PROVIDERS {
        assert!(!text.contains(&token(p)), "{what} holds {p}'s token");
    }
}

fn both(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn hostile_text_reaches_no_terminal_file_or_log() {
    let srv = HostileServer::start();
    let home = Home {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::write(home.config(), config(&srv, Some("401"))).unwrap();
    for p in PROVIDERS.iter().chain(["cmd"].iter()) {
        let o = home.run(&["creds", "allow", p, &format!("http://{}", srv.addr)]);
        assert!(o.status.success(), "{}", both(&o));
    }
    let mut seen = 0;
    for case in CASES {
        std::fs::write(home.config(), config(&srv, Some(case))).unwrap();
        let o = home.run(&["creds", "test", "--all"]);
        let out = both(&o);
        assert_fit(&format!("creds test --all, case {case}"), &out);
        // Each provider answered, and its words are there, made harmless.
        assert!(out.contains("HOSTILE") || case == "data", "case {case}: {out}");
        seen += out.matches("\\x1b").count();
        for args in [&["creds", "list"][..], &["creds", "list", "--json"], &["check"]] {
            let o = home.run(args);
            assert_fit(&format!("{args:?} after case {case}"), &both(&o));
        }
    }
    assert!(seen > 20, "the escapes were shown, visibly: {seen}");
    let cmd = home.run(&["creds", "test", "cmd"]);
    let text = both(&cmd);
    assert_fit("creds test cmd", &text);
    assert!(text.contains("HOSTILE\\x1b]52;c;aGk=\\x07"), "{text}");
    assert_fit("credentials.json", &home.state("credentials.json"));
    let audit = home.state("audit.jsonl");
    assert!(audit.lines().count() >= 70, "{audit}");
    assert_fit("audit.jsonl", &audit);
    assert!(
        srv.requests() >= 60,
        "every probe reached the server: {}",
        srv.requests()
    );

    // The dashboard, every widget on a different hostile answer; each
    // widget focused in turn and zoomed, so its error is drawn in full.
    std::fs::write(home.config(), config(&srv, None)).unwrap();
    let mut env: Vec<(String, String)> = PROVIDERS.iter().map(|p| (var(p), token(p))).collect();
    env.push(("HOMEDASH_LOG".into(), "debug".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let before = srv.requests();
    let mut app = Running::start_in(
        home.dir.path(),
        &["--config", home.config().to_str().unwrap()],
        &env_refs,
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while srv.requests() < before + PROVIDERS.len() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..PROVIDERS.len() + 1 {
        app.send("z");
        std::thread::sleep(Duration::from_millis(80));
        app.send("z\t");
        std::thread::sleep(Duration::from_millis(80));
    }
    app.send("c");
    std::thread::sleep(Duration::from_millis(300));
    app.send("\x1b");
    std::thread::sleep(Duration::from_millis(100));
    app.send("q");
    app.wait_exit(Duration::from_secs(5));
    let raw = app.raw.lock().unwrap().clone();
    assert_terminal_safe(&raw);
    let shown = String::from_utf8_lossy(&raw);
    assert!(shown.contains("HOSTILE"), "the hostile text was drawn, made harmless");
    let logs = home.logs();
    assert!(!logs.is_empty());
    for log in logs {
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("HOSTILE"), "the failures were logged: {text}");
        assert_fit(&log.display().to_string(), &text);
    }
    assert_private(&home.dir.path().join("state/homedash"));
}

/// The raw bytes a terminal would act on: none of the hostile sequences.
/// The app's own escapes (cursor moves, colours) are CSI sequences it
/// writes itself; the hostile ones are recognised by what only they do.
fn assert_terminal_safe(raw: &[u8]) {
    let find = |needle: &[u8]| raw.windows(needle.len()).position(|w| w == needle);
    let around =
        |at: usize| String::from_utf8_lossy(&raw[at.saturating_sub(60)..(at + 60).min(raw.len())]).into_owned();
    for (what, needle) in [
        ("an OSC sequence (OSC 52 writes the clipboard)", &b"\x1b]"[..]),
        ("BEL", b"\x07"),
        ("CR", b"\r"),
        ("the hostile SGR", b"\x1b[31;5;7m"),
        ("a C1 CSI (U+009B)", "\u{9b}".as_bytes()),
        ("U+202E", "\u{202e}".as_bytes()),
        ("DEL", b"\x7f"),
    ] {
        if let Some(at) = find(needle) {
            panic!("the terminal received {what} at byte {at}: {:?}", around(at));
        }
    }
    // `ESC [ 2 J` is the app's own full clear; it may come only before the
    // first frame and when the app leaves, never next to provider text.
    let text = String::from_utf8_lossy(raw);
    assert!(!text.contains("HOSTILE\x1b"), "hostile text was followed by a raw ESC");
}

#[cfg(unix)]
fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(dir).unwrap().permissions().mode() & 0o777, 0o700);
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        // A directory of its own (the cache) is private the same way.
        if e.file_type().unwrap().is_dir() {
            assert_private(&e.path());
            continue;
        }
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", e.path().display());
    }
}
