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
