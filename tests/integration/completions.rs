//! Shell completion in a real interactive bash in a pty: the script
//! `homedash completions bash` prints is loaded as a user would, and Tab
//! is pressed. Credential names come from the config at each Tab.

use crate::support::pty::Running;
use std::path::Path;
use std::time::Duration;

const CONFIG: &str = r#"
[widget.quotes]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "finnhub_main"

[credential.finnhub_main]
provider = "finnhub"
source = "keyring"

[credential.owm_home]
provider = "openweathermap"
source = "keyring"
"#;

fn bash(dir: &Path) -> Running {
    let bin = Path::new(env!("CARGO_BIN_EXE_homedash")).parent().unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let mut sh = Running::start_program(
        dir,
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[
            ("PATH", &path),
            ("PS1", "$ "),
            ("HOMEDASH_CONFIG", cfg.to_str().unwrap()),
            ("INPUTRC", "/dev/null"),
        ],
    );
    sh.send("source <(homedash completions bash) && echo loaded\r");
    sh.wait_for(&["loaded"], Duration::from_secs(10));
    sh
}

#[test]
fn bash_completes_subcommands_and_credential_names_from_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sh = bash(tmp.path());

    sh.send("homedash cr\t");
    sh.wait_for(&["$ homedash creds "], Duration::from_secs(10));

    // `creds add <Tab><Tab>`: the config's credentials with no token yet.
    sh.send("\x15homedash creds add \t\t");
    sh.wait_for(&["finnhub_main", "owm_home"], Duration::from_secs(10));

    // One name left: completed in the line.
    sh.send("\x15clear\rhomedash creds add o\t");
    sh.wait_for(&["$ homedash creds add owm_home "], Duration::from_secs(10));

    // `creds rm`: nothing is stored, so no name is offered.
    sh.send("\x15clear\rhomedash creds rm f\t\t");
    std::thread::sleep(Duration::from_millis(500));
    sh.wait_for(&["$ homedash creds rm f"], Duration::from_secs(10));
    assert!(!sh.text().contains("finnhub_main"), "{}", sh.text());

    // Only the flags of the command being completed: no --theme for creds.
    sh.send("\x15clear\rhomedash creds test --\t\t");
    sh.wait_for(&["--help"], Duration::from_secs(10));
    assert!(!sh.text().contains("--theme"), "{}", sh.text());

    // --config on the line wins over $HOMEDASH_CONFIG.
    let other = tmp.path().join("other.toml");
    std::fs::write(
        &other,
        "[credential.github_ci]\nprovider = \"json\"\nsource = \"keyring\"\n",
    )
    .unwrap();
    sh.send(&format!(
        "\x15clear\rhomedash --config {} creds allow \t\t",
        other.display()
    ));
    sh.wait_for(&["github_ci"], Duration::from_secs(10));
    assert!(!sh.text().contains("finnhub_main"), "{}", sh.text());
    sh.send("\x15exit\r");
    sh.wait_exit(Duration::from_secs(5));
}

#[test]
fn every_shell_gets_a_script_that_calls_homedash_back() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
        assert!(script.contains("homedash"), "{shell}: {script}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
}
