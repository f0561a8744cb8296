//! The last good answer across restarts, on the real binary in a pty with
//! a loopback provider that counts requests: a restart within the refresh
//! asks nothing and draws the data at once, with its age; a restart after
//! it asks exactly once; with the provider gone, the last data stays with
//! its age and the failure.

use std::time::{Duration, Instant};

use crate::support::FaultServer;
use crate::support::pty::Running;

fn config(base: &str, refresh: &str) -> String {
    format!(
        "[widget.berlin]\nkind = \"weather\"\nlocation = \"Berlin\"\nlatitude = 52.52\nlongitude = 13.41\nrefresh = \"{refresh}\"\nbase_url = \"{base}\"\n"
    )
}

fn run(dir: &std::path::Path, wait_for: &[&str]) -> (Running, Duration) {
    let started = Instant::now();
    let app = Running::start_in(dir, &["--config", dir.join("config.toml").to_str().unwrap()], &[]);
    app.wait_for(wait_for, Duration::from_secs(10));
    (app, started.elapsed())
}

fn quit(mut app: Running) {
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}

#[test]
fn a_restart_within_the_refresh_asks_nothing_and_draws_the_last_answer_at_once() {
    let (rt, srv) = FaultServer::on_own_runtime();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config(&srv.base("ok-cache"), "1h")).unwrap();
    let (app, _) = run(dir.path(), &["Light rain"]);
    quit(app);
    assert_eq!(srv.hits("ok-cache"), 1);

    // Within the hour: no request, and the data is there from the start.
    let (app, shown) = run(dir.path(), &["Light rain", "updated"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(srv.hits("ok-cache"), 1, "a restart within the refresh asked again");
    assert!(shown < Duration::from_secs(2), "the cached answer took {shown:?}");
    quit(app);

    // The provider gone: the last answer stays, with the failure beside it.
    std::fs::write(dir.path().join("config.toml"), config(&srv.base("ok-cache"), "1s")).unwrap();
    drop(rt);
    let (app, _) = run(dir.path(), &["Light rain", "⚠"]);
    quit(app);

    // The cache holds what was parsed, never a raw body.
    let cache = dir.path().join("state/homedash/cache");
    for f in std::fs::read_dir(&cache).unwrap() {
        let path = f.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("\"current_units\""),
            "a raw answer in {}",
            path.display()
        );
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);
}

#[test]
fn a_restart_after_the_refresh_asks_exactly_once() {
    let (_rt, srv) = FaultServer::on_own_runtime();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config(&srv.base("ok-late"), "3s")).unwrap();
    let (app, _) = run(dir.path(), &["Light rain"]);
    quit(app);
    assert_eq!(srv.hits("ok-late"), 1);
    std::thread::sleep(Duration::from_millis(3200));
    let (app, _) = run(dir.path(), &["Light rain"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(srv.hits("ok-late"), 2, "one request for an answer past its refresh");
    quit(app);
}
