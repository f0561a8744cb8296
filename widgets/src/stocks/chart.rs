//! A zoomed quote card: the table on top, then for each symbol with a
//! series a full-width price chart with its range, the day's high and low
//! and the previous close.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::data::{Quote, Quotes};
use crate::{plot, style};

/// Below this a chart says nothing a sparkline does not.
const MIN_CHART_ROWS: u16 = 6;

pub fn render(q: &Quotes, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let charted: Vec<&Quote> = q.quotes.iter().filter(|q| q.series.len() >= 2).collect();
    let table_rows = u16::try_from(q.quotes.len() + 1).unwrap_or(u16::MAX);
    let room = area.height.saturating_sub(table_rows + 1);
    let fits = usize::from(room / (MIN_CHART_ROWS + 1)).min(charted.len());
    if fits == 0 || area.width < 30 {
        super::render(q, area, buf);
        if charted.is_empty() && area.height > table_rows + 1 {
            let at = Rect::new(area.x, area.y + table_rows + 1, area.width, 1);
            Line::from(Span::styled("no intraday series from this provider", style::dim())).render(at, buf);
        }
        return;
    }
    super::render(q, Rect::new(area.x, area.y, area.width, table_rows), buf);
    let each = room / u16::try_from(fits).unwrap_or(1);
    for (i, quote) in charted.iter().take(fits).enumerate() {
        let y = area.y + table_rows + 1 + each * u16::try_from(i).unwrap_or(0);
        chart(quote, Rect::new(area.x, y, area.width, each), buf);
    }
}

fn chart(q: &Quote, area: Rect, buf: &mut Buffer) {
    let pts = plot::points(&q.series);
    let Some((lo, hi)) = plot::extent(&pts) else {
        return;
    };
    let day_lo = q.low.unwrap_or(lo).min(lo);
    let day_hi = q.high.unwrap_or(hi).max(hi);
    let prev = q.change.map(|c| q.price - c);
    let bounds = match prev {
        Some(p) => plot::padded(day_lo.min(p), day_hi.max(p)),
        None => plot::padded(day_lo, day_hi),
    };
    let last = (pts.len() - 1) as f64;
    let colour = match q.change {
        Some(c) if c < 0.0 => style::BAD,
        Some(c) if c > 0.0 => style::GOOD,
        _ => style::ACCENT,
    };
    let prev_line: Vec<(f64, f64)> = prev.map(|p| vec![(0.0, p), (last, p)]).unwrap_or_default();
    let mut sets = Vec::new();
    if !prev_line.is_empty() {
        sets.push(plot::level(&prev_line, style::dim()));
    }
    sets.push(plot::line(&pts, Style::new().fg(colour)));
    let range = day_hi - day_lo;
    let pct = if day_lo > 0.0 { range / day_lo * 100.0 } else { 0.0 };
    let mut title = vec![
        Span::styled(format!("{} ", q.symbol), style::value()),
        Span::styled(format!("{:.2}", q.price), Style::new().fg(colour)),
        Span::styled(format!("  day H {day_hi:.2}  L {day_lo:.2}"), style::label()),
        Span::styled(format!("  range {range:.2} ({pct:.1}%)"), style::dim()),
    ];
    if let Some(p) = prev {
        title.push(Span::styled(format!("  ··· prev close {p:.2}"), style::dim()));
    }
    let x_labels = vec![
        Span::styled("first", style::dim()),
        Span::styled(format!("{} points", pts.len()), style::dim()),
        Span::styled("last", style::dim()),
    ];
    plot::draw(
        Line::from(title),
        sets,
        (last, x_labels),
        bounds,
        |v| format!("{v:.2}"),
        area,
        buf,
    );
}
