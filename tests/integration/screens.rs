//! Whole screens on a TestBackend, with fixed times and data, as insta
//! snapshots. Review changes with `cargo insta review`.

use crate::support;

use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use homedash::config;
use homedash::dashboard::app::App;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::view;
use homedash_widgets::{Data, ErrorClass, FetchError, HttpReply};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc()
}

fn app(text: &str, w: u16, h: u16) -> App {
    let cfg = config::parse("t", text).unwrap();
    App::new(
        cfg,
        text == config::DEMO,
        Rect::new(0, 0, w, h),
        now(),
        FixedOffset::east_opt(3600).unwrap(),
    )
}

fn id(app: &App, name: &str) -> usize {
    app.widgets.iter().position(|w| w.id == name).unwrap()
}

fn weather(app: &App, name: &str) -> Data {
    let w = &app.widgets[id(app, name)];
    w.source
        .parse(
            &[HttpReply {
                status: 200,
                headers: vec![],
                body: support::FORECAST.as_bytes().to_vec(),
            }],
            now(),
        )
        .unwrap()
}

use crate::support::readable::system;

fn fetched(app: &mut App, name: &str, ago_secs: i64, result: Result<Data, FetchError>) {
    let at = now() - chrono::Duration::seconds(ago_secs);
    let id = id(app, name);
    app.update(Msg::Fetched {
        id,
        at,
        result,
        next: Some(now() + chrono::Duration::seconds(42)),
    });
}

fn key(app: &mut App, c: KeyCode) {
    app.update(Msg::Input(Event::Key(KeyEvent {
        code: c,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })));
}

/// Every snapshot here is drawn by this, and checked for a card below
/// its kind's minimum.
fn render(app: &App) -> TestBackend {
    support::readable::assert_readable(app, app.size);
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    t.backend().clone()
}

fn loaded_default(w: u16, h: u16) -> App {
    let mut a = app(config::EMBEDDED_DEFAULT, w, h);
    let wx = weather(&a, "weather");
    fetched(&mut a, "weather", 200, Ok(wx));
    fetched(&mut a, "system", 1, Ok(system()));
    a
}

#[test]
fn first_frame_before_any_data() {
    insta::assert_snapshot!(render(&app(config::EMBEDDED_DEFAULT, 80, 24)));
}

#[test]
fn default_dashboard_80x24() {
    insta::assert_snapshot!(render(&loaded_default(80, 24)));
}

#[test]
fn default_dashboard_160x48() {
    insta::assert_snapshot!(render(&loaded_default(160, 48)));
}

#[test]
fn offline_without_data_says_why_and_when_it_retries() {
    let mut a = app(config::EMBEDDED_DEFAULT, 80, 24);
    fetched(
        &mut a,
        "weather",
        0,
        Err(FetchError::new(
            ErrorClass::Offline,
            "dns error: failed to lookup address information",
        )),
    );
    a.focus = id(&a, "weather");
    insta::assert_snapshot!(render(&a));
}

#[test]
fn stale_data_keeps_showing_with_its_age_and_the_error() {
    let mut a = loaded_default(80, 24);
    let until = now() + chrono::Duration::minutes(7);
    fetched(
        &mut a,
        "weather",
        0,
        Err(FetchError::new(
            ErrorClass::RateLimited { until: Some(until) },
            "Minutely API request limit exceeded",
        )),
    );
    insta::assert_snapshot!(render(&a));
}

#[test]
fn zoomed_widget() {
    let mut a = loaded_default(80, 24);
    a.focus = id(&a, "weather");
    key(&mut a, KeyCode::Char('z'));
    insta::assert_snapshot!(render(&a));
}

#[test]
fn help_overlay() {
    let mut a = loaded_default(80, 24);
    key(&mut a, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&a));
}

#[test]
fn terminal_too_small() {
    // 30x8 pages the default dashboard a card at a time: the clock fits,
    // the System card (34 columns of rows) cannot, and says what it needs.
    let mut a = loaded_default(30, 8);
    assert_eq!(a.pages.len(), 3);
    insta::assert_snapshot!("too_small_30x8", render(&a));
    a.show_page(2);
    let system = render(&a);
    assert!(format!("{system}").contains("36x10"), "{system}");
    // Zoom would not fit either, so it is not offered.
    assert!(!format!("{system}").contains("zoom"), "{system}");
    // Two rows: the bars do not fit either, and the size needed is the same.
    let mut flat = loaded_default(30, 2);
    flat.show_page(2);
    let flat = render(&flat);
    assert!(format!("{flat}").contains("36x10"), "{flat}");
    insta::assert_snapshot!("too_small_30x8_system", system);
    insta::assert_snapshot!("too_small_1x1", render(&loaded_default(1, 1)));
}

#[test]
fn demo_160x48() {
    let mut a = app(config::DEMO, 160, 48);
    for w in ["berlin", "newyork"] {
        let d = weather(&a, w);
        fetched(&mut a, w, 0, Ok(d));
    }
    fetched(&mut a, "system", 0, Ok(system()));
    insta::assert_snapshot!(render(&a));
}

#[test]
fn every_size_renders_without_panic() {
    let base = loaded_default(80, 24);
    for w in [1u16, 2, 5, 13, 40, 81, 200, 300] {
        for h in [1u16, 2, 3, 7, 12, 24, 61, 100] {
            let mut a = loaded_default(w, h);
            a.focus = base.focus;
            render(&a);
            key(&mut a, KeyCode::Char('z'));
            render(&a);
            key(&mut a, KeyCode::Char('?'));
            render(&a);
        }
    }
}

#[test]
fn narrow_cards_keep_their_titles() {
    const THREE: &str = "[widget.clock]\nkind = \"clock\"\n[widget.berlin]\nkind = \"weather\"\nlocation = \"Berlin\"\nlatitude = 52.52\nlongitude = 13.41\n[widget.newyork]\nkind = \"weather\"\nlocation = \"New York\"\nlatitude = 40.71\nlongitude = -74.01\nunits = \"imperial\"\n[widget.system]\nkind = \"system\"\n[[layout.row]]\nlength = 11\n  [[layout.row.col]]\n  widget = \"clock\"\n  [[layout.row.col]]\n  widget = \"berlin\"\n  [[layout.row.col]]\n  widget = \"newyork\"\n[[layout.row]]\nwidget = \"system\"\n";
    let mut a = app(THREE, 60, 20);
    for w in ["berlin", "newyork"] {
        let d = weather(&a, w);
        fetched(&mut a, w, 0, Ok(d));
    }
    fetched(
        &mut a,
        "newyork",
        0,
        Err(FetchError::new(ErrorClass::Timeout, "no complete answer")),
    );
    fetched(&mut a, "system", 0, Ok(system()));
    let shot = render(&a);
    // Three cards do not fit across 60 columns at their kind's minimum:
    // the third goes under the others, and every title is whole.
    let text = format!("{shot}");
    assert!(text.contains("╭ Berlin ") && text.contains("╭ New York "), "{text}");
    insta::assert_snapshot!(shot);
}

const KEYED: &str = r#"[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL", "MSFT"]
credential = "finnhub"

[widget.watch]
kind = "stocks"
provider = "finnhub"
title = "Watchlist"
symbols = ["NVDA"]
credential = "finnhub-ci"

[credential.finnhub]
provider = "finnhub"
rotate_after = "90days"

[credential.finnhub-ci]
provider = "finnhub"
source = "env"
env = "FINNHUB_TOKEN"
expires = 2026-12-05
"#;

fn quotes() -> Data {
    use homedash_widgets::stocks::{Quote, Quotes};
    let q = |symbol: &str, price: f64, change: f64| Quote {
        symbol: symbol.into(),
        price,
        change: Some(change),
        change_pct: Some(change / (price - change) * 100.0),
        low: Some(price - 3.0),
        high: Some(price + 2.0),
        currency: Some("USD".into()),
        market_open: Some(true),
        at: None,
        series: vec![price - change, price - change * 0.5, price - change * 0.8, price],
    };
    Data::Quotes(Quotes {
        quotes: vec![q("AAPL", 261.74, 2.29), q("MSFT", 410.5, -3.25)],
    })
}

/// Credential state as the worker and broker would report it.
fn keyed(w: u16, h: u16) -> App {
    use homedash::credentials::Usage;
    use homedash::credentials::{Meta, MetaFile, TestResult};
    use homedash::credentials::{Status, View};
    use homedash::workers::credentials::CredEvent;
    let mut a = app(KEYED, w, h);
    fetched(&mut a, "stocks", 30, Ok(quotes()));
    fetched(&mut a, "watch", 30, Ok(quotes()));
    let mut meta = MetaFile::default();
    meta.credentials.insert(
        "finnhub".into(),
        Meta {
            provider: "finnhub".into(),
            source: "keyring".into(),
            created: Some(now() - chrono::Duration::days(100)),
            fingerprint: Some("…7Q2x".into()),
            last_test: Some(TestResult::new(
                &homedash_widgets::provider::Verdict::Valid,
                now() - chrono::Duration::minutes(5),
            )),
            usage: Usage {
                requests: 1432,
                ok: 1429,
                rejected: 1,
                limited: 2,
                last_used: Some(now() - chrono::Duration::seconds(30)),
                ..Default::default()
            },
            ..Default::default()
        },
    );
    a.update(Msg::Cred(CredEvent::Meta(meta)));
    a.update(Msg::Cred(CredEvent::Views(vec![
        View {
            name: "finnhub".into(),
            status: Status::Ready,
            fingerprint: Some("…7Q2x".into()),
            oauth: None,
            unsaved: Default::default(),
        },
        View {
            name: "finnhub-ci".into(),
            status: Status::Rejected("Invalid API key.".into()),
            fingerprint: Some("…c0de".into()),
            oauth: None,
            unsaved: Default::default(),
        },
    ])));
    a
}

#[test]
fn dashboard_shows_credential_warnings() {
    let a = keyed(100, 20);
    let shot = render(&a);
    let text = format!("{shot}");
    assert!(
        text.contains("rotation due") && text.contains("credential rejected"),
        "{text}"
    );
    insta::assert_snapshot!(shot);
}

#[test]
fn credentials_screen() {
    let mut a = keyed(140, 30);
    key(&mut a, KeyCode::Char('c'));
    insta::assert_snapshot!("credentials_140x30", render(&a));
    let mut small = keyed(80, 24);
    key(&mut small, KeyCode::Char('c'));
    key(&mut small, KeyCode::Down);
    insta::assert_snapshot!("credentials_80x24_second_row", render(&small));
}

const OAUTH: &str = r#"[widget.garden]
kind = "weather"
provider = "netatmo"
credential = "station"

[credential.station]
provider = "netatmo"
type = "oauth2"
grant = "device_code"
issuer = "https://auth.example"
client_id = "hd-station"
scopes = ["read_station"]
"#;

#[test]
fn credentials_screen_shows_an_oauth_credential_and_its_login() {
    use homedash::credentials::{OAuthView, Status, View};
    use homedash::workers::credentials::CredEvent;
    let mut a = app(OAUTH, 120, 40);
    a.update(Msg::Cred(CredEvent::Views(vec![View {
        name: "station".into(),
        status: Status::Ready,
        fingerprint: Some("…R7fw".into()),
        oauth: Some(OAuthView {
            grant: "device_code",
            expires_at: Some(now() + chrono::Duration::minutes(14)),
            refresh_issued: Some(now() - chrono::Duration::hours(2)),
            granted: Some(vec!["read_station".into(), "write_thermostat".into()]),
            asked: vec!["read_station".into()],
        }),
        unsaved: Default::default(),
    }])));
    key(&mut a, KeyCode::Char('c'));
    let shot = render(&a);
    let text = format!("{shot}");
    assert!(text.contains("14m left") && text.contains("2h old"), "{text}");
    assert!(text.contains("more than asked (write_thermostat)"), "{text}");
    insta::assert_snapshot!("credentials_oauth", shot);
    // l starts the login; its code, URL and QR code come from the worker.
    key(&mut a, KeyCode::Char('l'));
    let mut showing = homedash::workers::credentials::Showing::default();
    showing.update(homedash::credentials::Prompt::Device {
        user_code: "WDJB-MJHT".into(),
        uri: "https://auth.example/device".into(),
        complete: Some("https://auth.example/device?user_code=WDJB-MJHT".into()),
        expires_in: std::time::Duration::from_secs(600),
    });
    a.update(Msg::Cred(CredEvent::Login(showing)));
    let shot = render(&a);
    assert!(format!("{shot}").contains("WDJB-MJHT"));
    insta::assert_snapshot!("credentials_oauth_login", shot);
    // a and r make no sense for it, and say so.
    key(&mut a, KeyCode::Esc);
    a.update(Msg::Cred(CredEvent::Done {
        ok: false,
        text: "station: login cancelled; nothing was stored".into(),
    }));
    key(&mut a, KeyCode::Char('r'));
    assert!(format!("{}", render(&a)).contains("l logs in"));
}

#[test]
fn credentials_dialogs_mask_the_token() {
    let canary = "hd-canary-snapshot-0123456789";
    let mut a = keyed(100, 30);
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Char('a'));
    a.update(Msg::Input(Event::Paste(canary.into())));
    let add = render(&a);
    assert!(!format!("{add}").contains("canary"));
    assert!(!format!("{a:?}").contains("canary"), "app state Debug");
    insta::assert_snapshot!("credentials_add_dialog", add);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('r'));
    a.update(Msg::Input(Event::Paste(canary.into())));
    insta::assert_snapshot!("credentials_rotate_dialog", render(&a));
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('d'));
    insta::assert_snapshot!("credentials_revoke_dialog", render(&a));
}

#[test]
fn credentials_screen_renders_at_every_size() {
    for w in [1u16, 2, 5, 13, 40, 81, 200, 300] {
        for h in [1u16, 2, 3, 7, 12, 24, 61, 100] {
            let mut a = keyed(w, h);
            key(&mut a, KeyCode::Char('c'));
            render(&a);
            key(&mut a, KeyCode::Char('a'));
            render(&a);
            key(&mut a, KeyCode::Esc);
            key(&mut a, KeyCode::Char('d'));
            render(&a);
        }
    }
}

#[test]
fn no_snapshot_holds_a_token() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots");
    let mut seen = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        seen += 1;
        assert!(!text.contains("hd-canary"), "{}", e.path().display());
    }
    assert!(seen > 10);
}

/// Twelve pages named after months, a failing widget on "Mar" and a
/// clock on each.
fn paged(w: u16, h: u16) -> App {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "December",
    ];
    let mut text = String::new();
    for (i, m) in months.iter().enumerate() {
        text.push_str(&format!(
            "[widget.c{i}]\nkind = \"clock\"\ntitle = \"{m} clock\"\nzones = [\"UTC\"]\n\n"
        ));
    }
    text.push_str(
        "[widget.rain]\nkind = \"weather\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"http://127.0.0.1:9/\"\n\n",
    );
    for (i, m) in months.iter().enumerate() {
        let extra = if *m == "Mar" { ", \"rain\"" } else { "" };
        text.push_str(&format!("[[page]]\nname = \"{m}\"\nwidgets = [\"c{i}\"{extra}]\n\n"));
    }
    let mut a = app(&text, w, h);
    fetched(
        &mut a,
        "rain",
        30,
        Err(FetchError::new(ErrorClass::Offline, "connection refused")),
    );
    a
}

/// The page bar's row as text, and under it `^` where the page on screen
/// is picked out.
fn bar(app: &App) -> String {
    let b = render(app);
    let buf = b.buffer();
    let (mut text, mut marks) = (String::new(), String::new());
    for x in 0..buf.area.width {
        let cell = &buf[(x, 1)];
        text.push_str(cell.symbol());
        marks.push(if cell.bg == homedash_widgets::style::ACCENT {
            '^'
        } else {
            ' '
        });
    }
    format!("{}\n{}", text.trim_end(), marks.trim_end())
}

#[test]
fn page_bar_small_and_large() {
    // 40 wide: a window around the page on screen, cut ends marked.
    let mut small = paged(40, 12);
    key(&mut small, KeyCode::Char('8'));
    // 200 wide: every page, the failing one marked.
    let mut large = paged(200, 60);
    key(&mut large, KeyCode::Char(']'));
    insta::assert_snapshot!(format!(
        "40x12, page 8:\n{}\n\n200x60, page 2:\n{}\n\n80x24, page 3 (whole screen):\n{}",
        bar(&small),
        bar(&large),
        {
            let mut a = paged(80, 24);
            key(&mut a, KeyCode::Char('3'));
            render(&a)
        }
        .to_string()
    ));
}

/// One widget of each kind, loaded from fixtures through its source's own
/// parse.
const EVERY_KIND: &str = r#"
[widget.weather]
kind = "weather"
provider = "open-meteo"
location = "Berlin"
latitude = 52.52
longitude = 13.41

[widget.quotes]
kind = "stocks"
provider = "yahoo"
symbols = ["AAPL"]

[widget.cpu]
kind = "metrics"
provider = "prometheus"
base_url = "http://127.0.0.1:9090"
query = "up"
range = "1h"
legend = "job"
warn = 0.5
crit = 0.2

[widget.system]
kind = "system"

[widget.clock]
kind = "clock"
zones = ["local", "UTC", "Asia/Tokyo"]
"#;

fn from_fixture(app: &App, name: &str, fixture: &str) -> Data {
    let path = format!("{}/widgets/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap();
    app.widgets[id(app, name)]
        .source
        .parse(
            &[HttpReply {
                status: 200,
                headers: vec![],
                body,
            }],
            now(),
        )
        .unwrap()
}

/// Every widget kind, each with data from its fixture.
fn every_kind_loaded(w: u16, h: u16) -> App {
    let mut a = app(EVERY_KIND, w, h);
    let wx = weather(&a, "weather");
    fetched(&mut a, "weather", 60, Ok(wx));
    let q = from_fixture(&a, "quotes", "yahoo/chart_AAPL_1d_5m_CONSTRUCTED.json");
    fetched(&mut a, "quotes", 5, Ok(q));
    let m = from_fixture(&a, "cpu", "prometheus/query_range_matrix.json");
    fetched(&mut a, "cpu", 5, Ok(m));
    fetched(&mut a, "system", 1, Ok(system()));
    a
}

#[test]
fn zoomed_each_kind_at_80x24_and_200x60() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut a = every_kind_loaded(w, h);
        for name in ["weather", "quotes", "cpu", "system", "clock"] {
            a.focus = id(&a, name);
            key(&mut a, KeyCode::Char('z'));
            let screen = render(&a);
            let text = format!("{screen:?}");
            assert!(
                text.contains(&format!("\" {name} · ")),
                "{name} is the zoomed card:\n{text}"
            );
            insta::assert_snapshot!(format!("zoomed_{name}_{w}x{h}"), screen);
            key(&mut a, KeyCode::Esc);
        }
    }
}

/// The frame as the terminal gets it: drawn, then finished with the
/// app's theme (its `[theme]`, `--theme`, `NO_COLOR`).
fn themed(app: &App) -> ratatui::buffer::Buffer {
    use homedash::ui::event_loop::Program;
    let theme = app.theme();
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| {
        view::draw(app, f);
        theme.finish(f.buffer_mut());
    })
    .unwrap();
    t.backend().buffer().clone()
}

fn look(name: Option<config::ThemeName>, no_color: bool) -> homedash::ui::theme::Look {
    homedash::ui::theme::Look {
        name,
        no_color,
        ..Default::default()
    }
}

/// Under NO_COLOR nothing is coloured, and what colour meant is still
/// there: the title bar and the selection in reverse video, warnings in
/// bold, a rejected credential in bold reverse, hints dim, focus by its
/// thick border.
#[test]
fn no_color_keeps_every_emphasis_as_an_attribute() {
    let mut a = keyed(100, 20);
    fetched(
        &mut a,
        "stocks",
        5,
        Err(FetchError::new(ErrorClass::Offline, "connection refused")),
    );
    a.look = look(None, true);
    let buf = themed(&a);
    support::assert_monochrome(&buf);
    let s = support::styled(&buf);
    for (what, needle) in [
        ("the title bar", "REVERSED \" homedash"),
        ("a warning", "BOLD"),
        ("a hint", "DIM"),
        ("the focused card's thick border", "┏"),
    ] {
        assert!(s.contains(needle), "{what} ({needle}) missing:\n{s}");
    }
    insta::assert_snapshot!("no_color_dashboard_100x20", s);

    key(&mut a, KeyCode::Char('c'));
    let buf = themed(&a);
    support::assert_monochrome(&buf);
    let s = support::styled(&buf);
    assert!(
        s.contains("BOLD | REVERSED \"rejected"),
        "the rejected state stands out:\n{s}"
    );
    assert!(s.contains("REVERSED \"▶ finnhub"), "the selected row is reversed:\n{s}");
    insta::assert_snapshot!("no_color_credentials_100x20", s);
}

/// The light and high-contrast themes recolour every role and paint no
/// background but the bars; the default theme is what screens draw.
#[test]
fn light_and_high_contrast_themes() {
    use homedash::ui::theme::Palette;
    use ratatui::style::Color;
    for (name, palette, label) in [
        (config::ThemeName::Light, Palette::LIGHT, "light"),
        (config::ThemeName::HighContrast, Palette::HIGH_CONTRAST, "high_contrast"),
    ] {
        let mut a = keyed(100, 20);
        a.look = look(Some(name), false);
        let buf = themed(&a);
        let roles = [
            palette.accent,
            palette.good,
            palette.warn,
            palette.bad,
            palette.dim,
            palette.on_bar,
        ];
        for c in &buf.content {
            assert!(
                c.fg == Color::Reset || roles.contains(&c.fg),
                "{label}: {:?} is not a role",
                c.fg
            );
            assert!(
                c.bg == Color::Reset || [palette.accent, palette.warn].contains(&c.bg),
                "{label}: a background of {:?}",
                c.bg
            );
        }
        insta::assert_snapshot!(format!("theme_{label}_dashboard_100x20"), support::styled(&buf));
    }
    // The default theme changes nothing of what was drawn.
    let a = keyed(100, 20);
    assert_eq!(themed(&a), *render(&a).buffer());
}

/// `[theme]` in the config, with an override, reaches the frame; a reload
/// keeps NO_COLOR.
#[test]
fn a_config_theme_and_its_override_reach_the_frame() {
    use homedash::ui::theme::Palette;
    let text = format!(
        "{}\n[theme]\nname = \"light\"\nwarn = \"magenta\"\n",
        config::EMBEDDED_DEFAULT
    );
    let mut a = app(&text, 100, 30);
    fetched(
        &mut a,
        "weather",
        5,
        Err(FetchError::new(ErrorClass::Offline, "refused")),
    );
    let buf = themed(&a);
    let fgs: std::collections::BTreeSet<String> = buf.content.iter().map(|c| format!("{:?}", c.fg)).collect();
    assert!(fgs.contains("Magenta"), "the override: {fgs:?}");
    assert!(
        fgs.contains(&format!("{:?}", Palette::LIGHT.dim)),
        "the light theme's dim: {fgs:?}"
    );
    a.look = look(None, true);
    let (b, _) = App::reloaded(config::parse("t", &text).unwrap(), a);
    support::assert_monochrome(&themed(&b));
}

/// A JSON endpoint's values, polled four times: zoomed, a chart of each
/// since start with its warn and crit lines, not two lines on a screen.
#[test]
fn a_zoomed_instant_metric_charts_its_history_since_start() {
    const QUEUE: &str = r#"[widget.queue]
kind = "metrics"
provider = "json"
title = "Queue"
base_url = "http://127.0.0.1:9/"
path = "/status"
fields = [{ pointer = "/depth", label = "depth" }]
warn = 150
crit = 200
refresh = "5s"
"#;
    use homedash_widgets::data::{Metrics, Reading};
    let mut a = app(QUEUE, 80, 24);
    key(&mut a, KeyCode::Char('z'));
    let depth = |v: f64| {
        Ok(Data::Metrics(Metrics {
            readings: vec![Reading {
                label: "depth".into(),
                value: v,
                history: vec![],
                span: None,
            }],
        }))
    };
    fetched(&mut a, "queue", 15, depth(120.0));
    let one = format!("{}", render(&a));
    assert!(one.contains("its chart starts with the next poll"), "{one}");
    for (ago, v) in [(10, 160.0), (5, 210.0), (0, 140.0)] {
        fetched(&mut a, "queue", ago, depth(v));
    }
    let shot = render(&a);
    let text = format!("{shot}");
    assert!(text.contains("warn 150") && text.contains("crit 200"), "{text}");
    assert!(text.contains("min 120  max 210"), "{text}");
    insta::assert_snapshot!(shot);
}

/// A status line cut to fit says "! shows all", and `!` does: the whole
/// line, not "No message".
#[test]
fn bang_shows_the_status_line_the_bar_had_to_cut() {
    let mut a = app(config::EMBEDDED_DEFAULT, 50, 20);
    let bar = format!("{}", render(&a));
    assert!(bar.contains("! shows all"), "{bar}");
    key(&mut a, KeyCode::Char('!'));
    let shown = format!("{}", render(&a));
    assert!(shown.contains("Asia/Tokyo"), "{shown}");
    assert!(!shown.contains("No message"), "{shown}");
}

/// An error longer than its card holds ends in "…", not cut unseen.
#[test]
fn an_error_longer_than_its_card_ends_in_an_ellipsis() {
    let mut a = app(config::EMBEDDED_DEFAULT, 80, 24);
    let detail = "cannot resolve api.open-meteo.com: ".repeat(20);
    fetched(
        &mut a,
        "weather",
        0,
        Err(FetchError::new(ErrorClass::Offline, detail.trim_end())),
    );
    let shot = render(&a);
    let weather = id(&a, "weather");
    let card = a
        .visible_in(a.size)
        .into_iter()
        .find(|(w, _)| *w == weather)
        .map(|(_, r)| r)
        .unwrap();
    let (x, y) = (card.right() - 2, card.bottom() - 2);
    assert_eq!(shot.buffer()[(x, y)].symbol(), "…", "{shot}");
}

/// Every cell of a finished frame is one the Linux console's font has,
/// in one of its 16 colours.
fn assert_console(what: &str, buf: &ratatui::buffer::Buffer) {
    use ratatui::style::Color;
    for (i, c) in buf.content.iter().enumerate() {
        assert!(
            c.symbol().chars().all(homedash::ui::console::in_repertoire),
            "{what}: cell {i} holds {:?}, which a VGA console font lacks",
            c.symbol()
        );
        for colour in [c.fg, c.bg] {
            assert!(
                !matches!(colour, Color::Indexed(_) | Color::Rgb(..)),
                "{what}: cell {i} ({:?}) is in {colour:?}, not one of the console's 16",
                c.symbol()
            );
        }
    }
}

/// `--look console` at the console's 80x25: every widget kind with data
/// (sparklines included), zoomed, the help, the Credentials screen and a
/// too-small page, each within the console's repertoire, the light theme too.
#[test]
fn console_look_at_80x25_keeps_to_the_console_repertoire() {
    let console = homedash::ui::theme::Look {
        console: true,
        ..Default::default()
    };
    let mut a = every_kind_loaded(80, 25);
    a.look = console;
    let text = |buf: &ratatui::buffer::Buffer| {
        (0..buf.area.height)
            .map(|y| {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
                row.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let buf = themed(&a);
    assert_console("the dashboard", &buf);
    assert!(
        text(&buf).contains('╔'),
        "the focused card keeps a frame of its own:\n{}",
        text(&buf)
    );
    insta::assert_snapshot!("console_dashboard_80x25", text(&buf));
    for name in ["quotes", "cpu"] {
        a.focus = id(&a, name);
        key(&mut a, KeyCode::Char('z'));
        let buf = themed(&a);
        assert_console(name, &buf);
        // The sparkline is drawn in the console's half blocks.
        assert!(
            text(&buf).contains('▄') || text(&buf).contains('▀'),
            "{name}'s chart:\n{}",
            text(&buf)
        );
        insta::assert_snapshot!(format!("console_zoomed_{name}_80x25"), text(&buf));
        key(&mut a, KeyCode::Esc);
    }
    key(&mut a, KeyCode::Char('?'));
    let buf = themed(&a);
    assert_console("the help", &buf);
    insta::assert_snapshot!("console_help_80x25", text(&buf));
    key(&mut a, KeyCode::Esc);

    let mut k = keyed(80, 25);
    k.look = homedash::ui::theme::Look {
        name: Some(config::ThemeName::Light),
        ..console
    };
    key(&mut k, KeyCode::Char('c'));
    let buf = themed(&k);
    assert_console("the Credentials screen", &buf);
    insta::assert_snapshot!("console_credentials_80x25", text(&buf));

    let mut small = app(EVERY_KIND, 30, 8);
    small.look = console;
    assert_console("a page too small", &themed(&small));
}
