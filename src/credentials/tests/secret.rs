use super::*;
use secrecy::ExposeSecret;

#[test]
fn trimmed_and_never_in_debug() {
    let s = from_string("  hd-canary-1234567890\n".to_string());
    assert_eq!(s.expose_secret(), "hd-canary-1234567890");
    assert!(!format!("{s:?}").contains("canary"));
}

#[test]
fn fingerprints_reveal_little() {
    let fp = fingerprint("abcdefghijklmnopqrstuvwxyz");
    assert!(fp.starts_with("…wxyz·") && fp.len() == "…wxyz·".len() + 4, "{fp}");
    // Two tokens that end alike are told apart.
    assert_ne!(
        fingerprint("aaaaaaaaaaaaaaaaaaaa-123"),
        fingerprint("bbbbbbbbbbbbbbbbbbbb-123")
    );
    // A fingerprint recorded before the hash part still matches its token.
    assert!(fingerprint_matches("…wxyz", "abcdefghijklmnopqrstuvwxyz"));
    assert!(fingerprint_matches(&fp, "abcdefghijklmnopqrstuvwxyz"));
    assert!(!fingerprint_matches(&fp, "0bcdefghijklmnopqrstuvwxyz"));
    assert_eq!(fingerprint("short"), "5 chars");
    assert!(fingerprint("abcdefghijklmnopqrstuvw\u{1b}[2J").starts_with("…?[2J·"));
}

#[test]
fn a_token_with_a_control_character_is_refused() {
    assert_eq!(check("abc\u{1b}[2J"), Err(UnsafeToken { at: 4 }));
    assert_eq!(check("ab\u{202e}c"), Err(UnsafeToken { at: 3 }));
    assert_eq!(check("hd-plain-token_0123=+/"), Ok(()));
}
