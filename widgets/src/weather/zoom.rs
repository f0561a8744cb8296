//! A zoomed weather card, under the conditions: every coming hour of the
//! day, the week day by day with each day's range on the week's scale, and
//! where room is left a chart of the day's temperature.

use chrono::{Datelike, NaiveDate, Timelike};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::hours::{HOUR_COL, render_hours, short_temp};
use super::wmo;
use crate::data::{DayPoint, HourPoint, Weather};
use crate::{plot, style};

/// Below this a chart says nothing the hours above it do not.
const MIN_CHART_ROWS: u16 = 8;
/// The day's range bar: wide enough to read, short enough to sit beside
/// the words.
const BAR_WIDTH: u16 = 24;

pub(super) fn render(w: &Weather, area: Rect, buf: &mut Buffer) {
    let mut y = area.y;
    let end = area.bottom();
    // The blank row between the hours and the week goes first when the
    // week would otherwise lose its last day.
    let per_row = usize::from((area.width / HOUR_COL).max(1));
    let hour_rows = 1 + 3 * w.hourly.len().div_ceil(per_row);
    let gap = u16::from(hour_rows + 1 + 1 + w.days.len() <= usize::from(area.height));
    if !w.hourly.is_empty() {
        y = hours(&w.hourly, Rect::new(area.x, y, area.width, end - y), buf);
        y = (y + gap).min(end);
    }
    if !w.days.is_empty() && y < end {
        y = week(&w.days, w.time.date(), Rect::new(area.x, y, area.width, end - y), buf);
        y = (y + 1).min(end);
    }
    if w.hourly.is_empty() && w.days.is_empty() && y < end {
        let note = "no forecast from this provider";
        Line::from(Span::styled(note, style::dim())).render(Rect::new(area.x, y, area.width, 1), buf);
        return;
    }
    if end - y >= MIN_CHART_ROWS && w.hourly.len() >= 2 {
        chart(&w.hourly, &w.temp_unit, Rect::new(area.x, y, area.width, end - y), buf);
    }
}

fn heading(text: String, x: u16, y: u16, width: u16, buf: &mut Buffer) {
    buf.set_line(x, y, &Line::from(Span::styled(text, style::label())), width);
}

/// What the hours cover, in words: "the next 24 hours", "hourly".
fn span_words(hours: &[HourPoint]) -> String {
    let step = match hours {
        [a, b, ..] => (b.time - a.time).num_hours(),
        _ => 1,
    };
    let total = step * i64::try_from(hours.len()).unwrap_or(0);
    if step > 1 {
        format!("Next {total} hours, {step}-hourly")
    } else {
        format!("Next {total} hours")
    }
}

/// The hours in blocks of three rows, wrapped to the width. Returns the
/// row after the last one drawn.
fn hours(hours: &[HourPoint], area: Rect, buf: &mut Buffer) -> u16 {
    if area.height == 0 {
        return area.y;
    }
    // The third row of each hour is unlabelled there: the heading says it.
    heading(
        format!("{} · % chance of rain", span_words(hours)),
        area.x,
        area.y,
        area.width,
        buf,
    );
    let per_row = usize::from((area.width / HOUR_COL).max(1));
    let mut y = area.y + 1;
    for chunk in hours.chunks(per_row) {
        if area.bottom().saturating_sub(y) < 3 {
            break;
        }
        render_hours(chunk, Rect::new(area.x, y, area.width, 3), buf);
        y += 3;
    }
    y
}

fn day_name(d: NaiveDate, today: NaiveDate) -> String {
    if d == today {
        "Today ".into()
    } else {
        format!("{} {:>2}", d.weekday(), d.day())
    }
}

/// One line a day: its name, weather, chance of rain, and its low and high
/// with a bar placing them on the week's range. Returns the row after.
fn week(days: &[DayPoint], today: NaiveDate, area: Rect, buf: &mut Buffer) -> u16 {
    if area.height == 0 {
        return area.y;
    }
    let n = days.len();
    heading(
        if n == 1 {
            "Today".into()
        } else {
            format!("Next {n} days")
        },
        area.x,
        area.y,
        area.width,
        buf,
    );
    let temps = days.iter().flat_map(|d| [d.low, d.high]).flatten();
    let (lo, hi) = temps.fold((f64::MAX, f64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let mut y = area.y + 1;
    for d in days {
        if y >= area.bottom() {
            break;
        }
        let code = d.code.unwrap_or(255);
        let mut spans = vec![
            Span::styled(format!("{:<7}", day_name(d.date, today)), style::dim()),
            Span::raw(format!("{} ", wmo::glyph(code))),
            Span::raw(format!("{:<22}", crate::format::fit(wmo::describe(code), 22))),
            Span::styled(
                d.precip_probability
                    .map_or_else(|| "     ".into(), |p| format!("{:>3.0}% ", p)),
                style::dim(),
            ),
            Span::raw(format!("{:>4} ", short_temp(d.low))),
        ];
        spans.extend(bar(d, lo, hi));
        spans.push(Span::raw(format!(" {}", short_temp(d.high))));
        buf.set_line(area.x, y, &Line::from(spans), area.width);
        y += 1;
    }
    y
}

/// The week's range as a dim track with the day's part of it lit.
fn bar(d: &DayPoint, lo: f64, hi: f64) -> Vec<Span<'static>> {
    let width = f64::from(BAR_WIDTH);
    let at = |t: f64| {
        if hi > lo {
            (((t - lo) / (hi - lo)) * (width - 1.0)).round() as usize
        } else {
            0
        }
    };
    let (Some(l), Some(h)) = (d.low.or(d.high), d.high.or(d.low)) else {
        return vec![Span::styled("─".repeat(usize::from(BAR_WIDTH)), style::dim())];
    };
    let (a, b) = (at(l), at(h).max(at(l)));
    let w = usize::from(BAR_WIDTH);
    vec![
        Span::styled("─".repeat(a), style::dim()),
        Span::styled("━".repeat(b - a + 1), Style::new().fg(style::ACCENT)),
        Span::styled("─".repeat(w.saturating_sub(b + 1)), style::dim()),
    ]
}

/// The day's temperature as a line with axes, hours along the bottom.
fn chart(hours: &[HourPoint], unit: &str, area: Rect, buf: &mut Buffer) {
    let pts: Vec<(f64, f64)> = hours
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.temperature.map(|t| (i as f64, t)))
        .collect();
    let Some((lo, hi)) = plot::extent(&pts) else {
        return;
    };
    let hour = |h: &HourPoint| Span::styled(format!("{:02}h", h.time.hour()), style::dim());
    let x_labels = match hours {
        [first, .., end] => vec![hour(first), hour(&hours[hours.len() / 2]), hour(end)],
        _ => Vec::new(),
    };
    plot::draw(
        Line::from(Span::styled(format!("Temperature, {unit}"), style::label())),
        vec![plot::line(&pts, Style::new().fg(style::ACCENT))],
        ((hours.len() - 1) as f64, x_labels),
        (lo.floor() - 1.0, hi.ceil() + 1.0),
        |v| format!("{v:.0}°"),
        area,
        buf,
    );
}
