//! The check every dashboard snapshot passes: no card on screen is smaller
//! than its widget's own minimum (`Source::min_card`), the size on which
//! its kind is readable. A page that cannot hold one says so instead, and
//! then shows no card at all.

use homedash::dashboard::app::App;
use homedash_widgets::Data;
use homedash_widgets::system::{Disk, Snapshot};
use ratatui::layout::Rect;

/// Panics naming the first card below its minimum in a frame of `area`.
pub fn assert_readable(app: &App, area: Rect) {
    for (id, rect) in app.visible_in(area) {
        let w = &app.widgets[id];
        let (mw, mh) = w.source.min_card();
        assert!(
            rect.width >= mw && rect.height >= mh,
            "the {} card \"{}\" is {}x{} in a {}x{} frame; its kind is readable from {mw}x{mh}",
            w.source.kind().name(),
            w.id,
            rect.width,
            rect.height,
            area.width,
            area.height,
        );
    }
}

/// The System card's data the screen snapshots draw: fixed, so they are.
pub fn system() -> Data {
    Data::System(Snapshot {
        cpu_pct: 37.0,
        cores: 8,
        samples: 90,
        cpu_history: (0..90).map(|i| (i * 37 % 100) as u64).collect(),
        mem_used: 9 << 30,
        mem_total: 16 << 30,
        disks: vec![Disk {
            mount: "/".into(),
            used: 180 << 30,
            total: 250 << 30,
        }],
        rx_bps: 2_400_000.0,
        tx_bps: 310_000.0,
        net_history: (0..90).map(|i| (i * 7919 % 5000) as u64).collect(),
        load: [1.25, 0.9, 0.7],
    })
}
