//! Picking a layout, with a live preview.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::config::{Content, Node, Size};
use crate::setup::look::para;
use crate::setup::state::Wizard;
use crate::ui::grid;

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let presets = w.presets();
    let mut lines = vec![Line::from("How should the widgets be arranged?"), Line::default()];
    for (i, p) in presets.iter().enumerate() {
        let sel = i == w.layout;
        let st = if sel {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        lines.push(Line::from(Span::styled(
            format!(" {} {}", if sel { "›" } else { " " }, p.label(&w.pages)),
            st,
        )));
    }
    if let Some(p) = presets.get(w.layout) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(p.describe(), style::dim())));
    }
    // Room for the description to wrap once at narrow widths.
    let list_rows = (lines.len() as u16 + 1).min(area.height);
    let [list, preview] = Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(area);
    para(f, list, lines);
    // The chosen arrangement, drawn by the dashboard's own grid.
    let Some(config) = &w.preview else {
        return;
    };
    if preview.height < 4 {
        return;
    }
    let preview = Rect::new(
        preview.x,
        preview.y + 1,
        preview.width.min(72),
        (preview.height - 1).min(16),
    );
    // The first page, as the dashboard would lay it out.
    // Every card at the smallest size, so the whole first page shows.
    let mins = vec![grid::MIN_CARD; config.widgets.len()];
    let pages = crate::dashboard::pages::paginate(&config.layout, &mins, preview);
    let Some(first) = pages.first() else { return };
    for (id, rect) in grid::areas(&shrunk(&first.node), preview, &mins) {
        if rect.width < 2 || rect.height < 2 {
            continue;
        }
        let name = config.widgets.get(id).map(|w| w.id.clone()).unwrap_or_default();
        f.render_widget(
            Block::bordered()
                .border_style(style::dim())
                .title(Span::styled(name, style::label())),
            rect,
        );
    }
}

/// Fixed heights are for a real terminal; in a small preview they would
/// crowd out the other rows, so every cell takes a share instead.
fn shrunk(node: &Node) -> Node {
    Node {
        size: match node.size {
            Size::Length(_) => Size::Ratio(1),
            other => other,
        },
        content: match &node.content {
            Content::Widget(i) => Content::Widget(*i),
            Content::Rows(v) => Content::Rows(v.iter().map(shrunk).collect()),
            Content::Cols(v) => Content::Cols(v.iter().map(shrunk).collect()),
        },
    }
}
