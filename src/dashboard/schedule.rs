//! When a poller tries next: refresh with jitter after success, exponential
//! backoff with a cap after failures, and never before the provider's
//! `Retry-After`.

use std::time::Duration;

/// First retry after a failure comes at most this soon...
const FIRST_RETRY: Duration = Duration::from_secs(5);
/// ...and backoff grows to at least this cap.
const MIN_CAP: Duration = Duration::from_secs(300);
/// Without a Retry-After, a rate limit is waited out at least this long.
const RATE_LIMIT_FLOOR: Duration = Duration::from_secs(60);

/// `jitter` is in [-1, 1]; it moves the delay by up to 10 % either way so
/// that widgets sharing a refresh do not fire together.
fn jittered(d: Duration, jitter: f64) -> Duration {
    d.mul_f64(1.0 + 0.1 * jitter.clamp(-1.0, 1.0))
}

pub fn after_success(refresh: Duration, jitter: f64) -> Duration {
    jittered(refresh, jitter)
}

/// `failures` counts consecutive failures including this one (so >= 1).
pub fn after_failure(
    refresh: Duration,
    failures: u32,
    retry_after: Option<Duration>,
    rate_limited: bool,
    jitter: f64,
) -> Duration {
    let first = refresh.min(FIRST_RETRY);
    let cap = refresh.max(MIN_CAP);
    let exp = failures.saturating_sub(1).min(16);
    let backoff = jittered(first.saturating_mul(1 << exp).min(cap), jitter);
    match retry_after {
        Some(ra) => backoff.max(ra),
        None if rate_limited => backoff.max(RATE_LIMIT_FLOOR),
        None => backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn success_jitter_stays_within_ten_percent() {
        assert_eq!(after_success(S(100), 0.0), S(100));
        assert_eq!(after_success(S(100), 1.0), S(110));
        assert_eq!(after_success(S(100), -1.0), S(90));
        assert_eq!(after_success(S(100), 7.0), S(110), "clamped");
    }

    #[test]
    fn backoff_doubles_to_a_cap() {
        let d: Vec<u64> = (1..=10)
            .map(|n| after_failure(S(600), n, None, false, 0.0).as_secs())
            .collect();
        assert_eq!(d, [5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        // A fast widget starts at its own refresh and still backs off to 5 min.
        let d: Vec<u64> = (1..=10)
            .map(|n| after_failure(S(2), n, None, false, 0.0).as_secs())
            .collect();
        assert_eq!(d, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(after_failure(S(2), u32::MAX, None, false, 0.0), S(300), "no overflow");
    }

    #[test]
    fn retry_after_and_rate_limits_are_honoured() {
        assert_eq!(after_failure(S(30), 1, Some(S(120)), true, 0.0), S(120));
        assert_eq!(
            after_failure(S(30), 1, Some(S(1)), true, 0.0),
            S(5),
            "backoff wins when longer"
        );
        assert_eq!(after_failure(S(30), 1, None, true, 0.0), S(60));
    }
}
