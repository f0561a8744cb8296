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
    lint_all(&[file.to_path_buf()], schema).remove(0)
}

/// `taplo lint FILE...` in one run (Node.js starts once): what it said
/// about each file, in the order given.
pub fn lint_all(files: &[PathBuf], schema: Option<&Path>) -> Vec<Lint> {
    let mut cmd = Command::new(bin());
    cmd.args(["lint", "--no-auto-config", "--colors", "never"]);
    if let Some(s) = schema {
        cmd.arg("--schema").arg(format!("file://{}", s.display()));
    }
    let out = cmd.args(files).env("RUST_LOG", "error").output().expect("run taplo");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Each error is a line `error: MESSAGE`, then `┌─ FILE:LINE:COL`.
    let mut errors: Vec<(String, String, String)> = Vec::new();
    let mut message = None;
    for line in output.lines() {
        if let Some(msg) = line.strip_prefix("error: ") {
            message = Some(msg.to_string());
        } else if let Some(at) = line.trim_start().strip_prefix("┌─ ")
            && let Some(msg) = message.take()
            && let Some((file, pos)) = at.trim().rsplit_once(':').and_then(|(rest, col)| {
                rest.rsplit_once(':')
                    .map(|(file, line)| (file.to_string(), format!("{line}:{col}")))
            })
        {
            errors.push((file, msg, pos));
        }
    }
    // A failure no file is named in (the schema unreadable, say) fails all.
    let unattributed = !out.status.success() && errors.is_empty();
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let mine: Vec<(String, Vec<String>)> = errors
                .iter()
                .filter(|(file, _, _)| *file == name)
                .map(|(_, msg, pos)| (msg.clone(), vec![pos.clone()]))
                .collect();
            Lint {
                ok: mine.is_empty() && !unattributed,
                output: if files.len() == 1 {
                    output.clone()
                } else {
                    mine.iter().map(|(m, p)| format!("{}: {m}\n", p[0])).collect()
                },
                errors: mine,
            }
        })
        .collect()
}
