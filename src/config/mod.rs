//! Where the config comes from, and loading it.

mod introspect;
pub mod model;
pub mod names;
mod parse;
mod paths;
mod problem;
pub mod program;
mod secrets;
pub mod write;

use std::path::{Path, PathBuf};

pub use model::{
    AuthServer, ClientAuth, Config, Content, CredentialConfig, Endpoints, Layout, Node, OAuthConfig, OAuthGrant, Page,
    PageContent, Size, ThemeConfig, ThemeName, WhenHidden, WidgetConfig,
};
pub use parse::{MIN_REFRESH, parse, schema};
pub use problem::ConfigError;
pub use secrets::{is_secret_key, looks_like_token};

/// Needs no token and no network to look right.
pub const EMBEDDED_DEFAULT: &str = include_str!("default.toml");
/// Points every networked widget at the in-process demo server.
pub const DEMO: &str = include_str!("demo.toml");

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag(PathBuf),
    Env(PathBuf),
    Xdg(PathBuf),
    Embedded,
}

impl Origin {
    /// `--config`, then `HOMEDASH_CONFIG`, then the XDG config file if it
    /// exists, then the embedded default.
    pub fn locate(flag: Option<PathBuf>, env: Option<PathBuf>, xdg: Option<PathBuf>) -> Origin {
        if let Some(p) = flag {
            return Origin::Flag(p);
        }
        if let Some(p) = env.filter(|p| !p.as_os_str().is_empty()) {
            return Origin::Env(p);
        }
        match xdg {
            Some(p) if p.exists() => Origin::Xdg(p),
            _ => Origin::Embedded,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::Flag(p) | Origin::Env(p) | Origin::Xdg(p) => Some(p),
            Origin::Embedded => None,
        }
    }
}

/// The XDG config file path (it may not exist).
pub fn xdg_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "homedash").map(|d| d.config_dir().join("config.toml"))
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    Read {
        path: PathBuf,
        how: String,
        error: std::io::Error,
    },
    /// Someone else could change it: refused, as ssh refuses such files.
    Untrusted(Untrusted),
    Invalid(ConfigError),
}

/// Why a config file, or the directory it is in, is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Untrusted {
    pub path: PathBuf,
    /// "is writable by group and others (mode 0666)".
    pub why: String,
    /// The command that fixes it.
    pub fix: String,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "refusing the config: {} {}. Whoever can change it decides where your tokens go and which commands run as you. Fix: {}",
            self.path.display(),
            self.why,
            self.fix
        )
    }
}

/// A config must be changeable by its owner alone, much as ssh's
/// StrictModes wants: the file and the directory it is in owned by the
/// user (or root) and not writable by group or others. A directory with
/// the sticky bit (such as /tmp) is allowed: others cannot replace a file
/// in it. A file that does not exist yet is judged by its directory.
#[cfg(unix)]
pub fn check_trust(path: &Path) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let judge = |p: &Path, dir: bool| -> Result<(), Untrusted> {
        let Ok(m) = std::fs::metadata(p) else { return Ok(()) };
        let shown = p.display().to_string();
        if m.uid() != me && m.uid() != 0 {
            return Err(Untrusted {
                path: p.to_path_buf(),
                why: format!("belongs to another user (uid {})", m.uid()),
                fix: if dir {
                    format!("keep the config in a directory of your own, e.g. ~/.config/homedash/ (not {shown})")
                } else {
                    format!("cp {shown} ~/.config/homedash/config.toml, or chown $USER {shown}")
                },
            });
        }
        let mode = m.mode() & 0o7777;
        let sticky = dir && mode & 0o1000 != 0;
        if mode & 0o022 != 0 && !sticky {
            let who = match mode & 0o022 {
                0o022 => "group and others",
                0o020 => "its group",
                _ => "others",
            };
            return Err(Untrusted {
                path: p.to_path_buf(),
                why: format!("is writable by {who} (mode {mode:04o})"),
                fix: format!("chmod go-w {shown}"),
            });
        }
        Ok(())
    };
    let parent = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    judge(&parent(path), true)?;
    if let Ok(real) = std::fs::canonicalize(path) {
        judge(&parent(&real), true)?;
        judge(&real, false)?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_trust(_path: &Path) -> Result<(), Untrusted> {
    Ok(())
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Read { path, how, error } => {
                write!(f, "cannot read the config {} ({how}): {error}", path.display())
            }
            LoadError::Untrusted(u) => u.fmt(f),
            LoadError::Invalid(e) => e.fmt(f),
        }
    }
}

/// "file:line:col" of the key at `keys` (e.g. `["widget", "stocks",
/// "base_url"]`) in `text`, or of its table when the key is not written.
pub fn locate(name: &str, text: &str, keys: &[&str]) -> String {
    let src = problem::SourceText { name, text };
    let root = toml::de::DeTable::parse(text)
        .ok()
        .map(|t| toml::Spanned::new(t.span(), toml::de::DeValue::Table(t.into_inner())));
    let segs: Vec<paths::Seg> = keys.iter().map(|k| paths::Seg::Key((*k).to_string())).collect();
    let offset = root
        .as_ref()
        .and_then(|r| (0..=segs.len()).rev().find_map(|n| paths::find(r, &segs[..n])))
        .map_or(0, |(key, _)| key.start);
    let (line, col) = src.line_col(offset);
    format!("{name}:{line}:{col}")
}

pub fn load(origin: &Origin) -> Result<Config, LoadError> {
    let (path, how) = match origin {
        Origin::Embedded => {
            return parse("<embedded default>", EMBEDDED_DEFAULT).map_err(LoadError::Invalid);
        }
        Origin::Flag(p) => (p, "from --config"),
        Origin::Env(p) => (p, "from HOMEDASH_CONFIG"),
        Origin::Xdg(p) => (p, "the XDG config file"),
    };
    check_trust(path).map_err(LoadError::Untrusted)?;
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
        path: path.clone(),
        how: how.into(),
        error,
    })?;
    parse(&path.display().to_string(), &text).map_err(LoadError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_order() {
        let f = Some(PathBuf::from("/f.toml"));
        let e = Some(PathBuf::from("/e.toml"));
        let missing = Some(PathBuf::from("/nonexistent/homedash/config.toml"));
        assert_eq!(
            Origin::locate(f.clone(), e.clone(), None),
            Origin::Flag("/f.toml".into())
        );
        assert_eq!(Origin::locate(None, e, None), Origin::Env("/e.toml".into()));
        assert_eq!(
            Origin::locate(None, Some(PathBuf::new()), missing.clone()),
            Origin::Embedded
        );
        let tmp = std::env::temp_dir();
        assert_eq!(Origin::locate(None, None, Some(tmp.clone())), Origin::Xdg(tmp));
    }

    #[test]
    fn embedded_configs_are_valid() {
        let c = parse("default", EMBEDDED_DEFAULT).unwrap();
        assert!(c.widgets.iter().all(|w| w.base_url.is_none()));
        let d = parse("demo", DEMO).unwrap();
        assert!(d.widgets.len() >= 4);
    }
}
