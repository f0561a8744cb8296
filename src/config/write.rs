//! Changing a config file without losing anything: edits go through
//! toml_edit, so comments, ordering and sections homedash does not know
//! stay as they were; the previous file is kept as `config.toml.bak`; the
//! new one is validated before it is written, atomically, mode 0600.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use super::{ConfigError, parse, schema};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    Syntax {
        path: PathBuf,
        error: String,
    },
    /// The edited text would not be a valid config: nothing was written.
    Invalid(ConfigError),
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Read { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            WriteError::Syntax { path, error } => write!(f, "{} is not valid TOML: {error}", path.display()),
            WriteError::Invalid(e) => write!(
                f,
                "the change would make the config invalid, so nothing was written:\n{e}"
            ),
            WriteError::Write { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

/// A config being edited; `None` text means the file does not exist yet.
#[derive(Clone)]
pub struct Edit {
    path: PathBuf,
    before: Option<String>,
    pub doc: DocumentMut,
}

// The document can be large: name the file only.
impl std::fmt::Debug for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Edit({})", self.path.display())
    }
}

impl Edit {
    pub fn open(path: &Path) -> Result<Edit, WriteError> {
        let before = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(WriteError::Read {
                    path: path.to_path_buf(),
                    error,
                });
            }
        };
        Edit::from_text(path, before)
    }

    /// An edit of `before`, the text already read from `path` (`None`: no file yet).
    pub fn from_text(path: &Path, before: Option<String>) -> Result<Edit, WriteError> {
        let doc = before
            .as_deref()
            .unwrap_or("")
            .parse::<DocumentMut>()
            .map_err(|e| WriteError::Syntax {
                path: path.to_path_buf(),
                error: e.to_string(),
            })?;
        Ok(Edit {
            path: path.to_path_buf(),
            before,
            doc,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn before(&self) -> Option<&str> {
        self.before.as_deref()
    }

    /// `[outer.inner]`, made if missing.
    pub fn table(&mut self, outer: &str, inner: &str) -> &mut Table {
        sub_table(&mut self.doc, outer, inner)
    }

    /// `[widget.ID]` with `keys`, replacing the keys it sets and keeping
    /// any others (and their comments) the table already had.
    pub fn set_widget(&mut self, id: &str, keys: &[(&str, toml_edit::Value)]) {
        let t = sub_table(&mut self.doc, "widget", id);
        for (k, v) in keys {
            t[*k] = value(v.clone());
        }
    }

    /// `[credential.NAME]` with its provider and source: a reference, never a value.
    pub fn set_credential(&mut self, name: &str, keys: &[(&str, toml_edit::Value)]) {
        let t = sub_table(&mut self.doc, "credential", name);
        for (k, v) in keys {
            t[*k] = value(v.clone());
        }
    }

    /// The file as it will be written. A new file starts with the
    /// `#:schema` line, so editors that read it (Taplo, Even Better TOML)
    /// complete and check every key from the schema written beside it.
    pub fn text(&self) -> String {
        let body = self.doc.to_string();
        match self.before {
            None => format!("{}\n{body}", schema::DIRECTIVE),
            Some(_) => body,
        }
    }

    /// Validate, back up the previous file, and write atomically (0600).
    /// A config whose `#:schema` line names the schema beside it gets that
    /// schema written (again) first, so it always matches this homedash.
    pub fn save(&self) -> Result<(), WriteError> {
        let text = self.text();
        parse(&self.path.display().to_string(), &text).map_err(WriteError::Invalid)?;
        if text.lines().next() == Some(schema::DIRECTIVE) {
            write_schema_beside(&self.path)?;
        }
        if let Some(before) = &self.before {
            let backup = backup_path(&self.path);
            crate::atomic::write(&backup, before.as_bytes())
                .map_err(|error| WriteError::Write { path: backup, error })?;
        }
        crate::atomic::write(&self.path, text.as_bytes()).map_err(|error| WriteError::Write {
            path: self.path.clone(),
            error,
        })
    }
}

/// `homedash.schema.json` in the config's directory, for its `#:schema` line.
pub fn write_schema_beside(config: &Path) -> Result<PathBuf, WriteError> {
    let path = config.with_file_name(schema::FILE_NAME);
    let mut text = schema::text();
    text.push('\n');
    crate::atomic::write(&path, text.as_bytes()).map_err(|error| WriteError::Write {
        path: path.clone(),
        error,
    })?;
    Ok(path)
}

pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// `[outer.inner]`, created as a dotted header (not an inline table).
fn sub_table<'d>(doc: &'d mut DocumentMut, outer: &str, inner: &str) -> &'d mut Table {
    let o = doc.entry(outer).or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    if !o.is_table() {
        *o = Item::Table(Table::new());
    }
    let Some(o) = o.as_table_mut() else {
        unreachable!("just made a table")
    };
    let i = o.entry(inner).or_insert_with(|| Item::Table(Table::new()));
    if !i.is_table() {
        *i = Item::Table(Table::new());
    }
    i.as_table_mut().unwrap_or_else(|| unreachable!("just made a table"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMENTED: &str = r#"# My dashboard. Hands off my comments.
[dashboard]
title = "home"   # shown top left

# The clock, in three zones.
[widget.clock]
kind = "clock"
zones = ["local", "Asia/Tokyo"]  # Tokyo for the team

[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "finnhub"
# refresh stays at the default

[credential.finnhub]
provider = "finnhub"
rotate_after = "90days"   # company policy
"#;

    #[test]
    fn edits_keep_every_comment_and_section() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, COMMENTED).unwrap();
        let mut e = Edit::open(&path).unwrap();
        e.set_widget("stocks", &[("symbols", toml_edit::Value::from_iter(["AAPL", "MSFT"]))]);
        e.set_widget(
            "weather",
            &[
                ("kind", "weather".into()),
                ("latitude", 52.52.into()),
                ("longitude", 13.41.into()),
            ],
        );
        e.save().unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        for line in COMMENTED.lines().filter(|l| l.contains('#')) {
            assert!(after.contains(line.trim_start()), "lost {line:?}:\n{after}");
        }
        assert!(after.contains("symbols = [\"AAPL\", \"MSFT\"]"), "{after}");
        assert!(after.contains("[widget.weather]"), "{after}");
        // Everything else is byte for byte the same, in the same order.
        let before_lines: Vec<&str> = COMMENTED.lines().filter(|l| !l.starts_with("symbols")).collect();
        let after_lines: Vec<&str> = after.lines().collect();
        let mut i = 0;
        for l in &after_lines {
            if i < before_lines.len() && *l == before_lines[i] {
                i += 1;
            }
        }
        assert_eq!(i, before_lines.len(), "order or text changed:\n{after}");
        assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), COMMENTED);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn an_invalid_result_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, COMMENTED).unwrap();
        let mut e = Edit::open(&path).unwrap();
        // A widget of a keyed provider without its credential fails check.
        e.set_widget(
            "polygon",
            &[
                ("kind", "stocks".into()),
                ("provider", "polygon".into()),
                ("symbols", toml_edit::Value::from_iter(["AAPL"])),
            ],
        );
        let err = e.save().unwrap_err().to_string();
        assert!(
            err.contains("nothing was written") && err.contains("needs a credential"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), COMMENTED);
        assert!(!backup_path(&path).exists());
    }

    #[test]
    fn a_new_file_gets_dotted_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let mut e = Edit::open(&path).unwrap();
        e.set_widget("clock", &[("kind", "clock".into())]);
        e.set_credential("finnhub", &[("provider", "finnhub".into())]);
        e.set_widget(
            "stocks",
            &[
                ("kind", "stocks".into()),
                ("provider", "finnhub".into()),
                ("symbols", toml_edit::Value::from_iter(["AAPL"])),
                ("credential", "finnhub".into()),
            ],
        );
        e.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("[widget.clock]") && text.contains("[credential.finnhub]"),
            "{text}"
        );
        assert!(!backup_path(&path).exists(), "no previous file, no backup");
    }
}
