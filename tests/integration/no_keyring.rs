//! With no keyring at all (the Secret Service chosen, and no D-Bus session),
//! the dashboard still starts at
//! once, the widget whose credential lives in the keyring says why it has
//! no data, a widget with an env credential works, and `creds list` fails
//! with the reason.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::providers::ProviderServer;
use support::pty::Running;

const TOKEN: &str = "hd-canary-nokeyring-7f3a9c";
const NO_BUS: [(&str, &str); 2] = [
    ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/homedash-test-bus"),
    ("XDG_RUNTIME_DIR", "/nonexistent"),
];

fn config(base: &str) -> String {
    format!(
        r#"[widget.keyed]
kind = "stocks"
provider = "finnhub"
title = "Keyring stocks"
symbols = ["AAPL"]
credential = "fh"
base_url = "{base}"

[widget.envd]
kind = "stocks"
provider = "finnhub"
title = "Env stocks"
symbols = ["MSFT"]
credential = "fh-env"
base_url = "{base}"

[credential.fh]
provider = "finnhub"

[credential.fh-env]
provider = "finnhub"
source = "env"
env = "HD_TEST_FINNHUB"

# The Secret Service, not the kernel keyring that "auto" would take here.
[keyring]
store = "secret-service"
"#
    )
}

#[test]
fn dashboard_starts_and_explains_and_env_credentials_work() {
    let srv = ProviderServer::start("finnhub", &[TOKEN]);
    let mut env = NO_BUS.to_vec();
    env.push(("HD_TEST_FINNHUB", TOKEN));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, config(&srv.base())).unwrap();
    support::allow(dir.path(), &cfg, "fh-env", &srv.base());
    let started = Instant::now();
    let mut app = Running::start_in(dir.path(), &["--config", cfg.to_str().unwrap()], &env);
    app.wait_for(
        &["MSFT", "261.7", "Secret Service", "is not", "unlock or"],
        Duration::from_secs(3),
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid())).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains(TOKEN));
    assert!(!app.text().contains(TOKEN));
    // The env credential went in its header, nowhere else.
    let heads = srv.heads();
    assert!(!heads.is_empty());
    assert!(
        heads
            .iter()
            .all(|h| h.contains(&format!("x-finnhub-token: {TOKEN}")) && !h.contains("token="))
    );

    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["creds", "list"])
        .env("HOMEDASH_CONFIG", app.dir.join("config.toml"))
        .env("HOME", &app.dir)
        .env("XDG_STATE_HOME", app.dir.join("state"))
        .envs(NO_BUS)
        .output()
        .unwrap();
    // Without a keyring, the list is what the state file knows, and says
    // what needs the keyring.
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}{}", String::from_utf8_lossy(&out.stderr));
    assert!(shown.contains("fh ") && shown.contains("fh-env"), "{shown}");
    assert!(
        shown.contains("note: the Secret Service")
            && shown.contains("is not reachable")
            && shown.contains("need the keyring"),
        "{shown}"
    );
    assert!(
        shown.contains("unknown"),
        "a keyring credential's state is not guessed: {shown}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}
