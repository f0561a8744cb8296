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
    let focused = id == app.focus;
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
    let title = format::fit(&w.title, usize::from(area.width.saturating_sub(4)));
    let right = freshness(
        s,
        now,
        timed || w.source.default_base().is_none(),
        area.width,
        title.chars().count() + badge.as_ref().map_or(0, |b| b.chars().count() + 3),
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
    Paragraph::new(lines).wrap(Wrap { trim: true }).render(inner, buf);
}

/// The right-hand title: loading, error class and age. It shrinks to fit
/// beside the title, and goes rather than overwrite it.
fn freshness(s: &WidgetState, now: DateTime<Utc>, local_source: bool, width: u16, title: usize) -> Line<'static> {
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
    // Corners, and a space either side of the title.
    let room = usize::from(width).saturating_sub(title + 4);
    [full, compact]
        .into_iter()
        .map(Line::from)
        .find(|l| l.width() < room)
        .unwrap_or_default()
}
