//! Every screen at any terminal size from 1x1 to 300x100: no panic, and
//! below the screen's minimum a "too small" message instead of a mangled
//! layout. A property test over TestBackend sizes, plus every edge size.

use crate::support;

use std::collections::HashMap;

use chrono::Utc;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use homedash::config;
use homedash::dashboard::app::App;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::view;
use homedash::setup::worker::{Reply, Stored, TryWhat, Verdict};
use homedash::setup::{Endpoints, Wizard};
use homedash_widgets::{ErrorClass, FetchError, HttpReply, Source};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const MAX: (u16, u16) = (300, 100);

fn press(app: &mut App, c: KeyCode) {
    app.update(Msg::Input(Event::Key(KeyEvent::new(c, KeyModifiers::NONE))));
}

/// The demo dashboard with every widget holding data, and one failing.
fn dashboard(w: u16, h: u16) -> App {
    let cfg = config::parse("demo", config::DEMO).unwrap();
    let now = Utc::now();
    let base = url::Url::parse("http://demo.invalid/").unwrap();
    let mut app = App::new(
        cfg.clone(),
        true,
        Rect::new(0, 0, w, h),
        now,
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    for (id, wc) in cfg.widgets.iter().enumerate() {
        let replies: Option<Vec<HttpReply>> = match &wc.source {
            Source::System(_) | Source::Clock(_) => None,
            Source::OpenMeteo(_) => Some(vec![HttpReply {
                status: 200,
                headers: vec![],
                body: support::FORECAST.as_bytes().to_vec(),
            }]),
            src => src
                .requests(&base, now)
                .iter()
                .map(|spec| {
                    let q: HashMap<String, String> = spec.url.query_pairs().into_owned().collect();
                    homedash::demo::market::route(src.provider(), spec.url.path(), &q, chrono::Utc::now()).map(
                        |(_, body)| HttpReply {
                            status: 200,
                            headers: vec![],
                            body: body.into_bytes(),
                        },
                    )
                })
                .collect(),
        };
        let Some(replies) = replies else { continue };
        let result = wc.source.parse(&replies, now);
        app.update(Msg::Fetched {
            id,
            at: now,
            result,
            next: None,
        });
    }
    app.update(Msg::Fetched {
        id: 1,
        at: now,
        result: Err(FetchError::new(ErrorClass::Timeout, "no complete answer")),
        next: None,
    });
    app
}

fn text(b: &TestBackend) -> String {
    b.buffer().content().iter().map(|c| c.symbol()).collect()
}

fn draw_app(app: &App) -> String {
    crate::support::readable::assert_readable(app, app.size);
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    text(t.backend())
}

fn draw_wizard(w: &Wizard, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| homedash::setup::view::draw(w, f)).unwrap();
    text(t.backend())
}

/// Every app screen at one size: what each showed.
fn app_screens(w: u16, h: u16) -> Vec<(&'static str, String, bool)> {
    let mut out = Vec::new();
    let mut a = dashboard(w, h);
    out.push(("dashboard", draw_app(&a), view::too_small_for(&a)));
    a.first_run = true;
    out.push(("first run", draw_app(&a), view::too_small_for(&a)));
    a.first_run = false;
    press(&mut a, KeyCode::Char('z'));
    out.push(("zoom", draw_app(&a), view::too_small_for(&a)));
    press(&mut a, KeyCode::Char('?'));
    out.push(("help", draw_app(&a), view::too_small_for(&a)));
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('z'));
    press(&mut a, KeyCode::Char('c'));
    out.push(("credentials", draw_app(&a), view::too_small_for(&a)));
    press(&mut a, KeyCode::Char('a'));
    out.push(("credentials add", draw_app(&a), view::too_small_for(&a)));
    out
}

fn key(w: &mut Wizard, code: KeyCode) {
    w.update(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

type Move = Box<dyn Fn(&mut Wizard)>;

fn keys(codes: Vec<KeyCode>) -> Move {
    Box::new(move |w| {
        for c in &codes {
            key(w, *c);
        }
    })
}

fn typed(text: &'static str) -> Vec<KeyCode> {
    text.chars().map(KeyCode::Char).collect()
}

/// The wizard on every step, with the step's results in: a state per
/// move of a whole run.
fn wizard_steps() -> Vec<Wizard> {
    use KeyCode::{Down, Enter, Right, Tab};
    let script: Vec<Move> = vec![
        keys(vec![]),
        keys(vec![Enter]),
        keys(vec![Down, Down, Down, KeyCode::Char(' '), Enter, Down, Right]),
        keys(vec![Enter]),
        Box::new(|w| {
            w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
            w.update(&Event::Paste("hd-canary-sizes".into()));
        }),
        Box::new(|w| {
            key(w, Enter);
            w.on(Reply::Stored {
                name: "finnhub".into(),
                result: Ok(Stored {
                    fingerprint: "…izes".into(),
                    ok: true,
                    text: "valid".into(),
                }),
            });
        }),
        Box::new(|w| {
            key(w, Enter);
            keys(typed("Berlin"))(w);
            key(w, Enter);
            w.on(Reply::Places {
                query: "Berlin".into(),
                result: Err(FetchError::new(ErrorClass::Offline, "no route to host")),
            });
        }),
        Box::new(|w| {
            keys(typed("52.5"))(w);
            key(w, Tab);
            keys(typed("13.4"))(w);
            key(w, Enter);
            key(w, Enter);
            w.on(Reply::Tried {
                what: TryWhat::Symbols,
                key: w.symbol_list().join(","),
                lines: vec![(Verdict::Good, "AAPL: 261.05 USD".into()); 3],
            });
        }),
        Box::new(|w| {
            key(w, Enter);
            key(w, Enter);
            w.on(Reply::Tried {
                what: TryWhat::Metrics,
                key: "http://localhost:9090/ up".into(),
                lines: vec![(Verdict::Good, "up: 1 series".into())],
            });
        }),
        keys(vec![Enter]),
        keys(vec![Enter]),
        keys(vec![KeyCode::Esc]),
    ];
    let out: Vec<Wizard> = (0..script.len())
        .map(|i| {
            let mut w = Wizard::new(
                "/home/ada/.config/homedash/config.toml".into(),
                None,
                Endpoints::default(),
            )
            .unwrap();
            for m in &script[..=i] {
                m(&mut w);
            }
            w
        })
        .collect();
    let last = out.last().unwrap();
    assert!(
        last.step == homedash::setup::Step::Review && last.confirm_cancel,
        "{:?}",
        last.note
    );
    out
}

fn check_app(w: u16, h: u16) {
    for (name, shown, small) in app_screens(w, h) {
        if small && w >= 40 && h >= 4 {
            assert!(shown.contains("too small"), "{name} at {w}x{h}: no message:\n{shown}");
            // One screen's message, whole: nothing of another's left in it.
            assert!(
                shown.matches("Enlarge the window").count() <= 1,
                "{name} at {w}x{h}:\n{shown}"
            );
            // The help and Credentials messages cover the dashboard's whole.
            if name.starts_with("help") || name.starts_with("credentials") {
                // The body: without the title and status bars.
                let cells: Vec<char> = shown.chars().collect();
                let (w, h) = (usize::from(w), usize::from(h));
                let body: String = cells[w.min(cells.len())..(w * h.saturating_sub(1)).min(cells.len())]
                    .iter()
                    .collect();
                assert!(
                    !body.contains("zoom") && !body.contains("EEnlarge"),
                    "{name} at {w}x{h}: another screen's message shows through:\n{shown}"
                );
            }
        }
    }
}

/// One terminal through a run of resizes and screens, as a user's would
/// be: after every frame it shows exactly what a fresh terminal of that
/// size shows for the same state. No cell of an earlier frame survives.
fn check_against_fresh(steps: &[(u16, u16, char)]) {
    let (w0, h0) = (steps[0].0, steps[0].1);
    let mut app = dashboard(w0, h0);
    let mut term = Terminal::new(TestBackend::new(w0, h0)).unwrap();
    for &(w, h, key) in steps {
        term.backend_mut().resize(w, h);
        app.update(Msg::Input(Event::Resize(w, h)));
        match key {
            'E' => press(&mut app, KeyCode::Esc),
            'N' => press(&mut app, KeyCode::Enter),
            '-' => {}
            c => press(&mut app, KeyCode::Char(c)),
        }
        term.draw(|f| view::draw(&app, f)).unwrap();
        let fresh = draw_app(&app);
        let kept = text(term.backend());
        assert_eq!(
            kept, fresh,
            "after {steps:?}, at {w}x{h} after '{key}': the terminal differs from a fresh draw"
        );
    }
}

#[test]
fn help_at_40x10_after_a_larger_frame_is_clean() {
    check_against_fresh(&[
        (160, 48, '-'),
        (40, 10, '?'),
        (40, 10, '-'),
        (160, 48, 'E'),
        (40, 10, 'c'),
        (80, 24, '-'),
    ]);
    let mut a = dashboard(40, 10);
    press(&mut a, KeyCode::Char('?'));
    let shown = draw_app(&a);
    assert_eq!(shown.matches("Enlarge the window").count(), 1, "{shown}");
    assert!(shown.contains("press Esc to") && shown.contains("close it."), "{shown}");
    assert!(
        !shown.contains("zoom") && !shown.contains("EEnlarge"),
        "the dashboard's message shows through:\n{shown}"
    );
}

fn check_wizard(steps: &[Wizard], w: u16, h: u16) {
    for wiz in steps {
        let shown = draw_wizard(wiz, w, h);
        if homedash::setup::view::too_small(w, h) && w >= 40 && h >= 4 {
            assert!(
                shown.contains("too small"),
                "wizard {:?} at {w}x{h}:\n{shown}",
                wiz.step
            );
        }
    }
}

#[test]
fn every_edge_size() {
    let steps = wizard_steps();
    let mut sizes = Vec::new();
    for w in [
        1, 2, 3, 10, 19, 20, 39, 40, 59, 60, 79, 80, 119, 120, 199, 200, 299, 300,
    ] {
        for h in [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 15, 16, 23, 24, 47, 48, 99, 100] {
            sizes.push((w, h));
        }
    }
    // Whole rows and columns at the extremes.
    sizes.extend((1..=MAX.0).flat_map(|w| [(w, 1), (w, MAX.1)]));
    sizes.extend((1..=MAX.1).flat_map(|h| [(1, h), (MAX.0, h)]));
    for (w, h) in sizes {
        check_app(w, h);
        check_wizard(&steps, w, h);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_size_draws_every_app_screen(w in 1..=MAX.0, h in 1..=MAX.1) {
        check_app(w, h);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_run_of_resizes_and_screens_matches_a_fresh_draw(
        steps in proptest::collection::vec(
            (1..=220u16, 1..=70u16, proptest::sample::select(vec!['-', '?', 'E', 'c', 'z', 'N', 'a', '!', 'q'])),
            1..12,
        )
    ) {
        check_against_fresh(&steps);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_size_draws_every_wizard_step(w in 1..=MAX.0, h in 1..=MAX.1) {
        thread_local!(static STEPS: Vec<Wizard> = wizard_steps());
        STEPS.with(|steps| check_wizard(steps, w, h));
    }
}

/// `n` clocks and no layout: auto-paged, as the config of the crash was.
fn many_clocks(n: usize, w: u16, h: u16) -> App {
    let text: String = (0..n)
        .map(|i| format!("[widget.c{i}]\nkind = \"clock\"\nzones = [\"UTC\"]\n\n"))
        .collect();
    let cfg = config::parse("many", &text).unwrap();
    App::new(
        cfg,
        false,
        Rect::new(0, 0, w, h),
        Utc::now(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    )
}

fn draw_at(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    text(t.backend())
}

/// What happens to the app between two frames.
fn act(app: &mut App, what: char) {
    match what {
        'E' => press(app, KeyCode::Esc),
        'N' => press(app, KeyCode::Enter),
        'T' => {
            app.update(Msg::Tick);
        }
        // A poll's answer arrives in the background.
        'B' => {
            app.update(Msg::Fetched {
                id: 0,
                at: Utc::now(),
                result: Err(FetchError::new(ErrorClass::Timeout, "no complete answer")),
                next: None,
            });
        }
        '-' => {}
        c => press(app, KeyCode::Char(c)),
    }
}

/// A frame drawn after the terminal changed size and before its Resize
/// event arrived (a poll's answer, a tick): it lays out from the frame it
/// draws into, so it fits the buffer and shows what a fresh terminal of
/// that size shows for the same state. `announce` sends the event.
fn check_unannounced(mut app: App, steps: &[(u16, u16, char, bool)]) {
    let mut term = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    for &(w, h, what, announce) in steps {
        term.backend_mut().resize(w, h);
        if announce {
            app.update(Msg::Input(Event::Resize(w, h)));
        }
        act(&mut app, what);
        term.draw(|f| view::draw(&app, f)).unwrap();
        let fresh = draw_at(&app, w, h);
        assert_eq!(
            text(term.backend()),
            fresh,
            "after {steps:?}, at {w}x{h} after '{what}': the terminal differs from a fresh draw"
        );
    }
}

#[test]
fn every_screen_draws_into_a_terminal_resized_without_its_event() {
    // The report's run: pages 2 and 3, back to 1, then 160x48 to 80x24
    // with the frame drawn before the event.
    check_unannounced(
        many_clocks(60, 160, 48),
        &[
            (160, 48, '2', true),
            (160, 48, '3', true),
            (160, 48, '1', true),
            (80, 24, 'B', false),
            (80, 24, 'T', false),
            (80, 24, '-', true),
        ],
    );
    // Every screen, smaller then larger than the app believes.
    for screen in [&[][..], &['z'], &['?'], &['c'], &['c', 'a'], &['!']] {
        for (w, h) in [(80, 24), (300, 100), (20, 5), (1, 1)] {
            let mut app = dashboard(160, 48);
            for c in screen {
                act(&mut app, *c);
            }
            check_unannounced(app, &[(w, h, 'T', false), (w, h, 'B', false)]);
        }
    }
}

#[test]
fn every_wizard_step_draws_at_any_size_without_a_resize_event() {
    for wiz in wizard_steps() {
        let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
        for (w, h) in [(80, 24), (200, 60), (1, 1), (60, 20)] {
            term.backend_mut().resize(w, h);
            term.draw(|f| homedash::setup::view::draw(&wiz, f)).unwrap();
            assert_eq!(
                text(term.backend()),
                draw_wizard(&wiz, w, h),
                "{:?} at {w}x{h}",
                wiz.step
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn resizes_input_and_background_news_in_any_order_match_a_fresh_draw(
        paged in any::<bool>(),
        steps in proptest::collection::vec(
            (
                1..=MAX.0,
                1..=MAX.1,
                proptest::sample::select(vec!['-', '?', 'E', 'c', 'z', 'N', 'a', '!', ']', '[', '2', 'T', 'B']),
                any::<bool>(),
            ),
            1..16,
        )
    ) {
        let app = if paged { many_clocks(60, 160, 48) } else { dashboard(160, 48) };
        check_unannounced(app, &steps);
    }
}

/// The README's small-terminal section states the sizes the code checks.
#[test]
fn the_readme_states_the_minimum_sizes_the_code_uses() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for (what, (w, h)) in [
        ("key help", view::MIN_SIZE),
        ("the Credentials screen", view::CREDENTIALS_MIN),
        ("setup", homedash::setup::view::MIN),
    ] {
        assert!(
            readme.contains(&format!("{what} {w}x{h}")),
            "README.md should say \"{what} {w}x{h}\""
        );
    } // And each card kind's minimum, as the kinds state it.
    use homedash_widgets::source::Kind;
    for (what, kind) in [
        ("a weather card's current line,", Kind::Weather),
        ("with a second row or `+N more`,", Kind::Stocks),
        ("a metric's label and value,", Kind::Metrics),
        ("a clock's time,", Kind::Clock),
    ] {
        let (w, h) = kind.min_content();
        assert!(
            readme.contains(&format!("{what} {w}x{h}")),
            "README.md should say \"{what} {w}x{h}\""
        );
    }
    let (w, _) = Kind::System.min_content();
    assert!(readme.contains(&format!("the System card, {w} columns")));
}
