//! The real Taplo CLI, the checker behind Even Better TOML: npm's
//! `@taplo/cli`, pinned by tests/taplo/package-lock.json and installed by
//! tests/run.sh. It reads only local files here: the schema is a path.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/taplo/node_modules/.bin/taplo");
    assert!(
        bin.exists(),
        "{} is missing: run tests/run.sh, or npm ci --prefix tests/taplo",
        bin.display()
    );
    bin
}

/// What `taplo lint` said about one file.
#[derive(Debug)]
pub struct Lint {
    pub ok: bool,
    /// Each error's message and every `line:col` it points at.
    pub errors: Vec<(String, Vec<String>)>,
    pub output: String,
}

impl Lint {
    pub fn points_at(&self, line_col: &str) -> bool {
        self.errors.iter().any(|(_, at)| at.iter().any(|a| a == line_col))
    }
}

/// `taplo lint FILE`, against `schema` or else the file's own `#:schema` line.
pub fn lint(file: &Path, schema: Option<&Path>) -> Lint {
    let mut cmd = Command::new(bin());
    cmd.args(["lint", "--no-auto-config", "--colors", "never"]);
    if let Some(s) = schema {
        cmd.arg("--schema").arg(format!("file://{}", s.display()));
    }
    let out = cmd.arg(file).env("RUST_LOG", "error").output().expect("run taplo");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let name = file.display().to_string();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    for line in output.lines() {
        if let Some(msg) = line.strip_prefix("error: ") {
            errors.push((msg.to_string(), Vec::new()));
        } else if let Some(at) = line.trim_start().strip_prefix("┌─ ") {
            let at = at.trim().strip_prefix(&name).unwrap_or(at).trim_start_matches(':');
            if let Some((_, last)) = errors.last_mut() {
                last.push(at.to_string());
            }
        }
    }
    Lint {
        ok: out.status.success(),
        errors,
        output,
    }
}
