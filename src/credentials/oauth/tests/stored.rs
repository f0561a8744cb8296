use super::*;

#[test]
fn more_than_asked_is_a_warning() {
    let granted = vec!["read_station".to_string(), "write_station".to_string()];
    assert_eq!(extra_scopes(&granted, &["read_station".into()]), ["write_station"]);
    assert!(extra_scopes(&granted, &granted).is_empty());
}

fn sample() -> Stored {
    let now = Utc::now();
    Stored {
        grant: OAuthGrant::DeviceCode,
        token_endpoint: Url::parse("https://auth.example/token").unwrap(),
        revocation_endpoint: None,
        client_id: "hd".into(),
        refresh: Some(SecretString::from("hd-canary-refresh-0001")),
        access: Some(SecretString::from("hd-canary-access-0001")),
        expires_at: Some(now + chrono::Duration::seconds(20)),
        lifetime_secs: Some(20),
        scopes: Some(vec!["read_station".into()]),
        logged_in: now,
        refresh_issued: now,
        refreshed: None,
    }
}

#[test]
fn round_trips_and_never_debugs_a_token() {
    let s = sample();
    let back = Stored::from_secret(&s.to_secret()).unwrap();
    assert_eq!(back.refresh.unwrap().expose_secret(), "hd-canary-refresh-0001");
    assert_eq!(back.scopes.unwrap(), ["read_station"]);
    assert!(!format!("{s:?}").contains("canary"));
    let e = Stored::from_secret(&SecretString::from("hd-canary-not-json")).unwrap_err();
    assert!(matches!(e, RecordError::NotJson { .. }));
    assert!(!e.to_string().contains("canary"), "{e}");
}

#[test]
fn a_token_is_renewed_a_quarter_of_its_life_early() {
    let mut s = sample();
    let now = Utc::now();
    assert!(s.fresh_access(now).is_some());
    assert!(s.fresh_access(now + chrono::Duration::seconds(14)).is_some());
    assert!(s.fresh_access(now + chrono::Duration::seconds(16)).is_none());
    s.lifetime_secs = Some(3600);
    assert_eq!(skew(s.lifetime_secs), chrono::Duration::seconds(60));
    assert_eq!(skew(Some(2)), chrono::Duration::seconds(1));
}
