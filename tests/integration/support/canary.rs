//! Canaries: every form a secret could leak in, and the check that none
//! is in a text. The forms are the scrubber's promise (`src/outside.rs`),
//! written independently here: the value, its first half (what a cut
//! would leave), `%XX` of every byte in either case, hex, and the core
//! of its base64 (standard and URL-safe) behind 0, 1 and 2 bytes of other
//! text, as in the base64 of `X-Finnhub-Token: TOKEN` or of `id:secret`.

use base64::Engine as _;

pub fn forms(secret: &str) -> Vec<String> {
    let b = secret.as_bytes();
    let half = secret.len().div_ceil(2).max(12).min(secret.len());
    let mut out = vec![secret.to_string(), secret[..half].to_string()];
    out.push(b.iter().map(|x| format!("%{x:02X}")).collect());
    out.push(b.iter().map(|x| format!("%{x:02x}")).collect());
    out.push(b.iter().map(|x| format!("{x:02x}")).collect());
    for offset in 0..3usize {
        let mut v = vec![b'X'; offset];
        v.extend_from_slice(b);
        let whole = v.len() / 3 * 3;
        let skip = [0, 2, 3][offset];
        for e in [
            base64::engine::general_purpose::STANDARD.encode(&v[..whole]),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&v[..whole]),
        ] {
            // The start of the core: in any encoding of the secret at that
            // offset, whatever surrounds it.
            let core = &e[skip.min(e.len())..];
            out.push(core[..core.len().min(16)].to_string());
        }
    }
    out.retain(|f| f.len() >= 8);
    out
}

/// `text` holds no form of any of `secrets`.
pub fn assert_no_form(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        for form in forms(s) {
            assert!(
                !text.contains(&form),
                "{what} holds a form of a secret ({form}):\n{text}"
            );
        }
    }
}

/// Every file under `dir`, as one text with each file's name.
pub fn files_text(dir: &std::path::Path) -> String {
    let mut s = String::new();
    for f in super::files_under(dir) {
        if let Ok(t) = std::fs::read(&f) {
            s.push_str(&format!("== {}\n{}\n", f.display(), String::from_utf8_lossy(&t)));
        }
    }
    s
}
