//! Every step of the setup wizard on a TestBackend, at 80x24 (usable) and
//! 200x60 (reads well), as insta snapshots. The states are reached by keys
//! and worker replies, as in the app.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use homedash::setup::state::Step;
use homedash::setup::worker::{Reply, Stored, TryWhat, Verdict};
use homedash::setup::{Endpoints, Wizard};
use homedash_widgets::HttpReply;
use homedash_widgets::weather::geocoding;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CANARY: &str = "hd-canary-wizard-snapshot-42";
const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn key(w: &mut Wizard, code: KeyCode) {
    w.update(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(w: &mut Wizard, text: &str) {
    for c in text.chars() {
        key(w, KeyCode::Char(c));
    }
}

fn new() -> Wizard {
    Wizard::new(
        "/home/ada/.config/homedash/config.toml".into(),
        None,
        Endpoints::default(),
    )
    .unwrap()
}

fn render(w: &Wizard, width: u16, height: u16) -> TestBackend {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| homedash::setup::view::draw(w, f)).unwrap();
    t.backend().clone()
}

fn snap(name: &str, w: &Wizard) {
    for (width, height) in SIZES {
        let b = render(w, width, height);
        let text = format!("{b}");
        assert!(!text.contains(CANARY), "the token is on screen at {width}x{height}");
        insta::assert_snapshot!(format!("wizard_{name}_{width}x{height}"), b);
    }
}

/// Through the widgets (adding metrics) and providers (Finnhub, Prometheus).
fn at_credentials() -> Wizard {
    let mut w = new();
    key(&mut w, KeyCode::Enter);
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Char(' '));
    key(&mut w, KeyCode::Enter);
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Right);
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Credentials);
    w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
    w
}

fn stored(w: &mut Wizard) {
    w.update(&Event::Paste(CANARY.into()));
    key(w, KeyCode::Enter);
    w.on(Reply::Stored {
        name: "finnhub".into(),
        result: Ok(Stored {
            fingerprint: "…t-42".into(),
            ok: true,
            text: "valid".into(),
        }),
    });
}

fn at_location() -> Wizard {
    let mut w = at_credentials();
    stored(&mut w);
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Location);
    w
}

fn places() -> Vec<geocoding::Place> {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/widgets/tests/fixtures/open-meteo/geocoding_berlin_CONSTRUCTED.json"
    ))
    .unwrap();
    geocoding::parse(
        &HttpReply {
            status: 200,
            headers: vec![],
            body,
        },
        chrono::Utc::now(),
    )
    .unwrap()
}

fn at_symbols() -> Wizard {
    let mut w = at_location();
    typed(&mut w, "Berlin");
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Places {
        query: "Berlin".into(),
        result: Ok(places()),
    });
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Symbols);
    w
}

fn tried_symbols(w: &mut Wizard) {
    key(w, KeyCode::Enter);
    w.on(Reply::Tried {
        what: TryWhat::Symbols,
        key: w.symbol_list().join(","),
        lines: vec![
            (Verdict::Good, "AAPL: 261.05 USD +0.41%".into()),
            (Verdict::Good, "MSFT: 472.12 USD -0.22%".into()),
            (Verdict::Wrong, "NVDA: not found: no quote for NVDA".into()),
        ],
    });
}

fn at_metrics() -> Wizard {
    let mut w = at_symbols();
    w.symbols = "AAPL, MSFT".into();
    key(&mut w, KeyCode::Enter);
    let k = w.symbol_list().join(",");
    w.on(Reply::Tried {
        what: TryWhat::Symbols,
        key: k,
        lines: vec![(Verdict::Good, "AAPL: 261.05 USD".into())],
    });
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Metrics);
    w
}

fn at_layout() -> Wizard {
    let mut w = at_metrics();
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Tried {
        what: TryWhat::Metrics,
        key: "http://localhost:9090/ up".into(),
        lines: vec![(Verdict::Good, "up: 1 series".into())],
    });
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Layout, "{:?}", w.note);
    w
}

#[test]
fn welcome() {
    snap("welcome", &new());
    let rerun = Wizard::new(
        "/home/ada/.config/homedash/config.toml".into(),
        Some("# mine\n[widget.clock]\nkind = \"clock\"\n".into()),
        Endpoints::default(),
    )
    .unwrap();
    snap("welcome_rerun", &rerun);
}

#[test]
fn widgets() {
    let mut w = new();
    key(&mut w, KeyCode::Enter);
    key(&mut w, KeyCode::Down);
    snap("widgets", &w);
}

#[test]
fn providers() {
    let mut w = new();
    key(&mut w, KeyCode::Enter);
    key(&mut w, KeyCode::Enter);
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Right);
    snap("providers", &w);
}

#[test]
fn credentials() {
    let mut w = at_credentials();
    w.update(&Event::Paste(CANARY.into()));
    snap("credentials_pasted", &w);
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Stored {
        name: "finnhub".into(),
        result: Ok(Stored {
            fingerprint: "…t-42".into(),
            ok: true,
            text: "valid".into(),
        }),
    });
    snap("credentials_stored", &w);
    // The source row is the field before the key's.
    let mut env = at_credentials();
    key(&mut env, KeyCode::BackTab);
    key(&mut env, KeyCode::Right);
    snap("credentials_env", &env);
}

#[test]
fn location() {
    let mut w = at_location();
    typed(&mut w, "Berlin");
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Places {
        query: "Berlin".into(),
        result: Ok(places()),
    });
    key(&mut w, KeyCode::Down);
    snap("location_results", &w);
}

#[test]
fn symbols() {
    let mut w = at_symbols();
    tried_symbols(&mut w);
    snap("symbols_checked", &w);
}

#[test]
fn metrics() {
    let mut w = at_metrics();
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Tried {
        what: TryWhat::Metrics,
        key: "http://localhost:9090/ up".into(),
        lines: vec![
            (Verdict::Good, "up: 3 series".into()),
            (Verdict::Good, "  node@a:9100 = 1".into()),
            (Verdict::Good, "  node@b:9100 = 1".into()),
            (Verdict::Good, "  prometheus@localhost:9090 = 1".into()),
        ],
    });
    snap("metrics_tried", &w);
}

#[test]
fn layout() {
    snap("layout", &at_layout());
}

#[test]
fn review() {
    let mut w = at_layout();
    key(&mut w, KeyCode::Enter);
    assert_eq!(w.step, Step::Review);
    let text = w.review.as_ref().unwrap().as_ref().unwrap().clone();
    assert!(!text.contains(CANARY));
    homedash::config::parse("review", &text).unwrap();
    snap("review", &w);
}

#[test]
fn leaving_asks_first() {
    let mut w = at_credentials();
    key(&mut w, KeyCode::Esc);
    snap("confirm_leave", &w);
}

#[test]
fn every_step_draws_at_every_small_size() {
    let states = [
        new(),
        at_credentials(),
        at_location(),
        at_symbols(),
        at_metrics(),
        at_layout(),
    ];
    for w in &states {
        for width in [1, 2, 10, 19, 20, 40, 80] {
            for height in [1, 2, 5, 6, 10, 24] {
                render(w, width, height);
            }
        }
    }
}

/// The wizard under NO_COLOR: no colour at all, the step bar's current
/// step in reverse video, a stored key's ✓ and a refused key's ✗ in
/// words and symbols, the refusal in bold reverse.
#[test]
fn no_color_keeps_the_wizards_emphasis() {
    use homedash::ui::event_loop::Program;
    let themed = |w: &Wizard| {
        let theme = w.theme();
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| {
            homedash::setup::view::draw(w, f);
            theme.finish(f.buffer_mut());
        })
        .unwrap();
        t.backend().buffer().clone()
    };
    let mono = homedash::ui::theme::Look {
        no_color: true,
        ..Default::default()
    };
    let mut w = at_credentials();
    w.look = mono;
    stored(&mut w);
    let buf = themed(&w);
    crate::support::assert_monochrome(&buf);
    let s = crate::support::styled(&buf);
    assert!(s.contains("REVERSED"), "the current step:\n{s}");
    assert!(s.contains("✓"), "{s}");
    insta::assert_snapshot!("wizard_no_color_stored_100x30", s);

    let mut w = at_credentials();
    w.look = mono;
    w.update(&Event::Paste(CANARY.into()));
    key(&mut w, KeyCode::Enter);
    w.on(Reply::Stored {
        name: "finnhub".into(),
        result: Err(homedash::setup::error::SetupError::Refused(
            "rejected: Invalid API key".into(),
        )),
    });
    let buf = themed(&w);
    crate::support::assert_monochrome(&buf);
    let s = crate::support::styled(&buf);
    assert!(s.contains("BOLD | REVERSED \"✗"), "the refusal stands out:\n{s}");
    insta::assert_snapshot!("wizard_no_color_rejected_100x30", s);
}
