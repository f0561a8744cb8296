//! Team mode on the gateway host: `[gateway_server]` rendered into an
//! nginx configuration (`render.rs`), the gateway's clients (`clients.rs`),
//! running nginx (`nginx.rs`), the access-log report (`report.rs`) and
//! the upstream keys' file (`keys.rs`: the credentials room reads each key
//! and hands it to the writer; nothing here holds one). The command is
//! `commands/gateway.rs`.

pub mod clients;
pub mod nginx;
pub mod render;
pub mod report;
pub mod upstream_file;

use std::path::{Path, PathBuf};

use self::upstream_file::KeysError;
use crate::config::Config;
use crate::config::model::GatewayServer;
use crate::credentials::KeyUse;
use crate::credentials::MetaFile;
use clients::{Clients, ClientsError};
use nginx::NginxError;

pub const MAIN: &str = "homedash-gateway.conf";
const CLIENTS: &str = "homedash-clients.conf";
const KEYS: &str = "homedash-keys.conf";
const JS: &str = "homedash-gateway.js";
/// Candidates are written beside the live files and checked first.
const NEXT: &str = ".next";
/// The live files before the last render, for a reload nginx refused.
const PREV: &str = ".prev";
/// The files of the last reload nginx took: what it runs.
const RUNNING: &str = ".running";

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("{0} has no [gateway_server] table: describe the gateway there (see the README's Team mode)")]
    NoServer(String),
    #[error("no user \"{0}\" on this host for nginx's workers; set `user` in [gateway_server]")]
    NoUser(String),
    #[error(transparent)]
    Keys(#[from] KeysError),
    #[error(transparent)]
    Clients(#[from] ClientsError),
    #[error(transparent)]
    Nginx(#[from] NginxError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A kept copy of live file `name` (a hard link: same owner and mode).
fn kept(dir: &Path, name: &str, which: &str) -> PathBuf {
    dir.join(format!(".{name}{which}"))
}

/// Every live file kept as `.NAME{which}`, in place of the last such copy.
fn keep(dir: &Path, which: &str) -> Result<(), GatewayError> {
    for name in [KEYS, CLIENTS, JS, MAIN] {
        let (live, copy) = (with_suffix(dir, name, false), kept(dir, name, which));
        let _ = std::fs::remove_file(&copy);
        if live.exists() {
            std::fs::hard_link(&live, &copy).map_err(|source| GatewayError::Write { path: copy, source })?;
        }
    }
    Ok(())
}

/// After a reload nginx took: the live files are what it runs (kept as
/// `.running`), and the render's `.prev` copies (the keys before a
/// rotation among them) go.
pub fn confirm_running(config: &Config) -> Result<(), GatewayError> {
    let dir = &server(config)?.directory;
    keep(dir, RUNNING)?;
    for name in [KEYS, CLIENTS, JS, MAIN] {
        let _ = std::fs::remove_file(kept(dir, name, PREV));
    }
    // Whose files they are: a master started later runs what was on disk
    // then, not these.
    let master = std::fs::read_to_string(dir.join("nginx.pid")).unwrap_or_default();
    write(&kept(dir, "master", RUNNING), master.trim())?;
    Ok(())
}

/// Put back what nginx runs after a reload it did not take: the files of
/// the last reload it took, else those the last render replaced. Then
/// what is on disk is again what runs, and the next start runs it.
pub fn restore_previous(config: &Config) -> Result<(), GatewayError> {
    let dir = &server(config)?.directory;
    let master = |p: PathBuf| std::fs::read_to_string(p).map(|s| s.trim().to_string()).ok();
    let same = master(kept(dir, "master", RUNNING)).is_some_and(|m| Some(m) == master(dir.join("nginx.pid")));
    let which = if same && kept(dir, MAIN, RUNNING).exists() {
        RUNNING
    } else {
        PREV
    };
    for name in [KEYS, CLIENTS, JS, MAIN] {
        let (from, live) = (kept(dir, name, which), with_suffix(dir, name, false));
        if !from.exists() {
            continue;
        }
        // Through a link beside it, so the kept copy stays.
        let next = kept(dir, name, ".restore");
        let _ = std::fs::remove_file(&next);
        std::fs::hard_link(&from, &next)
            .and_then(|()| std::fs::rename(&next, &live))
            .map_err(|source| GatewayError::Write { path: live, source })?;
        let _ = std::fs::remove_file(kept(dir, name, PREV));
    }
    Ok(())
}

pub fn server(config: &Config) -> Result<&GatewayServer, GatewayError> {
    config
        .gateway_server
        .as_deref()
        .ok_or_else(|| GatewayError::NoServer(config.source_name.clone()))
}

fn with_suffix(dir: &Path, name: &str, next: bool) -> PathBuf {
    dir.join(if next {
        format!("{name}{NEXT}")
    } else {
        name.to_string()
    })
}

/// The main config, including the candidates (`next`) or the live files.
fn main_conf(s: &GatewayServer, next: bool) -> String {
    let dir = &s.directory;
    let (clients, keys, js) = (
        with_suffix(dir, CLIENTS, next),
        with_suffix(dir, KEYS, next),
        with_suffix(dir, JS, next),
    );
    render::main_conf(
        s,
        &render::Names {
            clients: &clients,
            keys: &keys,
            js: &js,
        },
    )
}

fn write(path: &Path, text: &str) -> Result<(), GatewayError> {
    crate::atomic::write(path, text.as_bytes()).map_err(|source| GatewayError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// `path` with `mode`, and owned by `owner` when given.
fn private_dir(path: &Path, mode: u32, owner: Option<(u32, u32)>) -> Result<(), GatewayError> {
    use std::os::unix::fs::PermissionsExt;
    let made = std::fs::create_dir_all(path)
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)))
        .and_then(|()| match owner {
            Some((uid, gid)) => std::os::unix::fs::chown(path, Some(uid), Some(gid)),
            None => Ok(()),
        });
    made.map_err(|source| GatewayError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The uid and gid of `user`, from the password file.
fn lookup_user(user: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&user)).then(|| Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?)))?
    })
}

/// Write the gateway's files: every candidate beside the live ones, then
/// `nginx -t` on them, and only if it passes, the candidates in place of
/// the live files. On any failure the live files are as they were.
/// Returns the main config's path.
pub async fn render(config: &Config, meta: &MetaFile) -> Result<PathBuf, GatewayError> {
    let s = server(config)?;
    let dir = &s.directory;
    // Run as root, nginx's master reads the config (and the keys) and its
    // workers run as `user`: they get their own directories, and can pass
    // through this one without listing it. The socket's directory keeps
    // other local users from the side that adds the keys.
    let workers = if rustix::process::geteuid().is_root() {
        Some(lookup_user(&s.user).ok_or_else(|| GatewayError::NoUser(s.user.clone()))?)
    } else {
        None
    };
    private_dir(dir, 0o711, None)?;
    for sub in ["tmp", "cache", "sock"] {
        private_dir(&dir.join(sub), 0o700, workers)?;
    }
    let clients = Clients::load(&clients::path(dir))?;
    let uses: Vec<KeyUse<'_>> = s
        .routes
        .iter()
        .filter_map(|r| {
            Some(KeyUse {
                route: r.provider,
                credential: r.credential.as_deref()?,
                upstream: &r.upstream,
            })
        })
        .collect();
    let result = async {
        upstream_file::write(config, &uses, meta, &with_suffix(dir, KEYS, true)).await?;
        write(&with_suffix(dir, CLIENTS, true), &render::clients_conf(&clients))?;
        write(&with_suffix(dir, JS, true), render::JS)?;
        let candidate = with_suffix(dir, MAIN, true);
        write(&candidate, &main_conf(s, true))?;
        nginx::test(&candidate, dir)?;
        Ok::<(), GatewayError>(())
    }
    .await;
    if let Err(e) = result {
        for name in [KEYS, CLIENTS, JS, MAIN] {
            let _ = std::fs::remove_file(with_suffix(dir, name, true));
        }
        return Err(e);
    }
    // The live files stay reachable as `.prev` (hard links: same owner
    // and mode), for a reload that nginx does not take.
    keep(dir, PREV)?;
    for name in [KEYS, CLIENTS, JS] {
        let (from, to) = (with_suffix(dir, name, true), with_suffix(dir, name, false));
        std::fs::rename(&from, &to).map_err(|source| GatewayError::Write { path: to, source })?;
    }
    let main = with_suffix(dir, MAIN, false);
    write(&main, &main_conf(s, false))?;
    let _ = std::fs::remove_file(with_suffix(dir, MAIN, true));
    crate::audit::record(
        crate::audit::Event::GatewayKeysWritten,
        "gateway",
        None,
        &format!("{} route(s), {} key(s)", s.routes.len(), uses.len()),
    );
    Ok(main)
}
