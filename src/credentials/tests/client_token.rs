use super::*;

#[test]
fn tokens_are_random_and_only_their_hash_is_kept() {
    let a = ClientToken::new().unwrap();
    let b = ClientToken::new().unwrap();
    assert_ne!(a.secret.expose_secret(), b.secret.expose_secret());
    assert!(a.secret.expose_secret().starts_with(TOKEN_PREFIX));
    assert_eq!(a.secret.expose_secret().len(), TOKEN_PREFIX.len() + 64);
    assert_eq!(sha256_hex(a.secret.expose_secret().as_bytes()), a.sha256);
    assert_ne!(a.sha256, b.sha256);
    assert!(!format!("{a:?}").contains(TOKEN_PREFIX));
    // The known SHA-256 of "abc".
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("alice.token");
    a.hand_out(Some(&out)).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap().trim(), a.secret.expose_secret());
    assert!(a.hand_out(Some(&out)).is_err(), "never over an existing file");
}
