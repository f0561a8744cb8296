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
    #[error(
        "nginx did not take the new config, and keeps running the one before ({reason}); the previous files were put back, so the next start runs what runs now. Fix the cause and run `homedash gateway reload` again"
    )]
    NotApplied { reason: String },
}

/// How long a reload may take to start its new workers.
const RELOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The running nginx before a reload: its master, the master's children
/// (workers and cache processes), and how long its error log was.
struct Before {
    master: i32,
    children: std::collections::BTreeSet<i32>,
    log_len: u64,
}

/// The pid in `dir/nginx.pid`, and that master's children.
fn before(dir: &Path) -> Option<Before> {
    let master = std::fs::read_to_string(dir.join("nginx.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Before {
        master,
        children: children(master),
        log_len: std::fs::metadata(dir.join("error.log")).map_or(0, |m| m.len()),
    })
}

/// The processes whose parent is `pid` (Linux: from /proc).
fn children(pid: i32) -> std::collections::BTreeSet<i32> {
    let mut out = std::collections::BTreeSet::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.flatten() {
        let Some(child) = p.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": the comm may hold spaces and parens.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|s| s.parse::<i32>().ok());
        if ppid == Some(pid) {
            out.insert(child);
        }
    }
    out
}

/// The first line of the master's own that says it could not take the
/// configuration (`[emerg]`, logged with its pid), after `from`. Workers'
/// alerts (a client's TLS handshake, say) are not about the reload.
fn logged_failure(dir: &Path, master: i32, from: u64) -> Option<String> {
    use std::io::{Read as _, Seek as _};
    let mut f = std::fs::File::open(dir.join("error.log")).ok()?;
    f.seek(std::io::SeekFrom::Start(from)).ok()?;
    let mut new = Vec::new();
    f.take(1024 * 1024).read_to_end(&mut new).ok()?;
    let own = format!("[emerg] {master}#");
    String::from_utf8_lossy(&new)
        .lines()
        .find(|l| l.contains(&own))
        .map(|l| crate::outside::admit_to(l, 400))
}

/// After the signal: new children of the master are the new config's
/// workers (nginx starts them only once the config is in); an emergency
/// in the error log, or no new worker in time, means the old config runs
/// on.
fn applied(dir: &Path, b: &Before) -> Result<(), NginxError> {
    let end = std::time::Instant::now() + RELOAD_WAIT;
    loop {
        if children(b.master).iter().any(|c| !b.children.contains(c)) {
            return Ok(());
        }
        if let Some(reason) = logged_failure(dir, b.master, b.log_len) {
            return Err(NginxError::NotApplied { reason });
        }
        if std::time::Instant::now() >= end {
            return Err(NginxError::NotApplied {
                reason: format!(
                    "no new worker process within {} s of the signal; see {}",
                    RELOAD_WAIT.as_secs(),
                    dir.join("error.log").display()
                ),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
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
        .map(|l| crate::outside::admit_to(l, 400))
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
/// no request is dropped. `nginx -s reload` only sends a signal; success
/// is when the master has started workers on the new config, which it
/// does not when the new config cannot run (a port already in use passes
/// `nginx -t` and fails here).
pub fn reload(conf: &Path, dir: &Path) -> Result<(), NginxError> {
    let was = before(dir);
    let mut args: Vec<std::ffi::OsString> = vec!["-s".into(), "reload".into()];
    args.extend(base_args(conf, dir));
    match run(args)? {
        (true, _) => match was {
            Some(b) => applied(dir, &b),
            None => Ok(()),
        },
        (false, stderr) => Err(NginxError::Reload {
            conf: conf.to_path_buf(),
            stderr,
            start: start_command(conf, dir),
        }),
    }
}
