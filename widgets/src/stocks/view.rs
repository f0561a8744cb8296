//! The quote table: one row per symbol, coloured by the sign of the change.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::format::fit;
use crate::style;

#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub symbol: String,
    pub price: f64,
    pub change: Option<f64>,
    pub change_pct: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub currency: Option<String>,
    /// `Some(true)` while the market is open, where the provider says.
    pub market_open: Option<bool>,
    /// When the price was set, where the provider says.
    pub at: Option<DateTime<Utc>>,
    /// Today's prices, oldest first, where the provider has a series.
    pub series: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Quotes {
    pub quotes: Vec<Quote>,
}

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
    let cols: &[(&str, usize)] = &[
        ("Symbol", 8),
        ("Price", 10),
        ("Chg%", 9),
        ("Chg", 9),
        ("Day range", 17),
        ("Cur", 4),
        ("Mkt", 7),
    ];
    let mut shown = 0;
    let mut used = 0;
    for (_, cw) in cols {
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
    let header: Vec<Span> = (0..shown)
        .map(|i| Span::styled(cell(cols[i].0.into(), i, i == 0 || i >= 5), style::dim()))
        .collect();
    let mut lines = vec![Line::from(header)];
    for quote in &q.quotes {
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
        let mut spans: Vec<Span> = values
            .into_iter()
            .take(shown)
            .enumerate()
            .map(|(i, (t, st))| Span::styled(cell(t, i, i == 0 || i >= 5), st))
            .collect();
        let left = w.saturating_sub(used);
        if shown == cols.len() && left >= 6 && quote.series.len() >= 2 {
            spans.push(Span::styled(sparkline(&quote.series, left - 1), s));
        }
        lines.push(Line::from(spans));
    }
    for (i, line) in lines.into_iter().take(usize::from(area.height)).enumerate() {
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
}
