//! tracing into a daily-rotated file in the XDG state dir. Nothing is ever
//! printed to the terminal while the TUI owns it.

use std::io::Write;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// A log line longer than this is cut: fields are cleaned and capped where
/// they enter, this bounds what a line can add up to.
const LINE_CAP: usize = 2000;

/// `$XDG_STATE_HOME/homedash` (Linux) or the platform's local data dir.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "homedash")?;
    Some(dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).to_path_buf())
}

/// The state dir, created owner-only (0700) or made so. Every entry point
/// goes through here before it writes anything there.
pub fn private_state_dir() -> Result<PathBuf, StateDirError> {
    let dir = state_dir().ok_or(StateDirError::NoHome)?;
    create_private_dir(&dir)?;
    Ok(dir)
}

/// Why there is no state dir to write to.
#[derive(Debug, thiserror::Error)]
pub enum StateDirError {
    #[error("no home directory is known for this user, so there is nowhere to keep state and logs")]
    NoHome,
    #[error("cannot create the state dir {}: {source}", dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
    #[error(
        "the state dir {} is a symlink; homedash keeps its state only in a real directory of yours: remove the link (`rm {}`) and run again",
        dir.display(),
        dir.display()
    )]
    Symlink { dir: PathBuf },
    #[error(
        "the state dir {} belongs to user {owner}, not to you; homedash keeps its state only in a directory you own: `sudo chown -R $(id -u) {}`, or remove it",
        dir.display(),
        dir.display()
    )]
    NotOwned { dir: PathBuf, owner: u32 },
}

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("bad log filter \"{text}\": {source}")]
    Filter {
        text: String,
        source: tracing_subscriber::filter::ParseError,
    },
    #[error(transparent)]
    StateDir(#[from] StateDirError),
    #[error("cannot open a log file in {}: {source}", dir.display())]
    File { dir: PathBuf, source: std::io::Error },
    #[error("cannot start logging: {0}")]
    Init(String),
}

/// Keep the guard alive for as long as logs should be written.
pub struct Logging {
    pub dir: PathBuf,
    _guard: WorkerGuard,
}

/// Check a `--log-level` filter without starting anything: a level, or
/// `target=level` pairs ("warn,homedash=debug"). Targets, not EnvFilter:
/// the same syntax without span and field matching, and without the regex
/// engine that needs (0.3 MiB of code).
pub fn filter(text: &str) -> Result<Targets, LogError> {
    text.parse::<Targets>().map_err(|source| LogError::Filter {
        text: text.to_string(),
        source,
    })
}

pub fn init(filter_text: &str) -> Result<Logging, LogError> {
    let filter = filter(filter_text)?;
    let dir = private_state_dir()?;
    let appender = DailyFile::open(&dir).map_err(|source| LogError::File {
        dir: dir.clone(),
        source,
    })?;
    // The default buffer preallocates 128,000 line slots (4 MB resident);
    // a dashboard logs a few lines a minute. Under a flood, drop lines
    // rather than block the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(1024)
        .lossy(true)
        .finish(appender);
    tracing_subscriber::fmt()
        .with_writer(Escaping(writer))
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish()
        .with(filter)
        .try_init()
        .map_err(|e| LogError::Init(e.to_string()))?;
    Ok(Logging { dir, _guard: guard })
}

/// `dir` created owner-only (0700), or made so. A directory that is a
/// symlink, or that another user owns, is refused: making it private would
/// chmod wherever the link points, and files written there would be
/// another's to read or replace.
pub fn create_private_dir(dir: &Path) -> Result<(), StateDirError> {
    let create = |source| StateDirError::Create {
        dir: dir.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // Checked before create_dir_all, which is content with a link to a
        // directory.
        let md = match std::fs::symlink_metadata(dir) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(create)?;
                std::fs::symlink_metadata(dir).map_err(create)?
            }
            Err(e) => return Err(create(e)),
        };
        if md.file_type().is_symlink() {
            return Err(StateDirError::Symlink { dir: dir.to_path_buf() });
        }
        if md.uid() != rustix::process::geteuid().as_raw() {
            return Err(StateDirError::NotOwned {
                dir: dir.to_path_buf(),
                owner: md.uid(),
            });
        }
        if md.mode() & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(create)?;
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(create)?;
    Ok(())
}

/// Log files kept, one a day.
const LOG_DAYS: usize = 7;

/// The day's log file, `homedash.YYYY-MM-DD.log` (UTC), appended to and
/// never opened through a symlink; a new one each day, the last seven
/// kept.
struct DailyFile {
    dir: PathBuf,
    day: chrono::NaiveDate,
    file: std::fs::File,
}

impl DailyFile {
    fn open(dir: &Path) -> std::io::Result<DailyFile> {
        let day = chrono::Utc::now().date_naive();
        let file = crate::atomic::open_append(&Self::path(dir, day))?;
        prune(dir);
        Ok(DailyFile {
            dir: dir.to_path_buf(),
            day,
            file,
        })
    }

    fn path(dir: &Path, day: chrono::NaiveDate) -> PathBuf {
        dir.join(format!("homedash.{}.log", day.format("%Y-%m-%d")))
    }
}

impl Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let today = chrono::Utc::now().date_naive();
        if today != self.day {
            self.file = crate::atomic::open_append(&Self::path(&self.dir, today))?;
            self.day = today;
            prune(&self.dir);
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Remove all but the newest `LOG_DAYS` daily files (their names sort by
/// date).
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut logs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("homedash.") && n.ends_with(".log"))
        })
        .collect();
    logs.sort();
    let excess = logs.len().saturating_sub(LOG_DAYS);
    for old in &logs[..excess] {
        let _ = std::fs::remove_file(old);
    }
}

/// One event's formatted line, escaped: whatever a field holds, it cannot
/// start a new line, carry a terminal escape, or run on without end.
pub fn escape_line(buf: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(buf);
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut out = crate::outside::admit_to(body, LINE_CAP);
    out.push('\n');
    out.into_bytes()
}

/// A writer that escapes each event before it reaches the file.
#[derive(Clone)]
struct Escaping<M>(M);

struct EscapingWriter<W>(W);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Escaping<M> {
    type Writer = EscapingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter(self.0.make_writer())
    }
}

impl<W: Write> Write for EscapingWriter<W> {
    // The fmt layer writes each event whole, in one call.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(&escape_line(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_cannot_forge_a_line_or_reach_a_terminal() {
        let forged = b"2026-12-03 WARN poll failed error=x\r\n2026-12-03 INFO forged \x1b]52;c;aGk=\x07\n";
        let out = String::from_utf8(escape_line(forged)).unwrap();
        assert_eq!(out.matches('\n').count(), 1, "{out}");
        assert!(out.ends_with('\n'));
        assert!(
            !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\r'),
            "{out}"
        );
        let long = vec![b'a'; 100_000];
        assert!(escape_line(&long).len() <= LINE_CAP * 3 + 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_state_dir_is_never_a_link_or_anothers() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = tmp.path().join("state");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(matches!(create_private_dir(&link), Err(StateDirError::Symlink { .. })));
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o755,
            "the link's target is left as it was"
        );
        let fresh = tmp.path().join("a/b");
        create_private_dir(&fresh).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o700);
        if rustix::process::geteuid().is_root() {
            // Root owns everything it makes; a directory of another user's:
            std::os::unix::fs::chown(&real, Some(65534), None).unwrap();
            assert!(matches!(
                create_private_dir(&real),
                Err(StateDirError::NotOwned { owner: 65534, .. })
            ));
        }
    }

    #[test]
    fn daily_files_are_pruned_to_a_week() {
        let tmp = tempfile::tempdir().unwrap();
        for d in 1..=9 {
            std::fs::write(tmp.path().join(format!("homedash.2020-01-0{d}.log")), b"x").unwrap();
        }
        std::fs::write(tmp.path().join("audit.jsonl"), b"x").unwrap();
        let mut f = DailyFile::open(tmp.path()).unwrap();
        f.write_all(b"line\n").unwrap();
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), LOG_DAYS + 1, "{names:?}");
        assert!(names.contains(&"audit.jsonl".to_string()));
        assert!(!names.contains(&"homedash.2020-01-03.log".to_string()), "{names:?}");
    }
}
