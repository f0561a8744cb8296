//! OAuth 2.0 credentials against a real, independent authorization
//! server: `oidc-provider` from npm, on loopback (support/oidc.rs), with
//! its bearer-protected `/metrics`. The grants that keep a refresh token
//! need the keyring, so they run in tests/secret-service.sh.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::oidc::{self, Landing, Oidc};
use crate::support::pty::Running;
use crate::support::{homedash_with, output_text, secret_tool};

fn config(name: &str, oidc: &Oidc, grant: &str, client: &str, extra: &str) -> String {
    format!(
        r#"[widget.m]
kind = "metrics"
provider = "prometheus-text"
metric = "hd_requests_total"
title = "served"
base_url = "{resource}"
refresh = "1s"
credential = "{name}"

[credential.{name}]
provider = "prometheus-text"
type = "oauth2"
grant = "{grant}"
issuer = "{issuer}"
client_id = "{client}"
scopes = ["openid", "offline_access", "metrics:read"]
{extra}
"#,
        resource = oidc.resource,
        issuer = oidc.issuer,
    )
}

fn write_config(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn resource_hits(oidc: &Oidc, ok: bool) -> usize {
    oidc.count(|e| e["event"] == "resource" && e["ok"] == ok)
}

fn refreshes(oidc: &Oidc, grant: &str) -> usize {
    oidc.count(|e| e["event"] == "grant.success" && e["grant_type"] == grant)
}

/// Refreshes the server refused (invalid_grant and the like).
fn refresh_errors(oidc: &Oidc) -> usize {
    oidc.count(|e| e["event"] == "grant.error" && e["grant_type"] == "refresh_token")
}

/// No token the server issued is in any file under `dir`, on `screens`,
/// or in the argv of `pids`.
fn assert_no_token_anywhere(oidc: &Oidc, dir: &Path, screens: &[String], pids: &[u32]) {
    let tokens = oidc.tokens();
    assert!(!tokens.is_empty());
    let mut places: Vec<(String, String)> = crate::support::files_under(dir)
        .into_iter()
        .filter_map(|p| {
            Some((
                p.display().to_string(),
                String::from_utf8_lossy(&std::fs::read(&p).ok()?).into_owned(),
            ))
        })
        .collect();
    for (i, s) in screens.iter().enumerate() {
        places.push((format!("screen {i}"), s.clone()));
    }
    for pid in pids {
        if let Ok(argv) = std::fs::read(format!("/proc/{pid}/cmdline")) {
            places.push((format!("argv of {pid}"), String::from_utf8_lossy(&argv).into_owned()));
        }
    }
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    for (place, text) in &places {
        // In no form: plain, cut, percent, hex, base64 at any offset.
        crate::support::canary::assert_no_form(place, text, &tokens);
    }
}

#[test]
fn client_credentials_renew_for_two_minutes_without_a_failed_poll() {
    let secret = format!("hd-canary-client-secret-{}", fastrand::u64(..));
    let oidc = Oidc::start(20, true, &secret);
    let tmp = tempfile::tempdir().unwrap();
    // The client secret comes from a command (as from `pass`), which also
    // writes down the environment it was given.
    let vault = tempfile::tempdir().unwrap();
    let secret_file = vault.path().join("secret");
    std::fs::write(&secret_file, &secret).unwrap();
    let child_env = tmp.path().join("child-env");
    let name = "machine";
    let cfg = write_config(
        tmp.path(),
        &config(
            name,
            &oidc,
            "client_credentials",
            "hd-machine",
            &format!(
                "client_secret = {{ source = \"command\", command = [\"sh\", \"-c\", \"env >> {} && cat {}\"] }}",
                child_env.display(),
                secret_file.display()
            ),
        )
        .replace(r#"["openid", "offline_access", "metrics:read"]"#, r#"["metrics:read"]"#),
    );
    crate::support::allow(tmp.path(), &cfg, name, &oidc.resource);
    // The login proves the client's secret and shows what was granted.
    let out = homedash_with(tmp.path(), &cfg, &["creds", "login", name])
        .output()
        .unwrap();
    let said = output_text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("scopes metrics:read") && said.contains("left"), "{said}");
    let mut app = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
    app.wait_for(&["served", "42"], Duration::from_secs(15));
    let started = Instant::now();
    let grants_before = refreshes(&oidc, "client_credentials");
    while started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_secs(5));
        assert_eq!(resource_hits(&oidc, false), 0, "a poll failed:\n{}", app.text());
        assert!(!app.text().contains("failing"), "{}", app.text());
    }
    let polls = resource_hits(&oidc, true);
    let renewals = refreshes(&oidc, "client_credentials") - grants_before;
    println!("client credentials, 20 s tokens, 1 s refresh, 120 s: {polls} polls, {renewals} new tokens, 0 failed");
    assert!(polls >= 90, "{polls} polls");
    // 20 s tokens renewed a quarter early: one every 15 s.
    assert!((6..=12).contains(&renewals), "{renewals} renewals");
    let screen = app.text();
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(10)), 0);
    // Every file (the environment the command saw among them), screen and
    // output: no token, and no client secret.
    assert!(std::fs::read_to_string(&child_env).unwrap().contains("PATH="));
    assert_no_token_anywhere(&oidc, tmp.path(), &[screen, said], &[]);
    for f in crate::support::files_under(tmp.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        crate::support::canary::assert_no_form(&f.display().to_string(), &text, &[&secret]);
    }
}

/// `creds login` in a pty; the code read off its screen.
fn device_login(dir: &Path, cfg: &Path, name: &str, oidc: &Oidc) -> String {
    let mut login = Running::start_in(dir, &["--config", cfg.to_str().unwrap(), "creds", "login", name], &[]);
    login.wait_for(&["one-time code:", "authorization_pending"], Duration::from_secs(15));
    let text = login.text();
    let code = text
        .split("one-time code: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    // The person opens the page and types the code, logs in and consents.
    match oidc::browse(&format!("{}/device", oidc.issuer), &code) {
        Landing::Page(p) => assert!(p.contains("Sign-in Success") || p.contains("success"), "{p}"),
        Landing::Redirect(u) => panic!("the device flow redirected to {u}"),
    }
    login.wait_for(&["logged in"], Duration::from_secs(20));
    let text = login.text();
    assert_eq!(login.wait_exit(Duration::from_secs(5)), 0, "{text}");
    assert!(text.contains("scopes"), "{text}");
    text
}

fn assert_stores_the_latest(oidc: &Oidc, name: &str) {
    let end = Instant::now() + Duration::from_secs(3);
    loop {
        let (stored, latest) = (stored_refresh(name), oidc.latest("refresh_token").unwrap());
        if stored == latest {
            return;
        }
        assert!(
            Instant::now() < end,
            "the keyring holds a refresh token that is not the latest"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stored_refresh(name: &str) -> String {
    let json = secret_tool(name).expect("the login is in the keyring");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["refresh_token"].as_str().unwrap().to_string()
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it in tests/secret-service.sh"]
fn device_login_then_two_dashboards_share_a_rotating_grant_until_the_server_revokes_it() {
    let oidc = Oidc::start(20, true, "unused");
    let tmp = tempfile::tempdir().unwrap();
    let name = format!("dev{}", std::process::id());
    let cfg = write_config(tmp.path(), &config(&name, &oidc, "device_code", "hd-device", ""));
    crate::support::allow(tmp.path(), &cfg, &name, &oidc.resource);
    let login_screen = device_login(tmp.path(), &cfg, &name, &oidc);
    assert_eq!(stored_refresh(&name), oidc.latest("refresh_token").unwrap());

    // Two dashboards on one machine, one credential, for three minutes.
    let mut a = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
    let mut b = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
    a.wait_for(&["served", "42"], Duration::from_secs(15));
    b.wait_for(&["served", "42"], Duration::from_secs(15));
    let started = Instant::now();
    let before = refreshes(&oidc, "refresh_token");
    while started.elapsed() < Duration::from_secs(180) {
        std::thread::sleep(Duration::from_secs(5));
        assert_eq!(
            resource_hits(&oidc, false),
            0,
            "a poll failed:\n{}\n{}",
            a.text(),
            b.text()
        );
        let refused = refresh_errors(&oidc);
        assert_eq!(refused, 0, "{:?}", oidc.events_named("grant.error"));
        // Every refresh token stored is the latest one the server issued
        // (a refresh may be between the server's answer and the keyring
        // write at the moment of looking: it is given a moment).
        assert_stores_the_latest(&oidc, &name);
    }
    let renewals = refreshes(&oidc, "refresh_token") - before;
    let polls = resource_hits(&oidc, true);
    println!(
        "two dashboards, rotating refresh tokens, 20 s access tokens, 180 s: {polls} polls, {renewals} refreshes, 0 failed, 0 invalid_grant"
    );
    assert!(polls >= 2 * 150, "{polls} polls");
    // One refresh every 15 s for both processes together, not one each.
    assert!((9..=16).contains(&renewals), "{renewals} refreshes");
    assert!(oidc.count(|e| e["event"] == "refresh_token.consumed") >= renewals);

    // The administrator revokes the grant: both say "log in again" within
    // a refresh, and stop polling.
    oidc.revoke_all_grants();
    a.wait_for(&["creds login"], Duration::from_secs(20));
    b.wait_for(&["creds login"], Duration::from_secs(20));
    std::thread::sleep(Duration::from_secs(2));
    let hits = resource_hits(&oidc, true) + resource_hits(&oidc, false);
    let refresh_tries = refresh_errors(&oidc);
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        resource_hits(&oidc, true) + resource_hits(&oidc, false),
        hits,
        "still polling"
    );
    assert_eq!(refresh_errors(&oidc), refresh_tries, "still refreshing");
    // `creds list` tells the refresh token in use, not the login's.
    let out = homedash_with(tmp.path(), &cfg, &["creds", "list", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap();
    let latest = oidc.latest("refresh_token").unwrap();
    assert_eq!(row["fingerprint"], homedash::credentials::fingerprint(&latest), "{row}");
    assert!(row["notes"].to_string().contains("refresh token"), "{row}");
    let screens = vec![login_screen, a.text(), b.text()];
    let pids = [a.pid(), b.pid()];
    assert_no_token_anywhere(&oidc, tmp.path(), &screens, &pids);
    a.send("q");
    b.send("q");
    assert_eq!(a.wait_exit(Duration::from_secs(10)), 0);
    assert_eq!(b.wait_exit(Duration::from_secs(10)), 0);
    let out = homedash_with(tmp.path(), &cfg, &["creds", "rm", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(secret_tool(&name), None);
}

/// `creds login` for the authorization-code grant: the URL it prints.
fn browser_login(dir: &Path, cfg: &Path, name: &str) -> (Running, String) {
    let login = Running::start_in(dir, &["--config", cfg.to_str().unwrap(), "creds", "login", name], &[]);
    login.wait_for(&["waiting for the browser"], Duration::from_secs(15));
    let raw = String::from_utf8_lossy(&login.raw.lock().unwrap()).into_owned();
    // The authorization URL (the login names its server's origin first).
    let url = raw
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1") && w.contains("response_type="))
        .unwrap()
        .to_string();
    (login, url)
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it in tests/secret-service.sh"]
fn browser_login_checks_state_and_pkce_and_rm_revokes_at_the_server() {
    let oidc = Oidc::start(3600, true, "unused");
    let tmp = tempfile::tempdir().unwrap();
    let name = format!("web{}", std::process::id());
    // Netatmo's weather station, through the generic OAuth machinery.
    let cfg = write_config(
        tmp.path(),
        &format!(
            r#"[widget.garden]
kind = "weather"
provider = "netatmo"
base_url = "{resource}"
refresh = "10s"
credential = "{name}"

[credential.{name}]
provider = "netatmo"
type = "oauth2"
grant = "authorization_code"
issuer = "{issuer}"
client_id = "hd-browser"
scopes = ["openid", "offline_access", "read_station"]
"#,
            resource = oidc.resource,
            issuer = oidc.issuer
        ),
    );
    crate::support::allow(tmp.path(), &cfg, &name, &oidc.resource);

    // A redirect with another state is refused, and nothing is stored.
    let (mut login, url) = browser_login(tmp.path(), &cfg, &name);
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "{url}"
    );
    let Landing::Redirect(mut cb) = oidc::browse(&url, "") else {
        panic!("no redirect")
    };
    let forged: Vec<(String, String)> = cb
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    cb.query_pairs_mut().clear().extend_pairs(forged);
    let (status, _) = oidc::get(&cb);
    assert_eq!(status, 400);
    assert_eq!(login.wait_exit(Duration::from_secs(10)), 1);
    assert!(login.text().contains("another `state`"), "{}", login.text());
    assert_eq!(secret_tool(&name), None);
    assert_eq!(
        refreshes(&oidc, "authorization_code"),
        0,
        "the code was never exchanged"
    );

    // The real redirect completes the login (the server checks PKCE).
    let (mut login, url) = browser_login(tmp.path(), &cfg, &name);
    let Landing::Redirect(cb) = oidc::browse(&url, "") else {
        panic!("no redirect")
    };
    let (status, page) = oidc::get(&cb);
    assert_eq!(status, 200, "{page}");
    login.wait_for(&["logged in"], Duration::from_secs(10));
    assert_eq!(login.wait_exit(Duration::from_secs(5)), 0);
    assert_eq!(refreshes(&oidc, "authorization_code"), 1);
    // The station's readings, fetched with the access token.
    let mut app = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
    app.wait_for(
        &["7.8°C", "Home, outdoor", "humidity 85%", "CO₂ 967 ppm"],
        Duration::from_secs(15),
    );
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(10)), 0);
    assert!(oidc.count(|e| e["event"] == "resource" && e["path"] == "/api/getstationsdata" && e["ok"] == true) >= 1);
    let refresh = stored_refresh(&name);
    assert_eq!(oidc.try_refresh("hd-browser", &refresh).0, 200);
    let refresh = stored_refresh(&name);
    assert_ne!(refresh, oidc.latest("refresh_token").unwrap(), "our own try rotated it");
    // Put the rotated token where homedash keeps it, as a refresh would.
    let latest = oidc.latest("refresh_token").unwrap();
    let json = secret_tool(&name).unwrap().replace(&refresh, &latest);
    let mut st = std::process::Command::new("secret-tool")
        .args(["store", "--label=homedash", "service", "homedash", "username", &name])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut st.stdin.take().unwrap(), json.as_bytes()).unwrap();
    assert!(st.wait().unwrap().success());

    // `creds rm` revokes at the server, which then refuses the token.
    let out = homedash_with(tmp.path(), &cfg, &["creds", "rm", &name])
        .output()
        .unwrap();
    let said = output_text(&out);
    assert!(
        out.status.success() && said.contains("revoked at the authorization server"),
        "{said}"
    );
    let (status, body) = oidc.try_refresh("hd-browser", &latest);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("invalid_grant"), "{body}");
    assert_eq!(secret_tool(&name), None);
}

/// Let the stored access token fall due (a quarter of its 20 s life left).
fn until_due(login: Instant) {
    let due = login + Duration::from_secs(16);
    if let Some(left) = due.checked_duration_since(Instant::now()) {
        std::thread::sleep(left);
    }
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it in tests/secret-service.sh"]
fn sigkill_at_each_step_of_a_refresh_leaves_a_working_login_or_log_in_again() {
    let oidc = Oidc::start(20, true, "unused");
    let tmp = tempfile::tempdir().unwrap();
    let name = format!("kill{}", std::process::id());
    let cfg = write_config(tmp.path(), &config(&name, &oidc, "device_code", "hd-device", ""));
    crate::support::allow(tmp.path(), &cfg, &name, &oidc.resource);
    device_login(tmp.path(), &cfg, &name, &oidc);
    let mut since = Instant::now();
    // Before the request, once the request is answered by the server (it
    // rotated) but before homedash read it, after it read it, and after
    // the new record is stored.
    for step in [
        "refresh:before-send",
        "refresh:stored",
        "refresh:sent",
        "refresh:answered",
    ] {
        if step == "refresh:answered" {
            // The grant died at the step before: a new login first.
            device_login(tmp.path(), &cfg, &name, &oidc);
            since = Instant::now();
        }
        until_due(since);
        // `creds test` renews the due token; it is killed at `step`.
        crate::support::kill_at(
            &mut homedash_with(tmp.path(), &cfg, &["creds", "test", &name]),
            step,
            "",
        );
        since = Instant::now();
        let out = homedash_with(tmp.path(), &cfg, &["creds", "test", &name])
            .output()
            .unwrap();
        let said = output_text(&out);
        if step == "refresh:sent" || step == "refresh:answered" {
            // The server rotated the refresh token and homedash never
            // stored the new one: the old one is spent, so the grant is
            // gone. "Log in again", once, and nothing loops.
            assert!(!out.status.success(), "{step}: {said}");
            assert!(said.contains("homedash creds login"), "{step}: {said}");
            let mut app = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
            app.wait_for(&["creds login"], Duration::from_secs(15));
            let tries = refresh_errors(&oidc) + resource_hits(&oidc, false) + resource_hits(&oidc, true);
            std::thread::sleep(Duration::from_secs(5));
            let now = refresh_errors(&oidc) + resource_hits(&oidc, false) + resource_hits(&oidc, true);
            assert!(now <= tries + 1, "{step}: it keeps trying: {tries} then {now}");
            app.send("q");
            assert_eq!(app.wait_exit(Duration::from_secs(10)), 0);
        } else {
            // The record in the keyring still works.
            assert!(out.status.success(), "{step}: {said}");
            assert!(said.contains("valid"), "{step}: {said}");
            assert_eq!(stored_refresh(&name), oidc.latest("refresh_token").unwrap(), "{step}");
        }
    }
    let out = homedash_with(tmp.path(), &cfg, &["creds", "rm", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it in tests/secret-service.sh"]
fn the_credentials_screen_logs_in_and_another_process_logs_out_and_in() {
    let oidc = Oidc::start(3600, true, "unused");
    let tmp = tempfile::tempdir().unwrap();
    let name = format!("scr{}", std::process::id());
    let cfg = write_config(tmp.path(), &config(&name, &oidc, "device_code", "hd-device", ""));
    let mut app = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], &[]);
    // Not logged in yet: the widget says what to do.
    app.wait_for(&["creds login"], Duration::from_secs(15));
    app.send("c");
    app.wait_for(&["Credentials", "l logs in"], Duration::from_secs(5));
    app.send("l");
    app.wait_for(&["one-time code:", "scan this code"], Duration::from_secs(15));
    let text = app.text();
    let code = text
        .split("one-time code:")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    match oidc::browse(&format!("{}/device", oidc.issuer), &code) {
        Landing::Page(_) => {}
        Landing::Redirect(u) => panic!("the device flow redirected to {u}"),
    }
    app.wait_for(&["logged in", "granted"], Duration::from_secs(20));
    // The login approved the widget's origin; its data arrives.
    app.send("\x1b");
    app.wait_for(&["served", "42"], Duration::from_secs(15));
    assert!(secret_tool(&name).is_some());
    let mut screens = vec![app.text()];

    // Another homedash process removes the login: the dashboard notices
    // within seconds and stops polling.
    let out = homedash_with(tmp.path(), &cfg, &["creds", "rm", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    app.wait_for(&["creds login"], Duration::from_secs(5));
    std::thread::sleep(Duration::from_secs(1));
    let hits = resource_hits(&oidc, true) + resource_hits(&oidc, false);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        resource_hits(&oidc, true) + resource_hits(&oidc, false),
        hits,
        "still polling"
    );
    // And a login there: its widgets resume with the new tokens.
    screens.push(device_login(tmp.path(), &cfg, &name, &oidc));
    let before = resource_hits(&oidc, true);
    let end = Instant::now() + Duration::from_secs(8);
    while resource_hits(&oidc, true) == before {
        assert!(Instant::now() < end, "the new login was not picked up:\n{}", app.text());
        std::thread::sleep(Duration::from_millis(100));
    }
    screens.push(app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(10)), 0);
    assert_no_token_anywhere(&oidc, tmp.path(), &screens, &[]);
    let out = homedash_with(tmp.path(), &cfg, &["creds", "rm", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
}
