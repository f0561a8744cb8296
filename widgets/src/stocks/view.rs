//! The quote table: one row per symbol, coloured by the sign of the change.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::data::{Quote, Quotes};
use crate::format::fit;
use crate::style;

impl crate::text::Clean for Quote {
    fn clean(&mut self) {
        self.symbol.clean();
        self.currency.clean();
    }
}

impl crate::text::Clean for Quotes {
    fn clean(&mut self) {
        self.quotes.clean();
    }
}

fn sign_style(change: Option<f64>) -> Style {
    match change {
        Some(c) if c > 0.0 => Style::new().fg(style::GOOD),
        Some(c) if c < 0.0 => Style::new().fg(style::BAD),
        _ => Style::new(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
}

fn signed(v: Option<f64>, suffix: &str) -> String {
    match v {
        Some(v) => format!("{}{v:.2}{suffix}", if v > 0.0 { "+" } else { "" }),
        None => "–".into(),
    }
}

/// The last `width` points as block characters, scaled to their own range.
pub fn sparkline(points: &[f64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let pts = &points[points.len().saturating_sub(width)..];
    let (lo, hi) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    pts.iter()
        .map(|&v| {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            BARS[((t * 7.0).round() as usize).min(7)]
        })
        .collect()
}

/// Columns appear as width allows: symbol, price, change %, change, range,
/// currency, market state, and today's sparkline with what is left.
pub fn render(q: &Quotes, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let w = usize::from(area.width);
    // The symbol column is as wide as the longest symbol, where room allows.
    let longest = q.quotes.iter().map(|q| q.symbol.chars().count()).max().unwrap_or(0);
    let symbol_w = if w >= longest + 1 + 19 {
        (longest + 1).clamp(8, 16)
    } else {
        8
    };
    // Currency and market state only where some quote has them.
    let has_cur = q.quotes.iter().any(|q| q.currency.is_some());
    let has_mkt = q.quotes.iter().any(|q| q.market_open.is_some());
    let mut cols: Vec<(&str, usize, usize)> = vec![
        ("Symbol", symbol_w, 0),
        ("Price", 10, 1),
        ("Chg%", 9, 2),
        ("Chg", 9, 3),
        ("Day range", 17, 4),
    ];
    if has_cur {
        cols.push(("Cur", 4, 5));
    }
    if has_mkt {
        cols.push(("Mkt", 7, 6));
    }
    let mut shown = 0;
    let mut used = 0;
    for (_, cw, _) in &cols {
        if used + cw > w && shown >= 2 {
            break;
        }
        used += cw;
        shown += 1;
    }
    let cell = |text: String, i: usize, left: bool| {
        let cw = cols[i].1;
        let t = fit(&text, cw.saturating_sub(1));
        if left {
            format!("{t:<cw$}")
        } else {
            format!("{t:>width$} ", width = cw - 1)
        }
    };
    let left_aligned = |i: usize| i == 0 || cols[i].2 >= 5;
    let header: Vec<Span> = (0..shown)
        .map(|i| Span::styled(cell(cols[i].0.into(), i, left_aligned(i)), style::dim()))
        .collect();
    let mut lines = vec![Line::from(header)];
    let (shown_rows, more) = crate::format::rows_shown(q.quotes.len(), usize::from(area.height) - 1);
    for quote in q.quotes.iter().take(shown_rows) {
        let s = sign_style(quote.change);
        let range = match (quote.low, quote.high) {
            (Some(l), Some(h)) => format!("{l:.2}–{h:.2}"),
            _ => "–".into(),
        };
        let market = match quote.market_open {
            Some(true) => "open",
            Some(false) => "closed",
            None => "",
        };
        let values = [
            (quote.symbol.clone(), style::value()),
            (num(Some(quote.price)), style::value()),
            (signed(quote.change_pct, "%"), s),
            (signed(quote.change, ""), s),
            (range, Style::new()),
            (quote.currency.clone().unwrap_or_default(), style::dim()),
            (market.to_string(), style::dim()),
        ];
        let mut spans: Vec<Span> = (0..shown)
            .map(|i| {
                let (t, st) = values[cols[i].2].clone();
                Span::styled(cell(t, i, left_aligned(i)), st)
            })
            .collect();
        let left = w.saturating_sub(used);
        if shown == cols.len() && left >= 6 && quote.series.len() >= 2 {
            spans.push(Span::styled(sparkline(&quote.series, left - 1), s));
        }
        lines.push(Line::from(spans));
    }
    if more > 0 {
        lines.push(crate::format::more(more));
    }
    for (i, line) in lines.into_iter().take(usize::from(area.height)).enumerate() {
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
}
