use super::*;

#[test]
fn well_known_addresses_follow_both_rfcs() {
    let c = candidates(&Url::parse("https://auth.example/tenant1").unwrap());
    assert_eq!(
        c[0].as_str(),
        "https://auth.example/.well-known/oauth-authorization-server/tenant1"
    );
    assert_eq!(
        c[1].as_str(),
        "https://auth.example/tenant1/.well-known/openid-configuration"
    );
    let c = candidates(&Url::parse("https://auth.example").unwrap());
    assert_eq!(
        c[0].as_str(),
        "https://auth.example/.well-known/oauth-authorization-server"
    );
    assert_eq!(c[1].as_str(), "https://auth.example/.well-known/openid-configuration");
}

#[test]
fn a_plain_http_endpoint_elsewhere_is_refused() {
    let issuer = Url::parse("https://auth.example").unwrap();
    assert!(endpoint("http://evil.example/token", &issuer).is_err());
    assert!(endpoint("http://127.0.0.1:9/token", &issuer).is_ok());
    assert!(endpoint("https://auth.example/token", &issuer).is_ok());
}
