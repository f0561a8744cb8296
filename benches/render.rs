//! Rendering a 12-widget dashboard at 200x60 with data in every card.

// A bench whose fixed setup fails is a broken bench: unwrap says where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, FixedOffset, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use homedash::config;
use homedash::dashboard::app::App;
use homedash::dashboard::msg::Msg;
use homedash::dashboard::view;
use homedash_widgets::system::{Disk, Snapshot};
use homedash_widgets::{Data, HttpReply};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const FORECAST: &str = include_str!("../widgets/tests/fixtures/open-meteo/forecast_full_berlin_CONSTRUCTED.json");

fn twelve() -> String {
    let mut s = String::new();
    for i in 0..4 {
        s.push_str(&format!(
            "[widget.clock{i}]\nkind = \"clock\"\nzones = [\"local\", \"UTC\", \"Asia/Tokyo\"]\n\n"
        ));
        s.push_str(&format!(
            "[widget.weather{i}]\nkind = \"weather\"\nlatitude = 52.5\nlongitude = 13.4\n\n"
        ));
        s.push_str(&format!("[widget.system{i}]\nkind = \"system\"\n\n"));
    }
    s
}

fn loaded(now: DateTime<Utc>) -> App {
    let cfg = config::parse("bench", &twelve()).unwrap();
    let mut app = App::new(
        cfg,
        false,
        Rect::new(0, 0, 200, 60),
        now,
        FixedOffset::east_opt(0).unwrap(),
    );
    let snap = Snapshot {
        cpu_pct: 40.0,
        cores: 8,
        samples: 300,
        cpu_history: (0..300).map(|i| i * 13 % 100).collect(),
        mem_used: 8 << 30,
        mem_total: 16 << 30,
        disks: vec![Disk {
            mount: "/".into(),
            used: 1 << 40,
            total: 2 << 40,
        }],
        rx_bps: 1e6,
        tx_bps: 2e5,
        net_history: (0..300).map(|i| i * 7919 % 5000).collect(),
        load: [1.0, 0.5, 0.25],
    };
    for id in 0..app.widgets.len() {
        let reply = HttpReply {
            status: 200,
            headers: vec![],
            body: FORECAST.as_bytes().to_vec(),
        };
        let result = match app.widgets[id].source.kind().name() {
            "weather" => app.widgets[id].source.parse(std::slice::from_ref(&reply), now),
            "system" => Ok(Data::System(snap.clone())),
            _ => continue,
        };
        app.update(Msg::Fetched {
            id,
            at: now,
            result,
            next: Some(now),
        });
    }
    app
}

fn render(c: &mut Criterion) {
    let now = DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc();
    let app = loaded(now);
    assert_eq!(app.widgets.len(), 12);
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    c.bench_function("render 12 widgets 200x60", |b| {
        b.iter(|| {
            term.draw(|f| view::draw(&app, f)).unwrap();
        })
    });
    // The same frame finished for the Linux console: every cell fitted to
    // its font and 16 colours (`--look console`).
    let console = homedash::ui::theme::Theme {
        console: true,
        ..Default::default()
    };
    c.bench_function("render 12 widgets 200x60, console look", |b| {
        b.iter(|| {
            term.draw(|f| {
                view::draw(&app, f);
                console.finish(f.buffer_mut());
            })
            .unwrap();
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
