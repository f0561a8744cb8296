//! The real binary in a pseudo-terminal, its screen read with a terminal
//! parser: it shows data from a loopback provider, and every way out (q,
//! SIGTERM, a panic in a task) gives the terminal back as it was.

mod support;

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rustix::termios::{LocalModes, tcgetattr};
use support::FaultServer;

struct Running {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _dir: tempfile::TempDir,
}

impl Running {
    fn start(config: &str, extra_env: &[(&str, &str)]) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let cfg: PathBuf = dir.path().join("config.toml");
        std::fs::write(&cfg, config).unwrap();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_homedash"));
        cmd.arg("--config");
        cmd.arg(&cfg);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir.path());
        cmd.env("XDG_STATE_HOME", dir.path().join("state"));
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env_remove("HOMEDASH_CONFIG");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let s = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Running {
            child,
            master: pair.master,
            writer,
            screen,
            _dir: dir,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, needles: &[&str], within: Duration) {
        let end = Instant::now() + within;
        while Instant::now() < end {
            let t = self.text();
            if needles.iter().all(|n| t.contains(n)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("never saw {needles:?} on screen:\n{}", self.text());
    }

    fn echo_on(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        // SAFETY: the fd belongs to `self.master`, which outlives this call.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let t = tcgetattr(fd).unwrap();
        t.local_modes.contains(LocalModes::ECHO) && t.local_modes.contains(LocalModes::ICANON)
    }

    fn wait_exit(&mut self, within: Duration) -> u32 {
        let end = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            assert!(Instant::now() < end, "did not exit:\n{}", self.text());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn assert_restored(&self) {
        let p = self.screen.lock().unwrap();
        assert!(!p.screen().alternate_screen(), "still on the alternate screen");
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
        drop(p);
        assert!(self.echo_on(), "echo or canonical mode not restored");
    }
}

fn config(srv: &FaultServer) -> String {
    format!(
        "[widget.clock]\nkind = \"clock\"\n\n[widget.weather]\nkind = \"weather\"\nlocation = \"Loopback\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"{}\"\n\n[widget.sys]\nkind = \"system\"\n",
        srv.base("ok")
    )
}

fn server() -> (tokio::runtime::Runtime, FaultServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let srv = rt.block_on(FaultServer::start());
    (rt, srv)
}

#[test]
fn shows_loopback_data_then_q_exits_0_and_restores_the_terminal() {
    let (_rt, srv) = server();
    let mut app = Running::start(&config(&srv), &[]);
    app.wait_for(
        &["Loopback", "Light rain", "updated just now", "CPU", "LOAD"],
        Duration::from_secs(10),
    );
    assert!(!app.echo_on(), "raw mode while running");
    assert!(app.screen.lock().unwrap().screen().alternate_screen());
    // Keys work: help opens and closes, then q quits.
    app.writer.write_all(b"?").unwrap();
    app.wait_for(&["Keys", "refresh all widgets"], Duration::from_secs(2));
    app.writer.write_all(b"\x1b").unwrap();
    // Esc followed at once by q would read as Alt-q.
    let end = Instant::now() + Duration::from_secs(2);
    while app.text().contains("refresh all widgets") && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!app.text().contains("refresh all widgets"), "Esc closes help");
    app.writer.write_all(b"q").unwrap();
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    app.assert_restored();
    assert_eq!(srv.hits("ok"), 1, "one poll, not a loop");
}

#[test]
fn sigterm_restores_the_terminal() {
    let (_rt, srv) = server();
    let mut app = Running::start(&config(&srv), &[]);
    app.wait_for(&["Light rain"], Duration::from_secs(10));
    let pid = app.child.process_id().unwrap();
    let pid = rustix::process::Pid::from_raw(pid as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 143);
    app.assert_restored();
}

#[test]
fn a_panic_in_a_background_task_restores_the_terminal_and_exits() {
    let (_rt, srv) = server();
    let mut app = Running::start(
        &config(&srv),
        &[("HOMEDASH_TEST_PANIC_IN_TASK", "1"), ("RUST_BACKTRACE", "0")],
    );
    assert_eq!(app.wait_exit(Duration::from_secs(10)), 101);
    app.assert_restored();
    let text = app.text();
    assert!(
        text.contains("test panic in a background task"),
        "the report is printed after the restore:\n{text}"
    );
}

#[test]
fn a_bad_config_never_touches_the_terminal() {
    let mut app = Running::start("[widget.x]\nkind = \"clock\"\nzones = [\"Nowhere\"]\n", &[]);
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 1);
    app.assert_restored();
    let text = app.text();
    assert!(text.contains("config.toml:3:9: widget.x.zones"), "{text}");
}
