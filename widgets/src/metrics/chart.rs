//! A zoomed metrics card: each reading with a history as a chart with
//! axes, the time it spans and its thresholds drawn across it.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Display, Metrics, Reading};
use crate::{plot, style};

/// Below this a chart says nothing a sparkline does not.
const MIN_CHART_ROWS: u16 = 6;

/// Draw the charts; false when there is no history or no room for one,
/// and the card's plain view should be drawn instead.
pub(super) fn render(m: &Metrics, display: &Display, area: Rect, buf: &mut Buffer) -> bool {
    let charted: Vec<&Reading> = m.readings.iter().filter(|r| r.history.len() >= 2).collect();
    let fits = usize::from(area.height / MIN_CHART_ROWS).min(charted.len());
    if fits == 0 || area.width < 30 {
        return false;
    }
    let each = area.height / u16::try_from(fits).unwrap_or(1);
    for (i, r) in charted.iter().take(fits).enumerate() {
        let y = area.y + each * u16::try_from(i).unwrap_or(0);
        chart(r, display, Rect::new(area.x, y, area.width, each), buf);
    }
    true
}

/// "60s", "30m", "2h 30m": how long a history covers.
fn span(d: Duration) -> String {
    match d.as_secs() {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s => format!("{}h {}m", s / 3600, s % 3600 / 60),
    }
}

fn chart(r: &Reading, display: &Display, area: Rect, buf: &mut Buffer) {
    let pts = plot::points(&r.history);
    let Some((lo, hi)) = plot::extent(&pts) else {
        return;
    };
    let last = (r.history.len() - 1) as f64;
    let limits: Vec<(&str, f64, Style)> = [
        ("warn", display.warn, Style::new().fg(style::WARN)),
        ("crit", display.crit, Style::new().fg(style::BAD)),
    ]
    .into_iter()
    .filter_map(|(n, v, st)| v.filter(|v| v.is_finite()).map(|v| (n, v, st)))
    .collect();
    let (y0, y1) = limits.iter().fold((lo, hi), |(a, b), (_, v, _)| (a.min(*v), b.max(*v)));
    let lines: Vec<Vec<(f64, f64)>> = limits.iter().map(|(_, v, _)| vec![(0.0, *v), (last, *v)]).collect();
    let mut sets: Vec<_> = limits
        .iter()
        .zip(&lines)
        .map(|((_, _, st), pts)| plot::level(pts, *st))
        .collect();
    sets.push(plot::line(&pts, display.style(r.value)));
    let mut title = vec![
        Span::styled(format!("{} ", r.label), style::label()),
        Span::styled(
            display.format(r.value),
            display.style(r.value).add_modifier(ratatui::style::Modifier::BOLD),
        ),
        Span::styled(
            format!("  min {}  max {}", display.format(lo), display.format(hi)),
            style::dim(),
        ),
    ];
    for (name, v, st) in &limits {
        title.push(Span::styled(format!("  ··· {name} {}", display.format(*v)), *st));
    }
    let x_labels = vec![
        Span::styled(
            r.span.map_or_else(
                || format!("{} points ago", r.history.len()),
                |d| format!("-{}", span(d)),
            ),
            style::dim(),
        ),
        Span::styled("now", style::dim()),
    ];
    plot::draw(
        Line::from(title),
        sets,
        (last, x_labels),
        plot::padded(y0, y1),
        |v| display.format(v),
        area,
        buf,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_axis_spans_the_polls() {
        assert_eq!(span(Duration::from_secs(60)), "60s");
        assert_eq!(span(Duration::from_secs(1800)), "30m");
        assert_eq!(span(Duration::from_secs(10800)), "3h 0m");
    }
}
