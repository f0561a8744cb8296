//! The setup wizard end to end: the real binary in a pty, driven by keys,
//! against loopback providers. The tests that store a key need a real
//! Secret Service and are ignored in a plain `cargo test`; `tests/run.sh`
//! runs them inside `tests/secret-service.sh`.

use crate::support;

use support::secret_tool;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::providers::ProviderServer;
use support::pty::Running;

const WAIT: Duration = Duration::from_secs(10);

/// The wizard names its Finnhub credential "finnhub", in the one keyring
/// the Secret Service suites share: the tests that store it take turns,
/// or one finds the other's key (and tests it at finnhub.io).
static FINNHUB_KEY: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Deletes the "finnhub" key when dropped, even by a failing test, so the
/// next turn starts from an empty keyring.
struct ClearFinnhub;

impl Drop for ClearFinnhub {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", "homedash", "username", "finnhub"])
            .status();
    }
}
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";

fn paste(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

fn check(path: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--config", path.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

struct Servers {
    weather: ProviderServer,
    stocks: ProviderServer,
    prometheus: ProviderServer,
}

impl Servers {
    fn start(stocks: &'static str, token: &str) -> Servers {
        Servers {
            weather: ProviderServer::start("open-meteo", &[]),
            stocks: ProviderServer::start(stocks, &[token]),
            prometheus: ProviderServer::start("prometheus", &[]),
        }
    }

    fn endpoints(&self) -> String {
        let w = self.weather.base();
        format!(
            "geocoding={w},open-meteo={w},{}={},prometheus={}",
            self.stocks.provider,
            self.stocks.base(),
            self.prometheus.base()
        )
    }
}

/// The steps of a full run with a keyed stocks provider `nth_right` to
/// the right of Yahoo, metrics added. Each ends on the next step's screen.
fn script(token: &str, nth_right: usize) -> Vec<(&'static str, Vec<String>, Vec<&'static str>)> {
    vec![
        ("welcome", vec![], vec!["Let's build your homepage"]),
        ("widgets", vec![ENTER.into()], vec!["Which widgets"]),
        (
            "providers",
            vec![DOWN.into(), DOWN.into(), DOWN.into(), " ".into(), ENTER.into()],
            vec!["Where should each widget"],
        ),
        (
            "credentials",
            vec![DOWN.into(), RIGHT.repeat(nth_right), ENTER.into()],
            vec!["no key stored yet"],
        ),
        (
            "credentials stored",
            vec![paste(token), ENTER.into()],
            vec!["valid, stored in the keyring"],
        ),
        ("location", vec![ENTER.into()], vec!["Which place"]),
        (
            "location results",
            vec!["Berlin".into(), ENTER.into()],
            vec!["Land Berlin, Germany"],
        ),
        ("symbols", vec![ENTER.into()], vec!["Which symbols"]),
        ("symbols checked", vec![ENTER.into()], vec!["✓ AAPL", "Enter to go on"]),
        ("metrics", vec![ENTER.into()], vec!["Which Prometheus query"]),
        ("metrics tried", vec![ENTER.into()], vec!["series", "Enter to go on"]),
        ("layout", vec![ENTER.into()], vec!["How should the widgets be arranged"]),
        ("review", vec![ENTER.into()], vec!["This will be written to"]),
    ]
}

/// From the start to Finnhub's key page, stocks the only widget (its
/// endpoint is the point), the page showing `expect`.
fn to_finnhub_key_page(expect: Vec<&'static str>) -> Vec<(&'static str, Vec<String>, Vec<&'static str>)> {
    vec![
        ("welcome", vec![], vec!["Let's build your homepage"]),
        ("widgets", vec![ENTER.into()], vec!["Which widgets"]),
        (
            "providers",
            vec![DOWN.into(), " ".into(), ENTER.into()],
            vec!["Where should each widget"],
        ),
        ("key page", vec![RIGHT.into(), ENTER.into()], expect),
    ]
}

fn run_to(app: &mut Running, steps: &[(&'static str, Vec<String>, Vec<&'static str>)]) {
    for (name, keys, expect) in steps {
        for k in keys {
            app.send(k);
            // Keys a person types arrive one by one.
            std::thread::sleep(Duration::from_millis(30));
        }
        let screen = app.text();
        if !expect.iter().all(|e| screen.contains(e)) {
            app.wait_for(expect, WAIT);
        }
        let _ = name;
    }
}

#[test]
#[ignore = "needs a Secret Service: run by tests/run.sh"]
fn setup_by_keystrokes_stores_the_key_and_starts_a_dashboard_with_data() {
    let _turn = FINNHUB_KEY.lock().unwrap_or_else(|p| p.into_inner());
    let _clear = ClearFinnhub;
    let token = format!("hd-canary-wizard-{:016x}", fastrand::u64(..));
    let servers = Servers::start("finnhub", &token);
    assert_eq!(secret_tool("finnhub"), None, "the keyring starts without it");
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(
        dir.path(),
        &["setup"],
        &[("HOMEDASH_SETUP_ENDPOINTS", &servers.endpoints())],
    );
    let steps = script(&token, 1);
    run_to(&mut app, &steps);
    let mut screens = vec![app.text()];
    // Write and start: the dashboard the wizard wrote, with data.
    app.send(ENTER);
    app.wait_for(&["AAPL", "Berlin", "setup wrote"], WAIT);
    app.wait_for(&["up{instance=localhost", "261.74"], WAIT);
    screens.push(app.text());
    let path = dir.path().join("config/homedash/config.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(check(&path).contains("ok, 5 widgets"), "{written}");
    assert!(written.contains("[credential.finnhub]") && written.contains("credential = \"finnhub\""));
    // Its first line names the schema written beside it, which the real
    // Taplo (an editor's checker) then holds the file to.
    assert!(written.starts_with("#:schema ./homedash.schema.json\n"), "{written}");
    let lint = crate::support::taplo::lint(&path, None);
    assert!(lint.ok, "Taplo on the wizard's file:\n{}", lint.output);
    assert_eq!(secret_tool("finnhub").as_deref(), Some(token.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(servers.stocks.accepted() >= 2, "the test and the widget used the key");
    assert_eq!(servers.stocks.misplaced(), 0);
    app.send("q");
    assert_eq!(app.wait_exit(WAIT), 0);
    app.assert_restored();
    // In no form: plain, cut, percent, hex, base64 at any offset.
    for f in files(dir.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        crate::support::canary::assert_no_form(&f.display().to_string(), &text, &[&token]);
    }
    for s in &screens {
        crate::support::canary::assert_no_form("the screen", s, &[&token]);
    }
    let audit = std::fs::read_to_string(dir.path().join("state/homedash/audit.jsonl")).unwrap();
    assert!(audit.contains("\"event\":\"added\""), "{audit}");

    // Run it again on what it wrote: everything comes prefilled, the stored
    // key is found, tested and kept, and going straight through changes nothing.
    let mut again = Running::start_in(
        dir.path(),
        &["setup"],
        &[("HOMEDASH_SETUP_ENDPOINTS", &servers.endpoints())],
    );
    let rerun: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        ("welcome", vec![], vec!["It will edit"]),
        ("widgets", vec![ENTER.into()], vec!["[x] metrics", "[x] stocks"]),
        ("providers", vec![ENTER.into()], vec!["Finnhub"]),
        (
            "key",
            vec![ENTER.into()],
            vec!["a key is already stored", "is valid: Enter keeps it"],
        ),
        ("location", vec![ENTER.into()], vec!["Chosen     Berlin"]),
        ("symbols", vec![ENTER.into()], vec!["Which symbols"]),
        ("symbols checked", vec![ENTER.into()], vec!["✓ AAPL", "Enter to go on"]),
        ("metrics", vec![ENTER.into()], vec!["Which Prometheus query"]),
        ("metrics tried", vec![ENTER.into()], vec!["series", "Enter to go on"]),
        ("layout", vec![ENTER.into()], vec!["Keep my layout"]),
        ("review", vec![ENTER.into()], vec!["+ marks new or changed lines"]),
    ];
    run_to(&mut again, &rerun);
    again.send(ENTER);
    again.wait_for(&["AAPL", "setup wrote"], WAIT);
    again.send("q");
    assert_eq!(again.wait_exit(WAIT), 0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        written,
        "an unchanged re-run rewrote the file"
    );
    assert_eq!(
        std::fs::read_to_string(path.with_extension("toml.bak")).unwrap(),
        written
    );
    assert_eq!(
        secret_tool("finnhub").as_deref(),
        Some(token.as_str()),
        "the stored key was kept"
    );
    // Leave the shared keyring as we found it.
    let _ = Command::new("secret-tool")
        .args(["clear", "service", "homedash", "username", "finnhub"])
        .status();
}

#[test]
#[ignore = "needs a Secret Service: run by tests/run.sh"]
fn cancelling_at_each_step_leaves_no_file_and_no_key() {
    let token = format!("hd-canary-cancel-{:016x}", fastrand::u64(..));
    // Polygon, so this runs beside the test above without sharing a name.
    let servers = Servers::start("polygon", &token);
    assert_eq!(secret_tool("polygon"), None);
    let steps = script(&token, 3);
    for at in 1..=steps.len() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = Running::start_in(
            dir.path(),
            &["setup"],
            &[("HOMEDASH_SETUP_ENDPOINTS", &servers.endpoints())],
        );
        run_to(&mut app, &steps[..at]);
        let step = steps[at - 1].0;
        if step == "credentials stored" {
            // The cancel below has something to undo.
            assert_eq!(secret_tool("polygon").as_deref(), Some(token.as_str()));
        }
        app.send(ESC);
        app.wait_for(&["Leave setup?"], WAIT);
        app.send("y");
        assert_eq!(app.wait_exit(WAIT), 0, "at {step}");
        app.assert_restored();
        assert!(
            app.text().contains("cancelled; no file was written"),
            "at {step}:\n{}",
            app.text()
        );
        let config_dir = dir.path().join("config");
        assert!(files(&config_dir).is_empty(), "at {step}: {:?}", files(&config_dir));
        assert_eq!(
            secret_tool("polygon"),
            None,
            "at {step}: the key is still in the keyring"
        );
        if step == "credentials stored" {
            let audit = std::fs::read_to_string(dir.path().join("state/homedash/audit.jsonl")).unwrap();
            assert!(audit.contains("\"event\":\"discarded\""), "{audit}");
        }
    }
}

const COMMENTED: &str = r#"# My homepage. Hands off my comments.
[dashboard]
title = "den"   # shown top left

# Oslo, because that is where I live.
[widget.weather]
kind = "weather"
provider = "open-meteo"
location = "Oslo"
latitude = 59.91
longitude = 10.75
refresh = "20m"   # the free API is generous, but still

[widget.stocks]
kind = "stocks"
symbols = ["AAPL"]   # more later

# A widget the wizard does not know: a JSON endpoint of my own.
[widget.queue]
kind = "metrics"
provider = "json"
base_url = "http://127.0.0.1:9/"
path = "/stats"
fields = [{ pointer = "/queue/depth", label = "depth" }]

# Two rows: weather and quotes, then the queue.
[[layout.row]]
  [[layout.row.col]]
  widget = "weather"
  [[layout.row.col]]
  widget = "stocks"   # right of the weather

[[layout.row]]
widget = "queue"
"#;

#[test]
fn a_rerun_keeps_every_comment_and_section_it_does_not_change() {
    let weather = ProviderServer::start("open-meteo", &[]);
    let yahoo = ProviderServer::start("yahoo", &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, COMMENTED).unwrap();
    check(&path);
    let endpoints = format!("open-meteo={},yahoo={}", weather.base(), yahoo.base());
    let mut app = Running::start_in(
        dir.path(),
        &["--config", path.to_str().unwrap(), "setup"],
        &[("HOMEDASH_SETUP_ENDPOINTS", &endpoints)],
    );
    app.wait_for(&["It will edit", "mine.toml.bak"], WAIT);
    let steps: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        // weather and stocks come ticked from the file; add the clock.
        (
            "widgets",
            vec![ENTER.into()],
            vec!["[x] weather", "[x] stocks", "[ ] clock"],
        ),
        (
            "providers",
            vec![" ".into(), ENTER.into()],
            vec!["Where should each widget"],
        ),
        // Keyless: no key step. The place comes from the file.
        ("location", vec![ENTER.into()], vec!["Oslo (59.9100, 10.7500)"]),
        ("symbols", vec![ENTER.into()], vec!["AAPL"]),
        (
            "symbols checked",
            vec![", MSFT".into(), ENTER.into()],
            vec!["✓ AAPL", "Enter to go on"],
        ),
        ("layout", vec![ENTER.into()], vec!["Keep my layout"]),
        ("review", vec![ENTER.into()], vec!["+ marks new or changed lines"]),
    ];
    run_to(&mut app, &steps);
    app.send(ENTER);
    app.wait_for(&["den", "setup wrote"], WAIT);
    app.send("q");
    assert_eq!(app.wait_exit(WAIT), 0);

    let after = std::fs::read_to_string(&path).unwrap();
    check(&path);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.toml.bak")).unwrap(),
        COMMENTED
    );
    // The diff: every line of the old file is still there, in order, but
    // the one the wizard was asked to change.
    let changed = |l: &str| l.starts_with("symbols = ");
    let mut after_lines = after.lines();
    for line in COMMENTED.lines().filter(|l| !changed(l)) {
        assert!(
            after_lines.any(|a| a == line),
            "lost or moved {line:?}; after:\n{after}"
        );
    }
    assert!(
        after.contains("symbols = [\"AAPL\", \"MSFT\"]   # more later"),
        "{after}"
    );
    assert!(after.contains("[widget.clock]"), "{after}");
    let added: Vec<&str> = after.lines().filter(|l| !COMMENTED.lines().any(|b| b == *l)).collect();
    assert!(
        added.iter().all(|l| l.starts_with("symbols")
            || l.contains("clock")
            || l.starts_with("zones")
            || l.starts_with("provider = \"yahoo\"")
            // the loopback endpoints the test pointed the wizard at
            || l.starts_with("base_url = \"http://127.0.0.1:")
            || l.trim().is_empty()
            || l.starts_with("[[layout.row]]")),
        "unexpected new lines: {added:?}\n{after}"
    );
}

#[test]
fn first_run_offers_setup_and_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &[], &[]);
    app.wait_for(&["No config yet", "s set up", "d try the demo"], WAIT);
    app.send("s");
    app.wait_for(&["homedash setup", "It will create"], WAIT);
    app.send(ESC);
    app.wait_for(&["Leave setup?"], WAIT);
    app.send("y");
    // Back on the default dashboard, with the choice still offered.
    app.wait_for(&["No config yet"], WAIT);
    assert!(files(&dir.path().join("config")).is_empty());
    app.send("d");
    app.wait_for(&["DEMO"], WAIT);
    app.send("q");
    assert_eq!(app.wait_exit(WAIT), 0);
    app.assert_restored();
}

#[test]
fn sigterm_during_setup_writes_nothing_and_exits_143() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &["setup"], &[]);
    app.wait_for(&["Let's build your homepage"], WAIT);
    app.send(ENTER);
    app.wait_for(&["Which widgets"], WAIT);
    let pid = rustix::process::Pid::from_raw(app.pid() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    assert_eq!(app.wait_exit(WAIT), 143);
    app.assert_restored();
    assert!(app.text().contains("cancelled; no file was written"), "{}", app.text());
    assert!(files(&dir.path().join("config")).is_empty());
}

/// Setup for Netatmo, whose tokens come only from an OAuth login: the app's
/// client id and secret on the key page, the login in "the browser" (here
/// `$BROWSER`, a script that hands the URL to the test, which acts as the
/// person), and a config that logs in by itself from then on.
#[test]
#[ignore = "needs a Secret Service: run by tests/run.sh"]
fn setup_logs_in_to_an_oauth_provider_and_writes_a_working_credential() {
    use support::oidc::{self, Landing, Oidc};
    let secret = format!("hd-canary-client-secret-{:016x}", fastrand::u64(..));
    let oidc = Oidc::start(3600, true, &secret);
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened-url");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let endpoints = format!("netatmo={},netatmo-oauth={}", oidc.resource, oidc.issuer);
    let mut app = Running::start_in(
        dir.path(),
        &["setup"],
        &[
            ("HOMEDASH_SETUP_ENDPOINTS", endpoints.as_str()),
            ("BROWSER", browser.to_str().unwrap()),
            ("DISPLAY", ":hd-test"),
        ],
    );
    let left = "\x1b[D";
    let steps: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        ("welcome", vec![], vec!["Let's build your homepage"]),
        ("widgets", vec![ENTER.into()], vec!["Which widgets"]),
        // No stocks: the weather is the point here.
        (
            "providers",
            vec![DOWN.into(), DOWN.into(), " ".into(), ENTER.into()],
            vec!["Where should each widget"],
        ),
        (
            "credentials",
            vec![left.into(), ENTER.into()],
            vec!["Signs in with", "not logged in yet"],
        ),
    ];
    run_to(&mut app, &steps);
    for k in ["hd-web", "\t"] {
        app.send(k);
    }
    app.send(&paste(&secret));
    app.send(ENTER);
    // "The browser" opens the login page; the person logs in and consents.
    let end = std::time::Instant::now() + WAIT;
    while !opened.exists() {
        assert!(
            std::time::Instant::now() < end,
            "no browser was opened:\n{}",
            app.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&opened).unwrap();
    let Landing::Redirect(cb) = oidc::browse(&url, "") else {
        panic!("the login did not come back to homedash")
    };
    assert_eq!(oidc::get(&cb).0, 200);
    app.wait_for(&["✓ logged in", "scopes read_station"], WAIT);
    let login_screen = app.text();
    let rest: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        ("layout", vec![ENTER.into()], vec!["How should the widgets be arranged"]),
        ("review", vec![ENTER.into()], vec!["This will be written to"]),
    ];
    run_to(&mut app, &rest);
    app.send(ENTER);
    app.wait_for(&["setup wrote", "7.8°C", "Home, outdoor"], WAIT);
    let dashboard = app.text();
    app.send("q");
    assert_eq!(app.wait_exit(WAIT), 0);
    let path = dir.path().join("config/homedash/config.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    check(&path);
    for want in [
        "type = \"oauth2\"",
        "grant = \"authorization_code\"",
        "client_id = \"hd-web\"",
        "client_secret = { source = \"keyring\" }",
        "client_auth = \"body\"",
        "scopes = [\"read_station\"]",
    ] {
        assert!(written.contains(want), "{want} missing:\n{written}");
    }
    assert!(!written.contains(&secret));
    assert_eq!(secret_tool("netatmo#client").as_deref(), Some(secret.as_str()));
    assert!(secret_tool("netatmo").is_some_and(|r| r.contains("refresh_token")));
    let tokens = oidc.tokens();
    let mut secrets: Vec<&str> = tokens.iter().map(String::as_str).collect();
    secrets.push(&secret);
    for f in files(dir.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        crate::support::canary::assert_no_form(&f.display().to_string(), &text, &secrets);
    }
    for s in [&login_screen, &dashboard] {
        crate::support::canary::assert_no_form("the screen", s, &secrets);
    }
    // Leave the shared keyring as we found it.
    for account in ["netatmo", "netatmo#client"] {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", "homedash", "username", account])
            .status();
    }
}

/// A Finnhub of one's own (a proxy, a self-hosted mirror): the key page's
/// endpoint field takes its URL, and everything goes there. The key is
/// tested there, the symbols are checked there, the widget gets it as its
/// `base_url`, the origin is approved for the key, and the dashboard shows
/// its quotes. No `HOMEDASH_SETUP_ENDPOINTS`: the person typed it.
#[test]
#[ignore = "needs a Secret Service: run by tests/run.sh"]
fn setup_sends_the_key_and_the_widget_to_the_endpoint_typed_on_the_key_page() {
    let _turn = FINNHUB_KEY.lock().unwrap_or_else(|p| p.into_inner());
    let _clear = ClearFinnhub;
    assert_eq!(secret_tool("finnhub"), None, "the keyring starts without it");
    let token = format!("hd-canary-endpoint-{:016x}", fastrand::u64(..));
    let stocks = ProviderServer::start("finnhub", &[&token]);
    let endpoint = stocks.base();
    let origin = endpoint.trim_end_matches('/').to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &["setup"], &[]);
    let tab = "\t";
    let erase_field = "\x15";
    run_to(
        &mut app,
        &to_finnhub_key_page(vec!["no key stored yet", "Endpoint   https://finnhub.io/"]),
    );
    // The key, then the endpoint field, cleared and typed.
    app.send(&paste(&token));
    app.send(tab);
    app.send(erase_field);
    for c in endpoint.chars() {
        app.send(&c.to_string());
    }
    let sent_to = format!("Will be sent to  {origin}");
    app.wait_for(&[sent_to.as_str()], WAIT);
    app.send(ENTER);
    app.wait_for(&["valid, stored in the keyring"], WAIT);
    assert_eq!(stocks.accepted(), 1, "the key was tested at the endpoint typed");
    let rest: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        ("symbols", vec![ENTER.into()], vec!["Which symbols"]),
        ("symbols checked", vec![ENTER.into()], vec!["✓ AAPL", "Enter to go on"]),
    ];
    run_to(&mut app, &rest);
    assert!(stocks.accepted() >= 2, "the symbols were checked there too");
    let review: Vec<(&'static str, Vec<String>, Vec<&'static str>)> = vec![
        ("layout", vec![ENTER.into()], vec!["How should the widgets be arranged"]),
        (
            "review",
            vec![ENTER.into()],
            vec!["This will be written to", "base_url"],
        ),
    ];
    run_to(&mut app, &review);
    let before = stocks.accepted();
    app.send(ENTER);
    app.wait_for(&["AAPL", "261.74"], WAIT);
    assert!(stocks.accepted() > before, "the dashboard polls the endpoint");
    assert_eq!(stocks.misplaced(), 0, "the key went in its header");
    app.send("q");
    assert_eq!(app.wait_exit(WAIT), 0);
    app.assert_restored();

    let path = dir.path().join("config/homedash/config.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains(&format!("base_url = \"{endpoint}\"")), "{written}");
    let out = support::homedash_with(dir.path(), &path, &["creds", "list", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = json
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "finnhub"))
        .unwrap_or_else(|| panic!("{json}"));
    assert!(
        row["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == origin.as_str()),
        "the origin is approved for the key: {row}"
    );
    assert_eq!(row["awaiting_approval"], serde_json::json!([]), "{row}");
    let _ = Command::new("secret-tool")
        .args(["clear", "service", "homedash", "username", "finnhub"])
        .status();
}

/// A key stored before setup ran, and another pasted over it on its page:
/// the page says it was not stored and how to replace it, and the keyring
/// still holds the key from before, which alone was sent.
#[test]
#[ignore = "needs a Secret Service: run by tests/run.sh"]
fn a_key_pasted_over_a_stored_one_is_not_stored_and_the_page_says_so() {
    let _turn = FINNHUB_KEY.lock().unwrap_or_else(|p| p.into_inner());
    let _clear = ClearFinnhub;
    let old = format!("hd-canary-before-{:016x}", fastrand::u64(..));
    let new = format!("hd-canary-pasted-{:016x}", fastrand::u64(..));
    let mut store = Command::new("secret-tool")
        .args([
            "store",
            "--label=homedash finnhub",
            "service",
            "homedash",
            "username",
            "finnhub",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        store.stdin.take().unwrap().write_all(old.as_bytes()).unwrap();
    }
    assert!(store.wait().unwrap().success());
    // It would take either key: only the page's rule keeps the new one out.
    let stocks = ProviderServer::start("finnhub", &[&old, &new]);
    let dir = tempfile::tempdir().unwrap();
    let endpoints = format!("finnhub={}", stocks.base());
    let mut app = Running::start_in(dir.path(), &["setup"], &[("HOMEDASH_SETUP_ENDPOINTS", &endpoints)]);
    run_to(
        &mut app,
        &to_finnhub_key_page(vec!["a key is already stored", "and is valid"]),
    );
    assert_eq!(stocks.accepted(), 1, "the stored key was tested at the page's endpoint");
    app.send(&paste(&new));
    app.send(ENTER);
    app.wait_for(&["The key you pasted was not stored", "rotate it after setup"], WAIT);
    let screen = app.text();
    assert_eq!(stocks.accepted(), 1, "the pasted key was never sent");
    assert_eq!(secret_tool("finnhub").as_deref(), Some(old.as_str()));
    assert_eq!(secret_tool("finnhub#previous"), None);
    app.send(ESC);
    app.wait_for(&["Leave setup?"], WAIT);
    app.send("y");
    assert_eq!(app.wait_exit(WAIT), 0);
    app.assert_restored();
    assert_eq!(
        secret_tool("finnhub").as_deref(),
        Some(old.as_str()),
        "a cancel leaves the key from before"
    );
    for f in files(dir.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        crate::support::canary::assert_no_form(&f.display().to_string(), &text, &[&old, &new]);
    }
    crate::support::canary::assert_no_form("the screen", &screen, &[&old, &new]);
}
