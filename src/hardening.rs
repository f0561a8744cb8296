//! What the process does to itself before anything else, so a token it
//! later holds stays inside it: files it creates are private, and no core
//! dump (or same-user debugger) can copy its memory out.

static PROBLEMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// What `at_start` could not do, for the log.
pub fn problems() -> &'static [String] {
    PROBLEMS.get().map_or(&[], Vec::as_slice)
}

/// Called first in `main`, before any file is created or secret read.
/// Failures are kept for the log (`problems`), never fatal: a limit we
/// cannot set is reported, and homedash still works.
pub fn at_start() {
    let mut problems = Vec::new();
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        // Every file homedash creates (logs, state, config backups) is
        // owner-only, whatever the user's umask.
        let before = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
        USER_UMASK.store(before.as_raw_mode(), std::sync::atomic::Ordering::Relaxed);
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(e) = setrlimit(Resource::Core, none) {
            problems.push(format!("cannot turn core dumps off (RLIMIT_CORE): {e}"));
        }
    }
    #[cfg(target_os = "linux")]
    {
        // Not dumpable: no core even if something raises the limit again,
        // and /proc/PID/mem and ptrace are closed to other processes of
        // the same user.
        if let Err(e) = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable) {
            problems.push(format!("cannot turn core dumps off (PR_SET_DUMPABLE): {e}"));
        }
    }
    let _ = PROBLEMS.set(problems);
}

/// The umask the user had, for the programs homedash runs for them
/// (`source = "command"`), which should create files as they always do.
#[cfg(unix)]
pub fn user_umask() -> u32 {
    USER_UMASK.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(unix)]
static USER_UMASK: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0o022);
