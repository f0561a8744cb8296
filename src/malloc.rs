//! glibc malloc's tuning, set before the first thread starts.
//!
//! By default every thread that allocates gets its own arena, each holding
//! its own free pages. homedash's threads (the runtime's blocking pool, the
//! log writer, the input reader, the config watcher) allocate little and
//! rarely at once, so one arena serves them all: 0.2 MiB less RSS for the
//! default dashboard, and no measurable contention at 1,000 widgets.

/// Called first in `main`.
pub fn at_start() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; it is called before
    // any other thread exists, so no allocation is racing it.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
