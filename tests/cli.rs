//! The command line outside a terminal.

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
