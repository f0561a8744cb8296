//! The real binary in a pseudo-terminal, its screen read with a terminal
//! parser (vt100).

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rustix::termios::{LocalModes, tcgetattr};

pub struct Running {
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    pub writer: Box<dyn Write + Send>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to its terminal, as written.
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl Running {
    /// The binary on `config`, with HOME and the XDG dirs in a new temp dir.
    pub fn start(config: &str, extra_env: &[(&str, &str)]) -> Running {
        let tmp = tempfile::tempdir().unwrap();
        let cfg: PathBuf = tmp.path().join("config.toml");
        std::fs::write(&cfg, config).unwrap();
        let mut r = Running::start_in(tmp.path(), &["--config", cfg.to_str().unwrap()], extra_env);
        r._tmp = Some(tmp);
        r
    }

    /// The binary with `args`, HOME and the XDG dirs under `dir`.
    pub fn start_in(dir: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Running {
        Running::start_program(dir, env!("CARGO_BIN_EXE_homedash"), args, extra_env)
    }

    /// `program` with `args` (a shell that execs the binary, say), in `dir`,
    /// with HOME and the XDG dirs under it.
    pub fn start_program(dir: &Path, program: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Running {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        cmd.env("XDG_STATE_HOME", dir.join("state"));
        cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        cmd.env_remove("HOMEDASH_CONFIG");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (s, r) = (Arc::clone(&screen), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                r.lock().unwrap().extend_from_slice(&buf[..n]);
                s.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Running {
            child,
            master: pair.master,
            writer,
            screen,
            raw,
            dir: dir.to_path_buf(),
            _tmp: None,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, needles: &[&str], within: Duration) {
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

    pub fn echo_on(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        // SAFETY: the fd belongs to `self.master`, which outlives this call.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let t = tcgetattr(fd).unwrap();
        t.local_modes.contains(LocalModes::ECHO) && t.local_modes.contains(LocalModes::ICANON)
    }

    pub fn wait_exit(&mut self, within: Duration) -> u32 {
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

    pub fn assert_restored(&self) {
        let p = self.screen.lock().unwrap();
        assert!(!p.screen().alternate_screen(), "still on the alternate screen");
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
        drop(p);
        assert!(self.echo_on(), "echo or canonical mode not restored");
    }

    /// Type `keys` as the terminal would send them.
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The terminal window resized, as a user drags it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.screen.lock().unwrap().screen_mut().set_size(rows, cols);
    }

    /// A left click at a cell (0-based), as an xterm in SGR mouse mode sends it.
    pub fn click(&mut self, col: u16, row: u16) {
        let (c, r) = (col + 1, row + 1);
        self.send(&format!("\x1b[<0;{c};{r}M\x1b[<0;{c};{r}m"));
    }

    /// Row `row` of the screen as text.
    pub fn row(&self, row: u16) -> String {
        let p = self.screen.lock().unwrap();
        let width = p.screen().size().1;
        p.screen().rows(0, width).nth(usize::from(row)).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }
}
