//! The check every dashboard snapshot passes: no card on screen is smaller
//! than its widget's own minimum (`Source::min_card`), the size on which
//! its kind is readable. A page that cannot hold one says so instead, and
//! then shows no card at all.

use homedash::dashboard::app::App;
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
