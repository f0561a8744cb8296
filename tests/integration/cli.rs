//! The command line outside a terminal, and the one question it asks on one.

use std::process::Command;

#[test]
fn without_a_terminal_it_says_so_and_writes_no_escape_codes() {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .env_remove("HOMEDASH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard output is not a terminal"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn check_without_a_config_validates_the_embedded_default() {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .arg("check")
        .env_remove("HOMEDASH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "<embedded default>: ok, 3 widgets"
    );
}

#[test]
fn homedash_config_env_is_used_and_a_missing_file_is_an_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .arg("check")
        .env("HOMEDASH_CONFIG", "/nonexistent/x.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/x.toml (from HOMEDASH_CONFIG)"), "{err}");
}

#[test]
fn setup_refuses_to_edit_an_invalid_config_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "# mine\n[widget.a]\nkind = \"weather\"\nlatitude = 123\nlongitude = 0\n";
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--config", path.to_str().unwrap(), "setup"])
        .env_remove("HOMEDASH_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml:4:") && err.contains("must be valid first"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no backup, no temp file"
    );
}

#[test]
fn a_bad_log_filter_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--log-level", "bogus=[", "check"])
        .env_remove("HOMEDASH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bogus=[") && err.contains("homedash=trace"), "{err}");
}

/// Names are letters, digits, '-' and '_': refused before anything is
/// stored, with the rule (no keyring is asked).
#[test]
fn credential_names_that_would_break_things_are_refused() {
    let home = tempfile::tempdir().unwrap();
    for name in ["my key", "x#staged", "a.b"] {
        let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
            .args(["creds", "add", name, "--provider", "finnhub"])
            .env_remove("HOMEDASH_CONFIG")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("\"{name}\" is not a credential name"))
                && err.contains("letters, digits, '-' and '_'"),
            "{name}: {err}"
        );
        assert!(!home.path().join("state").exists(), "{name}: nothing was written");
    }
}

#[test]
fn creds_help_documents_the_exit_codes() {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["creds", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Exit codes:") && text.contains("  1  not done"), "{text}");
}

/// `homedash schema | head -1`: the reader stops early, and the command
/// ends quietly with success, as `ls | head` does, never with a panic.
#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["schema"][..],
        &["creds", "list"],
        &["check"],
        &["completions", "bash"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_homedash"))
            .args(args)
            .env("HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        let _ = child.stdout.take().unwrap().read(&mut first);
        // The pipe's reader is gone: what is left to write meets EPIPE.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

/// `creds rm` on a terminal asks first, as the Credentials screen's revoke
/// does; no (or anything but yes) keeps the credential, `--yes` skips the
/// question. A pipe is never asked (scripts and the other tests).
#[test]
fn creds_rm_asks_on_a_terminal_and_no_keeps_it() {
    use crate::support::pty::Running;
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &["creds", "rm", "finnhub"], &[]);
    app.wait_for(
        &["Remove credential \"finnhub\"?", "[y/N]"],
        std::time::Duration::from_secs(10),
    );
    app.send("n\r");
    assert_eq!(app.wait_exit(std::time::Duration::from_secs(10)), 1);
    assert!(app.text().contains("finnhub: kept"), "{}", app.text());
    let mut app = Running::start_in(dir.path(), &["creds", "rm", "--yes", "finnhub"], &[]);
    app.wait_exit(std::time::Duration::from_secs(15));
    assert!(!app.text().contains("[y/N]"), "--yes asked: {}", app.text());
}

/// `--help` sends the reader to `man homedash` only where that works.
#[test]
fn help_points_to_the_manual_where_it_is_installed() {
    let help = |manpath: &std::path::Path| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"))
            .arg("--help")
            .env("MANPATH", manpath)
            .env("HOME", manpath)
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let dir = tempfile::tempdir().unwrap();
    let system = ["/usr/local/share/man/man1", "/usr/share/man/man1"].iter().any(|d| {
        std::path::Path::new(d).join("homedash.1").exists() || std::path::Path::new(d).join("homedash.1.gz").exists()
    });
    if !system {
        let out = help(dir.path());
        assert!(out.contains("The manual is not installed"), "{out}");
        assert!(!out.contains("The manual: man homedash"), "{out}");
    }
    std::fs::create_dir_all(dir.path().join("man1")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/homedash.1"),
        dir.path().join("man1/homedash.1"),
    )
    .unwrap();
    let out = help(dir.path());
    assert!(out.trim_end().ends_with("The manual: man homedash"), "{out}");
}

/// `--theme` belongs to what draws: before another command it is refused
/// (exit 2), not taken and ignored.
#[test]
fn theme_before_a_command_that_draws_nothing_is_refused() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--theme", "light", "creds", "test", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--theme colours the dashboard"));
}
