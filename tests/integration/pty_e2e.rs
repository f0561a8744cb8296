//! The real binary in a pseudo-terminal, its screen read with a terminal
//! parser: it shows data from a loopback provider, and every way out (q,
//! SIGTERM, a panic in a task) gives the terminal back as it was.

use crate::support;

use std::io::Write;
use std::time::{Duration, Instant};

use support::FaultServer;
use support::pty::Running;

fn config(srv: &FaultServer) -> String {
    format!(
        "[widget.clock]\nkind = \"clock\"\n\n[widget.weather]\nkind = \"weather\"\nlocation = \"Loopback\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"{}\"\n\n[widget.sys]\nkind = \"system\"\n",
        srv.base("ok")
    )
}

#[test]
fn shows_loopback_data_then_q_exits_0_and_restores_the_terminal() {
    let (_rt, srv) = FaultServer::on_own_runtime();
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
    let (_rt, srv) = FaultServer::on_own_runtime();
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
    let (_rt, srv) = FaultServer::on_own_runtime();
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

/// The SGR parameter lists in `raw` (`ESC [ … m`), split on `;` and `:`.
fn sgr_params(raw: &[u8]) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] == 0x1b && raw[i + 1] == b'[' {
            let start = i + 2;
            let mut j = start;
            while j < raw.len() && (raw[j].is_ascii_digit() || raw[j] == b';' || raw[j] == b':') {
                j += 1;
            }
            if j < raw.len() && raw[j] == b'm' {
                let text = String::from_utf8_lossy(&raw[start..j]);
                out.push(text.split([';', ':']).map(|p| p.parse().unwrap_or(0)).collect());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// `NO_COLOR=1 homedash --demo`: every frame the terminal got, from the
/// first to the help screen, holds no colour at all (no SGR 30–38, 40–48,
/// 58, 90–97 or 100–107), and does hold bold and reverse video.
/// `--theme light` on the same demo sends the light theme's colours.
#[test]
fn no_color_sends_no_colour_escape_and_a_theme_sends_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &["--demo"], &[("NO_COLOR", "1")]);
    app.wait_for(&["DEMO", "Berlin"], Duration::from_secs(15));
    app.writer.write_all(b"?").unwrap();
    app.wait_for(&["Keys"], Duration::from_secs(5));
    app.writer.write_all(b"\x1b").unwrap();
    // Esc followed at once by q would read as Alt-q.
    std::thread::sleep(Duration::from_millis(300));
    app.writer.write_all(b"q").unwrap();
    let _ = app.wait_exit(Duration::from_secs(5));
    let raw = app.raw.lock().unwrap().clone();
    let params = sgr_params(&raw);
    assert!(params.len() > 10, "frames were drawn: {} SGRs", params.len());
    let colour = |p: u16| matches!(p, 30..=38 | 40..=48 | 58 | 90..=97 | 100..=107);
    for list in &params {
        // 38;5;N and 38;2;R;G;B carry their own numbers: the 38 is enough.
        assert!(
            !list.iter().any(|&p| colour(p)),
            "a colour escape under NO_COLOR: {list:?}"
        );
    }
    let all: Vec<u16> = params.iter().flatten().copied().collect();
    assert!(
        all.contains(&1) && all.contains(&7),
        "bold and reverse carry the emphasis"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut app = Running::start_in(dir.path(), &["--demo", "--theme", "light"], &[("NO_COLOR", "")]);
    app.wait_for(&["DEMO", "Berlin"], Duration::from_secs(15));
    app.writer.write_all(b"q").unwrap();
    let _ = app.wait_exit(Duration::from_secs(5));
    let raw = app.raw.lock().unwrap().clone();
    let light = sgr_params(&raw);
    let has = |seq: &[u16]| light.iter().any(|l| l.windows(seq.len()).any(|w| w == seq));
    assert!(has(&[48, 5, 25]), "the light theme's accent bar (256-colour 25)");
    assert!(has(&[38, 5, 244]), "the light theme's dim grey (256-colour 244)");
    assert!(
        !has(&[43]) && !has(&[46]),
        "no yellow or cyan background on a light terminal"
    );
}

/// The terminal closed under the dashboard (a killed tmux, a dropped SSH
/// session): the master side of its pty goes away. It exits 129, as for
/// SIGHUP, without a panic and without writing to a terminal that is gone.
#[test]
fn a_terminal_that_goes_away_ends_the_dashboard_with_129() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    use std::os::fd::BorrowedFd;

    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[widget.clock]\nkind = \"clock\"\n").unwrap();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_homedash"));
    cmd.args(["--config", cfg.to_str().unwrap()]);
    cmd.cwd(dir.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", dir.path());
    cmd.env("XDG_STATE_HOME", dir.path().join("state"));
    cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
    cmd.env_remove("HOMEDASH_CONFIG");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    // Read here, not on a thread of its own: every copy of the master must
    // be closed below for the terminal to go away.
    let mut reader = pair.master.try_clone_reader().unwrap();
    let fd = pair.master.as_raw_fd().unwrap();
    let (mut seen, end) = (Vec::new(), Instant::now() + Duration::from_secs(10));
    while !String::from_utf8_lossy(&seen).contains("homedash") && Instant::now() < end {
        // SAFETY: the master outlives this borrow.
        let b = unsafe { BorrowedFd::borrow_raw(fd) };
        let mut fds = [rustix::event::PollFd::new(&b, rustix::event::PollFlags::IN)];
        let timeout = rustix::time::Timespec {
            tv_sec: 0,
            tv_nsec: 100_000_000,
        };
        if rustix::event::poll(&mut fds, Some(&timeout)).unwrap_or(0) > 0 {
            let mut buf = [0u8; 8192];
            let n = reader.read(&mut buf).unwrap_or(0);
            seen.extend_from_slice(&buf[..n]);
        }
    }
    assert!(
        String::from_utf8_lossy(&seen).contains("homedash"),
        "no first frame: {}",
        String::from_utf8_lossy(&seen)
    );
    drop(reader);
    drop(pair.master);
    let end = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < end, "still running after its terminal went away");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.exit_code(), 129, "{status:?}");
    // Its log says why it ended, and no panic.
    let logs = std::fs::read_dir(dir.path().join("state/homedash"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect::<String>();
    assert!(!logs.is_empty() && !logs.contains("panic"), "{logs}");
}
