//! The one boundary for text from outside: provider bodies and headers,
//! authorization servers, a command's stderr, keyring messages, config
//! values quoted back. Everything passes here once, where it enters, in
//! one order: **scrub** (every form of every secret this process holds
//! becomes `REDACTED`), then **clean** (controls, bidi and format
//! characters made visible), then **cut** (to a cap). Cutting first could
//! leave half a token; cleaning first could split an encoding.
//!
//! The secrets are registered by the credentials room as it reads them
//! (`hold`); this room keeps only their encoded forms, wiped on drop, and
//! never hands them out.

use std::sync::{PoisonError, RwLock};

use homedash_widgets::text;
use zeroize::Zeroizing;

/// What every form of a secret becomes.
pub const REDACTED: &str = "REDACTED";

/// Outside text longer than this is cut, with an ellipsis.
pub use homedash_widgets::text::CAP;

/// A part shorter than this is not a secret worth mangling text for (and
/// its encodings would match ordinary text).
const MIN_PART: usize = 6;
/// A base64 core (the characters that depend on the secret alone) shorter
/// than this would match ordinary base64 data.
const MIN_BASE64_CORE: usize = 8;

type Form = Zeroizing<Vec<u8>>;

/// The forms of every secret held, longest first, so a longer form is
/// replaced before a shorter one inside it.
struct Held {
    /// The secrets themselves, to skip one already held.
    secrets: Vec<Form>,
    forms: Vec<Form>,
}

static HELD: RwLock<Held> = RwLock::new(Held {
    secrets: Vec::new(),
    forms: Vec::new(),
});

/// Scrub every later text of every form of `secret`. Called by the
/// credentials room for each secret it reads, receives or makes; a
/// secret stays held for the life of the process, since a server may
/// echo an old token after a rotation.
pub fn hold(secret: &str) {
    if secret.len() < MIN_PART {
        return;
    }
    let mut held = HELD.write().unwrap_or_else(PoisonError::into_inner);
    if held.secrets.iter().any(|s| s.as_slice() == secret.as_bytes()) {
        return;
    }
    held.secrets.push(Zeroizing::new(secret.as_bytes().to_vec()));
    for f in forms(secret.as_bytes()) {
        if !held.forms.iter().any(|o| o.as_slice() == f.as_slice()) {
            held.forms.push(f);
        }
    }
    held.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
}

/// True when no secret is held (nothing to scrub).
fn nothing_held() -> bool {
    HELD.read().unwrap_or_else(PoisonError::into_inner).forms.is_empty()
}

/// The forms in which `secret` could come back: the value and each part of
/// a two-part value (`API:APP`), and each of those percent-encoded (only
/// the reserved bytes, or byte by byte, in either case), form-encoded,
/// hex in either case, JSON with its slashes escaped, and base64
/// (standard and URL-safe, padded or not) at each of the three byte
/// offsets it can start at inside a longer encoded text.
fn forms(secret: &[u8]) -> Vec<Form> {
    let mut parts: Vec<&[u8]> = vec![secret];
    if secret.contains(&b':') {
        parts.extend(secret.split(|b| *b == b':'));
    }
    let mut out: Vec<Form> = Vec::new();
    let mut add = |f: Vec<u8>| {
        let f = Zeroizing::new(f);
        if !f.is_empty() && !out.iter().any(|o| o.as_slice() == f.as_slice()) {
            out.push(f);
        }
    };
    for p in parts.into_iter().filter(|p| p.len() >= MIN_PART) {
        add(p.to_vec());
        add(url::form_urlencoded::byte_serialize(p).collect::<String>().into_bytes());
        let strict = percent_encoding::percent_encode(p, percent_encoding::NON_ALPHANUMERIC).to_string();
        add(strict.to_ascii_lowercase().into_bytes());
        add(strict.into_bytes());
        let every: String = p.iter().map(|b| format!("%{b:02X}")).collect();
        add(every.to_ascii_lowercase().into_bytes());
        add(every.into_bytes());
        let hex: String = p.iter().map(|b| format!("{b:02x}")).collect();
        add(hex.to_ascii_uppercase().into_bytes());
        add(hex.into_bytes());
        if p.contains(&b'/') {
            let mut json = Vec::with_capacity(p.len() + 4);
            for b in p.iter() {
                if *b == b'/' {
                    json.push(b'\\');
                }
                json.push(*b);
            }
            add(json);
        }
        for offset in 0..3 {
            if let Some(core) = base64_core(p, offset) {
                add(core.replace('+', "-").replace('/', "_").into_bytes());
                add(core.into_bytes());
            }
        }
    }
    out
}

/// The base64 characters that depend on `p` alone when it starts
/// `offset` bytes into a 3-byte group: the whole groups it fills, less
/// the characters that also carry the bytes before it.
fn base64_core(p: &[u8], offset: usize) -> Option<String> {
    use base64::Engine as _;
    let mut bytes = Zeroizing::new(vec![0u8; offset]);
    bytes.extend_from_slice(p);
    let whole = bytes.len() / 3 * 3;
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&bytes[..whole]));
    let skip = match offset {
        0 => 0,
        1 => 2,
        _ => 3,
    };
    let core = encoded.get(skip..)?;
    (core.len() >= MIN_BASE64_CORE).then(|| core.to_string())
}

/// `bytes` with every form of every held secret replaced by `REDACTED`.
/// Borrowed back when nothing was found, so a clean body costs no copy.
pub fn scrub_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let held = HELD.read().unwrap_or_else(PoisonError::into_inner);
    let mut out: Cow<'_, [u8]> = Cow::Borrowed(bytes);
    for form in &held.forms {
        let finder = memchr::memmem::Finder::new(form.as_slice());
        if finder.find(&out).is_none() {
            continue;
        }
        let mut next = Vec::with_capacity(out.len());
        let mut at = 0;
        for i in finder.find_iter(&out) {
            if i < at {
                continue;
            }
            next.extend_from_slice(&out[at..i]);
            next.extend_from_slice(REDACTED.as_bytes());
            at = i + form.len();
        }
        next.extend_from_slice(&out[at..]);
        // The old copy held the secret: wipe it.
        if let Cow::Owned(old) = std::mem::replace(&mut out, Cow::Owned(next)) {
            drop(Zeroizing::new(old));
        }
    }
    out
}

/// `text` with every form of every held secret replaced by `REDACTED`.
/// Only this module's `admit` and the places that must keep text whole
/// (a body before it is parsed) call it; everything else admits.
pub fn scrub(text: &str) -> String {
    if nothing_held() {
        return text.to_string();
    }
    match scrub_bytes(text.as_bytes()) {
        // A valid UTF-8 form matches only on character boundaries, and
        // every other form is ASCII: the result is UTF-8.
        std::borrow::Cow::Owned(b) => {
            String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
        std::borrow::Cow::Borrowed(_) => text.to_string(),
    }
}

/// Outside text made fit to show, print, store or log: scrubbed, cleaned,
/// then cut to `cap` characters (with an ellipsis).
pub fn admit_to(text: &str, cap: usize) -> String {
    let scrubbed = scrub(text);
    text::clean_to(&scrubbed, cap).into_owned()
}

/// `admit_to` with the usual cap.
pub fn admit(text: &str) -> String {
    admit_to(text, CAP)
}

/// A message of several lines that quotes outside text (a config error
/// quoting values, a report), admitted line by line so its own line
/// breaks stay: each line scrubbed, cleaned and cut to `cap`.
pub fn admit_lines(text: &str, cap: usize) -> String {
    text.split('\n')
        .map(|l| admit_to(l, cap))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    /// A secret no other test holds, so tests in parallel do not meet.
    fn held(s: &str) -> &str {
        hold(s);
        s
    }

    #[test]
    fn every_form_at_every_offset_is_scrubbed() {
        let s = held("hd-canary-outside-Az09+/=:pair-half-0001");
        let whole = s.as_bytes();
        let half = b"pair-half-0001";
        let mut echoed: Vec<String> = vec![
            s.to_string(),
            "pair-half-0001".into(),
            url::form_urlencoded::byte_serialize(whole).collect(),
            percent_encoding::percent_encode(whole, percent_encoding::NON_ALPHANUMERIC).to_string(),
            percent_encoding::percent_encode(whole, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .to_lowercase(),
            whole.iter().map(|b| format!("%{b:02X}")).collect(),
            whole.iter().map(|b| format!("%{b:02x}")).collect(),
            whole.iter().map(|b| format!("{b:02x}")).collect(),
            half.iter().map(|b| format!("{b:02X}")).collect(),
            s.replace('/', "\\/"),
        ];
        // Base64 of the secret behind 0, 1 and 2 bytes of other text, as in
        // the base64 of `X-Finnhub-Token: TOKEN`, standard and URL-safe.
        for prefix in ["", "X", "XY", "X-Finnhub-Token: "] {
            let mut b = prefix.as_bytes().to_vec();
            b.extend_from_slice(whole);
            echoed.push(STANDARD.encode(&b));
            echoed.push(URL_SAFE_NO_PAD.encode(&b));
            let mut b = prefix.as_bytes().to_vec();
            b.extend_from_slice(half);
            echoed.push(STANDARD.encode(&b));
        }
        for e in &echoed {
            let out = scrub(&format!("said <{e}> back"));
            assert!(out.contains(REDACTED), "{e} -> {out}");
            for part in [s, "pair-half-0001", "hd-canary-outside"] {
                assert!(!out.contains(part), "{e} -> {out}");
            }
            // Of the echo, only what encodes the text around the secret
            // (and the few characters shared with it) survives.
            let kept = out.len() - "said <".len() - "> back".len() - REDACTED.len();
            assert!(kept + 12 < e.len().max(24), "{e} -> {out}");
        }
    }

    #[test]
    fn scrub_then_clean_then_cut() {
        let s = held("hd-canary-order-0123456789abcdefghij");
        // A token that starts just before the cap: cut first, its first
        // characters would survive.
        let text = format!("{}{s}", "x".repeat(CAP - 10));
        let out = admit(&text);
        assert!(!out.contains("hd-canary-order"), "{out}");
        assert!(out.chars().count() <= CAP);
        // A control character inside the echo: cleaned first, the token
        // would be split and survive.
        let out = admit(&format!("a\u{1b}[2J{s}\u{202e}b"));
        assert_eq!(out, "a\\x1b[2JREDACTED\\u{202e}b");
    }

    #[test]
    fn short_values_and_clean_text_are_left_alone() {
        hold("abc");
        assert_eq!(scrub("abc def"), "abc def");
        assert!(matches!(scrub_bytes(b"nothing here"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(admit("Zürich · 12°C"), "Zürich · 12°C");
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_their_escapes() {
        let text = "a.toml:1:5: title: got \"\u{1b}]52;c;aGk=\u{7}\"\nb \u{202e}x";
        assert_eq!(
            admit_lines(text, 100),
            "a.toml:1:5: title: got \"\\x1b]52;c;aGk=\\x07\"\nb \\u{202e}x"
        );
    }

    #[test]
    fn utf8_secrets_keep_text_valid() {
        let s = held("hd-canary-ünïcødé-999");
        assert_eq!(scrub(&format!("é{s}é")), "éREDACTEDé");
    }
}
