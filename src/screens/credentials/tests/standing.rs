use super::*;
use crate::credentials::TestResult;
use homedash_widgets::provider::Verdict;

fn tested(v: Verdict) -> Meta {
    Meta {
        fingerprint: Some("…abcd".into()),
        last_test: Some(TestResult::new(&v, chrono::Utc::now())),
        ..Default::default()
    }
}

#[test]
fn one_derivation_for_every_view() {
    let valid = tested(Verdict::Valid);
    assert_eq!(CredState::derive(Some(&valid), None, Some(true)), CredState::Valid);
    assert_eq!(
        CredState::derive(Some(&valid), Some(&Status::Ready), None),
        CredState::Valid
    );
    assert_eq!(
        CredState::derive(Some(&valid), Some(&Status::Rejected("x".into())), None),
        CredState::Rejected,
        "the live view knows first"
    );
    assert_eq!(CredState::derive(Some(&valid), None, Some(false)), CredState::NotStored);
    let revoked = Meta {
        revoked: Some(chrono::Utc::now()),
        ..Default::default()
    };
    assert_eq!(CredState::derive(Some(&revoked), None, None), CredState::Revoked);
    assert_eq!(CredState::derive(None, None, None), CredState::Untested);
    let unconfirmed = tested(Verdict::Unconfirmed {
        why: homedash_widgets::provider::Unconfirmed::NotFound,
        detail: String::new(),
    });
    assert_eq!(
        CredState::derive(Some(&unconfirmed), None, None).label(),
        "could not confirm"
    );
}

/// The state is the latest answer about the token in use, a poll's as much
/// as a test's: rejected while polling, then rate-limited, then accepted.
#[test]
fn the_state_follows_the_last_answer_whoever_asked() {
    use crate::credentials::{By, TestKind};
    let t0 = chrono::Utc::now() - chrono::Duration::minutes(10);
    let mut m = tested(Verdict::Valid);
    m.last_test.as_mut().unwrap().at = t0;
    let fp = m.fingerprint.clone();
    let at = |min: i64| t0 + chrono::Duration::minutes(min);
    m.usage.count(Some(TestKind::Rejected), By::Poll, at(1), fp.clone());
    assert_eq!(CredState::derive(Some(&m), None, Some(true)), CredState::Rejected);
    assert!(answer_words(m.usage.last.as_ref().unwrap()).starts_with("rejected while polling at "));
    m.usage.count(Some(TestKind::RateLimited), By::Test, at(2), fp.clone());
    assert_eq!(CredState::derive(Some(&m), None, Some(true)), CredState::RateLimited);
    // No answer says nothing about the credential: counted, state kept.
    m.usage.count(None, By::Poll, at(3), fp.clone());
    assert_eq!(CredState::derive(Some(&m), None, Some(true)), CredState::RateLimited);
    m.usage.count(Some(TestKind::Valid), By::Poll, at(4), fp.clone());
    assert_eq!(CredState::derive(Some(&m), None, Some(true)), CredState::Valid);
    assert_eq!(
        (m.usage.requests, m.usage.ok, m.usage.rejected, m.usage.limited),
        (4, 1, 1, 1)
    );
    // A rotation's candidate, refused, says nothing about the token in use.
    m.usage
        .count(Some(TestKind::Rejected), By::Test, at(5), Some("…zzzz·0000".into()));
    assert_eq!(CredState::derive(Some(&m), None, Some(true)), CredState::Valid);
    // Counters saved in two flushes add up, and the later answer stands.
    let mut saved = crate::credentials::Usage::default();
    saved.count(Some(TestKind::Forbidden), By::Poll, at(6), fp.clone());
    let mut file = m.usage.clone();
    file.add(&saved);
    assert_eq!((file.requests, file.forbidden), (6, 1));
    assert_eq!(file.last.as_ref().map(|s| s.kind), Some(TestKind::Forbidden));
}

#[test]
fn the_calendar_in_words() {
    assert_eq!(due_words(&Due::Fine), None);
    assert_eq!(
        due_words(&Due::ExpiresSoon { days: 9 }).as_deref(),
        Some("expires in 9d")
    );
    assert_eq!(
        due_words(&Due::ExpiresSoon { days: 0 }).as_deref(),
        Some("expires today")
    );
    assert_eq!(due_words(&Due::Expired { days_ago: 2 }).as_deref(), Some("expired"));
    assert_eq!(
        due_words(&Due::RotationDue { since_days: 1 }).as_deref(),
        Some("rotation due")
    );
}
