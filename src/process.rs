//! A program homedash runs for a value (a command source's `pass show …`)
//! under a deadline: in its own process group, with the umask the user
//! had, and with a mark every process it starts inherits, so that at the
//! deadline it and everything it started are stopped, even what left its
//! group (setsid, a daemon). What it says on stderr is kept to its last
//! words. What it prints on stdout is its caller's to read and guard.

use std::process::Stdio;

use tokio::io::AsyncReadExt;

/// Only the end of stderr is kept: its last words say what went wrong.
const STDERR_TAIL: usize = 4 * 1024;

/// The variable that marks a run's processes.
const RUN_MARK: &str = "HOMEDASH_COMMAND_RUN";

/// A started program: its pipes for the caller to read, and the tail of
/// its stderr.
pub struct Run {
    pub child: tokio::process::Child,
    pub stdout: tokio::process::ChildStdout,
    pub stderr: tokio::process::ChildStderr,
    pub tail: Tail,
    mark: String,
}

/// Start `program` with `args`, stdin closed, without the variables in
/// `hide_env`.
pub fn start(program: &str, args: &[String], hide_env: &[String]) -> std::io::Result<Run> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in hide_env {
        cmd.env_remove(var);
    }
    let mark = format!("{:016x}", fastrand::u64(..));
    cmd.env(RUN_MARK, &mark);
    #[cfg(unix)]
    {
        // Its own group, so that stopping it stops its children too.
        cmd.process_group(0);
        let mask = crate::hardening::user_umask();
        // SAFETY: umask(2) is async-signal-safe and touches no memory; it
        // gives the program the umask the user had before homedash
        // tightened its own.
        unsafe {
            cmd.pre_exec(move || {
                rustix::process::umask(rustix::fs::Mode::from_raw_mode(mask));
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn()?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        kill_group(&child);
        return Err(std::io::Error::other("no pipes to the command"));
    };
    Ok(Run {
        child,
        stdout,
        stderr,
        tail: Tail::default(),
        mark,
    })
}

/// The last `STDERR_TAIL` bytes a program wrote to stderr.
#[derive(Default)]
pub struct Tail(std::sync::Mutex<Vec<u8>>);

impl Tail {
    /// Read `err` to its end, keeping only its last `STDERR_TAIL` bytes:
    /// a program that writes megabytes neither blocks on a full pipe nor
    /// fills our memory, and what it said is kept even if it never ends.
    pub async fn drain(&self, err: &mut tokio::process::ChildStderr) -> std::io::Result<()> {
        let mut buf = [0u8; 8192];
        loop {
            let n = err.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
            t.extend_from_slice(&buf[..n]);
            if t.len() > STDERR_TAIL {
                let cut = t.len() - STDERR_TAIL;
                t.drain(..cut);
            }
        }
    }

    /// The last line of stderr that says something, admitted as outside
    /// text and cut to `max` characters.
    pub fn last_words(&self, max: usize) -> String {
        let raw = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        // Admitted (scrubbed, cleaned, cut) once, the line chosen: a token
        // has no line break to be split by.
        let text = String::from_utf8_lossy(&raw);
        let line = text
            .split('\n')
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        crate::outside::admit_to(line, max)
    }
}

impl Run {
    /// Stop it and everything it started, and reap it.
    pub async fn stop(&mut self) {
        kill_group(&self.child);
        // A scan of /proc: off the runtime's threads.
        let mark = self.mark.clone();
        let _ = tokio::task::spawn_blocking(move || kill_marked(&mark)).await;
        let _ = self.child.wait().await;
    }
}

/// Stop every process of this user that carries the mark of run `mark`:
/// what left the program's process group is found by what it inherited.
#[cfg(target_os = "linux")]
fn kill_marked(mark: &str) {
    let needle = format!("{RUN_MARK}={mark}\0");
    let Ok(procs) = std::fs::read_dir("/proc") else { return };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(env) = std::fs::read(p.path().join("environ")) else {
            continue;
        };
        if memchr::memmem::find(&env, needle.as_bytes()).is_some()
            && let Some(pid) = rustix::process::Pid::from_raw(pid)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn kill_marked(_mark: &str) {}

/// Stop the child and its process group.
fn kill_group(child: &tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = child;
}
