//! A credential's request budget, shared by every widget that uses it: a
//! sliding one-minute window and a count per UTC day. The provider's
//! `X-RateLimit-*` headers, where sent, override it until their reset.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use homedash_widgets::provider::Budget;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

const MINUTE: Duration = Duration::from_secs(60);

/// Requests taken together, to be settled when they are answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    first: u64,
    n: u64,
}

/// A limiter's windows in wall-clock time, as the state file keeps them,
/// so that neither a reload nor a restart spends a budget again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub day: Option<NaiveDate>,
    pub today: u32,
    /// When each request of the last minute was counted.
    pub recent: Vec<DateTime<Utc>>,
    pub blocked_until: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct Limiter {
    budget: Budget,
    /// (id, counted-from time) of each request within the last minute.
    recent: Vec<(u64, Instant)>,
    next_id: u64,
    day: Option<NaiveDate>,
    today: u32,
    /// The provider said no requests are left until then.
    blocked_until: Option<Instant>,
}

impl Limiter {
    pub fn new(budget: Budget) -> Self {
        Limiter {
            budget,
            recent: Vec::new(),
            next_id: 0,
            day: None,
            today: 0,
            blocked_until: None,
        }
    }

    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Take `n` requests now, or say how long to wait before asking again.
    pub fn take(&mut self, n: u32, now: Instant, wall: DateTime<Utc>) -> Result<Reservation, Duration> {
        if let Some(until) = self.blocked_until {
            if until > now {
                return Err(until - now);
            }
            self.blocked_until = None;
        }
        self.recent.retain(|(_, t)| now.saturating_duration_since(*t) < MINUTE);
        let date = wall.date_naive();
        if self.day != Some(date) {
            self.day = Some(date);
            self.today = 0;
        }
        // A poll larger than the whole budget still runs, alone in its minute.
        let n = n.min(self.budget.per_minute).max(1);
        if let Some(per_day) = self.budget.per_day
            && self.today + n > per_day
        {
            let midnight = (date + chrono::Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc())
                .unwrap_or(wall);
            return Err((midnight - wall).to_std().unwrap_or(MINUTE));
        }
        let used = self.recent.len() as u32;
        if used + n > self.budget.per_minute {
            // Wait until enough of the window has slid past.
            let mut times: Vec<Instant> = self.recent.iter().map(|(_, t)| *t).collect();
            times.sort_unstable();
            let free_at = times[(used + n - self.budget.per_minute - 1) as usize] + MINUTE;
            return Err(free_at.saturating_duration_since(now).max(Duration::from_millis(10)));
        }
        let first = self.next_id;
        for i in 0..u64::from(n) {
            self.recent.push((first + i, now));
        }
        self.next_id += u64::from(n);
        self.today += n;
        Ok(Reservation { first, n: u64::from(n) })
    }

    /// A reservation's requests have been answered: count them from now,
    /// not from when they were sent. The provider saw them somewhere in
    /// between, so a window counted from here never overlaps its own.
    pub fn settle(&mut self, r: Reservation, now: Instant) {
        for (id, t) in &mut self.recent {
            if (r.first..r.first + r.n).contains(id) {
                *t = (*t).max(now);
            }
        }
    }

    /// The windows as they stand, in wall-clock time.
    pub fn window(&self, now: Instant, wall: DateTime<Utc>) -> Window {
        let at = |t: Instant| {
            let ago = now.saturating_duration_since(t);
            wall - chrono::Duration::from_std(ago).unwrap_or(chrono::Duration::zero())
        };
        Window {
            day: self.day,
            today: self.today,
            recent: self
                .recent
                .iter()
                .filter(|(_, t)| now.saturating_duration_since(*t) < MINUTE)
                .map(|(_, t)| at(*t))
                .collect(),
            blocked_until: self
                .blocked_until
                .filter(|u| *u > now)
                .map(|u| wall + chrono::Duration::from_std(u - now).unwrap_or(chrono::Duration::zero())),
        }
    }

    /// Take up the windows a state file kept: what happened before this
    /// process (or this reload) counts as if it had happened here.
    pub fn restore(&mut self, w: &Window, now: Instant, wall: DateTime<Utc>) {
        let to_instant = |t: DateTime<Utc>| {
            let ago = (wall - t).to_std().unwrap_or_default();
            now.checked_sub(ago).unwrap_or(now)
        };
        if w.day == Some(wall.date_naive()) && (self.day != w.day || self.today < w.today) {
            self.day = w.day;
            self.today = w.today;
        }
        for t in &w.recent {
            let ago = (wall - *t).to_std().unwrap_or_default();
            if ago < MINUTE {
                self.recent.push((self.next_id, to_instant(*t)));
                self.next_id += 1;
            }
        }
        if let Some(until) = w.blocked_until.filter(|u| *u > wall) {
            let left = (until - wall).to_std().unwrap_or_default();
            self.blocked_until = Some(self.blocked_until.map_or(now + left, |b| b.max(now + left)));
        }
    }

    /// `X-RateLimit-Remaining: 0` with a reset `after` from now.
    pub fn exhausted(&mut self, now: Instant, after: Duration) {
        self.blocked_until = Some(now + after.min(Duration::from_secs(86400)));
    }
}

/// `X-RateLimit-Reset` as seconds from now: a delta, or an epoch time.
pub fn reset_after(remaining: Option<&str>, reset: Option<&str>, wall: DateTime<Utc>) -> Option<Duration> {
    if remaining?.trim().parse::<i64>().ok()? > 0 {
        return None;
    }
    let r: i64 = reset?.trim().parse().ok()?;
    // Epoch seconds are large; deltas are small.
    let secs = if r > 1_000_000_000 { r - wall.timestamp() } else { r };
    Some(Duration::from_secs(secs.clamp(1, 86400) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(per_minute: u32, per_day: Option<u32>) -> Budget {
        Budget { per_minute, per_day }
    }

    #[test]
    fn sliding_minute() {
        let mut l = Limiter::new(budget(10, None));
        let t0 = Instant::now();
        let wall = Utc::now();
        for _ in 0..5 {
            l.take(2, t0, wall).unwrap();
        }
        let wait = l.take(1, t0 + Duration::from_secs(30), wall).unwrap_err();
        assert_eq!(wait, Duration::from_secs(30));
        l.take(1, t0 + Duration::from_secs(60), wall).unwrap();
        // Three more need three slots: the window holds 1 new, and frees
        // only when the t0 ones pass, which they have.
        l.take(3, t0 + Duration::from_secs(61), wall).unwrap();
    }

    #[test]
    fn the_window_counts_from_the_answer() {
        let mut l = Limiter::new(budget(2, None));
        let t0 = Instant::now();
        let wall = Utc::now();
        let slow = l.take(1, t0, wall).unwrap();
        let fast = l.take(1, t0, wall).unwrap();
        // Answered in the other order: each is counted from its own answer.
        l.settle(fast, t0 + Duration::from_secs(1));
        l.settle(slow, t0 + Duration::from_secs(5));
        assert_eq!(
            l.take(1, t0 + Duration::from_secs(60), wall).unwrap_err(),
            Duration::from_secs(1)
        );
        l.take(1, t0 + Duration::from_secs(61), wall).unwrap();
        assert_eq!(
            l.take(1, t0 + Duration::from_secs(61), wall).unwrap_err(),
            Duration::from_secs(4)
        );
        l.take(1, t0 + Duration::from_secs(65), wall).unwrap();
    }

    #[test]
    fn daily_cap_waits_for_utc_midnight() {
        let mut l = Limiter::new(budget(5, Some(2)));
        let t = Instant::now();
        let wall = DateTime::parse_from_rfc3339("2026-11-27T23:00:00Z").unwrap().to_utc();
        l.take(2, t, wall).unwrap();
        assert_eq!(l.take(1, t, wall).unwrap_err(), Duration::from_secs(3600));
        let tomorrow = DateTime::parse_from_rfc3339("2026-11-28T00:00:01Z").unwrap().to_utc();
        l.take(1, t + Duration::from_secs(61), tomorrow).unwrap();
    }

    #[test]
    fn windows_survive_a_restart() {
        let mut l = Limiter::new(budget(2, Some(3)));
        let t = Instant::now();
        let wall = DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").unwrap().to_utc();
        l.take(1, t, wall).unwrap();
        l.take(1, t + Duration::from_secs(10), wall + chrono::Duration::seconds(10))
            .unwrap();
        let kept = l.window(t + Duration::from_secs(20), wall + chrono::Duration::seconds(20));
        assert_eq!(kept.today, 2);
        assert_eq!(kept.recent.len(), 2);
        // A new process, 30 s later by the clock: the minute is still full
        // until the first request is a minute old, and one request is left today.
        let json = serde_json::to_string(&kept).unwrap();
        let kept: Window = serde_json::from_str(&json).unwrap();
        let mut again = Limiter::new(budget(2, Some(3)));
        let t2 = Instant::now();
        let wall2 = wall + chrono::Duration::seconds(30);
        again.restore(&kept, t2, wall2);
        assert_eq!(again.take(1, t2, wall2).unwrap_err(), Duration::from_secs(30));
        let later = wall + chrono::Duration::seconds(61);
        again.take(1, t2 + Duration::from_secs(31), later).unwrap();
        // The day's three are spent: wait for UTC midnight.
        let e = again
            .take(1, t2 + Duration::from_secs(200), wall + chrono::Duration::seconds(230))
            .unwrap_err();
        assert!(e > Duration::from_secs(11 * 3600), "{e:?}");
        // Yesterday's count does not carry into today.
        let mut fresh = Limiter::new(budget(2, Some(3)));
        fresh.restore(&kept, t2, wall + chrono::Duration::days(1));
        fresh.take(2, t2, wall + chrono::Duration::days(1)).unwrap();
    }

    #[test]
    fn provider_headers_override() {
        let wall = DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").unwrap().to_utc();
        assert_eq!(reset_after(Some("0"), Some("30"), wall), Some(Duration::from_secs(30)));
        let epoch = (wall.timestamp() + 90).to_string();
        assert_eq!(
            reset_after(Some("0"), Some(&epoch), wall),
            Some(Duration::from_secs(90))
        );
        assert_eq!(reset_after(Some("4"), Some("30"), wall), None);
        let mut l = Limiter::new(budget(100, None));
        let t = Instant::now();
        l.exhausted(t, Duration::from_secs(30));
        assert_eq!(l.take(1, t, wall).unwrap_err(), Duration::from_secs(30));
        l.take(1, t + Duration::from_secs(30), wall).unwrap();
    }
}
