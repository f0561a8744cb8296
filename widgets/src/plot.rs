//! What the zoomed views' charts share: a series as points, its extent and
//! padded bounds, a line and a level, and a chart with dim axes drawn under
//! a one-line title.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

use crate::style;

/// Each finite value at its index.
pub fn points<'a>(values: impl IntoIterator<Item = &'a f64>) -> Vec<(f64, f64)> {
    values
        .into_iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (i as f64, *v))
        .collect()
}

/// The lowest and highest value; `None` for fewer than two points.
pub fn extent(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    if pts.len() < 2 {
        return None;
    }
    Some(
        pts.iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v))),
    )
}

/// Bounds around `lo..hi` with a twentieth to spare each side, and a unit
/// each side of a flat series.
pub fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

/// The series itself.
pub fn line(pts: &[(f64, f64)], style: Style) -> Dataset<'_> {
    Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(style)
        .data(pts)
}

/// A dotted level across the chart (a threshold, the previous close).
pub fn level(pts: &[(f64, f64)], style: Style) -> Dataset<'_> {
    Dataset::default()
        .marker(Marker::Dot)
        .graph_type(GraphType::Line)
        .style(style)
        .data(pts)
}

/// `title` on the first row, the chart below: x from 0 to `last` with
/// `x_labels`, y over `bounds` labelled at both ends and the middle.
pub fn draw(
    title: Line,
    sets: Vec<Dataset>,
    (last, x_labels): (f64, Vec<Span>),
    (y0, y1): (f64, f64),
    label: impl Fn(f64) -> String,
    area: Rect,
    buf: &mut Buffer,
) {
    title.render(Rect::new(area.x, area.y, area.width, 1), buf);
    let label = |v: f64| Span::styled(label(v), style::dim());
    Chart::new(sets)
        .x_axis(Axis::default().bounds([0.0, last]).labels(x_labels).style(style::dim()))
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .labels(vec![label(y0), label((y0 + y1) / 2.0), label(y1)])
                .style(style::dim()),
        )
        .render(
            Rect::new(area.x, area.y + 1, area.width, area.height.saturating_sub(1)),
            buf,
        );
}
