//! `creds move` between a real GNOME Keyring and the real kernel keyring:
//! each token tested before anything is written, carried with its
//! rollback token, recorded and audited, and nothing left behind; a
//! credential is never read from a store other than the one it was moved
//! to. Run by tests/run.sh in tests/secret-service.sh inside a `keyctl
//! session`, where both answer; ignored in a plain `cargo test`.

use std::time::Duration;

use crate::creds_keyring::{Home, canary, config};
use crate::keyutils::{Forget, keyctl};
use crate::support::output_text as text;
use crate::support::providers::ProviderServer;
use crate::support::{canary::assert_no_form, files_under, secret_tool};

fn with_store(config: &str, store: &str) -> String {
    format!("[keyring]\nstore = \"{store}\"\n\n{config}")
}

fn recorded_store(home: &Home, name: &str) -> serde_json::Value {
    let state = std::fs::read(home.path().join("state/homedash/credentials.json")).unwrap();
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    state["credentials"][name]["store"].clone()
}

#[test]
#[ignore = "needs a Secret Service and the kernel keyring: run tests/run.sh"]
fn a_token_moves_to_the_kernel_keyring_and_back_tested_first_and_leaving_nothing_behind() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "this test runs where a Secret Service answers (tests/secret-service.sh)"
    );
    let name = format!("mv-{}", std::process::id());
    let _forget = Forget(name.clone());
    let (c1, c2, bad) = (canary("mv-one"), canary("mv-two"), canary("mv-bad"));
    let srv = ProviderServer::start("finnhub", &[&c1, &c2]);
    let plain = config(&srv.base(), &name);
    let home = Home::new(&with_store(&plain, "secret-service"));
    let mut said = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let o = home.creds(args, stdin);
        said.push(text(&o));
        o
    };

    // A token and the previous one a rotation keeps, in GNOME Keyring.
    assert!(
        run(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"))
            .status
            .success()
    );
    assert!(run(&["rotate", &name], &c2).status.success());
    assert_eq!(secret_tool(&name).as_deref(), Some(c2.as_str()));
    assert_eq!(secret_tool(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    assert_eq!(recorded_store(&home, &name), "secret-service");

    let o = run(&["move", &name, "--to", "keyutils"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("moved from the Secret Service")
            && text(&o).contains("to the kernel keyring (keyutils)")
            && text(&o).contains("tested first (valid)")
            && text(&o).contains("set it to \"keyutils\""),
        "{}",
        text(&o)
    );
    assert_eq!(
        keyctl(&name).as_deref(),
        Some(c2.as_str()),
        "the token is in the kernel keyring"
    );
    assert_eq!(keyctl(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    assert_eq!(secret_tool(&name), None, "nothing left in GNOME Keyring");
    assert_eq!(secret_tool(&format!("{name}#previous")), None);
    assert_eq!(recorded_store(&home, &name), "keyutils");
    let tests_before = srv.accepted();
    assert!(tests_before >= 2, "the rotation and the move each tested a token");

    // Never read silently from the other store: this config still says
    // the Secret Service, which has nothing, and homedash says where it is.
    let o = run(&["test", &name], "");
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("is kept in the kernel keyring (keyutils)")
            && text(&o).contains(&format!("homedash creds move {name} --to secret-service")),
        "{}",
        text(&o)
    );
    let o = run(&["list"], "");
    assert!(
        text(&o).contains("kept in the kernel keyring") && !text(&o).contains("no token stored"),
        "{}",
        text(&o)
    );
    // The dashboard says the same on the widget's card.
    let mut app = home.dashboard();
    app.wait_for(&["kept in the kernel"], Duration::from_secs(10));
    let mut screens = vec![app.text()];
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);

    // Under the store it was moved to, it works.
    std::fs::write(home.path().join("config.toml"), with_store(&plain, "keyutils")).unwrap();
    let o = run(&["test", &name], "");
    assert!(o.status.success(), "{}", text(&o));
    let mut app = home.dashboard();
    app.wait_for(&["AAPL", "261."], Duration::from_secs(10));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid())).unwrap();
    screens.push(app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);

    // And back.
    let o = run(&["move", &name, "--to", "secret-service"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(secret_tool(&name).as_deref(), Some(c2.as_str()));
    assert_eq!(secret_tool(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    assert_eq!(keyctl(&name), None, "nothing left in the kernel keyring");
    assert_eq!(keyctl(&format!("{name}#previous")), None);
    assert_eq!(recorded_store(&home, &name), "secret-service");

    // A token the provider rejects does not move, and nothing changes.
    std::fs::write(home.path().join("config.toml"), with_store(&plain, "secret-service")).unwrap();
    assert!(run(&["rm", &name, "--yes"], "").status.success());
    assert!(
        run(
            &["add", &name, "--provider", "finnhub", "--no-test"],
            &format!("{bad}\n")
        )
        .status
        .success()
    );
    let o = run(&["move", &name, "--to", "keyutils"], "");
    assert!(!o.status.success());
    assert!(
        text(&o).contains("not proven valid") && text(&o).contains("nothing was changed"),
        "{}",
        text(&o)
    );
    assert_eq!(secret_tool(&name).as_deref(), Some(bad.as_str()), "still where it was");
    assert_eq!(keyctl(&name), None, "nothing written to the kernel keyring");
    assert_eq!(recorded_store(&home, &name), "secret-service");
    // A rotation while a move is under way: the move stands down, and the
    // new token stays where the rotation put it, with nothing copied.
    assert!(run(&["rm", &name, "--yes"], "").status.success());
    assert!(
        run(&["add", &name, "--provider", "finnhub"], &format!("{c1}\n"))
            .status
            .success()
    );
    let mover = home
        .cmd(&["creds", "move", &name, "--to", "keyutils"])
        .env("HOMEDASH_TEST_PAUSE_AT", "move-copied")
        .env("HOMEDASH_TEST_PAUSE_FOR", "3000")
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while keyctl(&name).is_none() {
        assert!(started.elapsed() < Duration::from_secs(10), "the move never copied");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(run(&["rotate", &name], &c2).status.success());
    let o = mover.wait_with_output().unwrap();
    let raced = text(&o);
    assert!(!o.status.success());
    assert!(text(&o).contains("changed while it was being moved"), "{}", text(&o));
    assert_eq!(
        secret_tool(&name).as_deref(),
        Some(c2.as_str()),
        "the rotated token is kept"
    );
    assert_eq!(secret_tool(&format!("{name}#previous")).as_deref(), Some(c1.as_str()));
    assert_eq!(keyctl(&name), None, "the copies were removed");
    assert_eq!(recorded_store(&home, &name), "secret-service");
    // Moving to where it is already kept is said, and does nothing.
    let o = run(&["move", &name, "--to", "secret-service"], "");
    assert!(text(&o).contains("already; nothing was moved"), "{}", text(&o));
    assert!(run(&["rm", &name, "--yes"], "").status.success());

    let audit = std::fs::read_to_string(home.path().join("state/homedash/audit.jsonl")).unwrap();
    let moves: Vec<&str> = audit.lines().filter(|l| l.contains("\"event\":\"moved\"")).collect();
    assert_eq!(moves.len(), 2, "{audit}");
    assert!(
        moves[0].contains("to the kernel keyring") && moves[0].contains("2 entries") && moves[0].contains("valid"),
        "{}",
        moves[0]
    );
    let canaries = [c1.as_str(), c2.as_str(), bad.as_str()];
    assert_no_form("argv", &String::from_utf8_lossy(&cmdline), &canaries);
    for s in screens.iter().chain(&said).chain([&raced]) {
        assert_no_form("output", s, &canaries);
    }
    for f in files_under(home.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert_no_form(&f.display().to_string(), &String::from_utf8_lossy(&bytes), &canaries);
    }
}
