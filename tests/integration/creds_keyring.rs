//! `homedash creds` against a real Secret Service (tests/run.sh runs these
//! inside tests/secret-service.sh) and a loopback Finnhub that accepts a
//! token only in its header: the canary's whole life through the CLI while
//! the dashboard polls with it, and a SIGKILL at every step of a rotation.

use crate::support;

use support::secret_tool;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::providers::ProviderServer;
use support::pty::Running;

pub(crate) struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new(config: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Home { dir }
    }

    /// The dashboard on this home's config, in a pty.
    pub(crate) fn dashboard(&self) -> Running {
        Running::start_in(
            self.path(),
            &["--config", self.path().join("config.toml").to_str().unwrap()],
            &[],
        )
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_homedash"));
        c.args(["--config", self.path().join("config.toml").to_str().unwrap()])
            .args(args)
            .env("HOME", self.path())
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env_remove("HOMEDASH_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Run `homedash creds ARGS` with `stdin`.
    pub(crate) fn creds(&self, args: &[&str], stdin: &str) -> Output {
        let mut all = vec!["creds"];
        all.extend_from_slice(args);
        let mut child = self.cmd(&all).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    fn files(&self) -> Vec<PathBuf> {
        support::files_under(self.path())
    }
}

impl Home {
    /// The canaries are in no file under this home (config, state, logs),
    /// on no captured screen and not in the dashboard's command line; the
    /// audit log recorded the whole life of the credential without them.
    pub(crate) fn assert_nowhere(&self, canaries: &[&String], screens: &[String], cmdline: &[u8]) {
        // In no form: plain, cut, percent, hex, base64 at any offset.
        let canaries: Vec<&str> = canaries.iter().map(|c| c.as_str()).collect();
        support::canary::assert_no_form("argv", &String::from_utf8_lossy(cmdline), &canaries);
        for s in screens {
            support::canary::assert_no_form("the screen", s, &canaries);
        }
        for f in self.files() {
            let bytes = std::fs::read(&f).unwrap();
            support::canary::assert_no_form(&f.display().to_string(), &String::from_utf8_lossy(&bytes), &canaries);
        }
        let audit = std::fs::read_to_string(self.path().join("state/homedash/audit.jsonl")).unwrap();
        for event in ["added", "tested", "rotated", "rolled_back", "revoked"] {
            assert!(
                audit.contains(&format!("\"event\":\"{event}\"")),
                "{event} missing:\n{audit}"
            );
        }
    }
}

use support::output_text as text;

pub(crate) fn canary(tag: &str) -> String {
    format!("hd-canary-{tag}-{:016x}", fastrand::u64(..))
}

pub(crate) fn config(base: &str, name: &str) -> String {
    format!(
        r#"[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "{name}"
base_url = "{base}"
refresh = "1s"

[credential.{name}]
provider = "finnhub"
rotate_after = "90days"
"#
    )
}

#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn canary_through_the_cli_while_widgets_poll() {
    let name = format!("fh-{}", std::process::id());
    let (c1, c2) = (canary("one"), canary("two"));
    let srv = ProviderServer::start("finnhub", &[&c1, &c2]);
    let home = Home::new(&config(&srv.base(), &name));
    // Everything the commands printed, stdout and stderr.
    let mut said = Vec::new();

    let o = home.creds(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"));
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&format!("{name}: valid")), "{}", text(&o));
    assert!(
        text(&o).contains("finnhub.io/dashboard"),
        "the key page is named: {}",
        text(&o)
    );
    assert_eq!(
        secret_tool(&name).as_deref(),
        Some(c1.as_str()),
        "secret-tool sees what creds add stored"
    );

    // The dashboard reads it from the keyring and polls with it.
    let mut app = home.dashboard();
    app.wait_for(&["AAPL", "261."], Duration::from_secs(5));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid())).unwrap();
    let mut screens = vec![app.text()];

    let o = home.creds(&["test", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    let o = home.creds(&["rotate", &name], &c2);
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("rollback"), "{}", text(&o));
    assert_eq!(secret_tool(&name).as_deref(), Some(c2.as_str()));
    assert_eq!(secret_tool(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    let o = home.creds(&["list", "--json"], "");
    said.push(text(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["fingerprint"], homedash::credentials::fingerprint(&c2));
    assert_eq!(list[0]["used_by"][0], "stocks");
    let o = home.creds(&["rollback", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(secret_tool(&name).as_deref(), Some(c1.as_str()));
    assert_eq!(secret_tool(&format!("{name}#previous")), None);
    let o = home.creds(&["test", "--all"], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    screens.push(app.text());

    let o = home.creds(&["rm", &name], "");
    said.push(text(&o));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(secret_tool(&name), None);
    let o = home.creds(&["list"], "");
    said.push(text(&o));
    assert!(text(&o).contains("revoked"), "{}", text(&o));
    let o = home.creds(&["test", &name], "");
    said.push(text(&o));
    assert!(
        !o.status.success(),
        "a revoked credential does not test valid: {}",
        text(&o)
    );
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    screens.push(app.text());
    assert!(srv.accepted() >= 3, "the widget polled with the token");

    // The canary is nowhere but the keyring and the wire.
    // What every command printed, and every byte the dashboard wrote.
    screens.extend(said);
    screens.push(String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned());
    home.assert_nowhere(&[&c1, &c2], &screens, &cmdline);
    // Every header the server saw carried the token in X-Finnhub-Token only.
    for h in srv.heads() {
        assert!(!h.contains("token="), "{h}");
    }
}

#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn sigkill_at_each_rotation_step_leaves_a_working_token() {
    for step in ["staged", "tested", "previous", "swapped"] {
        let name = format!("fh-kill-{step}-{}", std::process::id());
        let (old, new) = (canary("old"), canary("new"));
        let srv = ProviderServer::start("finnhub", &[&old, &new]);
        let home = Home::new(&config(&srv.base(), &name));
        let o = home.creds(&["add", &name, "--provider", "finnhub"], &old);
        assert!(o.status.success(), "{}", text(&o));

        crate::support::kill_at(&mut home.cmd(&["creds", "rotate", &name]), step, &new);

        // Whatever the step, the keyring holds a token the provider takes.
        srv.set_valid(&[&old, &new]);
        let o = home.creds(&["test", &name], "");
        assert!(o.status.success(), "{step}: {}", text(&o));
        let stored = secret_tool(&name).unwrap();
        let expect_new = step == "swapped";
        assert_eq!(&stored, if expect_new { &new } else { &old }, "{step}");
        // And `creds list` tells the truth about it.
        let o = home.creds(&["list", "--json"], "");
        assert!(o.status.success(), "{step}: {}", text(&o));
        let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            list[0]["fingerprint"],
            homedash::credentials::fingerprint(&stored),
            "{step}: {}",
            text(&o)
        );
        if step == "staged" || step == "tested" || step == "previous" {
            let notes = list[0]["notes"].to_string();
            assert!(notes.contains("interrupted rotation"), "{step}: {notes}");
        }
        assert_eq!(
            secret_tool(&format!("{name}#staged")),
            None,
            "{step}: staged token cleaned up"
        );
        let o = home.creds(&["rm", &name], "");
        assert!(o.status.success());
    }
}

fn paste(app: &mut Running, text: &str) {
    app.send(&format!("\x1b[200~{text}\x1b[201~"));
}

#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn canary_through_the_credentials_screen_by_keystrokes() {
    let name = format!("fh-ui-{}", std::process::id());
    let (c1, c2) = (canary("ui1"), canary("ui2"));
    let srv = ProviderServer::start("finnhub", &[&c1, &c2]);
    let home = Home::new(&config(&srv.base(), &name));
    let mut app = home.dashboard();
    let wait = Duration::from_secs(5);
    app.wait_for(&["no token stored"], wait);
    let mut screens = vec![app.text()];

    // Add: the name field offers the selected row; paste, Enter.
    app.send("c");
    app.wait_for(&["Credentials", "a add"], wait);
    app.send("a");
    app.wait_for(&["Add a credential", "finnhub.io/dashboard", "Least privilege"], wait);
    paste(&mut app, &c1);
    app.wait_for(&["••••"], wait);
    screens.push(app.text());
    app.send("\r");
    app.wait_for(&["test: valid"], wait);
    assert_eq!(secret_tool(&name).as_deref(), Some(c1.as_str()));
    screens.push(app.text());
    // The widget polls with it at once.
    app.send("\x1b");
    app.wait_for(&["AAPL", "261."], wait);
    screens.push(app.text());

    // Test.
    app.send("c");
    app.wait_for(&["a add"], wait);
    app.send("t");
    app.wait_for(&[&format!("{name}: valid")], wait);
    // Rotate: tested, swapped, previous kept.
    app.send("r");
    app.wait_for(&["Rotate", "New token"], wait);
    paste(&mut app, &c2);
    app.send("\r");
    app.wait_for(&["tested valid and is in use"], wait);
    screens.push(app.text());
    assert_eq!(secret_tool(&name).as_deref(), Some(c2.as_str()));
    assert_eq!(secret_tool(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    // Rollback.
    app.send("b");
    app.wait_for(&["restored"], wait);
    assert_eq!(secret_tool(&name).as_deref(), Some(c1.as_str()));
    // Revoke, after a confirmation.
    app.send("d");
    app.wait_for(&["Revoke locally", "stop polling at once"], wait);
    screens.push(app.text());
    app.send("y");
    app.wait_for(&["deleted from the"], wait);
    assert_eq!(secret_tool(&name), None);
    app.send("\x1b");
    app.wait_for(&["credential removed"], wait);
    let accepted = srv.accepted();
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        srv.accepted(),
        accepted,
        "a revoked credential stops its widgets polling"
    );
    screens.push(app.text());
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid())).unwrap();
    app.send("q");
    assert_eq!(app.wait_exit(wait), 0);

    home.assert_nowhere(&[&c1, &c2], &screens, &cmdline);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A token goes only to the origins its owner approved: the one it was
/// added against, and another only after `creds allow`, until `creds deny`.
/// A config edit alone (an editor's write and rename, while the dashboard
/// runs) sends it nowhere new.
#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
#[cfg(unix)]
fn a_token_goes_only_to_approved_origins() {
    let name = format!("fh-dest-{}", std::process::id());
    let token = canary("dest");
    let (a, b) = (
        ProviderServer::start("finnhub", &[&token]),
        ProviderServer::start("finnhub", &[&token]),
    );
    let origin = |s: &ProviderServer| s.base().trim_end_matches('/').to_string();
    let home = Home::new(&config(&a.base(), &name).replace("refresh = \"1s\"", "refresh = \"1s\"\ntimeout = \"2s\""));

    // On a fresh HOME, `creds add` alone: the state dir is private.
    let o = home.creds(&["add", &name, "--provider", "finnhub"], &format!("{token}\n"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{name} will be sent to {}", origin(&a))),
        "the origin is shown before the token is taken: {}",
        text(&o)
    );
    assert!(text(&o).contains(&format!("{name}: valid")), "{}", text(&o));
    let state = home.path().join("state/homedash");
    assert_eq!(mode(&state), 0o700, "state dir");
    for f in std::fs::read_dir(&state).unwrap().flatten() {
        assert_eq!(mode(&f.path()), 0o600, "{}", f.path().display());
    }

    let mut app = home.dashboard();
    app.wait_for(&["AAPL", "261."], Duration::from_secs(5));
    assert!(a.accepted() >= 1);

    // An editor's save: a new file renamed over the old one.
    let cfg = home.path().join("config.toml");
    let tmp = home.path().join(".config.toml.swp");
    std::fs::write(&tmp, config(&b.base(), &name)).unwrap();
    std::fs::rename(&tmp, &cfg).unwrap();
    app.wait_for(&["origin not approved"], Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        b.heads().iter().all(|h| !h.contains(&token)),
        "the unapproved origin got the token"
    );
    assert_eq!(b.accepted(), 0);
    app.send("\t\t");
    let o = home.creds(&["list"], "");
    assert!(
        text(&o).contains(&format!("not approved for {}", origin(&b))),
        "{}",
        text(&o)
    );
    let o = home.cmd(&["check"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("creds allow {name} {}", origin(&b))),
        "check warns: {}",
        text(&o)
    );

    let o = home.creds(&["allow", &name, &origin(&b)], "");
    assert!(o.status.success(), "{}", text(&o));
    let end = std::time::Instant::now() + Duration::from_secs(5);
    while b.accepted() == 0 && std::time::Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(b.accepted() >= 1, "after creds allow, the second origin gets the token");
    let o = home.creds(&["list", "--json"], "");
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dest: Vec<String> = list[0]["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(dest, vec![origin(&a), origin(&b)], "{}", text(&o));
    assert_eq!(list[0]["provider_origin"], "https://finnhub.io");

    // A rotation there: the origin was approved before, and it says so
    // (not "approved by rotating it here").
    let token2 = canary("dest2");
    b.set_valid(&[&token, &token2]);
    let o = home.creds(&["rotate", &name], &format!("{token2}\n"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{name} will be sent to {} (approved before)", origin(&b))),
        "{}",
        text(&o)
    );
    let o = home.creds(&["confirm", &name], "");
    assert!(o.status.success(), "{}", text(&o));

    let o = home.creds(&["deny", &name, &origin(&b)], "");
    assert!(o.status.success(), "{}", text(&o));
    app.wait_for(&["origin not approved"], Duration::from_secs(5));
    let after = b.accepted();
    std::thread::sleep(Duration::from_millis(3000));
    assert_eq!(b.accepted(), after, "after creds deny, it gets nothing again");
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("destination_allowed") && audit.contains("destination_denied"),
        "{audit}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    let o = home.creds(&["rm", &name], "");
    assert!(o.status.success());
}

fn audit_lines(home: &Home) -> usize {
    std::fs::read_to_string(home.path().join("state/homedash/audit.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// Commands with nothing to act on say so, fail, and write no audit event;
/// an entry homedash did not write is listed and never touched.
#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn nothing_to_do_is_said_and_foreign_entries_are_left_alone() {
    let name = format!("fh-truth-{}", std::process::id());
    let (c1, c2) = (canary("t1"), canary("t2"));
    let srv = ProviderServer::start("finnhub", &[&c1, &c2]);
    let home = Home::new(&config(&srv.base(), &name));

    let o = home.creds(&["rm", "nosuch"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("nothing is stored in the keyring for \"nosuch\""),
        "{}",
        text(&o)
    );
    assert_eq!(audit_lines(&home), 0, "no audit event for nothing");

    let o = home.creds(&["add", &name, "--provider", "finnhub"], &c1);
    assert!(o.status.success(), "{}", text(&o));
    let before = audit_lines(&home);
    let o = home.creds(&["rollback", &name], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no previous token to roll back to"), "{}", text(&o));
    let o = home.creds(&["confirm", &name], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no previous token to delete"), "{}", text(&o));
    assert_eq!(audit_lines(&home), before);

    // Rotate, roll back: then confirm has nothing to confirm.
    let o = home.creds(&["rotate", &name], &c2);
    assert!(o.status.success(), "{}", text(&o));
    let o = home.creds(&["rollback", &name], "");
    assert!(o.status.success(), "{}", text(&o));
    let before = audit_lines(&home);
    let o = home.creds(&["confirm", &name], "");
    assert_eq!(o.status.code(), Some(1), "after a rollback: {}", text(&o));
    assert_eq!(audit_lines(&home), before);

    // Removed once: a second rm says there is nothing left.
    let o = home.creds(&["rm", &name], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = home.creds(&["rm", &name], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = home.creds(&["list", "--json"], "");
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["state"], "revoked", "{}", text(&o));
    assert_eq!(
        list[0]["last_test"],
        serde_json::Value::Null,
        "revocation clears the last test"
    );

    // A foreign entry under service homedash, written by another tool.
    let foreign = format!("legacy entry {}", std::process::id());
    let mut st = Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "someone else's",
            "service",
            "homedash",
            "username",
            &foreign,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    st.stdin.take().unwrap().write_all(b"not-ours-1234").unwrap();
    assert!(st.wait().unwrap().success());
    for _ in 0..10 {
        let o = home.creds(&["list"], "");
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("foreign"), "{}", text(&o));
    }
    assert_eq!(
        secret_tool(&foreign).as_deref(),
        Some("not-ours-1234"),
        "the foreign entry survived"
    );
    let _ = Command::new("secret-tool")
        .args(["clear", "service", "homedash", "username", &foreign])
        .status();
}

/// Against an endpoint that answers 404 or a web page, for every keyed
/// provider: a rotation changes nothing (the old token stays), and says
/// why; `--force` keeps an unconfirmed one, saying so.
#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn an_unconfirmed_token_is_never_rotated_in() {
    use support::hostile::{HostileServer, PROVIDERS};
    let srv = HostileServer::start();
    for case in ["notfound", "shape"] {
        let mut cfg = String::new();
        for p in PROVIDERS {
            let kind = support::hostile::widget_keys(p);
            let name = format!("{}-{}-{}", p, case, std::process::id());
            cfg.push_str(&format!(
                "[widget.{}]\n{kind}\nprovider = \"{p}\"\nbase_url = \"{}\"\ncredential = \"{name}\"\nrefresh = \"1h\"\n\n[credential.{name}]\nprovider = \"{p}\"\nbudget = {{ per_minute = 100, per_day = 1000 }}\n\n",
                p.replace('-', "_"),
                srv.base(p, case)
            ));
        }
        let home = Home::new(&cfg);
        for p in PROVIDERS {
            let name = format!("{}-{}-{}", p, case, std::process::id());
            let old = format!("hd-canary-old-{p}-0001:pair-0001");
            let new = format!("hd-canary-new-{p}-0002:pair-0002");
            // Stored, then tested: the test cannot confirm it.
            let o = home.creds(&["add", &name], &old);
            assert_eq!(o.status.code(), Some(1), "{p} {case}: {}", text(&o));
            assert!(text(&o).contains("could not confirm"), "{p} {case}: {}", text(&o));
            let o = home.creds(&["rotate", &name], &new);
            assert_eq!(o.status.code(), Some(1), "{p} {case}: {}", text(&o));
            assert!(
                text(&o).contains("not proven valid") && text(&o).contains("nothing was changed"),
                "{p} {case}: {}",
                text(&o)
            );
            assert_eq!(
                secret_tool(&name).as_deref(),
                Some(old.as_str()),
                "{p} {case}: the old token stays"
            );
            assert_eq!(secret_tool(&format!("{name}#staged")), None);
            let o = home.creds(&["rm", &name], "");
            assert!(o.status.success(), "{}", text(&o));
        }
        let audit = std::fs::read_to_string(home.path().join("state/homedash/audit.jsonl")).unwrap();
        assert!(audit.contains("\"event\":\"rotation_refused\""), "{audit}");
        assert!(!audit.contains("\"event\":\"rotated\""), "{audit}");
    }
    // --force keeps a token its test could not confirm, and says so.
    let name = format!("forced-{}", std::process::id());
    let cfg = format!(
        "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nbase_url = \"{}\"\ncredential = \"{name}\"\n\n[credential.{name}]\nprovider = \"finnhub\"\n",
        srv.base("finnhub", "notfound")
    );
    let home = Home::new(&cfg);
    let _ = home.creds(&["add", &name], "hd-canary-forced-old-0001");
    let o = home.creds(&["rotate", &name, "--force"], "hd-canary-forced-new-0002");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("(--force)") && text(&o).contains("could not confirm"),
        "{}",
        text(&o)
    );
    assert_eq!(secret_tool(&name).as_deref(), Some("hd-canary-forced-new-0002"));
    let _ = home.creds(&["rm", &name], "");
}

/// `creds add` and `creds rotate` against a provider whose every answer is
/// hostile: every keyed provider, every error path. Nothing raw or
/// uncapped reaches their output, the state file or the audit log.
#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn hostile_text_reaches_no_output_of_add_and_rotate() {
    use support::hostile::{CASES, HostileServer, PROVIDERS, unfit, widget_keys};
    let srv = HostileServer::start();
    let mut cfg = String::new();
    let id = std::process::id();
    for p in PROVIDERS {
        for case in CASES {
            let name = format!("h-{}-{case}-{id}", p.replace('-', "_"));
            cfg.push_str(&format!(
                "[widget.{name}]\n{}\nprovider = \"{p}\"\nbase_url = \"{}\"\ncredential = \"{name}\"\nrefresh = \"1h\"\n\n[credential.{name}]\nprovider = \"{p}\"\nbudget = {{ per_minute = 100, per_day = 1000 }}\n\n",
                widget_keys(p),
                srv.base(p, case)
            ));
        }
    }
    let home = Home::new(&cfg);
    let fit = |what: &str, text: &str| {
        if let Some(why) = unfit(text, 1200) {
            panic!("{what}: {why}");
        }
    };
    for p in PROVIDERS {
        for case in CASES {
            let name = format!("h-{}-{case}-{id}", p.replace('-', "_"));
            let o = home.creds(&["add", &name], "hd-canary-hostile-old-0001:pair-0001");
            fit(&format!("creds add {p} {case}"), &text(&o));
            let o = home.creds(&["rotate", &name], "hd-canary-hostile-new-0002:pair-0002");
            fit(&format!("creds rotate {p} {case}"), &text(&o));
            assert!(
                !text(&o).contains("hd-canary"),
                "{p} {case}: a token was printed: {}",
                text(&o)
            );
        }
    }
    let o = home.creds(&["list"], "");
    fit("creds list", &text(&o));
    for f in ["credentials.json", "audit.jsonl"] {
        let t = std::fs::read_to_string(home.path().join("state/homedash").join(f)).unwrap();
        fit(f, &t);
        assert!(t.contains("HOSTILE"), "{f} kept the provider's (cleaned) words");
    }
    for p in PROVIDERS {
        for case in CASES {
            let _ = home.creds(&["rm", &format!("h-{}-{case}-{id}", p.replace('-', "_"))], "");
        }
    }
}
