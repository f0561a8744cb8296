//! tracing into a daily-rotated file in the XDG state dir. Nothing is ever
//! printed to the terminal while the TUI owns it.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// `$XDG_STATE_HOME/homedash` (Linux) or the platform's local data dir.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "homedash")?;
    Some(dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).to_path_buf())
}

/// Keep the guard alive for as long as logs should be written.
pub struct Logging {
    pub dir: PathBuf,
    _guard: WorkerGuard,
}

pub fn init(filter: &str) -> Result<Logging, String> {
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("bad log filter \"{filter}\": {e}"))?;
    let dir = state_dir().ok_or("no home directory to keep logs in")?;
    create_private_dir(&dir).map_err(|e| format!("cannot create the log dir {}: {e}", dir.display()))?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("homedash")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", dir.display()))?;
    // The default buffer preallocates 128,000 line slots (4 MB resident);
    // a dashboard logs a few lines a minute. Under a flood, drop lines
    // rather than block the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(1024)
        .lossy(true)
        .finish(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    Ok(Logging { dir, _guard: guard })
}

fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
