//! A token stored with the real `pass` (a throw-away GPG key and password
//! store in a temp dir) is read through `source = command`, and stdout is
//! the only place the value travels. Its own binary: it sets GNUPGHOME.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use homedash::credentials::Broker;
use homedash::credentials::SecretSource;
use homedash::credentials::internals::read_source;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::poll::Pollers;
use homedash::net::http::Http;
use homedash_widgets::Data;
use secrecy::ExposeSecret;

#[path = "integration/support/mod.rs"]
mod support;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn pass_show_through_the_command_source() {
    let dir = tempfile::tempdir().unwrap();
    let gnupg = dir.path().join("gnupg");
    let store = dir.path().join("store");
    std::fs::create_dir(&gnupg).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    // SAFETY: the only test in this binary; set before any thread reads them.
    unsafe {
        std::env::set_var("GNUPGHOME", &gnupg);
        std::env::set_var("PASSWORD_STORE_DIR", &store);
    }
    run(Command::new("gpg").args([
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        "homedash test <test@homedash.invalid>",
        "default",
        "default",
        "never",
    ]));
    let keys = run(Command::new("gpg").args(["--list-keys", "--with-colons"]));
    let fpr = keys
        .lines()
        .find_map(|l| l.strip_prefix("fpr:"))
        .and_then(|l| l.split(':').find(|f| f.len() == 40))
        .unwrap();
    run(Command::new("pass").args(["init", fpr]));

    let canary = format!("hd-canary-pass-{}", fastrand::u64(..));
    let mut insert = Command::new("pass")
        .args(["insert", "-m", "homedash/finnhub"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    insert
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{canary}\nurl: https://finnhub.io\n").as_bytes())
        .unwrap();
    assert!(insert.wait().unwrap().success());

    let src = SecretSource::Command {
        argv: vec!["pass".into(), "show".into(), "homedash/finnhub".into()],
        timeout: Duration::from_secs(10),
        hide_env: Vec::new(),
    };
    let secret = read_source(&src, "finnhub", None).await.unwrap();
    assert_eq!(
        secret.expose_secret(),
        canary,
        "the first line is the token, metadata lines are not"
    );

    let missing = SecretSource::Command {
        argv: vec!["pass".into(), "show".into(), "homedash/nope".into()],
        timeout: Duration::from_secs(10),
        hide_env: Vec::new(),
    };
    let err = read_source(&missing, "nope", None).await.unwrap_err().to_string();
    assert!(
        err.contains("`pass` failed") && err.contains("not in the password store"),
        "{err}"
    );

    // A widget polls with it: the loopback Finnhub takes only this token,
    // only in its header.
    let srv = support::providers::ProviderServer::start("finnhub", &[&canary]);
    let cfg = homedash::config::parse(
        "t",
        &format!(
            "[widget.stocks]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\nbase_url = \"{}\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"command\"\ncommand = [\"pass\", \"show\", \"homedash/finnhub\"]\n",
            srv.base()
        ),
    )
    .unwrap();
    let broker = Broker::new(&cfg.credentials);
    broker.approve("fh", &format!("http://{}", srv.addr));
    broker.load_all(None).await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let pollers = Pollers::spawn(&cfg.widgets, &Http::new().unwrap(), &broker, &tx);
    let quotes = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(Msg::Fetched { result, .. }) = rx.recv().await {
                break result;
            }
        }
    })
    .await
    .unwrap();
    match quotes {
        Ok(Data::Quotes(q)) => assert_eq!(q.quotes[0].symbol, "AAPL"),
        other => panic!("{other:?}"),
    }
    assert_eq!(srv.accepted(), 1);
    pollers.shutdown();

    let _ = Command::new("gpgconf").args(["--kill", "gpg-agent"]).status();
}
