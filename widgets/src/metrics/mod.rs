//! Metrics providers and the view they share: one or more readings, each a
//! value with a unit, coloured by thresholds, with a sparkline when the
//! provider sent a series.

/// A metrics provider's `Config`: its own keys as written, then the keys
/// every metrics provider takes for showing a value (`unit`, `warn`, `crit`,
/// `decimals`, defined here once) and `display()`, which hands them to the
/// shared view. A macro rather than `#[serde(flatten)]`: flattened keys
/// are invisible to the unknown-key check (serde_ignored) and to the field
/// names `check` lists, so a misspelt key would pass in silence.
macro_rules! metrics_config {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($body)*
            /// Unit shown after the value, e.g. "%" or "ms".
            #[serde(default)]
            pub unit: String,
            /// Warn above this value (or below it, when `warn` is above `crit`: lower is worse).
            pub warn: Option<f64>,
            /// Critical above this value (or below it, when `warn` is above `crit`).
            pub crit: Option<f64>,
            /// Decimal places shown (default: by the value's size).
            pub decimals: Option<u8>,
        }

        impl $name {
            /// How its values are shown.
            pub fn display(&self) -> $crate::metrics::Display {
                $crate::metrics::Display {
                    unit: self.unit.clone(),
                    warn: self.warn,
                    crit: self.crit,
                    decimals: self.decimals,
                }
            }
        }
    };
}

mod chart;
pub mod datadog;
pub mod exposition;
pub mod glances;
pub mod json;
pub mod prometheus;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use serde::Deserialize;

pub use crate::data::{Metrics, Reading};
use crate::format::fit;
use crate::stocks::sparkline;
use crate::style;

impl crate::text::Clean for Reading {
    fn clean(&mut self) {
        self.label.clean();
    }
}

impl crate::text::Clean for Metrics {
    fn clean(&mut self) {
        self.readings.clean();
    }
}

/// The most points an instant reading's history keeps: 12 hours of
/// minute polls.
pub const KEPT: usize = 720;

impl Metrics {
    /// Instant readings (a JSON value, an instant query, a /metrics
    /// scrape: no history of their own) carry on the history of the same
    /// label in `before`, with their value now appended, so a zoomed card
    /// charts them since start. `step` is the time between polls.
    pub fn carry_history(&mut self, before: &Metrics, step: std::time::Duration) {
        for r in self.readings.iter_mut().filter(|r| r.history.is_empty()) {
            let mut h = before
                .readings
                .iter()
                .find(|b| b.label == r.label)
                .map(|b| b.history.clone())
                .unwrap_or_default();
            h.push(r.value);
            let over = h.len().saturating_sub(KEPT);
            h.drain(..over);
            r.span = u32::try_from(h.len() - 1).ok().filter(|n| *n > 0).map(|n| step * n);
            r.history = h;
        }
    }
}

/// How a value is shown: its unit, decimals and the thresholds that colour
/// it. With `warn` above `crit`, lower values are the worse ones.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Display {
    #[serde(default)]
    pub unit: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub decimals: Option<u8>,
}

impl Display {
    pub fn style(&self, v: f64) -> Style {
        let worse = |limit: f64| match (self.warn, self.crit) {
            (Some(w), Some(c)) if w > c => v <= limit,
            _ => v >= limit,
        };
        if self.crit.is_some_and(worse) {
            Style::new().fg(style::BAD)
        } else if self.warn.is_some_and(worse) {
            Style::new().fg(style::WARN)
        } else if self.warn.is_some() || self.crit.is_some() {
            Style::new().fg(style::GOOD)
        } else {
            Style::new()
        }
    }

    pub fn format(&self, v: f64) -> String {
        if !v.is_finite() {
            return format!("{v}");
        }
        let d = usize::from(
            self.decimals
                .unwrap_or(if v.abs() >= 100.0 || v.fract() == 0.0 { 0 } else { 2 }),
        );
        let sep = if self.unit.is_empty() || self.unit.starts_with('%') {
            ""
        } else {
            " "
        };
        format!("{v:.d$}{sep}{}", self.unit)
    }
}

/// Parse "90s", "15m", "6h", "7d" into seconds.
pub fn parse_span(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    (n > 0).then_some(n * mult)
}

/// The last `area.width` points as columns of eighth blocks, scaled to
/// their own range, `area.height` rows tall.
fn bars(points: &[f64], area: Rect, st: Style, buf: &mut Buffer) {
    const EIGHTHS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let pts = &points[points.len().saturating_sub(usize::from(area.width))..];
    let finite = pts.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let levels = usize::from(area.height) * 8;
    for (x, v) in pts.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        let filled = ((t * (levels - 1) as f64).round() as usize + 1).min(levels);
        for row in 0..usize::from(area.height) {
            let fill = filled.saturating_sub(row * 8).min(8);
            if fill == 0 {
                break;
            }
            let pos = (area.x + x as u16, area.bottom() - 1 - row as u16);
            buf[pos].set_symbol(EIGHTHS[fill - 1]).set_style(st);
        }
    }
}

pub fn render(m: &Metrics, display: &Display, ctx: &crate::data::RenderCtx, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    if ctx.zoomed && chart::render(m, display, area, buf) {
        return;
    }
    // Zoomed before there are two points to chart: say when there will be.
    if ctx.zoomed && area.height > 2 && m.readings.iter().all(|r| r.history.len() < 2) {
        let note = "its chart starts with the next poll, and grows with each one";
        Line::from(Span::styled(note, style::dim())).render(Rect::new(area.x, area.bottom() - 1, area.width, 1), buf);
    }
    let w = usize::from(area.width);
    if m.readings.is_empty() {
        Line::from(Span::styled("no series matched", style::dim())).render(area, buf);
        return;
    }
    // One reading with room: the value large on its own line, the label
    // and the sparkline below.
    if let [r] = m.readings.as_slice()
        && area.height >= 2
    {
        let st = display.style(r.value).add_modifier(ratatui::style::Modifier::BOLD);
        let mut first = vec![
            Span::styled(display.format(r.value), st),
            Span::styled(format!("  {}", fit(&r.label, w.saturating_sub(12))), style::dim()),
        ];
        let finite = r.history.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if r.history.len() >= 2 && lo <= hi {
            let range = format!("  min {}  max {}", display.format(lo), display.format(hi));
            if Line::from(first.clone()).width() + range.chars().count() <= w {
                first.push(Span::styled(range, style::dim()));
            }
        }
        Line::from(first).render(Rect::new(area.x, area.y, area.width, 1), buf);
        if r.history.len() >= 2 {
            // A taller card gets a taller chart.
            let chart = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
            if chart.height >= 3 {
                bars(&r.history, chart, display.style(r.value), buf);
            } else {
                Line::from(Span::styled(sparkline(&r.history, w), display.style(r.value)))
                    .render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
            }
        }
        return;
    }
    let label_w = m
        .readings
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(w / 2)
        .max(4);
    let (shown, more) = crate::format::rows_shown(m.readings.len(), usize::from(area.height));
    if more > 0 {
        crate::format::more(more).render(Rect::new(area.x, area.y + shown as u16, area.width, 1), buf);
    }
    for (i, r) in m.readings.iter().take(shown).enumerate() {
        let value = display.format(r.value);
        let mut spans = vec![
            Span::styled(format!("{:<label_w$} ", fit(&r.label, label_w)), style::label()),
            Span::styled(format!("{value:>10} "), display.style(r.value)),
        ];
        let left = w.saturating_sub(label_w + 12);
        if left >= 4 && r.history.len() >= 2 {
            spans.push(Span::styled(sparkline(&r.history, left), display.style(r.value)));
        }
        Line::from(spans).render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Here, not in `provider.rs`: the provider facts know nothing of the
    // metrics providers, even in their tests.
    #[test]
    fn generic_endpoints_prove_a_key_only_with_their_own_kind_of_answer() {
        crate::testing::assert_probe_cannot_confirm(exposition::exposition_probe_result);
        // Any JSON is a JSON endpoint's own kind of answer.
        crate::testing::assert_probe_cannot_confirm_with(
            json::json_probe_result,
            &["<html>Welcome</html>", "not json"],
        );
        let now = chrono::Utc::now();
        let ok = |body: &str| crate::HttpReply {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        assert!(exposition::exposition_probe_result(&ok("# HELP up Up.\n# TYPE up gauge\nup 1\n"), now).is_ok());
        assert!(exposition::exposition_probe_result(&ok("up{job=\"a\"} 1\n"), now).is_ok());
        assert!(json::json_probe_result(&ok(r#"{"queue": {"depth": 3}}"#), now).is_ok());
        let denied = crate::HttpReply { status: 401, ..ok("") };
        assert_eq!(
            crate::provider::Verdict::of(&json::json_probe_result(&denied, now)),
            crate::provider::Verdict::Rejected("HTTP 401".into())
        );
    }

    /// An instant value polled three times: a history of three, oldest
    /// first, spanning two polls; a label that went away takes nothing.
    #[test]
    fn instant_readings_carry_their_history_from_poll_to_poll() {
        let at = |v: f64| Metrics {
            readings: vec![Reading {
                label: "depth".into(),
                value: v,
                history: vec![],
                span: None,
            }],
        };
        let step = std::time::Duration::from_secs(5);
        let mut first = at(1.0);
        first.carry_history(&Metrics::default(), step);
        assert_eq!(
            (first.readings[0].history.clone(), first.readings[0].span),
            (vec![1.0], None)
        );
        let mut second = at(2.0);
        second.carry_history(&first, step);
        let mut third = at(3.0);
        third.carry_history(&second, step);
        assert_eq!(third.readings[0].history, [1.0, 2.0, 3.0]);
        assert_eq!(third.readings[0].span, Some(step * 2));
        // A range query's own history is left alone.
        let mut range = at(9.0);
        range.readings[0].history = vec![7.0, 8.0, 9.0];
        range.carry_history(&third, step);
        assert_eq!(range.readings[0].history, [7.0, 8.0, 9.0]);
        // Kept to the last KEPT points.
        let mut long = third.clone();
        for v in 0..(KEPT + 10) {
            let mut next = at(v as f64);
            next.carry_history(&long, step);
            long = next;
        }
        assert_eq!(long.readings[0].history.len(), KEPT);
        assert_eq!(long.readings[0].history.last(), Some(&((KEPT + 9) as f64)));
    }

    #[test]
    fn thresholds_either_way() {
        let high_bad = Display {
            warn: Some(80.0),
            crit: Some(95.0),
            ..Default::default()
        };
        assert_eq!(high_bad.style(50.0).fg, Some(style::GOOD));
        assert_eq!(high_bad.style(85.0).fg, Some(style::WARN));
        assert_eq!(high_bad.style(99.0).fg, Some(style::BAD));
        let low_bad = Display {
            warn: Some(20.0),
            crit: Some(5.0),
            ..Default::default()
        };
        assert_eq!(low_bad.style(50.0).fg, Some(style::GOOD));
        assert_eq!(low_bad.style(3.0).fg, Some(style::BAD));
        assert_eq!(Display::default().style(1.0).fg, None);
    }

    #[test]
    fn a_tall_single_series_is_a_chart() {
        let m = Metrics {
            readings: vec![Reading {
                label: "cpu".into(),
                value: 4.0,
                history: vec![0.0, 1.0, 2.0, 3.0, 4.0],
                span: None,
            }],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 4));
        render(&m, &Display::default(), &crate::testing::ctx(false), buf.area, &mut buf);
        insta::assert_snapshot!("metrics_chart_40x4", crate::testing::text(&buf));
        assert_eq!(buf[(4, 1)].symbol(), "█", "the highest point fills every row");
        assert_eq!(buf[(0, 1)].symbol(), " ", "the lowest only the bottom");
    }

    #[test]
    fn formats_and_spans() {
        let d = Display {
            unit: "%".into(),
            ..Default::default()
        };
        assert_eq!(d.format(94.319), "94.32%");
        let d = Display {
            unit: "req/s".into(),
            decimals: Some(1),
            ..Default::default()
        };
        assert_eq!(d.format(1027.0), "1027.0 req/s");
        assert_eq!(parse_span("6h"), Some(21600));
        assert_eq!(parse_span("90s"), Some(90));
        assert_eq!(parse_span("1w"), None);
        assert_eq!(parse_span("0m"), None);
    }
}
