//! `homedash doctor` in the four situations a user meets, each against a
//! real GNOME Keyring of its own (tests/secret-service.sh, nested, so
//! that locking it touches no other test) and a loopback provider.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::providers::ProviderServer;

const TOKEN: &str = "hd-canary-doctor-0123456789abcdef";

/// A home with `config`, and `script` run in it inside a keyring of its
/// own, with the binary as `$HD` and the config as `$CFG`.
fn in_keyring(dir: &Path, config: &str, script: &str) -> Output {
    std::fs::write(dir.join("config.toml"), config).unwrap();
    support::in_keyring(dir, script)
}

fn config(base: &str, more: &str) -> String {
    format!(
        r#"[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "fh"
base_url = "{base}"

[credential.fh]
provider = "finnhub"
rotate_after = "90days"
{more}"#
    )
}

/// The line of check `name` in doctor's report, and the fix under it.
fn line<'a>(out: &'a str, name: &str) -> (&'a str, &'a str) {
    let mut lines = out.lines();
    let found = lines
        .by_ref()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(&format!("{name} "))))
        .unwrap_or_else(|| panic!("no line for {name} in\n{out}"));
    let fix = lines
        .next()
        .filter(|l| l.trim_start().starts_with("fix:"))
        .unwrap_or("");
    (found, fix)
}

/// Stored, tested valid, rotation months away: every check passes.
const ADD_THEN_DOCTOR: &str = r#"
printf '%s\n' "$TOKEN" | "$HD" --config "$CFG" creds add fh >/dev/null 2>&1 || { echo "add failed"; exit 70; }
"$HD" --config "$CFG" doctor; echo "rc=$?"
"$HD" --config "$CFG" doctor --json; echo "rc=$?"
"#;

#[test]
fn everything_fine_exits_0() {
    let p = ProviderServer::start("finnhub", &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let script = ADD_THEN_DOCTOR.replace("$TOKEN", TOKEN);
    let o = in_keyring(dir.path(), &config(&p.base(), ""), &script);
    let out = String::from_utf8_lossy(&o.stdout);
    let (human, json) = out.split_once("rc=").unwrap();
    assert!(
        human.contains("Everything is fine."),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(json.starts_with("0\n"), "{out}");
    let (cred, _) = line(human, "credential fh");
    assert!(cred.starts_with("ok"), "{cred}");
    for fact in [
        "keyring: reads",
        "fingerprint …cdef",
        "last test valid today",
        "rotation due 20",
    ] {
        assert!(cred.contains(fact), "{fact} not in {cred}");
    }
    let (keyring, _) = line(human, "keyring");
    assert!(
        keyring.contains("reachable and unlocked; 1 homedash entry"),
        "{keyring}"
    );
    let (clock, _) = line(human, "clock");
    assert!(
        clock.starts_with("ok") && clock.contains("of http://127.0.0.1:"),
        "{clock}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(json.split_once('\n').unwrap().1.rsplit_once("rc=").unwrap().0).unwrap();
    assert_eq!(doc["ok"], true);
    assert!(
        doc["checks"].as_array().unwrap().iter().all(|c| c["status"] == "ok"),
        "{doc}"
    );
    assert!(out.ends_with("rc=0\n"), "{out}");
    // Nothing of the token in doctor's output.
    assert!(!out.contains(TOKEN));
}

#[test]
fn a_locked_keyring_is_named_with_how_to_unlock_it() {
    let p = ProviderServer::start("finnhub", &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
printf '%s\n' "{TOKEN}" | "$HD" --config "$CFG" creds add fh >/dev/null 2>&1 || {{ echo "add failed"; exit 70; }}
bus() {{ dbus-send --session --print-reply --reply-timeout=2000 --dest=org.freedesktop.secrets "$@"; }}
coll=$(bus /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default | sed -n 's/.*object path "\(.*\)".*/\1/p')
bus /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock "array:objpath:$coll" >/dev/null
"$HD" --config "$CFG" doctor; echo "rc=$?"
"$HD" --config "$CFG" doctor --json > "$HOME/doctor.json"; echo "json rc=$?"
"#
    );
    let o = in_keyring(dir.path(), &config(&p.base(), ""), &script);
    let out = String::from_utf8_lossy(&o.stdout);
    let (keyring, fix) = line(&out, "keyring");
    assert!(keyring.starts_with("FAIL") && keyring.contains("locked"), "{out}");
    assert!(fix.contains("fix: unlock the keyring"), "{out}");
    let (cred, _) = line(&out, "credential fh");
    assert!(cred.starts_with("skip"), "{cred}");
    assert!(out.contains("rc=1\n") && out.contains("json rc=1\n"), "{out}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("doctor.json")).unwrap()).unwrap();
    assert_eq!(doc["ok"], false);
    let k = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "keyring")
        .unwrap();
    assert_eq!(k["status"], "fail");
    assert!(k["fix"].as_str().unwrap().contains("unlock"));
}

#[test]
fn a_config_others_can_write_is_refused_and_its_commands_never_run() {
    let p = ProviderServer::start("finnhub", &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    // A command credential an attacker could have put there: doctor must
    // not run it from a file others can write.
    let more = format!(
        "\n[credential.cmd]\nprovider = \"finnhub\"\nsource = \"command\"\ncommand = [\"touch\", \"{}\"]\n",
        marker.display()
    );
    // Run twice: with no homedash entry the keyring's lock is tried with a
    // throw-away entry, which must be gone for the second run.
    let script =
        r#"chmod 0666 "$CFG"; "$HD" --config "$CFG" doctor >/dev/null; "$HD" --config "$CFG" doctor; echo "rc=$?""#;
    let o = in_keyring(dir.path(), &config(&p.base(), &more), script);
    let out = String::from_utf8_lossy(&o.stdout);
    let (cfg, fix) = line(&out, "config");
    assert!(
        cfg.starts_with("FAIL") && cfg.contains("writable by group and others (mode 0666)"),
        "{out}"
    );
    assert!(fix.contains("fix: chmod go-w ") && fix.contains("config.toml"), "{out}");
    let (keyring, _) = line(&out, "keyring");
    assert!(
        keyring.starts_with("ok") && keyring.contains("reachable and unlocked; 0 homedash entries"),
        "the probe entry was removed: {keyring}"
    );
    let (creds, _) = line(&out, "credentials");
    assert!(creds.starts_with("skip"), "{out}");
    assert!(out.ends_with("rc=1\n"), "{out}");
    assert!(!marker.exists(), "doctor ran a command from an untrusted config");
}

#[test]
fn a_failing_command_credential_shows_its_stderr_and_how_to_try_it() {
    let p = ProviderServer::start("finnhub", &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let more = r#"
[credential.vault]
provider = "finnhub"
source = "command"
command = ["sh", "-c", "echo 'vault: permission denied for secret/homedash' >&2; exit 3"]
"#;
    let script = format!(
        r#"printf '%s\n' "{TOKEN}" | "$HD" --config "$CFG" creds add fh >/dev/null 2>&1 || {{ echo "add failed"; exit 70; }}
"$HD" --config "$CFG" doctor; echo "rc=$?""#
    );
    let o = in_keyring(dir.path(), &config(&p.base(), more), &script);
    let out = String::from_utf8_lossy(&o.stdout);
    let (vault, fix) = line(&out, "credential vault");
    assert!(vault.starts_with("FAIL"), "{out}");
    assert!(
        vault.contains("vault: permission denied for secret/homedash"),
        "{vault}"
    );
    assert!(vault.contains('3'), "the exit status: {vault}");
    // The program as it was resolved when the config was loaded.
    assert!(
        fix.contains("run the command by hand (/") && fix.contains("/sh -c "),
        "{fix}"
    );
    let (fh, _) = line(&out, "credential fh");
    assert!(fh.starts_with("ok"), "the other credential is fine: {fh}");
    assert!(out.ends_with("rc=1\n"), "{out}");
}
