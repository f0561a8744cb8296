//! One widget's card: border, title, freshness, error marker, content.

use chrono::{DateTime, Utc};
use homedash_widgets::source::Tick;
use homedash_widgets::{RenderCtx, format, style};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};

use crate::app::App;
use crate::msg::WidgetId;

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
    let mut right = Vec::new();
    if s.loading {
        right.push(Span::styled("⟳ ", style::dim()));
    }
    if let Some(e) = &s.error {
        right.push(Span::styled(
            format!("⚠ {}", e.class.label()),
            Style::new().fg(style::WARN),
        ));
        if let Some(u) = s.updated {
            right.push(Span::styled(format!(" · {}", format::age(now, u)), style::dim()));
        }
    } else if let (Some(u), false, Some(_)) = (s.updated, timed, w.source.default_base()) {
        right.push(Span::styled(format!("updated {}", format::age(now, u)), style::dim()));
    }
    if !right.is_empty() {
        right.push(Span::raw(" "));
    }
    let block = Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(Line::from(Span::styled(format!(" {} ", w.title), title_style)))
        .title(Line::from(right).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);

    let ctx = RenderCtx { now, local: app.local };
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
