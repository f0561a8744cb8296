//! `homedash check` on every file in tests/configs: valid ones exit 0,
//! invalid ones exit 1 and name file:line:col, the key and the problem.
//! Each invalid file ends with `# expect: LINE:COL: MESSAGE-PREFIX` lines,
//! one per problem it must report (trailing, so they shift no positions).

use std::path::{Path, PathBuf};
use std::process::Command;

fn check(path: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["check", "--config"])
        .arg(path)
        .env_remove("HOMEDASH_CONFIG")
        .output()
        .expect("run homedash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn example_and_valid_configs_pass() {
    let mut all = files("tests/configs/valid");
    all.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"));
    for f in all {
        let (code, out, err) = check(&f);
        assert_eq!(code, 0, "{}: {err}", f.display());
        assert!(out.contains(": ok, "), "{out}");
    }
}

#[test]
fn every_invalid_config_fails_with_its_positions_and_keys() {
    let invalid = files("tests/configs/invalid");
    assert!(invalid.len() >= 15, "the corpus shrank to {}", invalid.len());
    for f in &invalid {
        let text = std::fs::read_to_string(f).unwrap();
        let expects: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        assert!(!expects.is_empty(), "{} has no # expect: line", f.display());
        let (code, _, err) = check(f);
        assert_eq!(code, 1, "{} should be rejected:\n{err}", f.display());
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
        assert_eq!(errors.len(), expects.len(), "{}: reported\n{err}", f.display());
        for (line, want) in errors.iter().zip(&expects) {
            let prefix = format!("error: {}:{want}", f.display());
            assert!(
                line.starts_with(&prefix),
                "{}:\n got  {line}\n want {prefix}",
                f.display()
            );
        }
        let n = expects.len();
        assert!(err.contains(&format!("{n} problem")), "{err}");
    }
}

#[test]
fn a_missing_config_file_is_named() {
    let (code, _, err) = check(Path::new("/nonexistent/homedash.toml"));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot read the config /nonexistent/homedash.toml (from --config)"),
        "{err}"
    );
}
