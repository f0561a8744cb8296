//! tracing into a daily-rotated file in the XDG state dir. Nothing is ever
//! printed to the terminal while the TUI owns it.

use std::io::Write;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
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
    create_private_dir(&dir).map_err(|source| StateDirError::Create {
        dir: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// Why there is no state dir to write to.
#[derive(Debug, thiserror::Error)]
pub enum StateDirError {
    #[error("no home directory is known for this user, so there is nowhere to keep state and logs")]
    NoHome,
    #[error("cannot create the state dir {}: {source}", dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
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
    File {
        dir: PathBuf,
        source: tracing_appender::rolling::InitError,
    },
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
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("homedash")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .map_err(|source| LogError::File {
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

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// One event's formatted line, escaped: whatever a field holds, it cannot
/// start a new line, carry a terminal escape, or run on without end.
pub fn escape_line(buf: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(buf);
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut out = homedash_widgets::text::clean_to(body, LINE_CAP).into_owned();
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
}
