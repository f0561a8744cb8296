//! Holding a secret in memory.

use secrecy::SecretString;
use zeroize::Zeroizing;

/// Take ownership of a secret that arrived as a `String`. `SecretString::
/// from(String)` may reallocate and leave an unwiped copy in the old buffer;
/// copying out of a `Zeroizing` wrapper wipes the original instead.
pub fn from_string(s: String) -> SecretString {
    let owned = Zeroizing::new(s);
    SecretString::from(owned.trim())
}

/// A fingerprint safe to show and log: the length and last four characters
/// of a token long enough that they give nothing useful away.
pub fn fingerprint(secret: &str) -> String {
    let n = secret.chars().count();
    if n < 16 {
        return format!("{n} chars");
    }
    let tail: String = secret.chars().skip(n - 4).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
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
    }
}
