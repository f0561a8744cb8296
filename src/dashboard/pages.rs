//! The pages on screen: the config's `[[page]]`s, or every widget paged to
//! fit the terminal, and the page bar's tabs.

use ratatui::layout::Rect;

use crate::config::{Content, Layout, Node, PageContent, Size, WhenHidden};
use crate::dashboard::msg::WidgetId;
use crate::ui::grid;

/// The automatic layout never makes a card smaller than this, nor smaller
/// than its widgets' own minimum.
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
    /// (k, n): the k-th (from 1) of the n screen pages one configured page
    /// was split into because the terminal cannot show it whole.
    pub part: Option<(usize, usize)>,
}

/// The pages for `layout` in `body` (the space under the title bar), where
/// widget `i`'s card is never smaller than `mins[i]`. A page bar takes one
/// row of it when there is more than one page.
pub fn paginate(layout: &Layout, mins: &[(u16, u16)], body: Rect) -> Vec<ScreenPage> {
    let count = mins.len();
    match layout {
        Layout::Auto => {
            let all: Vec<WidgetId> = (0..count).collect();
            let card = auto_card(&all, mins);
            let (cols, rows) = fits(body, card);
            let per = if count <= cols * rows {
                count
            } else {
                let (cols, rows) = fits(bar_less(body), card);
                cols * rows
            };
            all.chunks(per.max(1))
                .map(|chunk| ScreenPage {
                    name: String::new(),
                    node: arrange(chunk, bar_less(body), card),
                    widgets: chunk.to_vec(),
                    pause_hidden: false,
                    part: None,
                })
                .collect()
        }
        Layout::Pages(pages) => {
            let whole = |area: Rect| {
                pages.iter().all(|p| match &p.content {
                    PageContent::Grid(n) => {
                        let (w, h) = grid::min_size(n, mins);
                        w <= area.width && h <= area.height
                    }
                    PageContent::Widgets(w) => w.len() <= capacity(area, floor(w, mins)),
                })
            };
            // One page needs no bar, unless it must be split.
            let area = if pages.len() == 1 && whole(body) {
                body
            } else {
                bar_less(body)
            };
            let mut out = Vec::new();
            for p in pages {
                let nodes: Vec<Node> = match &p.content {
                    PageContent::Grid(n) => split_page(n, mins, area),
                    PageContent::Widgets(w) => {
                        let card = floor(w, mins);
                        w.chunks(capacity(area, card).max(1))
                            .map(|chunk| arrange(chunk, area, card))
                            .collect()
                    }
                };
                let n = nodes.len();
                out.extend(nodes.into_iter().enumerate().map(|(k, node)| ScreenPage {
                    name: p.name.clone(),
                    widgets: node.widgets(),
                    node,
                    pause_hidden: p.when_hidden == WhenHidden::Pause,
                    part: (n > 1).then_some((k + 1, n)),
                }));
            }
            out
        }
    }
}

fn bar_less(body: Rect) -> Rect {
    Rect {
        height: body.height.saturating_sub(1),
        ..body
    }
}

/// The largest of the minimums of `ids`: the smallest card all of them
/// can share.
fn floor(ids: &[WidgetId], mins: &[(u16, u16)]) -> (u16, u16) {
    ids.iter()
        .map(|&i| mins.get(i).copied().unwrap_or(grid::MIN_CARD))
        .fold(grid::MIN_CARD, |(w, h), (mw, mh)| (w.max(mw), h.max(mh)))
}

/// The automatic layout's card: `AUTO_CARD`, or larger where a widget
/// needs it.
fn auto_card(ids: &[WidgetId], mins: &[(u16, u16)]) -> (u16, u16) {
    let (w, h) = floor(ids, mins);
    (w.max(AUTO_CARD.0), h.max(AUTO_CARD.1))
}

/// How many cards of `card` fit across and down.
fn fits(area: Rect, card: (u16, u16)) -> (usize, usize) {
    (
        usize::from((area.width / card.0.max(1)).max(1)),
        usize::from((area.height / card.1.max(1)).max(1)),
    )
}

/// How many cards no smaller than `card` one page holds.
fn capacity(area: Rect, card: (u16, u16)) -> usize {
    let (c, r) = fits(area, card);
    c * r
}

/// `ids` in rows of equal width: up to three across when they fit at the
/// automatic size, more when they need to; a page given more widgets than
/// fit at the automatic size shrinks its cards toward `floor`, the
/// smallest its widgets allow. The caller gives no more than fit at `floor`.
pub fn arrange(ids: &[WidgetId], area: Rect, floor: (u16, u16)) -> Node {
    let auto = (floor.0.max(AUTO_CARD.0), floor.1.max(AUTO_CARD.1));
    let (max_cols, max_rows) = fits(area, auto);
    let k = ids.len().max(1);
    let cols = if k <= max_cols * max_rows {
        k.min(3).max(k.div_ceil(max_rows)).min(max_cols)
    } else {
        k.div_ceil(usize::from((area.height / floor.1.max(1)).max(1)))
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

/// A configured grid as screen pages: itself when it fits `area`; else
/// cut into pieces that fit across (rows apart; a row's columns in groups
/// that fit, each group a row of its own), stacked onto as few pages as
/// hold them, in reading order. A piece that fits nowhere (one card whose
/// minimum is larger than the terminal) is a page of its own, where the
/// too-small message says what it needs.
pub fn split_page(node: &Node, mins: &[(u16, u16)], area: Rect) -> Vec<Node> {
    let (w, h) = grid::min_size(node, mins);
    if w <= area.width && h <= area.height {
        return vec![node.clone()];
    }
    let mut pages: Vec<Vec<Node>> = Vec::new();
    let mut used = 0u16;
    for piece in pieces(node, mins, area) {
        // Fixed heights give way where room is short (`grid::split`), so
        // a piece needs its cards' minimum; one that fits nowhere is
        // alone, so it hides nothing else.
        let (pw, ph) = grid::min_size(&piece, mins);
        let need = if pw > area.width || ph > area.height {
            area.height.saturating_add(1)
        } else {
            ph
        };
        match pages.last_mut() {
            Some(page) if used.saturating_add(need) <= area.height => page.push(piece),
            _ => {
                pages.push(vec![piece]);
                used = 0;
            }
        }
        used = used.saturating_add(need);
    }
    pages
        .into_iter()
        .map(|rows| Node {
            size: Size::Ratio(1),
            content: Content::Rows(rows),
        })
        .collect()
}

/// `node` as rows that each fit `area` across, in reading order.
fn pieces(node: &Node, mins: &[(u16, u16)], area: Rect) -> Vec<Node> {
    let (w, h) = grid::min_size(node, mins);
    if w <= area.width && h <= area.height {
        return vec![node.clone()];
    }
    match &node.content {
        Content::Widget(_) => vec![node.clone()],
        Content::Rows(children) => children.iter().flat_map(|c| pieces(c, mins, area)).collect(),
        Content::Cols(children) => {
            let mut out = Vec::new();
            let mut group: Vec<Node> = Vec::new();
            let mut across = 0u16;
            let flush = |group: &mut Vec<Node>, out: &mut Vec<Node>| {
                if !group.is_empty() {
                    out.push(Node {
                        size: node.size,
                        content: Content::Cols(std::mem::take(group)),
                    });
                }
            };
            for c in children {
                let (cw, ch) = grid::min_size(c, mins);
                if cw > area.width || ch > area.height {
                    // Too large even alone: its own pieces, on their own rows.
                    flush(&mut group, &mut out);
                    across = 0;
                    out.extend(pieces(c, mins, area));
                    continue;
                }
                if across.saturating_add(cw) > area.width {
                    flush(&mut group, &mut out);
                    across = 0;
                }
                group.push(c.clone());
                across = across.saturating_add(cw);
            }
            flush(&mut group, &mut out);
            out
        }
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
        // A named page split to fit says which part this is (an unnamed
        // one's numbers say it already).
        if let (Some((k, n)), false) = (p.part, p.name.is_empty()) {
            t.push_str(&format!(" {k}/{n}"));
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
        paginate(&Layout::Auto, &vec![grid::MIN_CARD; count], Rect::new(0, 1, w, h))
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
        let node = arrange(&ids, area, grid::MIN_CARD);
        let (w, h) = grid::min_size(&node, &[]);
        assert!(w <= area.width && h <= area.height, "{w}x{h}");
        assert_eq!(grid::areas(&node, area, &[]).len(), 200);
    }

    fn leaf(i: usize) -> Node {
        Node {
            size: Size::Ratio(1),
            content: Content::Widget(i),
        }
    }

    fn row(size: Size, ids: &[usize]) -> Node {
        Node {
            size,
            content: Content::Cols(ids.iter().map(|&i| leaf(i)).collect()),
        }
    }

    /// Every card of every page at least its minimum, and every widget
    /// placed once.
    fn assert_readable(pages: &[ScreenPage], mins: &[(u16, u16)], area: Rect) {
        let mut seen = Vec::new();
        for p in pages {
            for (id, r) in grid::areas(&p.node, area, mins) {
                assert!(r.width >= mins[id].0 && r.height >= mins[id].1, "widget {id}: {r:?}");
                seen.push(id);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..mins.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_grid_too_large_for_the_terminal_is_paged_with_no_card_below_its_minimum() {
        // The demo's shape: four rows of four, the first 11 rows tall.
        let grid = Node {
            size: Size::Ratio(1),
            content: Content::Rows(vec![
                row(Size::Length(11), &[0, 1, 2, 3]),
                row(Size::Ratio(1), &[4, 5, 6, 7]),
                row(Size::Ratio(1), &[8, 9, 10, 11]),
                row(Size::Ratio(1), &[12, 13, 14]),
            ]),
        };
        let mins: Vec<(u16, u16)> = (0..15).map(|i| if i % 2 == 0 { (29, 5) } else { (26, 3) }).collect();
        let layout = Layout::Pages(vec![crate::config::Page {
            name: String::new(),
            content: PageContent::Grid(grid.clone()),
            when_hidden: WhenHidden::Poll,
        }]);
        // Fits at 160x46: one page, as configured.
        let big = paginate(&layout, &mins, Rect::new(0, 1, 160, 46));
        assert_eq!(big.len(), 1);
        assert_eq!(big[0].node, grid);
        assert_eq!(big[0].part, None);
        // At 80x22 (a bar takes a row): pages, each card readable.
        let body = Rect::new(0, 1, 80, 22);
        let small = paginate(&layout, &mins, body);
        assert!(small.len() > 1);
        assert_eq!(small[0].part, Some((1, small.len())));
        assert_readable(&small, &mins, bar_less(body));
        let (tabs, _, _) = tabs(&small, &[], 0, 80);
        assert_eq!(tabs[0].text, " 1 ");
    }

    #[test]
    fn a_card_larger_than_the_terminal_gets_a_page_of_its_own() {
        let grid = Node {
            size: Size::Ratio(1),
            content: Content::Rows(vec![row(Size::Length(30), &[0, 1])]),
        };
        let pages = split_page(&grid, &[(30, 5), (90, 5)], Rect::new(0, 1, 80, 22));
        assert_eq!(pages.iter().map(Node::widgets).collect::<Vec<_>>(), [vec![0], vec![1]]);
        // The fixed 30 rows give way to the 22 there are.
        let areas = grid::areas(&pages[0], Rect::new(0, 1, 80, 22), &[(30, 5)]);
        assert_eq!(areas[0].1.height, 22);
    }

    #[test]
    fn a_page_of_widgets_is_split_where_its_cards_would_go_below_their_minimum() {
        let mins = vec![(40, 10); 9];
        let layout = Layout::Pages(vec![crate::config::Page {
            name: "Work".into(),
            content: PageContent::Widgets((0..9).collect()),
            when_hidden: WhenHidden::Poll,
        }]);
        let body = Rect::new(0, 1, 80, 23);
        let pages = paginate(&layout, &mins, body);
        assert_eq!(pages.iter().map(|p| p.widgets.len()).collect::<Vec<_>>(), [4, 4, 1]);
        assert_readable(&pages, &mins, bar_less(body));
        let (tabs, _, _) = tabs(&pages, &[], 2, 80);
        assert_eq!(tabs[2].text, " 3 Work 3/3 ");
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
