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
