use super::*;

fn cb(state: Option<&str>, code: Option<&str>, error: Option<&str>) -> Callback {
    Callback {
        code: code.map(String::from),
        state: state.map(String::from),
        error: error.map(String::from),
        description: None,
    }
}

#[test]
fn only_this_logins_state_gives_a_code() {
    assert_eq!(check(&cb(Some("s1"), Some("c"), None), "s1").unwrap(), "c");
    assert_eq!(
        check(&cb(Some("s2"), Some("c"), None), "s1"),
        Err(OAuthError::StateMismatch)
    );
    assert_eq!(check(&cb(None, Some("c"), None), "s1"), Err(OAuthError::StateMismatch));
    assert_eq!(
        check(&cb(Some("s1"), None, Some("access_denied")), "s1"),
        Err(OAuthError::Denied)
    );
    assert_eq!(check(&cb(Some("s1"), None, None), "s1"), Err(OAuthError::NoCode));
}
