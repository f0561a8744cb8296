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
