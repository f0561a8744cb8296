//! Credential names, and the keyring accounts homedash keeps under them.
//! A name is letters, digits, '-' and '_', as widget ids are: it goes in
//! a `[credential.NAME]` header unquoted, and `#` stays free for the
//! accounts of a rotation (`NAME#staged`, `NAME#previous`).

/// Longer names are not names a person types.
const MAX: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct BadName {
    pub name: String,
}

impl std::fmt::Display for BadName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = crate::outside::admit_to(&self.name, 80);
        if self.name.is_empty() {
            write!(f, "a credential needs a name: letters, digits, '-' and '_'")
        } else {
            write!(
                f,
                "\"{shown}\" is not a credential name: use letters, digits, '-' and '_' (at most {MAX}), as in widget ids, e.g. \"finnhub\" or \"my_key-2\""
            )
        }
    }
}

pub fn check(name: &str) -> Result<(), BadName> {
    let ok = !name.is_empty()
        && name.len() <= MAX
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(BadName { name: name.to_string() })
    }
}

/// What a keyring account under service `homedash` is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    /// The token of credential NAME.
    Token(String),
    /// A rotation's new token, not yet tested.
    Staged(String),
    /// The token a rotation replaced, kept for rollback.
    Previous(String),
    /// An OAuth credential's client secret (`NAME#client`).
    Client(String),
    /// Not written by homedash: listed, never changed.
    Foreign(String),
}

pub fn classify(account: &str) -> Account {
    let named = |n: &str| check(n).is_ok();
    if let Some(n) = account.strip_suffix("#staged").filter(|n| named(n)) {
        return Account::Staged(n.to_string());
    }
    if let Some(n) = account.strip_suffix("#previous").filter(|n| named(n)) {
        return Account::Previous(n.to_string());
    }
    if let Some(n) = account.strip_suffix("#client").filter(|n| named(n)) {
        return Account::Client(n.to_string());
    }
    if named(account) {
        return Account::Token(account.to_string());
    }
    Account::Foreign(account.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_widget_id_rule() {
        for ok in ["finnhub", "fh-2", "my_key", "A1"] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in ["my key", "x#staged", "a.b", "", "ü", &"x".repeat(65)] {
            let e = check(bad).unwrap_err().to_string();
            assert!(e.contains("letters, digits, '-' and '_'"), "{e}");
        }
    }

    #[test]
    fn accounts_are_told_apart() {
        assert_eq!(classify("fh"), Account::Token("fh".into()));
        assert_eq!(classify("fh#staged"), Account::Staged("fh".into()));
        assert_eq!(classify("fh#previous"), Account::Previous("fh".into()));
        assert_eq!(classify("my key"), Account::Foreign("my key".into()));
        assert_eq!(classify("a#b#staged"), Account::Foreign("a#b#staged".into()));
        assert_eq!(classify("fh#other"), Account::Foreign("fh#other".into()));
    }
}
