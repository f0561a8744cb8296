//! The layouts people see first, at the sizes of a small terminal: the
//! demo, the default dashboard and each layout the setup wizard writes,
//! at 80x24, 60x20 and 100x30, every page of each. No card is drawn below
//! its kind's minimum (`support::readable`): a layout that does not fit is
//! split onto pages, and a card with more rows than room says `+N more`.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use homedash::config;
use homedash::dashboard::app::App;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::view;
use homedash::setup::plan::{self, Plan, Preset, WidgetPlan};
use homedash_widgets::HttpReply;
use homedash_widgets::source::Kind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::support::readable::assert_readable;

const SIZES: [(u16, u16); 3] = [(80, 24), (60, 20), (100, 30)];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc()
}

use crate::support::readable::system;

/// `text` at `w`x`h` with every widget loaded: the demo's own answers
/// (seeded, at a fixed time) for those that poll, a fixed snapshot for
/// the System card.
fn loaded(text: &str, demo: bool, w: u16, h: u16) -> App {
    fastrand::seed(27);
    let cfg = config::parse("t", text).unwrap();
    let mut app = App::new(
        cfg,
        demo,
        Rect::new(0, 0, w, h),
        now(),
        FixedOffset::east_opt(3600).unwrap(),
    );
    for id in 0..app.widgets.len() {
        let src = app.widgets[id].source.clone();
        let result = match src.kind() {
            Kind::Clock => continue,
            Kind::System => Ok(system()),
            _ => {
                let name = src.provider();
                let base = url::Url::parse(&format!("http://127.0.0.1:1/{name}/")).unwrap();
                let replies: Vec<HttpReply> = src
                    .requests(&base, now())
                    .into_iter()
                    .map(|spec| {
                        let path = spec.url.path().trim_start_matches(&format!("/{name}")).to_string();
                        let q: HashMap<String, String> = spec.url.query_pairs().into_owned().collect();
                        let (_, body) = homedash::demo::route_at(name, &path, &q, now())
                            .unwrap_or_else(|| panic!("{name}: no demo answer at {path}"));
                        HttpReply {
                            status: 200,
                            headers: vec![],
                            body: body.into_bytes(),
                        }
                    })
                    .collect();
                src.parse(&replies, now())
            }
        };
        app.update(Msg::Fetched {
            id,
            at: now(),
            result,
            next: None,
        });
    }
    app
}

/// Every page of `app`, each drawn and checked, one after another.
fn every_page(mut app: App) -> String {
    let area = app.size;
    let mut out = String::new();
    for p in 0..app.pages.len() {
        app.show_page(p);
        assert_readable(&app, area);
        let mut t = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
        t.draw(|f| view::draw(&app, f)).unwrap();
        let screen = format!("{}", t.backend());
        assert!(
            !app.visible_in(area).is_empty() || screen.contains("needs"),
            "page {} shows no card and does not say why:\n{screen}",
            p + 1
        );
        out.push_str(&format!("page {} of {}:\n{screen}\n", p + 1, app.pages.len()));
    }
    out
}

#[test]
fn the_demo_at_small_sizes() {
    for (w, h) in SIZES {
        let shot = every_page(loaded(config::DEMO, true, w, h));
        // Every widget is on a page.
        let app = loaded(config::DEMO, true, w, h);
        let placed: usize = app.pages.iter().map(|p| p.widgets.len()).sum();
        assert_eq!(placed, app.widgets.len());
        insta::assert_snapshot!(format!("demo_{w}x{h}"), shot);
    }
}

#[test]
fn the_default_dashboard_at_small_sizes() {
    for (w, h) in SIZES {
        let shot = every_page(loaded(config::EMBEDDED_DEFAULT, false, w, h));
        insta::assert_snapshot!(format!("default_{w}x{h}"), shot);
    }
}

/// What the wizard writes for someone who picked a clock, the weather in
/// Lisbon, four Finnhub quotes and the System card, under `layout`.
fn wizard_config(layout: Preset) -> String {
    let widget = |id: &str, kind, provider, keys: Vec<(&'static str, toml_edit::Value)>| WidgetPlan {
        id: id.into(),
        kind,
        provider,
        keys,
        initial: vec![],
        credential: (provider == Some("finnhub")).then(|| "finnhub".to_string()),
        base_url: None,
    };
    let zones: toml_edit::Array = ["local", "UTC", "America/New_York"].into_iter().collect();
    let symbols: toml_edit::Array = ["AAPL", "MSFT", "NVDA", "TSLA"].into_iter().collect();
    let plan = Plan {
        widgets: vec![
            widget("clock", Kind::Clock, None, vec![("zones", zones.into())]),
            widget(
                "weather",
                Kind::Weather,
                Some("open-meteo"),
                vec![
                    ("location", "Lisbon".into()),
                    ("latitude", 38.72.into()),
                    ("longitude", (-9.14).into()),
                ],
            ),
            widget(
                "stocks",
                Kind::Stocks,
                Some("finnhub"),
                vec![("symbols", symbols.into())],
            ),
            widget("system", Kind::System, None, vec![]),
        ],
        credentials: vec![plan::CredPlan {
            name: "finnhub".into(),
            provider: "finnhub",
            source: plan::SourcePlan::Keyring,
        }],
        gateway: None,
        layout,
    };
    let mut edit = config::write::Edit::from_text(std::path::Path::new("/tmp/homedash-layouts.toml"), None).unwrap();
    plan::apply(&plan, &mut edit);
    edit.text()
}

#[test]
fn the_wizards_layouts_at_small_sizes() {
    for (name, preset) in [
        ("homepage", Preset::Homepage),
        ("grid", Preset::Grid),
        ("stacked", Preset::Stacked),
        ("columns", Preset::Columns),
    ] {
        let text = wizard_config(preset);
        for (w, h) in SIZES {
            let shot = every_page(loaded(&text, false, w, h));
            insta::assert_snapshot!(format!("wizard_{name}_{w}x{h}"), shot);
        }
    }
}
