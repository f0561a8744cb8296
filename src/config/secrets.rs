//! Recognising secrets that were pasted into the config by mistake.

/// Key names that hold secrets in other tools' configs.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const EXACT: [&str; 8] = [
        "key",
        "appid",
        "auth",
        "authorization",
        "bearer",
        "passwd",
        "pat",
        "pwd",
    ];
    const PARTS: [&str; 6] = ["token", "secret", "password", "api_key", "apikey", "access_key"];
    EXACT.contains(&k.as_str()) || k.ends_with("_key") || PARTS.iter().any(|p| k.contains(p))
}

/// A value shaped like an API token: one long run of token characters with
/// letters and digits mixed, or a well-known token prefix.
pub fn looks_like_token(value: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "ghp_",
        "gho_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "sk-",
        "hd-canary-",
    ];
    if PREFIXES.iter().any(|p| value.starts_with(p)) && value.len() > 12 {
        return true;
    }
    let token_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let letters = value.chars().filter(char::is_ascii_alphabetic).count();
    token_chars && value.len() >= 20 && digits >= 3 && letters >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for k in [
            "api_key",
            "apiKey",
            "token",
            "access-token",
            "secret",
            "password",
            "appid",
            "key",
            "dd_app_key",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "kind",
            "provider",
            "title",
            "base_url",
            "credential",
            "zones",
            "keyboard",
            "monkey_count",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn token_values() {
        assert!(looks_like_token("c4f8a9d2e1b7c3a6f5e4d3c2b1a09876"));
        assert!(looks_like_token("ghp_abcdefghijklmnop"));
        assert!(!looks_like_token("America/Argentina/Buenos_Aires"));
        assert!(!looks_like_token("Llanfairpwllgwyngyll"));
        assert!(!looks_like_token("https://api.open-meteo.com"));
        assert!(!looks_like_token("10m"));
    }
}
