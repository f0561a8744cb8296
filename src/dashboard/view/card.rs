//! One widget's card: border, title, freshness, error marker, content.

use chrono::{DateTime, Utc};
use homedash_widgets::source::Tick;
use homedash_widgets::{RenderCtx, format, style};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};

use crate::dashboard::app::{App, WidgetState};
use crate::dashboard::msg::WidgetId;

pub fn draw(app: &App, id: WidgetId, area: Rect, now: DateTime<Utc>, buf: &mut Buffer) {
    let (w, s) = (&app.widgets[id], &app.states[id]);
    // A wall display turning its pages has no one to point at a card for.
    let focused = id == app.focus && !app.unattended();
    let timed = w.source.tick() != Tick::None;

    let border = match (&s.error, focused) {
        (Some(_), _) => Style::new().fg(style::WARN),
        (None, true) => Style::new().fg(style::ACCENT),
        (None, false) => style::dim(),
    };
    let title_style = if focused {
        style::value().fg(style::ACCENT)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let badge = w.credential.as_deref().and_then(|c| app.facts().cred_warning(c));
    let badge_w = badge.as_ref().map_or(0, |b| b.chars().count() + 3);
    let (title, right) = heading(
        &w.title,
        badge_w,
        freshness(s, now, timed || w.source.default_base().is_none()),
        area.width,
    );
    let block = Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(Line::from(
            [Span::styled(format!(" {title} "), title_style)]
                .into_iter()
                .chain(badge.map(|b| Span::styled(format!("⚿ {b} "), Style::new().fg(style::WARN))))
                .collect::<Vec<_>>(),
        ))
        .title(right.right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);

    let ctx = RenderCtx {
        now,
        local: app.local,
        zoomed: app.zoom && app.focus == id,
    };
    if s.data.is_some() || timed {
        w.source.render(s.data.as_ref(), &ctx, inner, buf);
        return;
    }
    let lines = match &s.error {
        None => vec![Line::from(Span::styled("loading…", style::dim()))],
        Some(e) => {
            let mut l = vec![
                Line::from(Span::styled(
                    format!("⚠ {}", e.class.label()),
                    Style::new().fg(style::WARN).add_modifier(Modifier::BOLD),
                )),
                Line::from(e.detail.clone()),
            ];
            if let Some(n) = s.next {
                l.push(Line::from(Span::styled(
                    format!("retrying at {}", n.with_timezone(&app.local).format("%H:%M:%S")),
                    style::dim(),
                )));
            }
            l
        }
    };
    let text = Paragraph::new(lines).wrap(Wrap { trim: true });
    // More than the card holds ends in "…"; `!` shows all of it.
    let cut = text.line_count(inner.width) > usize::from(inner.height);
    text.render(inner, buf);
    if cut && inner.width > 0 && inner.height > 0 {
        buf[(inner.right() - 1, inner.bottom() - 1)].set_symbol("…");
    }
}

/// A title shortens to this before the right-hand title gives way.
const TITLE_KEPT: usize = 12;

/// The title, cut to fit, and the right-hand title that fits beside it:
/// the whole one, else its compact form, else none. The title shortens
/// first (down to `TITLE_KEPT`), so "updated 2m ago" outlasts the end of
/// a long name.
fn heading(title: &str, badge_w: usize, right: [Line<'static>; 2], width: u16) -> (String, Line<'static>) {
    // Corners, and a space either side of the title.
    let room = usize::from(width).saturating_sub(4 + badge_w);
    let full = title.chars().count();
    for r in right {
        let beside = if r.width() == 0 { 0 } else { r.width() + 1 };
        let left = room.saturating_sub(beside);
        if left >= full.min(TITLE_KEPT) {
            return (format::fit(title, left), r);
        }
    }
    (format::fit(title, room), Line::default())
}

/// The right-hand title: loading, error class and age, whole and compact.
fn freshness(s: &WidgetState, now: DateTime<Utc>, local_source: bool) -> [Line<'static>; 2] {
    let warn = Style::new().fg(style::WARN);
    let spin = if s.loading { "⟳ " } else { "" };
    let full: Vec<Span<'static>> = match (&s.error, s.updated) {
        (Some(e), Some(u)) => vec![
            Span::styled(format!("{spin}⚠ {}", e.class.label()), warn),
            Span::styled(format!(" · {} ", format::age(now, u)), style::dim()),
        ],
        (Some(e), None) => vec![Span::styled(format!("{spin}⚠ {} ", e.class.label()), warn)],
        (None, Some(u)) if !local_source => vec![Span::styled(
            format!("{spin}updated {} ", format::age(now, u)),
            style::dim(),
        )],
        _ if s.loading => vec![Span::styled("⟳ ", style::dim())],
        _ => vec![],
    };
    let compact: Vec<Span<'static>> = match &s.error {
        Some(_) => vec![Span::styled(format!("{spin}⚠ "), warn)],
        None => vec![],
    };
    [Line::from(full), Line::from(compact)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.to_string()).collect()
    }

    #[test]
    fn a_long_title_shortens_before_the_age_goes() {
        let right = || [Line::from("updated 2m ago "), Line::from("")];
        let long = "London weather (OpenWeatherMap, metric)";
        // Room for all: both whole.
        let (t, r) = heading("Berlin", 0, right(), 60);
        assert_eq!((t.as_str(), text(&r).as_str()), ("Berlin", "updated 2m ago "));
        // A long title gives way first.
        let (t, r) = heading(long, 0, right(), 40);
        assert_eq!(text(&r), "updated 2m ago ");
        assert!(t.ends_with('…') && t.chars().count() >= TITLE_KEPT, "{t}");
        assert!(t.chars().count() + r.width() + 1 + 4 <= 40);
        // Too narrow for both even so: the title stays, the age goes.
        let (t, r) = heading(long, 0, right(), 26);
        assert_eq!(text(&r), "");
        assert_eq!(t.chars().count(), 22);
    }
}
