//! The pages on screen: the config's `[[page]]`s, or every widget paged to
//! fit the terminal, and the page bar's tabs.

use ratatui::layout::Rect;

use crate::config::{Content, Layout, Node, PageContent, Size, WhenHidden};
use crate::dashboard::msg::WidgetId;
use crate::ui::grid;

/// The automatic layout never makes a card smaller than this.
pub const AUTO_CARD: (u16, u16) = (30, 8);

#[derive(Clone, Debug, PartialEq)]
pub struct ScreenPage {
    /// Empty for pages the terminal's size made.
    pub name: String,
    pub node: Node,
    /// In layout order.
    pub widgets: Vec<WidgetId>,
    /// Its widgets send nothing while another page is shown.
    pub pause_hidden: bool,
}

/// The pages for `layout` in `body` (the space under the title bar). A
/// page bar takes one row of it when there is more than one page.
pub fn paginate(layout: &Layout, count: usize, body: Rect) -> Vec<ScreenPage> {
    match layout {
        Layout::Auto => {
            let all: Vec<WidgetId> = (0..count).collect();
            let (cols, rows) = fits(body);
            let per = if count <= cols * rows {
                count
            } else {
                let (cols, rows) = fits(bar_less(body));
                cols * rows
            };
            all.chunks(per.max(1))
                .map(|chunk| ScreenPage {
                    name: String::new(),
                    node: arrange(chunk, bar_less(body)),
                    widgets: chunk.to_vec(),
                    pause_hidden: false,
                })
                .collect()
        }
        Layout::Pages(pages) => {
            let area = if pages.len() > 1 { bar_less(body) } else { body };
            pages
                .iter()
                .map(|p| {
                    let (node, widgets) = match &p.content {
                        PageContent::Grid(n) => (n.clone(), n.widgets()),
                        PageContent::Widgets(w) => (arrange(w, area), w.clone()),
                    };
                    ScreenPage {
                        name: p.name.clone(),
                        node,
                        widgets,
                        pause_hidden: p.when_hidden == WhenHidden::Pause,
                    }
                })
                .collect()
        }
    }
}

fn bar_less(body: Rect) -> Rect {
    Rect {
        height: body.height.saturating_sub(1),
        ..body
    }
}

/// How many automatic cards fit across and down.
fn fits(area: Rect) -> (usize, usize) {
    (
        usize::from((area.width / AUTO_CARD.0).max(1)),
        usize::from((area.height / AUTO_CARD.1).max(1)),
    )
}

/// `ids` in rows of equal width: up to three across when they fit in
/// height, more when they need to; a page given more widgets than fit at
/// the automatic size shrinks its cards toward the smallest there is.
pub fn arrange(ids: &[WidgetId], area: Rect) -> Node {
    let (max_cols, max_rows) = fits(area);
    let k = ids.len().max(1);
    let cols = if k <= max_cols * max_rows {
        k.min(3).max(k.div_ceil(max_rows)).min(max_cols)
    } else {
        k.div_ceil(usize::from((area.height / grid::MIN_CARD.1).max(1)))
    }
    .max(1);
    let rows = ids
        .chunks(cols)
        .map(|chunk| Node {
            size: Size::Ratio(1),
            content: Content::Cols(
                chunk
                    .iter()
                    .map(|&i| Node {
                        size: Size::Ratio(1),
                        content: Content::Widget(i),
                    })
                    .collect(),
            ),
        })
        .collect();
    Node {
        size: Size::Ratio(1),
        content: Content::Rows(rows),
    }
}

/// What a page's tab says beside its name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// A widget on it is failing.
    pub failing: bool,
    /// A credential one of its widgets uses wants attention.
    pub credential: bool,
}

/// One tab of the page bar: which page, where, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    pub page: usize,
    pub x: u16,
    pub text: String,
}

impl Tab {
    pub fn width(&self) -> u16 {
        u16::try_from(ratatui::text::Span::raw(self.text.as_str()).width()).unwrap_or(u16::MAX)
    }
}

/// The tabs that fit in `width` cells, always with the current page: when
/// not all fit, a window around it, with `‹` / `›` at the cut ends (the
/// bool pair says which ends are cut).
pub fn tabs(pages: &[ScreenPage], marks: &[Marks], current: usize, width: u16) -> (Vec<Tab>, bool, bool) {
    let text = |i: usize| {
        let p = &pages[i];
        let m = marks.get(i).copied().unwrap_or_default();
        let mut t = format!(" {}", i + 1);
        if !p.name.is_empty() {
            t.push(' ');
            t.push_str(&p.name);
        }
        if m.failing {
            t.push_str(" ⚠");
        }
        if m.credential {
            t.push_str(" ⚿");
        }
        t.push(' ');
        t
    };
    let w = |s: &str| ratatui::text::Span::raw(s).width();
    let all: Vec<String> = (0..pages.len()).map(text).collect();
    let total: usize = all.iter().map(|t| w(t)).sum();
    let width = usize::from(width);
    let (mut lo, mut hi) = (
        current.min(all.len().saturating_sub(1)),
        current.min(all.len().saturating_sub(1)),
    );
    if total > width {
        // Room for the two arrows; grow the window one tab at a time,
        // right first, while it fits.
        let room = width.saturating_sub(2);
        let mut used = all.get(lo).map_or(0, |t| w(t));
        loop {
            let right = all.get(hi + 1).map(|t| w(t)).filter(|n| used + n <= room);
            if let Some(n) = right {
                hi += 1;
                used += n;
            }
            let left = (lo > 0).then(|| w(&all[lo - 1])).filter(|n| used + n <= room);
            if let Some(n) = left {
                lo -= 1;
                used += n;
            }
            if right.is_none() && left.is_none() {
                break;
            }
        }
    } else {
        lo = 0;
        hi = all.len().saturating_sub(1);
    }
    let cut_left = lo > 0;
    let mut x = u16::from(cut_left);
    let mut out = Vec::new();
    for (i, t) in all.into_iter().enumerate().take(hi + 1).skip(lo) {
        let tab = Tab { page: i, x, text: t };
        x = x.saturating_add(tab.width());
        out.push(tab);
    }
    (out, cut_left, hi + 1 < pages.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(count: usize, w: u16, h: u16) -> Vec<ScreenPage> {
        paginate(&Layout::Auto, count, Rect::new(0, 1, w, h))
    }

    #[test]
    fn a_few_widgets_stay_on_one_page_in_rows_of_three() {
        let p = auto(5, 160, 46);
        assert_eq!(p.len(), 1);
        let Content::Rows(rows) = &p[0].node.content else {
            panic!()
        };
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn many_widgets_are_paged_to_fit_and_every_one_is_placed_once() {
        // 80x24: 21 rows under the title, a page bar takes one: 2 x 2 cards.
        let p = auto(100, 80, 22);
        assert_eq!(p.len(), 25);
        assert!(p.iter().all(|pg| pg.widgets.len() == 4));
        let mut all: Vec<usize> = p.iter().flat_map(|pg| pg.widgets.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        // 200x60: 6 x 7 cards.
        let p = auto(100, 200, 58);
        assert_eq!(p.iter().map(|pg| pg.widgets.len()).collect::<Vec<_>>(), [42, 42, 16]);
    }

    #[test]
    fn a_page_of_more_than_fit_shrinks_its_cards_to_fit() {
        let ids: Vec<usize> = (0..200).collect();
        let area = Rect::new(0, 1, 260, 38);
        let node = arrange(&ids, area);
        let (w, h) = grid::min_size(&node);
        assert!(w <= area.width && h <= area.height, "{w}x{h}");
        assert_eq!(grid::areas(&node, area).len(), 200);
    }

    #[test]
    fn the_bar_keeps_the_current_page_in_view() {
        let pages = auto(100, 80, 22);
        let marks = vec![Marks::default(); pages.len()];
        let (t, left, right) = tabs(&pages, &marks, 0, 200);
        assert_eq!((t.len(), left, right), (25, false, false));
        let (t, left, right) = tabs(&pages, &marks, 20, 30);
        assert!(t.iter().any(|t| t.page == 20));
        assert!(left && right);
        let end = t.last().map(|t| t.x + t.width()).unwrap_or(0);
        assert!(end <= 29, "{t:?}");
    }
}
