//! `homedash --kiosk` on the real binary in a pty: the pages turn on their
//! interval, no key hints show, the picture moves one cell around and
//! stays inside the screen, the last good data stays through network
//! loss, a key stops the turning, and an idle while later whatever the
//! viewer opened is closed and the pages turn again.

use std::time::{Duration, Instant};

use crate::pages::weather;
use crate::support::FaultServer;
use crate::support::pty::Running;

/// Which of the places is on screen.
fn page(text: &str) -> Option<&'static str> {
    ["Alpha", "Bravo", "Charlie"].into_iter().find(|p| text.contains(p))
}

/// The picture's bounds: the first and last column and row with anything on them.
fn bounds(app: &Running) -> (u16, u16, u16, u16) {
    let parser = app.screen.lock().unwrap();
    let screen = parser.screen();
    let (rows, cols) = screen.size();
    let (mut left, mut right, mut top, mut bottom) = (u16::MAX, 0, u16::MAX, 0);
    for y in 0..rows {
        for x in 0..cols {
            if screen.cell(y, x).is_some_and(|c| !c.contents().trim().is_empty()) {
                left = left.min(x);
                right = right.max(x);
                top = top.min(y);
                bottom = bottom.max(y);
            }
        }
    }
    (left, right, top, bottom)
}

#[test]
fn a_wall_display_turns_its_pages_moves_its_picture_and_stops_for_a_viewer() {
    let (rt, srv) = FaultServer::on_own_runtime();
    let config = format!(
        "{}{}{}\
         [[page]]\nname = \"One\"\nwidgets = [\"a\"]\n\n\
         [[page]]\nname = \"Two\"\nwidgets = [\"b\"]\n\n\
         [[page]]\nname = \"Three\"\nwidgets = [\"c\"]\n\n\
         [kiosk]\npage_every = \"2s\"\nshift_every = \"1s\"\nresume_after = \"4s\"\n",
        weather("a", "Alpha", &srv.base("ok"), "1s"),
        weather("b", "Bravo", &srv.base("ok"), "1s"),
        weather("c", "Charlie", &srv.base("ok"), "1s"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, &config).unwrap();
    let mut app = Running::start_in(
        tmp.path(),
        &["--kiosk", "--config", cfg.to_str().unwrap()],
        &[("HOMEDASH_LOG", "homedash=debug")],
    );
    app.wait_for(&["Alpha", "°C"], Duration::from_secs(10));

    // The pages turn by themselves, in order, about every two seconds; the
    // picture visits each of its four places, never leaving the 100x30 pty.
    let start = Instant::now();
    let mut turns = vec![(page(&app.text()), Instant::now())];
    let (mut xs, mut ys) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    while start.elapsed() < Duration::from_secs(9) {
        let text = app.text();
        for hint in ["Tab focus", "q quit", "! shows all", "? help"] {
            assert!(!text.contains(hint), "a key hint on a wall display: {hint}\n{text}");
        }
        let (left, right, top, bottom) = bounds(&app);
        assert!(left <= 1 && top <= 1, "{left},{top}");
        assert!(right <= 99 && bottom <= 29, "outside the screen: {right},{bottom}");
        assert!(
            right - left <= 98 && bottom - top <= 28,
            "a column and a row are kept for the move"
        );
        xs.insert(left);
        ys.insert(top);
        let now = page(&text);
        if now.is_some() && now != turns.last().unwrap().0 {
            turns.push((now, Instant::now()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let order: Vec<_> = turns.iter().filter_map(|t| t.0).collect();
    let gaps: Vec<_> = turns.windows(2).map(|t| t[1].1 - t[0].1).collect();
    if order.len() < 4 {
        for f in crate::support::files_under(tmp.path()) {
            if f.to_string_lossy().contains("log") {
                let t = std::fs::read_to_string(&f).unwrap_or_default();
                for l in t
                    .lines()
                    .filter(|l| l.contains("kiosk") || l.contains("WARN") || l.contains("ERROR"))
                {
                    eprintln!("{l}");
                }
            }
        }
    }
    assert!(order.len() >= 4, "pages turned: {order:?} {gaps:?}\n{}", app.text());
    for w in order.windows(2) {
        let next = match w[0] {
            "Alpha" => "Bravo",
            "Bravo" => "Charlie",
            _ => "Alpha",
        };
        assert_eq!(w[1], next, "{order:?}");
    }
    for t in turns.windows(2).skip(1) {
        let gap = t[1].1 - t[0].1;
        assert!(
            gap > Duration::from_millis(1500) && gap < Duration::from_millis(2800),
            "a page showed for {gap:?}, not about 2 s"
        );
    }
    assert_eq!(xs.into_iter().collect::<Vec<_>>(), [0, 1], "the picture moves across");
    assert_eq!(ys.into_iter().collect::<Vec<_>>(), [0, 1], "and down");

    // The network goes: the last good data stays on the wall.
    drop(rt);
    app.wait_for(&["failing"], Duration::from_secs(10));
    app.wait_for(&["Alpha", "°C"], Duration::from_secs(8));
    assert!(app.text().contains("°C"), "{}", app.text());

    // A viewer presses a key: the pages stand still, the hints come back,
    // and the help they open is closed when they walk away.
    // Read-only to passers-by: no Credentials screen, no setup.
    app.send("c");
    app.wait_for(&["credentials and setup are managed with"], Duration::from_secs(3));
    assert!(!app.text().contains("NAME"), "no Credentials screen:\n{}", app.text());
    app.send("?");
    app.wait_for(&["Keys"], Duration::from_secs(3));
    let still = page(&app.text());
    std::thread::sleep(Duration::from_millis(3000));
    assert_eq!(page(&app.text()), still, "no turning while a viewer is there");
    assert!(app.text().contains("Keys"), "the help stays while they read");
    app.wait_for(&["Tab focus"], Duration::from_secs(1));
    // Four seconds after the key: the help closes and the pages turn.
    let back = Instant::now();
    while app.text().contains("Keys") {
        assert!(
            back.elapsed() < Duration::from_secs(4),
            "the help never closed:\n{}",
            app.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let at = page(&app.text());
    let end = Instant::now() + Duration::from_secs(4);
    while page(&app.text()) == at {
        assert!(Instant::now() < end, "the pages did not turn again:\n{}", app.text());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!app.text().contains("Tab focus"), "{}", app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}
