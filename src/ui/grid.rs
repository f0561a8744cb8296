//! Turning the configured layout tree into screen areas.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

use crate::config::{Content, Node, Size};

/// The smallest card that still shows a border and one line.
pub const MIN_CARD: (u16, u16) = (12, 3);

fn constraint(s: Size) -> Constraint {
    match s {
        Size::Ratio(r) => Constraint::Fill(u16::try_from(r).unwrap_or(u16::MAX)),
        Size::Percent(p) => Constraint::Percentage(p),
        Size::Length(l) => Constraint::Length(l),
    }
}

/// Every widget's area, in layout order.
pub fn areas(node: &Node, area: Rect) -> Vec<(usize, Rect)> {
    let mut out = Vec::new();
    collect(node, area, &mut out);
    out
}

fn collect(node: &Node, area: Rect, out: &mut Vec<(usize, Rect)>) {
    let (dir, children) = match &node.content {
        Content::Widget(i) => {
            out.push((*i, area));
            return;
        }
        Content::Rows(c) => (Direction::Vertical, c),
        Content::Cols(c) => (Direction::Horizontal, c),
    };
    let rects = Layout::new(dir, children.iter().map(|c| constraint(c.size))).split(area);
    for (child, rect) in children.iter().zip(rects.iter()) {
        collect(child, *rect, out);
    }
}

/// The first widget in layout order, where focus starts.
pub fn first_widget(node: &Node) -> Option<usize> {
    match &node.content {
        Content::Widget(i) => Some(*i),
        Content::Rows(c) | Content::Cols(c) => c.iter().find_map(first_widget),
    }
}

/// The smallest area in which every card gets at least `MIN_CARD`.
pub fn min_size(node: &Node) -> (u16, u16) {
    let fixed = |s: Size, min: u16| {
        if let Size::Length(l) = s { l.max(min) } else { min }
    };
    match &node.content {
        Content::Widget(_) => MIN_CARD,
        Content::Rows(c) => c.iter().fold((0, 0), |(w, h), n| {
            let (cw, ch) = min_size(n);
            (w.max(cw), h.saturating_add(fixed(n.size, ch)))
        }),
        Content::Cols(c) => c.iter().fold((0, 0), |(w, h), n| {
            let (cw, ch) = min_size(n);
            (w.saturating_add(fixed(n.size, cw)), h.max(ch))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: usize, size: Size) -> Node {
        Node {
            size,
            content: Content::Widget(i),
        }
    }

    #[test]
    fn nested_rows_and_columns() {
        let tree = Node {
            size: Size::Ratio(1),
            content: Content::Rows(vec![
                Node {
                    size: Size::Length(10),
                    content: Content::Cols(vec![leaf(0, Size::Length(30)), leaf(1, Size::Ratio(1))]),
                },
                leaf(2, Size::Ratio(1)),
            ]),
        };
        let a = areas(&tree, Rect::new(0, 0, 100, 40));
        assert_eq!(
            a,
            [
                (0, Rect::new(0, 0, 30, 10)),
                (1, Rect::new(30, 0, 70, 10)),
                (2, Rect::new(0, 10, 100, 30))
            ]
        );
        assert_eq!(min_size(&tree), (42, 13));
    }

    #[test]
    fn ratios_share_the_space() {
        let tree = Node {
            size: Size::Ratio(1),
            content: Content::Cols(vec![leaf(0, Size::Ratio(1)), leaf(1, Size::Ratio(3))]),
        };
        let a = areas(&tree, Rect::new(0, 0, 100, 5));
        assert_eq!(a[0].1.width, 25);
        assert_eq!(a[1].1.width, 75);
    }
}
