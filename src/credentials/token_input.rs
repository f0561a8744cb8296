//! A token as it is typed or pasted into a dialog: the one place a secret
//! lives outside the broker before it is stored.

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::credentials::secret;

/// A token being typed or pasted: wiped when dropped, never shown, and its
/// `Debug` says only how long it is.
#[derive(Default)]
pub struct TokenInput(Zeroizing<String>);

impl std::fmt::Debug for TokenInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenInput({} chars)", self.len())
    }
}

impl TokenInput {
    pub fn push_str(&mut self, s: &str) {
        // A paste may end in a newline; a token has no control characters.
        self.0.extend(s.chars().filter(|c| !c.is_control()));
    }

    pub fn pop(&mut self) {
        self.0.pop();
    }

    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bullets, one per character up to 32, so a paste is seen to land.
    pub fn masked(&self) -> String {
        let n = self.len();
        let shown = "•".repeat(n.min(32));
        if n > 32 {
            format!("{shown}… ({n} chars)")
        } else {
            shown
        }
    }

    pub(in crate::credentials) fn take(&mut self) -> SecretString {
        secret::from_string(std::mem::take(&mut *self.0))
    }

    /// A copy for an operation, the field keeping its text: should the
    /// operation fail, nothing typed is lost. The copy is wiped with the op.
    pub(in crate::credentials) fn copy(&self) -> SecretString {
        secret::from_string(self.0.to_string())
    }

    /// What was typed, sealed for another room (the wizard); the field is
    /// emptied.
    pub fn seal(&mut self) -> secret::Sealed {
        secret::Sealed::new(self.take())
    }

    /// `text` as if typed, sealed (for tests of the screens that send it).
    #[cfg(test)]
    pub fn typed(text: &str) -> secret::Sealed {
        let mut t = TokenInput::default();
        t.push_str(text);
        t.seal()
    }

    /// A sealed copy for an operation, the field keeping its text: should
    /// the operation fail, nothing typed is lost.
    pub fn sealed_copy(&self) -> secret::Sealed {
        secret::Sealed::new(self.copy())
    }

    /// The field again holding what `seal` took (an operation that did
    /// not store it hands it back).
    pub fn refill(&mut self, sealed: &secret::Sealed) {
        use secrecy::ExposeSecret as _;
        *self = TokenInput::default();
        self.push_str(sealed.open().expose_secret());
    }
}
