//! Holding a secret in memory.

use secrecy::SecretString;
use zeroize::Zeroizing;

/// Take ownership of a secret that arrived as a `String`. `SecretString::
/// from(String)` may reallocate and leave an unwiped copy in the old buffer;
/// copying out of a `Zeroizing` wrapper wipes the original instead. From
/// here on, every outside text is scrubbed of it (`outside::hold`).
pub fn from_string(s: String) -> SecretString {
    taken(s, hold)
}

/// `from_string` for an OAuth access or refresh token, which the next
/// renewal replaces: held among the short-lived (`outside::Life::Short`).
pub fn short_lived(s: String) -> SecretString {
    taken(s, |v| crate::outside::hold_with(v, false, crate::outside::Life::Short))
}

/// `s` trimmed into a `SecretString`, the original wiped, held by `hold`.
fn taken(s: String, hold: impl FnOnce(&str)) -> SecretString {
    let owned = Zeroizing::new(s);
    let value = owned.trim();
    hold(value);
    SecretString::from(value)
}

/// Scrub every later outside text of every form of `value`.
pub fn hold(value: &str) {
    // homedash's own OAuth record (`oauth::stored`'s JSON, which always
    // starts so) is not a token: its tokens are held one by one when it is
    // read, and its field names must not be scrubbed from every text.
    if !value.starts_with(r#"{"v":"#) {
        crate::outside::hold(value);
    }
}

/// `hold`, and each half on its own too when `provider` takes the value
/// as a pair (Datadog's `API:APP`).
pub fn hold_for(provider: &homedash_widgets::provider::Provider, value: &str) {
    match provider.auth {
        homedash_widgets::AuthPlacement::HeaderPair(..) => crate::outside::hold_pair(value),
        _ => hold(value),
    }
}

/// A secret on its way through another room (a token typed into the
/// setup wizard, on its way to be tested and stored): it can be passed
/// along, cloned and dropped there, never read. Only this room opens it.
#[derive(Clone)]
pub struct Sealed(SecretString);

impl Sealed {
    pub(in crate::credentials) fn new(secret: SecretString) -> Sealed {
        Sealed(secret)
    }

    pub(in crate::credentials) fn open(&self) -> &SecretString {
        &self.0
    }

    pub(in crate::credentials) fn into_secret(self) -> SecretString {
        self.0
    }

    /// A secret a face read (at a prompt, from a pipe), taken as
    /// `from_string` takes it: trimmed, the original wiped, held.
    pub fn take(s: String) -> Sealed {
        Sealed(from_string(s))
    }

    pub fn is_empty(&self) -> bool {
        secrecy::ExposeSecret::expose_secret(&self.0).is_empty()
    }

    /// `check` of what is sealed.
    pub fn check(&self) -> Result<(), UnsafeToken> {
        check(secrecy::ExposeSecret::expose_secret(&self.0))
    }
}

/// Equal in time that says nothing of where two tokens differ: a face
/// may ask whether two sealed tokens are the same (the test of an
/// operation it sent), never what either is.
impl PartialEq for Sealed {
    fn eq(&self, other: &Self) -> bool {
        same_bytes(
            secrecy::ExposeSecret::expose_secret(&self.0).as_bytes(),
            secrecy::ExposeSecret::expose_secret(&other.0).as_bytes(),
        )
    }
}

/// Equal without an early exit: how long it takes says nothing of where
/// a guess went wrong.
pub(in crate::credentials) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Eq for Sealed {}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed(..)")
    }
}

/// A token with a control, bidi or format character in it: it could move
/// a cursor or forge a line wherever a part of it is ever shown, and no
/// provider issues one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the token has a control or invisible character at position {at}; tokens are printable text: copy it again from the provider's key page (nothing was stored)"
)]
pub struct UnsafeToken {
    /// 1-based, in characters.
    pub at: usize,
}

impl UnsafeToken {
    /// In a few words, for a message that gives its own advice.
    pub fn what(self) -> String {
        format!("a control or invisible character at position {}", self.at)
    }
}

/// `Ok` when `secret` holds only printable characters.
pub fn check(secret: &str) -> Result<(), UnsafeToken> {
    match secret.chars().position(homedash_widgets::text::is_unsafe) {
        Some(i) => Err(UnsafeToken { at: i + 1 }),
        None => Ok(()),
    }
}

/// A fingerprint safe to show and log: the last four characters of a
/// token long enough that they give nothing useful away, and 16 bits of
/// its SHA-256, so two tokens that end alike are told apart (`…-123·9f3a`).
/// A shorter token shows only its length. A character that may not be
/// shown raw (a token stored before homedash refused them) shows as `?`.
pub fn fingerprint(secret: &str) -> String {
    let n = secret.chars().count();
    if n < 16 {
        return format!("{n} chars");
    }
    let tail: String = secret
        .chars()
        .skip(n - 4)
        .map(|c| if homedash_widgets::text::is_unsafe(c) { '?' } else { c })
        .collect();
    let hash = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    let short: String = hash.as_ref()[..2].iter().map(|b| format!("{b:02x}")).collect();
    format!("…{tail}·{short}")
}

/// Whether `recorded`, a fingerprint from the state file, is `secret`'s:
/// files from before the hash part hold only `…tail`.
pub fn fingerprint_matches(recorded: &str, secret: &str) -> bool {
    let now = fingerprint(secret);
    now == recorded || now.split('·').next() == Some(recorded)
}

#[cfg(test)]
#[path = "tests/secret.rs"]
mod tests;
