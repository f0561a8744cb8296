//! Turning the configured layout tree into screen areas.

use ratatui::layout::Rect;

use crate::config::{Content, Node, Size};

/// The smallest card that still shows a border and one line.
pub const MIN_CARD: (u16, u16) = (12, 3);

/// Every widget's area, in layout order; each card gets its minimum
/// (`mins`, by widget) wherever the area holds them all.
pub fn areas(node: &Node, area: Rect, mins: &[(u16, u16)]) -> Vec<(usize, Rect)> {
    let mut out = Vec::new();
    collect(node, area, mins, &mut out);
    out
}

fn collect(node: &Node, area: Rect, mins: &[(u16, u16)], out: &mut Vec<(usize, Rect)>) {
    let (vertical, children) = match &node.content {
        Content::Widget(i) => {
            out.push((*i, area));
            return;
        }
        Content::Rows(c) => (true, c),
        Content::Cols(c) => (false, c),
    };
    let (start, total) = if vertical {
        (area.y, area.height)
    } else {
        (area.x, area.width)
    };
    let sizes: Vec<Size> = children.iter().map(|c| c.size).collect();
    let lows: Vec<u16> = children
        .iter()
        .map(|c| {
            let (w, h) = min_size(c, mins);
            if vertical { h } else { w }
        })
        .collect();
    for (child, (offset, len)) in children.iter().zip(split(&sizes, &lows, total)) {
        let at = start.saturating_add(offset);
        let rect = if vertical {
            Rect::new(area.x, at, area.width, len)
        } else {
            Rect::new(at, area.y, len, area.height)
        };
        collect(child, rect, mins, out);
    }
}

/// Splits `total` cells among `sizes`: lengths first, then percentages of
/// the whole, then ratios share what is left by weight. Where the fixed
/// sizes ask for more than there is, percentages give way before lengths,
/// each group in proportion. When `total` holds every part's minimum
/// (`lows`), no part gets less: the parts above theirs give up cells in
/// proportion to what they have over. Edges are rounded, not sizes, so the
/// parts tile the whole with no gap.
///
/// Written here rather than through ratatui's `Layout`: its constraint
/// solver can loop for ever on some splits of many parts (ratatui issue
/// 1855), and a page may hold a thousand cards. This is exact, linear in
/// the number of parts, and the same on every run.
pub fn split(sizes: &[Size], lows: &[u16], total: u16) -> Vec<(u16, u16)> {
    let whole = f64::from(total);
    let asked = |s: &Size| match *s {
        Size::Length(l) => f64::from(l),
        Size::Percent(p) => whole * f64::from(p) / 100.0,
        Size::Ratio(_) => 0.0,
    };
    let (mut lengths, mut percents, mut weights) = (0.0, 0.0, 0.0);
    for s in sizes {
        match s {
            Size::Length(_) => lengths += asked(s),
            Size::Percent(_) => percents += asked(s),
            Size::Ratio(r) => weights += f64::from(*r),
        }
    }
    // What each fixed group may have, lengths before percentages, and
    // what is left for the ratios.
    let length_room = lengths.min(whole);
    let percent_room = percents.min(whole - length_room);
    let left = (whole - length_room - percent_room).max(0.0);
    let shrink = |room: f64, asked: f64| if asked > room { room / asked } else { 1.0 };
    let mut want: Vec<f64> = sizes
        .iter()
        .map(|s| match s {
            Size::Length(_) => asked(s) * shrink(length_room, lengths),
            Size::Percent(_) => asked(s) * shrink(percent_room, percents),
            Size::Ratio(r) if weights > 0.0 => left * f64::from(*r) / weights,
            Size::Ratio(_) => 0.0,
        })
        .collect();
    let low = |i: usize| f64::from(lows.get(i).copied().unwrap_or(0));
    let needed: f64 = (0..sizes.len()).map(low).sum();
    if needed <= whole {
        lift(&mut want, low);
    }
    let mut edge = 0.0;
    let mut from = 0u16;
    let mut lens: Vec<u16> = want
        .iter()
        .map(|w| {
            edge += w;
            // Bounded by `total`, so the cast cannot truncate.
            let to = (edge.round().clamp(0.0, whole) as u16).max(from);
            let len = to - from;
            from = to;
            len
        })
        .collect();
    if needed <= whole {
        settle(&mut lens, lows);
    }
    let mut at = 0u16;
    lens.into_iter()
        .map(|len| {
            let part = (at, len);
            at = at.saturating_add(len);
            part
        })
        .collect()
}

/// Raises every part below its minimum to it, taking the cells from the
/// parts above theirs in proportion to their surplus (which is enough,
/// since the whole holds every minimum).
fn lift(want: &mut [f64], low: impl Fn(usize) -> f64) {
    let deficit: f64 = want.iter().enumerate().map(|(i, w)| (low(i) - w).max(0.0)).sum();
    if deficit <= 0.0 {
        return;
    }
    let surplus: f64 = want.iter().enumerate().map(|(i, w)| (w - low(i)).max(0.0)).sum();
    for (i, w) in want.iter_mut().enumerate() {
        let over = *w - low(i);
        *w = if over <= 0.0 {
            low(i)
        } else {
            *w - deficit * over / surplus
        };
    }
}

/// Rounding can leave a part one cell under its minimum: it takes the cell
/// from the nearest part that has one to spare.
fn settle(lens: &mut [u16], lows: &[u16]) {
    let low = |i: usize| lows.get(i).copied().unwrap_or(0);
    for i in 0..lens.len() {
        while lens[i] < low(i) {
            let spare = (1..lens.len())
                .flat_map(|d| [i.checked_sub(d), Some(i + d)])
                .flatten()
                .find(|&j| j < lens.len() && lens[j] > low(j));
            let Some(j) = spare else { return };
            lens[j] -= 1;
            lens[i] += 1;
        }
    }
}

/// The first widget in layout order, where focus starts.
pub fn first_widget(node: &Node) -> Option<usize> {
    match &node.content {
        Content::Widget(i) => Some(*i),
        Content::Rows(c) | Content::Cols(c) => c.iter().find_map(first_widget),
    }
}

/// The smallest area in which every card gets its own minimum (`mins`,
/// by widget; `MIN_CARD` for one not listed). A fixed length is what the
/// layout would like, not what it needs: where room is short it gives way,
/// down to its cards' minimum.
pub fn min_size(node: &Node, mins: &[(u16, u16)]) -> (u16, u16) {
    match &node.content {
        Content::Widget(i) => mins.get(*i).copied().unwrap_or(MIN_CARD),
        Content::Rows(c) => c.iter().fold((0, 0), |(w, h), n| {
            let (cw, ch) = min_size(n, mins);
            (w.max(cw), h.saturating_add(ch))
        }),
        Content::Cols(c) => c.iter().fold((0, 0), |(w, h), n| {
            let (cw, ch) = min_size(n, mins);
            (w.saturating_add(cw), h.max(ch))
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
        let a = areas(&tree, Rect::new(0, 0, 100, 40), &[]);
        assert_eq!(
            a,
            [
                (0, Rect::new(0, 0, 30, 10)),
                (1, Rect::new(30, 0, 70, 10)),
                (2, Rect::new(0, 10, 100, 30))
            ]
        );
        assert_eq!(min_size(&tree, &[]), (24, 6));
    }

    #[test]
    fn ratios_share_the_space() {
        let tree = Node {
            size: Size::Ratio(1),
            content: Content::Cols(vec![leaf(0, Size::Ratio(1)), leaf(1, Size::Ratio(3))]),
        };
        let a = areas(&tree, Rect::new(0, 0, 100, 5), &[]);
        assert_eq!(a[0].1.width, 25);
        assert_eq!(a[1].1.width, 75);
    }

    fn parts(sizes: &[Size], total: u16) -> Vec<u16> {
        split(sizes, &[], total).iter().map(|p| p.1).collect()
    }

    #[test]
    fn fixed_sizes_come_first_and_ratios_share_the_rest() {
        use Size::{Length as L, Percent as P, Ratio as R};
        assert_eq!(parts(&[L(30), R(1)], 100), [30, 70]);
        assert_eq!(parts(&[P(25), R(1), R(2)], 100), [25, 25, 50]);
        assert_eq!(parts(&[R(1), R(1), R(1)], 100), [33, 34, 33]);
        // Too little room: percentages give way before lengths.
        assert_eq!(parts(&[L(8), P(50), R(1)], 10), [8, 2, 0]);
        assert_eq!(parts(&[L(8), L(8)], 10), [5, 5]);
        // Fixed sizes alone leave the rest empty, at the end.
        assert_eq!(parts(&[L(3), P(10)], 100), [3, 10]);
        assert_eq!(parts(&[R(1), R(1)], 0), [0, 0]);
    }

    #[test]
    fn parts_tile_the_whole_in_order_at_every_size() {
        use Size::{Length as L, Percent as P, Ratio as R};
        let shapes: [&[Size]; 4] = [
            &[R(1); 7],
            &[L(12), R(2), P(30), R(1)],
            &[P(33), P(33), R(5)],
            &[L(1), R(3)],
        ];
        for sizes in shapes {
            for total in 0..=400 {
                let got = split(sizes, &[], total);
                let mut at = 0;
                for &(start, len) in &got {
                    assert_eq!(start, at, "{sizes:?} in {total}");
                    at += len;
                }
                assert_eq!(at, total, "{sizes:?} in {total}: a ratio takes what is left");
            }
        }
    }

    /// ratatui's solver could spin for ever on a page of many cards (its
    /// issue 1855, seen here as a hung CI run); this split is linear.
    #[test]
    fn a_thousand_cards_split_at_once() {
        let sizes = vec![Size::Ratio(1); 1000];
        let got = split(&sizes, &[2; 1000], 3000);
        assert!(got.iter().all(|p| p.1 == 3));
    }

    #[test]
    fn no_part_goes_below_its_minimum_where_the_whole_holds_them_all() {
        use Size::{Length as L, Percent as P, Ratio as R};
        let parts =
            |sizes: &[Size], lows: &[u16], total| split(sizes, lows, total).iter().map(|p| p.1).collect::<Vec<_>>();
        // Four equal rows of 21: a card that needs 7 gets 7, the others
        // share the rest.
        assert_eq!(parts(&[R(1); 4], &[5, 5, 7, 3], 21), [5, 5, 7, 4]);
        // Two fixed rows of 11 in 21 both give way, to no less than needed.
        assert_eq!(parts(&[L(11), L(11)], &[4, 3], 21), [11, 10]);
        // A fixed row gives way to a ratio's minimum.
        assert_eq!(parts(&[L(11), R(1)], &[4, 9], 13), [4, 9]);
        // More needed than there is: the plain split, for the too-small
        // message to cover.
        assert_eq!(parts(&[R(1), R(1)], &[8, 8], 10), [5, 5]);
        // Every total, every shape: tiled, and each part at its minimum.
        for total in 20..=120 {
            let lows = [3, 9, 1, 5];
            let got = split(&[L(2), R(1), R(3), P(5)], &lows, total);
            let mut at = 0;
            for (i, &(start, len)) in got.iter().enumerate() {
                assert_eq!(start, at);
                assert!(len >= lows[i], "{got:?} in {total}");
                at += len;
            }
            assert_eq!(at, total);
        }
    }
}
