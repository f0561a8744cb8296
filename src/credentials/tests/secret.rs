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
    assert_eq!(fingerprint("abcdefghijklmnopqrstuvwxyz"), "…wxyz");
    assert_eq!(fingerprint("short"), "5 chars");
    assert_eq!(fingerprint("abcdefghijklmnopqrstuvw\u{1b}[2J"), "…?[2J");
}

#[test]
fn a_token_with_a_control_character_is_refused() {
    assert_eq!(check("abc\u{1b}[2J"), Err(UnsafeToken { at: 4 }));
    assert_eq!(check("ab\u{202e}c"), Err(UnsafeToken { at: 3 }));
    assert_eq!(check("hd-plain-token_0123=+/"), Ok(()));
}
