//! `homedash --kiosk`: a wall display with no keyboard. Its pages turn on
//! their own, no key hints show, nothing waits on a dialog, and the whole
//! picture moves by one cell now and then so that nothing burns into an
//! OLED or plasma panel. A key stops the turning; an idle minute after the
//! last key (`[kiosk] resume_after`), it starts again from where the
//! viewer left it.

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;

use crate::config::model::KioskConfig;

/// The corners the picture visits in turn, one cell apart.
const SHIFTS: [(u16, u16); 4] = [(0, 0), (1, 0), (1, 1), (0, 1)];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kiosk {
    pace: KioskConfig,
    /// When the next page shows.
    next_page: DateTime<Utc>,
    /// When the picture moves next.
    next_shift: DateTime<Utc>,
    /// The last key: the pages are still until an idle minute after it.
    last_key: Option<DateTime<Utc>>,
    /// Index into `SHIFTS`.
    step: usize,
}

/// What a tick changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    /// Show the next page.
    pub page: bool,
    /// The picture moved.
    pub shifted: bool,
    /// The idle minute ended: close whatever a viewer opened.
    pub resumed: bool,
}

fn after(now: DateTime<Utc>, d: std::time::Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Kiosk {
    pub fn new(pace: KioskConfig, now: DateTime<Utc>) -> Kiosk {
        Kiosk {
            pace,
            next_page: after(now, pace.page_every),
            next_shift: after(now, pace.shift_every),
            last_key: None,
            step: 0,
        }
    }

    /// The same turning and shift at a new pace (a reloaded config).
    pub fn with_pace(mut self, pace: KioskConfig) -> Kiosk {
        self.pace = pace;
        self
    }

    /// Whether the pages turn on their own now.
    pub fn turning(&self) -> bool {
        self.last_key.is_none()
    }

    /// A key: the pages stand still until an idle minute has passed.
    pub fn key(&mut self, now: DateTime<Utc>) {
        self.last_key = Some(now);
    }

    /// When something changes by itself next.
    pub fn next_wake(&self) -> DateTime<Utc> {
        let page = match self.last_key {
            Some(k) => after(k, self.pace.resume_after),
            None => self.next_page,
        };
        page.min(self.next_shift)
    }

    /// The time `next_wake` named has come (or any tick).
    pub fn tick(&mut self, now: DateTime<Utc>) -> Turn {
        let mut turn = Turn::default();
        if let Some(k) = self.last_key
            && now >= after(k, self.pace.resume_after)
        {
            self.last_key = None;
            self.next_page = after(now, self.pace.page_every);
            turn.resumed = true;
        }
        if self.last_key.is_none() && now >= self.next_page {
            self.next_page = after(now, self.pace.page_every);
            turn.page = true;
        }
        if now >= self.next_shift {
            self.next_shift = after(now, self.pace.shift_every);
            self.step = (self.step + 1) % SHIFTS.len();
            turn.shifted = true;
        }
        turn
    }

    /// Where the picture is drawn in `full`: one column and one row fewer,
    /// at the offset of the moment, so it never leaves the screen.
    pub fn inset(&self, full: Rect) -> Rect {
        let (dx, dy) = SHIFTS[self.step];
        let width = full.width.saturating_sub(1);
        let height = full.height.saturating_sub(1);
        Rect::new(
            full.x + dx.min(full.width - width),
            full.y + dy.min(full.height - height),
            width,
            height,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    fn kiosk() -> Kiosk {
        Kiosk::new(
            KioskConfig {
                page_every: std::time::Duration::from_secs(10),
                shift_every: std::time::Duration::from_secs(25),
                resume_after: std::time::Duration::from_secs(60),
            },
            at(0),
        )
    }

    #[test]
    fn pages_turn_on_their_interval_and_a_key_stops_them_for_an_idle_minute() {
        let mut k = kiosk();
        assert_eq!(k.next_wake(), at(10));
        assert_eq!(k.tick(at(5)), Turn::default());
        assert!(k.tick(at(10)).page);
        assert_eq!(k.next_wake(), at(20));
        k.key(at(12));
        assert!(!k.turning());
        assert!(!k.tick(at(20)).page, "still after a key");
        // The shift goes on meanwhile.
        assert!(k.tick(at(25)).shifted);
        assert_eq!(k.next_wake(), at(50));
        k.key(at(40));
        assert_eq!(k.next_wake(), at(50), "the shift first");
        k.tick(at(50));
        assert_eq!(
            k.next_wake(),
            at(75),
            "the shift, then the end of the idle minute at 100"
        );
        k.tick(at(75));
        assert_eq!(k.next_wake(), at(100));
        let t = k.tick(at(100));
        assert!(t.resumed && !t.page, "{t:?}");
        assert!(k.turning());
        assert!(k.tick(at(110)).page);
    }

    #[test]
    fn the_picture_moves_one_cell_around_and_stays_inside_the_screen() {
        let mut k = kiosk();
        let full = Rect::new(0, 0, 80, 24);
        let mut seen = Vec::new();
        for i in 1..=8 {
            let r = k.inset(full);
            assert!(r.right() <= full.right() && r.bottom() <= full.bottom(), "{r:?}");
            assert_eq!((r.width, r.height), (79, 23));
            seen.push((r.x, r.y));
            k.tick(at(25 * i));
        }
        assert_eq!(&seen[..4], &[(0, 0), (1, 0), (1, 1), (0, 1)]);
        assert_eq!(seen[..4], seen[4..]);
        // A screen too small for a margin is drawn whole, nowhere outside.
        for (w, h) in [(0, 0), (1, 1), (2, 1)] {
            let small = Rect::new(0, 0, w, h);
            for i in 0..4 {
                k.step = i;
                let r = k.inset(small);
                assert!(
                    r.right() <= small.right() && r.bottom() <= small.bottom(),
                    "{r:?} in {small:?}"
                );
            }
        }
    }
}
