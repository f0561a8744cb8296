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
#[path = "tests/budget.rs"]
mod tests;
