//! Credential commands tell the truth: a probe that proves nothing says
//! "could not confirm" and fails; a manual refresh never escalates the
//! backoff; and every credential state reads the same in `creds list`,
//! `--json` and on the Credentials screen.

use crate::support;

use std::process::{Command, Output};
use std::time::Duration;

use support::homedash;
use support::hostile::{HostileServer, PROVIDERS, widget_keys};
use support::pty::Running;

fn both(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn var(p: &str) -> String {
    format!("HD_TRUTH_{}", p.to_uppercase().replace('-', "_"))
}

/// Every keyed provider's widget against `case` of the hostile server,
/// each credential from the environment.
fn config(srv: &HostileServer, case: &str) -> String {
    let mut s = String::new();
    for p in PROVIDERS {
        let kind = widget_keys(p);
        s.push_str(&format!(
            "[widget.{}]\n{kind}\nprovider = \"{p}\"\nbase_url = \"{}\"\ncredential = \"{p}\"\nrefresh = \"1h\"\n\n",
            p.replace('-', "_"),
            srv.base(p, case)
        ));
    }
    for p in PROVIDERS {
        s.push_str(&format!(
            "[credential.{p}]\nprovider = \"{p}\"\nsource = \"env\"\nenv = \"{}\"\nbudget = {{ per_minute = 100, per_day = 1000 }}\n\n",
            var(p)
        ));
    }
    s
}

#[test]
fn a_404_or_an_unexpected_answer_is_could_not_confirm_for_every_keyed_provider() {
    let srv = HostileServer::start();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), config(&srv, "notfound")).unwrap();
    for p in PROVIDERS {
        let o = homedash(home.path(), &["creds", "allow", p, &format!("http://{}", srv.addr)])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", both(&o));
    }
    for (case, why) in [
        ("notfound", "was not found (HTTP 404)"),
        ("shape", "the answer was not what this provider sends"),
    ] {
        std::fs::write(home.path().join("config.toml"), config(&srv, case)).unwrap();
        for p in PROVIDERS {
            let mut cmd = homedash(home.path(), &["creds", "test", p]);
            cmd.env(var(p), format!("hd-canary-truth-{p}-0001:second-part-0001"));
            let o = cmd.output().unwrap();
            let text = both(&o);
            assert_eq!(o.status.code(), Some(1), "{p}, {case}: exit code\n{text}");
            assert!(
                text.contains(&format!("{p}: could not confirm")) && text.contains(why),
                "{p}, {case}:\n{text}"
            );
            assert!(!text.contains("valid\n"), "{p}, {case}:\n{text}");
        }
        let o = homedash(home.path(), &["creds", "list", "--json"]).output().unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for r in rows.as_array().unwrap() {
            assert_eq!(r["state"], "unconfirmed", "{case}: {r}");
            assert_eq!(r["last_test_ok"], false);
        }
    }
}

/// Ten presses of `r` while offline: the next retry the schedule set stays
/// where it was (a manual refresh is one extra try, not a failure that
/// doubles the backoff).
#[test]
fn ten_refreshes_while_offline_leave_the_next_retry_alone() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[widget.weather]\nkind = \"weather\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"{}\"\nrefresh = \"1h\"\n",
        support::refused_base()
    );
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut app = Running::start_in(dir.path(), &["--config", cfg.to_str().unwrap()], &[]);
    app.wait_for(&["retrying at"], Duration::from_secs(5));
    let retry = |app: &Running| {
        let t = app.text();
        let at = t.find("retrying at ").expect("retrying at");
        t[at..at + 20].to_string()
    };
    let first = retry(&app);
    for _ in 0..10 {
        app.send("r");
        std::thread::sleep(Duration::from_millis(120));
    }
    std::thread::sleep(Duration::from_millis(300));
    let after = retry(&app);
    assert_eq!(after, first, "the next retry moved:\n{}", app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    let log = std::fs::read_dir(dir.path().join("state/homedash"))
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap_or_default();
    assert!(
        log.matches("manual refresh failed").count() >= 5,
        "the refreshes were tries:\n{log}"
    );
    assert!(
        log.lines()
            .filter(|l| l.contains("poll failed"))
            .all(|l| l.contains("failures=1")),
        "no refresh added to the failure count:\n{log}"
    );
}

/// With the keyring unreachable, a failed store keeps the add dialog open:
/// the pasted token is still there (masked), and the whole error is shown,
/// wrapped, not cut.
#[test]
fn a_failed_store_keeps_the_dialog_and_its_pasted_token() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\nbase_url = \"http://127.0.0.1:9/\"\n\n[credential.fh]\nprovider = \"finnhub\"\n\n[keyring]\nstore = \"secret-service\"\n",
    )
    .unwrap();
    let no_bus = [
        ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/homedash-test-bus"),
        ("XDG_RUNTIME_DIR", "/nonexistent"),
    ];
    let mut app = Running::start_in(dir.path(), &["--config", cfg.to_str().unwrap()], &no_bus);
    app.wait_for(&["Stocks"], Duration::from_secs(5));
    app.send("c");
    app.wait_for(&["Credentials"], Duration::from_secs(3));
    app.send("a");
    app.wait_for(&["Add a credential"], Duration::from_secs(3));
    let token = "hd-canary-dialog-0123456789";
    app.send(&format!("\x1b[200~{token}\x1b[201~"));
    app.wait_for(&["•••••••••••••••••••••••••••"], Duration::from_secs(3));
    app.send("\r");
    // The error, whole: its last words are on screen.
    app.wait_for(
        &["Add a credential", "✗", "source = \"command\"", "in the config"],
        Duration::from_secs(8),
    );
    let screen = app.text();
    assert!(
        screen.contains(&"•".repeat(token.len())),
        "the token is still in the field:\n{screen}"
    );
    assert!(!screen.contains(token), "{screen}");
    assert!(!screen.contains("…or `source"), "{screen}");
    app.send("\x1b");
    // Apart, or the terminal reads Esc q as Alt-q.
    std::thread::sleep(Duration::from_millis(150));
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}

/// The same credential states read the same in `creds list`, `--json` and
/// on the Credentials screen: one derivation, three views.
#[test]
fn every_state_reads_the_same_in_the_cli_the_json_and_the_screen() {
    use homedash::credentials::{Meta, MetaFile, TestResult};
    use homedash_widgets::provider::{Unconfirmed, Verdict};
    // Fixed, so the screen's snapshot does not move with the clock.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .to_utc();
    let tested = |v: Verdict| Meta {
        provider: "finnhub".into(),
        source: "keyring".into(),
        created: Some(now - chrono::Duration::days(3)),
        fingerprint: Some("…abcd".into()),
        last_test: Some(TestResult::new(&v, now - chrono::Duration::minutes(2))),
        ..Default::default()
    };
    let cases: Vec<(&str, Meta, &str, &str)> = vec![
        ("s-valid", tested(Verdict::Valid), "valid", "valid"),
        (
            "s-untested",
            Meta {
                fingerprint: Some("…abcd".into()),
                ..Default::default()
            },
            "untested",
            "untested",
        ),
        (
            "s-rejected",
            tested(Verdict::Rejected("Invalid API key.".into())),
            "rejected",
            "rejected",
        ),
        (
            "s-forbidden",
            tested(Verdict::Forbidden("plan".into())),
            "forbidden",
            "forbidden",
        ),
        (
            "s-limited",
            tested(Verdict::RateLimited {
                until: None,
                detail: String::new(),
            }),
            "rate-limited",
            "rate_limited",
        ),
        (
            "s-unconfirmed",
            tested(Verdict::Unconfirmed {
                why: Unconfirmed::NotFound,
                detail: String::new(),
            }),
            "could not confirm",
            "unconfirmed",
        ),
        (
            "s-revoked",
            Meta {
                revoked: Some(now),
                ..Default::default()
            },
            "revoked",
            "revoked",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = String::new();
    let mut meta = MetaFile::default();
    for (name, m, _, _) in &cases {
        cfg.push_str(&format!(
            "[widget.{}]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"{name}\"\n\n[credential.{name}]\nprovider = \"finnhub\"\n\n",
            name.replace('-', "_")
        ));
        meta.credentials.insert(name.to_string(), m.clone());
    }
    // The Secret Service, unreachable below: not the kernel keyring.
    cfg.push_str("[keyring]\nstore = \"secret-service\"\n");
    std::fs::write(dir.path().join("config.toml"), &cfg).unwrap();
    std::fs::create_dir_all(dir.path().join("state/homedash")).unwrap();
    std::fs::write(
        dir.path().join("state/homedash/credentials.json"),
        serde_json::to_vec_pretty(&meta).unwrap(),
    )
    .unwrap();
    let no_bus = |c: &mut Command| {
        c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .env("XDG_RUNTIME_DIR", "/nonexistent");
    };
    let mut list = homedash(dir.path(), &["creds", "list"]);
    no_bus(&mut list);
    let text = String::from_utf8(list.output().unwrap().stdout).unwrap();
    let mut json = homedash(dir.path(), &["creds", "list", "--json"]);
    no_bus(&mut json);
    let rows: serde_json::Value = serde_json::from_slice(&json.output().unwrap().stdout).unwrap();

    let parsed = homedash::config::parse("t", &cfg).unwrap();
    let mut app = homedash::dashboard::app::App::new(
        parsed,
        false,
        ratatui::layout::Rect::new(0, 0, 140, 30),
        now,
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    app.update(homedash::dashboard::msg::Msg::Cred(
        homedash::workers::credentials::CredEvent::Meta(meta),
    ));
    app.update(homedash::dashboard::msg::Msg::Input(crossterm::event::Event::Key(
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('c'),
            crossterm::event::KeyModifiers::NONE,
        ),
    )));
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    term.draw(|f| homedash::dashboard::view::draw(&app, f)).unwrap();
    let screen: Vec<String> = (0..30)
        .map(|y| {
            (0..140)
                .map(|x| term.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();

    eprintln!("| credential | creds list | --json | screen |\n|---|---|---|---|");
    for (name, _, label, snake) in &cases {
        let cli = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name}:\n{text}"));
        let row = rows.as_array().unwrap().iter().find(|r| r["name"] == *name).unwrap();
        let on_screen = screen
            .iter()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("{name}:\n{}", screen.join("\n")));
        eprintln!("| {name} | {label} | {} | {label} |", row["state"]);
        assert!(cli.contains(&format!(" {label} ")), "creds list, {name}: {cli}");
        assert_eq!(row["state"], *snake, "--json, {name}");
        assert!(on_screen.contains(&format!(" {label} ")), "screen, {name}: {on_screen}");
    }
    insta::assert_snapshot!("credential_states_140x30", screen.join("\n"));
}

/// Every request that carried the credential counts, a poll's and a
/// test's alike, and the state is the last answer: a provider that
/// rejects (a poll), then rate-limits (a test), then accepts (a test).
/// `creds list` and `--json` equal the provider's own log.
#[test]
fn counts_and_state_follow_the_providers_own_log() {
    use support::providers::ProviderServer;
    const TOKEN: &str = "hd-canary-count-0000000000000001";
    // It takes another token at first: ours is rejected.
    let srv = ProviderServer::start("finnhub", &["hd-canary-count-someone-elses-0001"]);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[widget.quotes]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nbase_url = \"{}\"\ncredential = \"finnhub\"\nrefresh = \"1h\"\n\n\
             [credential.finnhub]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_COUNT_TOKEN\"\n",
            srv.base()
        ),
    )
    .unwrap();
    let o = homedash(
        home.path(),
        &["creds", "allow", "finnhub", &format!("http://{}", srv.addr)],
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", both(&o));
    // A poll: rejected.
    let cfg = home.path().join("config.toml");
    let mut app = Running::start_in(
        home.path(),
        &["--config", cfg.to_str().unwrap()],
        &[("HD_COUNT_TOKEN", TOKEN)],
    );
    app.wait_for(&["credential rejected"], Duration::from_secs(10));
    assert!(!app.text().contains("no credential"), "{}", app.text());
    // The Credentials screen counts the poll at once, not when the
    // counters next reach the state file (every minute).
    app.send("c");
    app.wait_for(
        &["1 requests · 0 ok · 1 rejected · 0 forbidden · 0 rate-limited"],
        Duration::from_secs(3),
    );
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    // A test: rate-limited; another: accepted.
    srv.set_valid(&[TOKEN]);
    srv.set_rate_limited(true);
    let test = || {
        homedash(home.path(), &["creds", "test", "finnhub"])
            .env("HD_COUNT_TOKEN", TOKEN)
            .output()
            .unwrap()
    };
    let o = test();
    assert!(!o.status.success(), "a 429 proves nothing: {}", both(&o));
    srv.set_rate_limited(false);
    let o = test();
    assert!(o.status.success(), "{}", both(&o));
    let o = homedash(home.path(), &["creds", "list", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = &rows[0];
    assert_eq!(row["requests"], srv.requests(), "{row:#}");
    assert_eq!(row["ok"], srv.accepted(), "{row:#}");
    assert_eq!(
        (row["rejected"].as_u64(), row["rate_limited"].as_u64()),
        (Some(1), Some(1)),
        "{row:#}"
    );
    assert_eq!(row["state"], "valid", "{row:#}");
    assert!(
        row["last_answer"]
            .as_str()
            .is_some_and(|a| a.starts_with("accepted by a test at")),
        "{row:#}"
    );
    let o = homedash(home.path(), &["creds", "list"]).output().unwrap();
    let table = both(&o);
    assert!(
        table.contains(&format!(
            "{} requests: 1 ok, 1 rejected, 0 forbidden, 1 rate-limited",
            srv.requests()
        )),
        "{table}"
    );
}
