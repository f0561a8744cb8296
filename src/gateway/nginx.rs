//! Running nginx: a check of a rendered config, and a graceful reload.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum NginxError {
    #[error("cannot run {}: {source}; install nginx and its JavaScript module (apt install nginx libnginx-mod-http-js), or set HOMEDASH_NGINX", program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`nginx -t` refused the rendered config, so nothing was changed:\n{stderr}")]
    Test { stderr: String },
    #[error("`nginx -s reload` failed ({stderr}); is nginx running with {}? Start it with: {start}", conf.display())]
    Reload {
        conf: PathBuf,
        stderr: String,
        start: String,
    },
}

/// `$HOMEDASH_NGINX`, else `nginx` on PATH, else Debian's
/// `/usr/sbin/nginx` (not on a normal user's PATH).
pub fn program() -> PathBuf {
    if let Some(p) = std::env::var_os("HOMEDASH_NGINX").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("nginx"))
                .any(|p| p.is_file())
        })
        .unwrap_or(false);
    let sbin = Path::new("/usr/sbin/nginx");
    if !on_path && sbin.is_file() {
        return sbin.to_path_buf();
    }
    PathBuf::from("nginx")
}

/// The arguments every run takes: the config, its directory as prefix,
/// and an error log there (not the system's, which may not be writable).
fn base_args(conf: &Path, dir: &Path) -> Vec<std::ffi::OsString> {
    let mut prefix = dir.as_os_str().to_owned();
    prefix.push("/");
    vec![
        "-c".into(),
        conf.into(),
        "-p".into(),
        prefix,
        "-e".into(),
        dir.join("error.log").into(),
    ]
}

/// The command that starts nginx on `conf`.
pub fn start_command(conf: &Path, dir: &Path) -> String {
    format!(
        "{} -c {} -p {}/ -e {}",
        program().display(),
        conf.display(),
        dir.display(),
        dir.join("error.log").display()
    )
}

fn run(args: Vec<std::ffi::OsString>) -> Result<(bool, String), NginxError> {
    let program = program();
    let out = Command::new(&program)
        .args(args)
        .output()
        .map_err(|source| NginxError::Spawn { program, source })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .map(|l| homedash_widgets::text::clean_to(l, 400).into_owned())
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    Ok((out.status.success(), lines.join("\n")))
}

pub fn test(conf: &Path, dir: &Path) -> Result<(), NginxError> {
    let mut args: Vec<std::ffi::OsString> = vec!["-t".into(), "-q".into()];
    args.extend(base_args(conf, dir));
    match run(args)? {
        (true, _) => Ok(()),
        (false, stderr) => Err(NginxError::Test { stderr }),
    }
}

/// Workers finish their requests on the old config while new ones start:
/// no request is dropped.
pub fn reload(conf: &Path, dir: &Path) -> Result<(), NginxError> {
    let mut args: Vec<std::ffi::OsString> = vec!["-s".into(), "reload".into()];
    args.extend(base_args(conf, dir));
    match run(args)? {
        (true, _) => Ok(()),
        (false, stderr) => Err(NginxError::Reload {
            conf: conf.to_path_buf(),
            stderr,
            start: start_command(conf, dir),
        }),
    }
}
