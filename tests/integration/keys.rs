//! `[keys]`: the user's keys over the action table, through the real
//! binary. A swap takes effect on the dashboard and the Credentials screen
//! and the help and footers name the new keys; a key on two actions is
//! refused by `check` at both places.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::FaultServer;
use crate::support::pty::Running;

fn config(srv: &FaultServer, keys: &str) -> String {
    format!(
        "[widget.weather]\nkind = \"weather\"\nlocation = \"Loopback\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"{}\"\n\n[widget.fh]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nbase_url = \"{}\"\ncredential = \"fh\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_KEYS_TEST_TOKEN\"\n\n{keys}",
        srv.base("ok"),
        srv.base("ok"),
    )
}

/// Wait until `needle` is off the screen.
fn gone(app: &Running, needle: &str) {
    let end = Instant::now() + Duration::from_secs(3);
    while app.text().contains(needle) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!app.text().contains(needle), "{needle:?} stayed:\n{}", app.text());
}

/// The help's line for `what`, from its first column.
fn help_line(app: &Running, what: &str) -> String {
    let text = app.text();
    let line = text.lines().find(|l| l.contains(what)).unwrap_or_default();
    let at = line.find("│").map_or(0, |i| i + "│".len());
    line[at..].trim().to_string()
}

#[test]
fn swapped_keys_act_on_the_dashboard_and_the_credentials_screen_and_the_help_names_them() {
    let (_rt, srv) = FaultServer::on_own_runtime();
    let keys =
        "[keys.dashboard]\nrefresh = \"c\"\ncredentials = \"r\"\n\n[keys.credentials]\nadd = \"r\"\nrotate = \"a\"\n";
    let mut app = Running::start(
        &config(&srv, keys),
        &[("HD_KEYS_TEST_TOKEN", "hd-canary-keys-0123456789")],
    );
    app.wait_for(&["Loopback", "Light rain"], Duration::from_secs(10));
    // The title bar's hints name the new keys.
    app.wait_for(&["c refresh  r credentials"], Duration::from_secs(2));
    let hits = srv.hits("ok");
    // c refreshes now (a poll of the focused widget), and opens nothing.
    app.send("c");
    let end = Instant::now() + Duration::from_secs(5);
    while srv.hits("ok") == hits && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(srv.hits("ok") > hits, "c refreshed the focused widget");
    assert!(!app.text().contains("Credentials  Esc back"), "{}", app.text());
    // The help lists the swapped keys.
    app.send("?");
    app.wait_for(&["Keys", "refresh the focused widget"], Duration::from_secs(2));
    assert!(
        help_line(&app, "refresh the focused widget").starts_with("c "),
        "{}",
        app.text()
    );
    assert!(
        help_line(&app, "the Credentials screen").starts_with("r "),
        "{}",
        app.text()
    );
    app.send("\x1b");
    gone(&app, "refresh the focused widget");
    // r opens the Credentials screen, whose footer names its own swap.
    app.send("r");
    app.wait_for(
        &["Credentials  Esc back", "r add t test a rotate"],
        Duration::from_secs(3),
    );
    app.send("a");
    app.wait_for(&[" Rotate fh "], Duration::from_secs(2));
    app.send("\x1b");
    gone(&app, " Rotate fh ");
    app.send("r");
    app.wait_for(&[" Add a credential "], Duration::from_secs(2));
    app.send("\x1b");
    gone(&app, " Add a credential ");
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    app.assert_restored();
}

fn check(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--config", cfg.to_str().unwrap(), "check"])
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).replace(cfg.to_str().unwrap(), "config.toml");
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn a_key_on_two_actions_is_refused_by_check_at_both_places() {
    let base = "[widget.c]\nkind = \"clock\"\n\n";
    // Both written by the user: each place is told of the other.
    let (code, err) = check(&format!(
        "{base}[keys.dashboard]\nrefresh = \"x\"\nzoom = [\"Enter\", \"x\"]\n"
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("config.toml:5:11: keys.dashboard.refresh: \"x\" is also the key of [keys.dashboard] zoom"),
        "{err}"
    );
    assert!(
        err.contains("config.toml:6:18: keys.dashboard.zoom[1]: \"x\" is also the key of [keys.dashboard] refresh"),
        "{err}"
    );
    // One written, the other a default.
    let (code, err) = check(&format!("{base}[keys.credentials]\nadd = \"t\"\n"));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("config.toml:5:7: keys.credentials.add: \"t\" is the key of [keys.credentials] test by default"),
        "{err}"
    );
    // A printable key on every screen, an unknown action, a bad key name.
    let (code, err) = check(&format!(
        "{base}[keys.anywhere]\nquit = \"Q\"\n[keys.dashboard]\nrefrsh = \"f\"\nzoom = \"Hyper-z\"\n"
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("config.toml:5:8: keys.anywhere.quit: \"Q\" types text in dialogs"),
        "{err}"
    );
    assert!(
        err.contains(
            "config.toml:7:1: keys.dashboard.refrsh: [keys.dashboard] has no action `refrsh`; did you mean `refresh`?"
        ),
        "{err}"
    );
    assert!(
        err.contains("config.toml:8:8: keys.dashboard.zoom: \"Hyper-z\" is not a key"),
        "{err}"
    );
    // A swap is taken.
    let (code, err) = check(&format!(
        "{base}[keys.dashboard]\nrefresh = \"c\"\ncredentials = \"r\"\n"
    ));
    assert_eq!(code, 0, "{err}");
}
