//! One gate for every secret: the findings of the attack on 7eb8d0c, each
//! replayed against loopback servers (an authorization server that
//! redirects and echoes, providers that echo the token in errors and in
//! data, commands that echo and daemonise, links planted in the state
//! dir). Every test names its finding; each failed on 7eb8d0c.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{self, pty::Running};
use base64::Engine as _;

use support::canary::assert_no_form as assert_clean;

/// Every file under `dir` (the state dir: the state file, audit, logs).
fn kept(dir: &Path) -> String {
    support::canary::files_text(dir)
}

fn all(o: &Output) -> String {
    support::output_text(o)
}

/// One request as a loopback server saw it.
#[derive(Clone, Debug)]
struct Seen {
    head: String,
    body: String,
}

type Answer = Arc<dyn Fn(&Seen) -> (u16, Vec<(String, String)>, String) + Send + Sync>;

/// A loopback HTTP/1.1 server on `bind` that answers each request with
/// `answer` and keeps what it saw.
struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(bind: &str, answer: Answer) -> Server {
        let listener = TcpListener::bind(bind).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for sock in listener.incoming().flatten() {
                let (log, answer) = (log.clone(), answer.clone());
                std::thread::spawn(move || serve(sock, &log, &answer));
            }
        });
        Server { addr, seen }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut sock: TcpStream, log: &Mutex<Vec<Seen>>, answer: &Answer) {
    sock.set_read_timeout(Some(Duration::from_secs(10))).ok();
    loop {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match sock.read(&mut byte) {
                Ok(1) => buf.push(byte[0]),
                _ => return,
            }
        }
        let head = String::from_utf8_lossy(&buf).into_owned();
        let len: usize = support::header(&head, "content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        if sock.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            head,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        log.lock().unwrap().push(seen.clone());
        let (status, headers, text) = answer(&seen);
        let mut out = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            text.len()
        );
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&text);
        if sock.write_all(out.as_bytes()).is_err() {
            return;
        }
    }
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, config: &str) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, config).unwrap();
    p
}

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = support::homedash(dir, args);
    for v in support::PROXY_VARS {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

const FH_TOKEN: &str = "hd-canary-gate-finnhub-0123456789abc";

fn finnhub_config(base: &str) -> String {
    format!(
        "[widget.q]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\nbase_url = \"{base}\"\ncredential = \"fh\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_GATE_FH\"\n"
    )
}

/// Finding 5: a body longer than the cap was cut before it was scrubbed,
/// leaving the first characters of the token; base64 at an offset and
/// `%XX` of every byte were not scrubbed at all.
#[test]
fn finding_5_a_long_echo_is_scrubbed_before_it_is_cut_in_every_encoding() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("X-Finnhub-Token: {FH_TOKEN}"));
    let pct: String = FH_TOKEN.bytes().map(|b| format!("%{b:02X}")).collect();
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(move |_| {
            // The encoded forms first, then the token itself astride the
            // 400-character cap: cut first, its first 28 characters
            // would be left.
            let head = format!("{b64} {pct} ");
            let msg = format!("{head}{}{FH_TOKEN}", "x".repeat(371 - head.len()));
            (401, Vec::new(), format!("{{\"error\":\"{msg}\"}}"))
        }),
    );
    let dir = home();
    write(dir.path(), &finnhub_config(&srv.base()));
    support::allow(dir.path(), &dir.path().join("config.toml"), "fh", &srv.base());
    let o = run(dir.path(), &[("HD_GATE_FH", FH_TOKEN)], &["creds", "test", "fh"]);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    assert!(all(&o).contains("rejected"), "{}", all(&o));
    assert_clean("creds test", &all(&o), &[FH_TOKEN]);
    let files = kept(&dir.path().join("state"));
    assert!(files.contains("audit.jsonl"), "{files}");
    assert_clean("the state dir", &files, &[FH_TOKEN]);
}

const PROM_TOKEN: &str = "hd-canary-gate-prometheus-98765432";

/// Finding 4: provider data (a Prometheus label that echoes the bearer
/// token, plain and base64) was drawn as it came.
#[test]
fn finding_4_data_that_echoes_the_token_is_never_drawn() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("Bearer {PROM_TOKEN}"));
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(move |_| {
            let body = format!(
                r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"job":"{PROM_TOKEN}"}},"value":[1435781451.781,"1"]}},{{"metric":{{"job":"b64 {b64}"}},"value":[1435781451.781,"2"]}}]}}}}"#
            );
            (200, Vec::new(), body)
        }),
    );
    let config = format!(
        "[widget.p]\nkind = \"metrics\"\nprovider = \"prometheus\"\nquery = \"up\"\nlegend = \"job\"\ntitle = \"echoed\"\nbase_url = \"{}\"\ncredential = \"prom\"\nrefresh = \"1h\"\n\n[credential.prom]\nprovider = \"prometheus\"\nsource = \"env\"\nenv = \"HD_GATE_PROM\"\n",
        srv.base()
    );
    let dir = home();
    let cfg = write(dir.path(), &config);
    support::allow(dir.path(), &cfg, "prom", &srv.base());
    let mut app = Running::start_in(
        dir.path(),
        &["--config", cfg.to_str().unwrap()],
        &[("HD_GATE_PROM", PROM_TOKEN)],
    );
    app.wait_for(&["echoed", "REDACTED"], Duration::from_secs(15));
    app.send("q");
    app.wait_exit(Duration::from_secs(5));
    let raw = String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned();
    assert_clean("the terminal's bytes", &raw, &[PROM_TOKEN]);
    assert_clean("the state dir", &kept(&dir.path().join("state")), &[PROM_TOKEN]);
    assert!(!srv.seen().is_empty());
}

const CLIENT_SECRET: &str = "hd-canary-gate-client-secret-4242";

fn oauth_config(name: &str, endpoints: &str, resource: &str) -> String {
    format!(
        r#"[widget.m]
kind = "metrics"
provider = "prometheus-text"
metric = "hd_requests_total"
title = "served"
base_url = "{resource}"
refresh = "1h"
credential = "{name}"

[credential.{name}]
provider = "prometheus-text"
type = "oauth2"
grant = "client_credentials"
{endpoints}
client_id = "hd-machine"
client_secret = {{ source = "env", env = "HD_GATE_CLIENT" }}
scopes = ["metrics:read"]
"#
    )
}

fn token_answer(_: &Seen) -> (u16, Vec<(String, String)>, String) {
    (
        200,
        Vec::new(),
        r#"{"access_token":"hd-canary-gate-access-000111222","token_type":"Bearer","expires_in":3600,"scope":"metrics:read"}"#
            .into(),
    )
}

/// Finding 3: an authorization server's words were cleaned but not
/// scrubbed: an `invalid_client` that echoes the posted form and the
/// Basic header printed the client secret.
#[test]
fn finding_3_an_authorization_server_that_echoes_the_client_secret_is_scrubbed() {
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(|seen: &Seen| {
            let basic = support::header(&seen.head, "authorization").unwrap_or("").to_string();
            let echo = format!("bad client: form [{}] header [{basic}]", seen.body);
            (
                401,
                Vec::new(),
                serde_json::json!({"error": "invalid_client", "error_description": echo}).to_string(),
            )
        }),
    );
    let dir = home();
    let base = srv.base();
    write(
        dir.path(),
        &oauth_config("machine", &format!("token_endpoint = \"{base}/token\""), &base),
    );
    let o = run(
        dir.path(),
        &[("HD_GATE_CLIENT", CLIENT_SECRET)],
        &["creds", "login", "machine"],
    );
    assert!(!o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains("bad client"),
        "the server's words are still shown: {}",
        all(&o)
    );
    assert_clean("creds login", &all(&o), &[CLIENT_SECRET]);
    assert_clean("the state dir", &kept(&dir.path().join("state")), &[CLIENT_SECRET]);
    // It did receive the secret: the echo was real.
    let seen = srv.seen();
    let basic = support::header(&seen[0].head, "authorization").unwrap().to_string();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic.trim_start_matches("Basic "))
        .unwrap();
    assert!(String::from_utf8_lossy(&decoded).contains(CLIENT_SECRET));
}

/// Finding 1: a config edit that moved the token endpoint sent the client
/// secret to the new host, with no warning.
#[test]
fn finding_1_a_moved_token_endpoint_gets_no_secret_until_a_new_login() {
    let a = Server::start("127.0.0.1:0", Arc::new(token_answer));
    let b = Server::start("127.0.0.2:0", Arc::new(token_answer));
    let resource = Server::start(
        "127.0.0.1:0",
        Arc::new(|_| (200, Vec::new(), "hd_requests_total 42\n".into())),
    );
    let dir = home();
    let env = [("HD_GATE_CLIENT", CLIENT_SECRET)];
    let at_a = oauth_config(
        "machine",
        &format!("token_endpoint = \"{}/token\"", a.base()),
        &resource.base(),
    );
    write(dir.path(), &at_a);
    let o = run(dir.path(), &env, &["creds", "login", "machine"]);
    assert!(o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains(&a.base()),
        "the login names the endpoint it approves: {}",
        all(&o)
    );
    let o = run(dir.path(), &env, &["creds", "test", "machine"]);
    assert!(o.status.success(), "{}", all(&o));
    // The edit: the same credential, its token endpoint on another host.
    write(dir.path(), &at_a.replace(&a.base(), &b.base()));
    let o = run(dir.path(), &env, &["check"]);
    let text = all(&o);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("config.toml:") && text.contains(&b.base()) && text.contains("homedash creds login machine"),
        "check warns with the place and the fix: {text}"
    );
    assert!(text.contains("1 warning"), "the summary counts it: {text}");
    let o = run(dir.path(), &env, &["creds", "test", "machine"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("not approved"), "{}", all(&o));
    // The dashboard holds it too: the widget waits for a login.
    let cfg = dir.path().join("config.toml");
    let mut app = Running::start_in(
        dir.path(),
        &["--config", cfg.to_str().unwrap()],
        &[("HD_GATE_CLIENT", CLIENT_SECRET)],
    );
    app.wait_for(&["log in again"], Duration::from_secs(15));
    app.send("q");
    app.wait_exit(Duration::from_secs(5));
    assert!(b.seen().is_empty(), "the new host got {:?}", b.seen());
    // A new login approves it, and then it is used.
    let o = run(dir.path(), &env, &["creds", "login", "machine"]);
    assert!(o.status.success(), "{}", all(&o));
    assert_eq!(b.seen().len(), 1);
}

/// Finding 2: discovery followed a redirect to another origin, and took
/// metadata naming endpoints on any host.
#[test]
fn finding_2_discovery_follows_no_redirect_and_no_endpoint_elsewhere() {
    let elsewhere = Server::start("127.0.0.2:0", Arc::new(token_answer));
    let other = elsewhere.base();
    // An issuer whose well-known address redirects to another host.
    let redirecting = Server::start(
        "127.0.0.1:0",
        Arc::new(move |_| (302, vec![("location".into(), format!("{other}/meta"))], String::new())),
    );
    let dir = home();
    let env = [("HD_GATE_CLIENT", CLIENT_SECRET)];
    write(
        dir.path(),
        &oauth_config(
            "machine",
            &format!("issuer = \"{}\"", redirecting.base()),
            &redirecting.base(),
        ),
    );
    let o = run(dir.path(), &env, &["creds", "login", "machine"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("redirect"), "{}", all(&o));
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    // An issuer whose metadata names a token endpoint on another host.
    let other = elsewhere.base();
    let issuer = Arc::new(Mutex::new(String::new()));
    let named = issuer.clone();
    let meta = Server::start(
        "127.0.0.1:0",
        Arc::new(move |_| {
            let iss = named.lock().unwrap().clone();
            (
                200,
                Vec::new(),
                format!(r#"{{"issuer":"{iss}","token_endpoint":"{other}/token"}}"#),
            )
        }),
    );
    *issuer.lock().unwrap() = meta.base();
    write(
        dir.path(),
        &oauth_config("machine", &format!("issuer = \"{}\"", meta.base()), &meta.base()),
    );
    let o = run(dir.path(), &env, &["creds", "login", "machine"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains(&elsewhere.base()) && all(&o).contains("creds allow machine"),
        "{}",
        all(&o)
    );
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
}

/// Finding 6: a command that echoed its token on stderr and failed put the
/// token in `creds test` and the audit log; a grandchild that called
/// setsid() outlived the timeout; relative paths, bare names and programs
/// in world-writable directories were taken silently.
#[test]
fn finding_6_command_sources_are_resolved_scrubbed_and_stopped_whole() {
    let dir = home();
    let token = "hd-canary-gate-command-55554444";
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(|_| (401, Vec::new(), r#"{"error":"no"}"#.into())),
    );
    let with = |command: &str, timeout: &str| {
        finnhub_config(&srv.base()).replace(
            "source = \"env\"\nenv = \"HD_GATE_FH\"\n",
            &format!("source = \"command\"\ncommand = {command}\ncommand_timeout = \"{timeout}\"\n"),
        )
    };
    // It prints the token, says it again on stderr, and fails.
    write(
        dir.path(),
        &with(
            &format!(r#"["sh", "-c", "echo {token}; echo \"oops: {token}\" >&2; exit 2"]"#),
            "5s",
        ),
    );
    support::allow(dir.path(), &dir.path().join("config.toml"), "fh", &srv.base());
    let o = run(dir.path(), &[], &["creds", "test", "fh"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("oops: REDACTED"), "{}", all(&o));
    assert_clean("creds test", &all(&o), &[token]);
    assert_clean("the state dir", &kept(&dir.path().join("state")), &[token]);
    // A grandchild that leaves the process group is stopped at the timeout.
    let pidfile = dir.path().join("daemon.pid");
    let daemon = format!(
        r#"["sh", "-c", "setsid sh -c 'echo $$ > {}; exec sleep 60' & sleep 60"]"#,
        pidfile.display()
    );
    write(dir.path(), &with(&daemon, "1s"));
    let o = run(dir.path(), &[], &["creds", "test", "fh"]);
    assert!(all(&o).contains("everything it started were stopped"), "{}", all(&o));
    let pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_string();
    let gone = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.split_whitespace().nth(2) == Some("Z"))
            .unwrap_or(true)
    });
    assert!(gone, "the setsid grandchild {pid} outlived the timeout");
    // A relative path is refused with the fix; a bare name is resolved and
    // shown; a program others can write, or in a directory they can, is
    // refused.
    write(dir.path(), &with(r#"["./bin/token", "x"]"#, "5s"));
    let o = run(dir.path(), &[], &["check"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains("relative path") && all(&o).contains("config.toml:"),
        "{}",
        all(&o)
    );
    write(dir.path(), &with(r#"["sh", "-c", "echo x"]"#, "5s"));
    let o = run(dir.path(), &[], &["check"]);
    assert!(o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains("comes from /"),
        "the resolved path is shown: {}",
        all(&o)
    );
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let prog = shared.join("tok");
    std::fs::write(&prog, "#!/bin/sh\necho x\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    write(dir.path(), &with(&format!(r#"["{}"]"#, prog.display()), "5s"));
    let o = run(dir.path(), &[], &["check"]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("chmod go-w"), "{}", all(&o));
}

/// Finding 7: `check` and startup errors quoted config values raw (OSC 52,
/// CSI 2J, U+202E reached the terminal); a title's U+202E reached the
/// dashboard's terminal; a token with a control character was used.
#[test]
fn finding_7_config_values_and_tokens_reach_no_terminal_raw() {
    let dir = home();
    let hostile = "\\u001b]52;c;aGk=\\u0007\\u001b[2J\\u202e";
    write(
        dir.path(),
        &format!("[widget.c]\nkind = \"clock\"\nrefresh = \"{hostile}\"\ntitle = \"{hostile}\"\n"),
    );
    for args in [&["check"][..], &[][..]] {
        let o = run(dir.path(), &[], args);
        let text = all(&o);
        assert!(!o.status.success(), "{text}");
        assert!(text.contains("refresh"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("\\x1b]52"), "shown, escaped: {text}");
    }
    // On the dashboard, a title's bidi override never reaches the terminal.
    let config = format!("[widget.c]\nkind = \"clock\"\ntitle = \"left{hostile}right\"\n");
    let mut app = Running::start(&config, &[]);
    app.wait_for(&["left"], Duration::from_secs(10));
    app.send("q");
    app.wait_exit(Duration::from_secs(5));
    let raw = String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned();
    assert!(!raw.contains('\u{202e}') && !raw.contains("\u{1b}]52;"), "{raw:?}");
    // A token with a control character in it is not used.
    let srv = Server::start("127.0.0.1:0", Arc::new(|_| (200, Vec::new(), r#"{"c":1}"#.into())));
    write(dir.path(), &finnhub_config(&srv.base()));
    support::allow(dir.path(), &dir.path().join("config.toml"), "fh", &srv.base());
    let o = run(
        dir.path(),
        &[("HD_GATE_FH", "hd-canary-gate-ctl-0000\u{1b}[2J")],
        &["creds", "test", "fh"],
    );
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("control or invisible character"), "{}", all(&o));
    assert!(!all(&o).contains('\u{1b}'), "{:?}", all(&o));
    assert!(srv.seen().is_empty(), "it was sent: {:?}", srv.seen());
}

/// Finding 8: the audit log was appended through a symlink, and a
/// symlinked state dir had its target chmod'ed.
#[test]
fn finding_8_nothing_is_written_through_a_link_in_the_state_dir() {
    use std::os::unix::fs::PermissionsExt;
    let srv = Server::start("127.0.0.1:0", Arc::new(|_| (200, Vec::new(), "{}".into())));
    let dir = home();
    write(dir.path(), &finnhub_config(&srv.base()));
    let origin = srv.base();
    // The state dir is a link to a directory others can read.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(dir.path().join("state")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("state/homedash")).unwrap();
    let o = run(dir.path(), &[], &["creds", "allow", "fh", &origin]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(
        all(&o).contains("is a symlink") && all(&o).contains("rm "),
        "{}",
        all(&o)
    );
    assert_eq!(
        std::fs::metadata(&elsewhere).unwrap().permissions().mode() & 0o777,
        0o755,
        "the link's target was chmod'ed"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written there"
    );
    // A real state dir whose audit log is a link to another file.
    std::fs::remove_file(dir.path().join("state/homedash")).unwrap();
    std::fs::create_dir(dir.path().join("state/homedash")).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "theirs\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("state/homedash/audit.jsonl")).unwrap();
    let o = run(dir.path(), &[], &["creds", "allow", "fh", &origin]);
    assert!(!o.status.success(), "{}", all(&o));
    assert!(all(&o).contains("audit"), "{}", all(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "theirs\n");
}

/// Finding 9: `ALL_PROXY=socks5://…` passed `check` and `doctor`, then every
/// widget failed.
#[test]
fn finding_9_a_socks_proxy_is_an_error_at_start_naming_its_variable() {
    let dir = home();
    write(dir.path(), "[widget.c]\nkind = \"clock\"\n");
    let env = [("ALL_PROXY", "socks5://127.0.0.1:1080")];
    for args in [&["check"][..], &[][..]] {
        let o = run(dir.path(), &env, args);
        assert_eq!(o.status.code(), Some(1), "{}", all(&o));
        assert!(
            all(&o).contains("ALL_PROXY") && all(&o).contains("socks5://"),
            "{}",
            all(&o)
        );
    }
    let o = run(dir.path(), &env, &["doctor"]);
    assert!(!o.status.success(), "{}", all(&o));
    let proxy = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.contains("proxy"))
        .unwrap_or("")
        .to_string();
    assert!(proxy.starts_with("FAIL") && proxy.contains("ALL_PROXY"), "{}", all(&o));
}

use support::in_keyring;

/// Finding 7, in the keyring: a token ending in `ESC[2J` was stored by
/// `creds add`, and its fingerprint cleared the screen in `creds list`.
#[test]
fn finding_7_a_token_with_a_control_character_is_never_stored() {
    let srv = Server::start("127.0.0.1:0", Arc::new(|_| (200, Vec::new(), r#"{"c":1}"#.into())));
    let dir = home();
    write(
        dir.path(),
        &finnhub_config(&srv.base()).replace("source = \"env\"\nenv = \"HD_GATE_FH\"\n", ""),
    );
    let o = in_keyring(
        dir.path(),
        r#"printf 'hd-canary-gate-ctl-000000\033[2J\n' | "$HD" --config "$CFG" creds add fh; echo "rc=$?"
secret-tool lookup service homedash username fh >/dev/null && echo STORED || echo "not stored"
"$HD" --config "$CFG" creds list"#,
    );
    let text = all(&o);
    assert!(text.contains("rc=1") && text.contains("not stored"), "{text}");
    assert!(text.contains("control or invisible character"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(srv.seen().is_empty(), "it was sent: {:?}", srv.seen());
}

/// Finding 8, in the keyring: a `NAME#previous` homedash never wrote
/// (stored with `secret-tool`) was adopted as the rollback token.
#[test]
fn finding_8_a_foreign_previous_entry_is_never_adopted() {
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(|_| {
            (
                200,
                Vec::new(),
                r#"{"c":1,"d":0,"dp":0,"h":1,"l":1,"o":1,"pc":1,"t":1}"#.into(),
            )
        }),
    );
    let dir = home();
    write(
        dir.path(),
        &finnhub_config(&srv.base()).replace("source = \"env\"\nenv = \"HD_GATE_FH\"\n", ""),
    );
    support::allow(dir.path(), &dir.path().join("config.toml"), "fh", &srv.base());
    let o = in_keyring(
        dir.path(),
        &format!(
            r#"printf '%s\n' '{FH_TOKEN}' | "$HD" --config "$CFG" creds add fh >/dev/null || {{ echo "add failed"; exit 70; }}
printf 'hd-canary-gate-planted-00000' | secret-tool store --label planted service homedash username 'fh#previous'
"$HD" --config "$CFG" creds rollback fh; echo "rollback rc=$?"
"$HD" --config "$CFG" creds confirm fh; echo "confirm rc=$?"
echo "current=$(secret-tool lookup service homedash username fh)"
echo "previous=$(secret-tool lookup service homedash username 'fh#previous')""#
        ),
    );
    let text = all(&o);
    assert!(
        text.contains("rollback rc=1") && text.contains("confirm rc=1"),
        "{text}"
    );
    assert!(text.contains("not written by homedash"), "{text}");
    assert!(
        text.contains(&format!("current={FH_TOKEN}")),
        "the current token stays: {text}"
    );
    assert!(
        text.contains("previous=hd-canary-gate-planted-00000"),
        "the foreign entry is left as it was: {text}"
    );
}

/// Finding 8, the client secret: a wrong one typed at `creds login` was
/// kept and reused, and `creds rm` said "nothing is stored".
#[test]
fn finding_8_a_client_secret_is_kept_only_once_accepted_and_rm_removes_it() {
    let accept = Arc::new(Mutex::new(false));
    let flag = accept.clone();
    let srv = Server::start(
        "127.0.0.1:0",
        Arc::new(move |seen: &Seen| {
            if *flag.lock().unwrap() {
                token_answer(seen)
            } else {
                (401, Vec::new(), r#"{"error":"invalid_client"}"#.into())
            }
        }),
    );
    let dir = home();
    let base = srv.base();
    write(
        dir.path(),
        &oauth_config("machine", &format!("token_endpoint = \"{base}/token\""), &base).replace(
            "{ source = \"env\", env = \"HD_GATE_CLIENT\" }",
            "{ source = \"keyring\" }",
        ),
    );
    let script = format!(
        r#"printf 'hd-canary-gate-wrong-secret-0\n' | "$HD" --config "$CFG" creds login machine; echo "login rc=$?"
secret-tool lookup service homedash username 'machine#client' >/dev/null && echo "kept" || echo "not kept"
touch {accept}
while [ -e {accept} ]; do sleep 0.05; done
printf '{CLIENT_SECRET}\n' | "$HD" --config "$CFG" creds login machine; echo "login2 rc=$?"
secret-tool lookup service homedash username 'machine#client' >/dev/null && echo "kept2" || echo "not kept2"
"$HD" --config "$CFG" creds rm machine; echo "rm rc=$?"
secret-tool lookup service homedash username 'machine#client' >/dev/null && echo "left" || echo "gone""#,
        accept = dir.path().join("accept").display()
    );
    // Flip the server to accepting when the script asks for it.
    let marker = dir.path().join("accept");
    let flip = {
        let accept = accept.clone();
        std::thread::spawn(move || {
            for _ in 0..600 {
                if marker.exists() {
                    *accept.lock().unwrap() = true;
                    std::fs::remove_file(&marker).unwrap();
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let o = in_keyring(dir.path(), &script);
    flip.join().unwrap();
    let text = all(&o);
    assert!(text.contains("login rc=1") && text.contains("not kept\n"), "{text}");
    assert!(text.contains("was not kept"), "the login says so: {text}");
    assert!(text.contains("login2 rc=0") && text.contains("kept2"), "{text}");
    assert!(text.contains("rm rc=0") && text.contains("gone"), "{text}");
    assert!(
        text.contains("machine#client") && text.contains("deleted"),
        "rm says so: {text}"
    );
    assert_clean("the run", &text, &[CLIENT_SECRET]);
}
