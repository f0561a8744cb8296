//! The kernel keyring, where no desktop runs: with no session bus at all,
//! `[keyring] store = "auto"` keeps tokens in keyutils, and every `creds`
//! command and the dashboard work against the real kernel keyring. Run by
//! tests/run.sh inside `tests/keyutils.sh`, a fresh `keyctl session` with
//! no D-Bus; ignored in a plain `cargo test`.

use std::process::Command;
use std::time::Duration;

use crate::creds_keyring::{Home, canary, config};
use crate::support::output_text as text;
use crate::support::providers::ProviderServer;

/// The value the kernel keyring holds for homedash's entry `name`, read
/// with keyutils' own tool.
pub(crate) fn keyctl(name: &str) -> Option<String> {
    let id = key_id(name)?;
    let value = Command::new("keyctl").args(["pipe", &id]).output().unwrap();
    value
        .status
        .success()
        .then(|| String::from_utf8_lossy(&value.stdout).into_owned())
}

/// The kernel keyring's entry `name` (found by its description), if any.
pub(crate) fn key_id(name: &str) -> Option<String> {
    let found = Command::new("keyctl")
        .args(["search", "@s", "user", &format!("keyring:{name}@homedash")])
        .output()
        .unwrap();
    found
        .status
        .success()
        .then(|| String::from_utf8_lossy(&found.stdout).trim().to_string())
}

/// Invalidates the test's entries when dropped, even by a failing test:
/// they are linked to the user's persistent keyring too, which outlives
/// the test's session keyring by days.
pub(crate) struct Forget(pub(crate) String);

impl Drop for Forget {
    fn drop(&mut self) {
        for suffix in ["", "#previous", "#staged"] {
            if let Some(id) = key_id(&format!("{}{suffix}", self.0)) {
                let _ = Command::new("keyctl").args(["invalidate", &id]).status();
            }
        }
    }
}

#[test]
#[ignore = "needs the kernel keyring and no session bus: run by tests/run.sh in tests/keyutils.sh"]
fn with_no_session_bus_tokens_live_in_the_kernel_keyring_through_their_whole_life() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() && std::env::var_os("XDG_RUNTIME_DIR").is_none(),
        "this suite runs with no session bus (tests/keyutils.sh)"
    );
    let name = format!("fh-{}", std::process::id());
    let _forget = Forget(name.clone());
    let (c1, c2) = (canary("ku-one"), canary("ku-two"));
    let srv = ProviderServer::start("finnhub", &[&c1, &c2]);
    let home = Home::new(&config(&srv.base(), &name));
    let mut said = Vec::new();

    let o = home.creds(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"));
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("in the kernel keyring (keyutils)"), "{}", text(&o));
    // The first run says where tokens go and why, once.
    assert!(
        text(&o).contains("no Secret Service answers here") && text(&o).contains("forgotten at reboot"),
        "{}",
        text(&o)
    );
    assert_eq!(
        keyctl(&name).as_deref(),
        Some(c1.as_str()),
        "keyctl sees what creds add stored"
    );

    // The dashboard reads it from the kernel keyring and polls with it.
    let mut app = home.dashboard();
    app.wait_for(&["AAPL", "261."], Duration::from_secs(10));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid())).unwrap();
    // The Credentials screen names the store.
    app.send("c");
    app.wait_for(&[name.as_str()], Duration::from_secs(5));
    app.send("\r");
    app.wait_for(&["kernel keyring (keyutils)"], Duration::from_secs(5));
    let mut screens = vec![app.text()];
    app.send("\x1b");

    for (args, stdin) in [
        (vec!["test", name.as_str()], String::new()),
        (vec!["rotate", name.as_str()], c2.clone()),
    ] {
        let o = home.creds(&args, &stdin);
        said.push(text(&o));
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    assert_eq!(keyctl(&name).as_deref(), Some(c2.as_str()));
    assert_eq!(keyctl(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    assert!(
        said[1..].iter().all(|t| !t.contains("no Secret Service answers here")),
        "said once: {said:?}"
    );
    let o = home.creds(&["rollback", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(keyctl(&name).as_deref(), Some(c1.as_str()));
    assert_eq!(keyctl(&format!("{name}#previous")), None);
    let o = home.creds(&["rotate", &name], &c2);
    said.push(text(&o));
    let o = home.creds(&["confirm", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(keyctl(&format!("{name}#previous")), None);
    // doctor names the store and says how long it keeps what it holds.
    let o = home.cmd(&["doctor"]).output().unwrap();
    said.push(text(&o));
    assert!(
        text(&o).contains("kernel keyring (keyutils) reachable") && text(&o).contains("forgotten at reboot"),
        "{}",
        text(&o)
    );
    let o = home.creds(&["list", "--json"], "");
    said.push(text(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["backend"], "kernel keyring (keyutils)", "{list}");
    assert_eq!(
        list[0]["stored"], true,
        "the kernel keyring's entries are listed: {list}"
    );
    assert_eq!(list[0]["fingerprint"], homedash::credentials::fingerprint(&c2));

    let o = home.creds(&["rm", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(keyctl(&name), None);
    let o = home.creds(&["list"], "");
    said.push(text(&o));
    assert!(text(&o).contains("revoked"), "{}", text(&o));
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    screens.push(app.text());
    assert!(srv.accepted() >= 3, "the widget and the tests used the tokens");

    screens.extend(said);
    screens.push(String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned());
    home.assert_nowhere(&[&c1, &c2], &screens, &cmdline);
}

/// A token the kernel keyring dropped between runs (reboot, expiry; here
/// `keyctl unlink`) is reported as gone from the kernel keyring, with
/// what to do, by every face: never as "not stored".
#[test]
#[ignore = "needs the kernel keyring and no session bus: run by tests/run.sh in tests/keyutils.sh"]
fn an_entry_the_kernel_dropped_between_runs_is_reported_as_gone_with_its_fix() {
    let name = format!("gone-{}", std::process::id());
    let _forget = Forget(name.clone());
    let c1 = canary("ku-gone");
    let srv = ProviderServer::start("finnhub", &[&c1]);
    let home = Home::new(&config(&srv.base(), &name));
    let o = home.creds(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"));
    assert!(o.status.success(), "{}", text(&o));
    let id = key_id(&name).expect("stored in the kernel keyring");
    let persistent = Command::new("keyctl").args(["get_persistent", "@s"]).output().unwrap();
    let persistent = String::from_utf8_lossy(&persistent.stdout).trim().to_string();
    for ring in ["@s", persistent.as_str()] {
        let _ = Command::new("keyctl").args(["unlink", &id, ring]).status();
    }
    assert_eq!(keyctl(&name), None, "keyctl unlink removed it");

    let mut said = Vec::new();
    let o = home.creds(&["test", &name], "");
    said.push(text(&o));
    assert!(!o.status.success());
    for words in [
        "the kernel keyring no longer holds the token",
        "forgets its entries at reboot",
        &format!("`homedash creds add {name}`"),
        "`systemd` or `command` source",
    ] {
        assert!(text(&o).contains(words), "{words}: {}", text(&o));
    }
    let o = home.creds(&["list"], "");
    said.push(text(&o));
    assert!(
        text(&o).contains("no longer holds") && !text(&o).contains("no token stored"),
        "{}",
        text(&o)
    );
    let o = home.cmd(&["doctor"]).output().unwrap();
    said.push(text(&o));
    assert!(
        text(&o).contains("no longer holds") && text(&o).contains(&format!("homedash creds add {name}")),
        "{}",
        text(&o)
    );
    let mut app = home.dashboard();
    app.wait_for(&["no longer holds"], Duration::from_secs(10));
    said.push(app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    for s in &said {
        crate::support::canary::assert_no_form("output", s, &[c1.as_str()]);
    }
    // Removing it clears the record: nothing says "dropped" any more.
    let o = home.creds(&["rm", &name, "--yes"], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = home.creds(&["list"], "");
    assert!(
        text(&o).contains("revoked") && !text(&o).contains("no longer holds"),
        "{}",
        text(&o)
    );
    let audit = std::fs::read_to_string(home.path().join("state/homedash/audit.jsonl")).unwrap();
    assert!(audit.contains("had dropped the token already"), "{audit}");
    // Adding it again is the fix, and it works.
    let o = home.creds(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(home.creds(&["test", &name], "").status.success());
}
