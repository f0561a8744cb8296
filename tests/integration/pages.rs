//! Pages, by keystrokes and clicks on the real binary in a pty: switching
//! by number, by `[` / `]` and by a click on the page bar; the mark on a
//! page with a failing widget; the automatic paging of a config without a
//! layout, again after a resize; and a page that pauses while hidden.

use crate::support;

use std::time::{Duration, Instant};

use support::FaultServer;
use support::pty::Running;

pub(crate) fn weather(id: &str, place: &str, base: &str, refresh: &str) -> String {
    format!(
        "[widget.{id}]\nkind = \"weather\"\nlocation = \"{place}\"\nlatitude = 52.52\nlongitude = 13.41\nrefresh = \"{refresh}\"\nbase_url = \"{base}\"\n\n"
    )
}

fn wait_until(what: &str, within: Duration, cond: impl Fn() -> bool) {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what}: not within {within:?}");
}

fn shows(app: &Running, text: &str) -> bool {
    app.text().contains(text)
}

#[test]
fn pages_switch_by_number_by_brackets_and_by_a_click_and_mark_failing_ones() {
    let (_rt, srv) = FaultServer::on_own_runtime();
    let config = format!(
        "{}{}{}{}\
         [[page]]\nname = \"Home\"\nwidgets = [\"a\"]\n\n\
         [[page]]\nname = \"Markets\"\nwidgets = [\"b\", \"c\"]\n\n\
         [[page]]\nname = \"Away\"\nwidgets = [\"d\"]\n",
        weather("a", "Alpha", &srv.base("ok"), "1h"),
        weather("b", "Bravo", &srv.base("ok"), "1h"),
        weather("c", "Charlie", &srv.base("500"), "1h"),
        weather("d", "Delta", &srv.base("ok"), "1h"),
    );
    let mut app = Running::start(&config, &[]);
    app.wait_for(&["Alpha", "1 Home", "2 Markets", "3 Away"], Duration::from_secs(10));
    // Charlie, on a hidden page, fails: its page is marked, the others not.
    app.wait_for(&["2 Markets ⚠"], Duration::from_secs(10));
    assert!(!shows(&app, "Home ⚠") && !shows(&app, "Away ⚠"), "{}", app.text());

    app.send("2");
    app.wait_for(&["Bravo", "Charlie"], Duration::from_secs(3));
    assert!(!shows(&app, "Alpha"), "page 1 left the screen:\n{}", app.text());
    app.send("]");
    app.wait_for(&["Delta"], Duration::from_secs(3));
    app.send("]");
    app.wait_for(&["Alpha"], Duration::from_secs(3));
    app.send("[");
    app.wait_for(&["Delta"], Duration::from_secs(3));
    app.send("[");
    app.wait_for(&["Bravo"], Duration::from_secs(3));
    // A number past the last page does nothing.
    app.send("7");
    std::thread::sleep(Duration::from_millis(300));
    assert!(shows(&app, "Bravo"));

    // A click on a page's name in the bar (row 1).
    let bar = app.row(1);
    let col = bar.find("3 Away").expect("the bar names page 3");
    let col = bar[..col].chars().count() as u16;
    app.click(col + 2, 1);
    app.wait_for(&["Delta"], Duration::from_secs(3));
    assert!(!shows(&app, "Bravo"), "{}", app.text());
    let bar = app.row(1);
    let col = bar[..bar.find("1 Home").unwrap()].chars().count() as u16;
    app.click(col, 1);
    app.wait_for(&["Alpha"], Duration::from_secs(3));

    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    app.assert_restored();
}

#[test]
fn a_config_without_layout_is_paged_to_fit_and_again_after_a_resize() {
    let (_rt, srv) = FaultServer::on_own_runtime();
    let mut config = String::new();
    for i in 0..100 {
        config.push_str(&weather(
            &format!("w{i:02}"),
            &format!("Place{i:02}"),
            &srv.base("ok"),
            "1h",
        ));
    }
    let mut app = Running::start(&config, &[]);
    app.resize(80, 24);
    // 80x24: two cards across, two down, so 25 pages of 4.
    app.wait_for(&["Place00", "Place03", " 1 ", " 2 "], Duration::from_secs(10));
    assert!(!shows(&app, "Place04"), "{}", app.text());
    app.send("["); // from the first page back to the last
    app.wait_for(&["Place96", "Place99", "25"], Duration::from_secs(3));
    assert!(!shows(&app, "Place95"), "{}", app.text());
    // Every widget polled once, hidden pages too.
    wait_until("every widget polled", Duration::from_secs(10), || srv.hits("ok") >= 100);

    // 200x60: 6 across, 7 down; 42 a page, 3 pages, and the focused
    // widget's page (the third) is on screen.
    app.resize(200, 60);
    app.wait_for(&["Place84", "Place99", " 3 "], Duration::from_secs(3));
    assert!(!shows(&app, "Place83") && !shows(&app, " 4 "), "{}", app.text());
    app.send("1");
    app.wait_for(&["Place00", "Place41"], Duration::from_secs(3));
    assert!(!shows(&app, "Place42"), "{}", app.text());

    // Back to 80x24: 25 pages again, on the focused widget's page.
    app.resize(80, 24);
    app.wait_for(&["Place00", "Place03"], Duration::from_secs(3));
    assert!(!shows(&app, "Place04"), "{}", app.text());
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}

#[test]
fn a_paused_page_sends_nothing_while_hidden_and_refreshes_on_return() {
    let (_rt, srv) = FaultServer::on_own_runtime();
    let config = format!(
        "{}{}{}\
         [[page]]\nname = \"Front\"\nwidgets = [\"a\"]\n\n\
         [[page]]\nname = \"Saver\"\nwhen_hidden = \"pause\"\nwidgets = [\"b\"]\n\n\
         [[page]]\nname = \"Busy\"\nwidgets = [\"c\"]\n",
        weather("a", "Alpha", &srv.base("ok-a"), "1h"),
        weather("b", "Bravo", &srv.base("ok-b"), "2s"),
        weather("c", "Charlie", &srv.base("ok-c"), "2s"),
    );
    let mut app = Running::start(&config, &[]);
    app.wait_for(&["Alpha", "Light rain"], Duration::from_secs(10));
    // Hidden from the start: Saver sends nothing; Busy polls while hidden.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(srv.hits("ok-b"), 0, "a paused page polled while hidden");
    assert!(srv.hits("ok-c") >= 2, "a hidden page that keeps polling did not");

    // Shown: it polls at once, then on its schedule.
    let shown = Instant::now();
    app.send("2");
    wait_until("the first poll on showing", Duration::from_secs(2), || {
        srv.hits("ok-b") == 1
    });
    let first = shown.elapsed();
    app.wait_for(&["Bravo", "Light rain"], Duration::from_secs(3));
    wait_until("polls on its schedule while shown", Duration::from_secs(6), || {
        srv.hits("ok-b") >= 3
    });

    // Hidden again: nothing more goes out.
    app.send("1");
    app.wait_for(&["Alpha"], Duration::from_secs(3));
    std::thread::sleep(Duration::from_millis(500)); // a poll in flight may land
    let before = srv.hits("ok-b");
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(srv.hits("ok-b"), before, "a paused page polled while hidden");

    // And back: it is due, so it refreshes at once.
    let back = Instant::now();
    app.send("2");
    wait_until("the refresh on return", Duration::from_secs(2), || {
        srv.hits("ok-b") == before + 1
    });
    let again = back.elapsed();
    eprintln!("first poll {first:?} after showing, refresh {again:?} after returning");
    app.send("q");
    assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
}
