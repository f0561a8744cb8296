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

use std::collections::VecDeque;
use std::sync::{Arc, PoisonError, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use homedash_widgets::text;
use zeroize::Zeroizing;

/// What every form of a secret becomes.
pub const REDACTED: &str = "REDACTED";

/// Outside text longer than this is cut, with an ellipsis.
pub use homedash_widgets::text::CAP;

/// A value shorter than this is not a secret worth mangling text for:
/// scrubbed from every body before it is parsed, `null`, `demo` or
/// `latest` would break every answer. No provider's key is this short.
const MIN_PLAIN: usize = 8;
/// Encoded forms (hex, percent, base64) from the same length.
const MIN_ENCODED: usize = 8;
/// A base64 core (the characters that depend on the secret alone) shorter
/// than this would match ordinary base64 data.
const MIN_BASE64_CORE: usize = 8;
/// Short-lived secrets (OAuth tokens, which renew every hour or so) held
/// at most: the oldest of them go first. Every other secret (a key read
/// from its source, a typed token) stays held while the process runs.
const MAX_SHORT_LIVED: usize = 64;

type Form = Zeroizing<Vec<u8>>;

/// Every held secret's forms, and one automaton that finds any of them in
/// a single pass (leftmost-longest, so a longer form wins over a shorter
/// one inside it). The automaton's tables are not wiped on drop: it is
/// built again only when a secret is held, and it lives as long as the
/// process (README: Memory).
struct Held {
    /// The secrets themselves (to skip one already held), oldest first,
    /// each with its forms and whether it is short-lived.
    secrets: VecDeque<Entry>,
    finder: Option<Arc<AhoCorasick>>,
}

struct Entry {
    secret: Form,
    forms: Vec<Form>,
    short_lived: bool,
}

/// How long a held secret lives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Life {
    /// A key or token read from its source or typed: held while the
    /// process runs.
    Long,
    /// An OAuth access or refresh token, replaced at each renewal: the
    /// newest `MAX_SHORT_LIVED` are held.
    Short,
}

static HELD: RwLock<Held> = RwLock::new(Held {
    secrets: VecDeque::new(),
    finder: None,
});

/// Scrub every later text of every form of `secret` (taken whole). Called
/// by the credentials room for each secret it reads, receives or makes; a
/// secret stays held while the process runs (a server may echo an old
/// token after a rotation), up to the newest `MAX_HELD`.
pub fn hold(secret: &str) {
    hold_with(secret, false, Life::Long);
}

/// `hold` for a two-part value a provider takes as a pair (Datadog's
/// `API:APP`): each half is scrubbed on its own too. Only such values are
/// split: another secret's halves may be ordinary words.
pub fn hold_pair(secret: &str) {
    hold_with(secret, true, Life::Long);
}

/// `hold` with its life said.
pub fn hold_with(secret: &str, pair: bool, life: Life) {
    HELD.write()
        .unwrap_or_else(PoisonError::into_inner)
        .add(secret, pair, life);
}

impl Held {
    fn add(&mut self, secret: &str, pair: bool, life: Life) {
        if secret.len() < MIN_PLAIN {
            return;
        }
        let forms = forms(secret.as_bytes(), pair);
        let short_lived = life == Life::Short;
        match self
            .secrets
            .iter()
            .position(|e| e.secret.as_slice() == secret.as_bytes())
        {
            // Held already, as long and with as many forms: nothing to do.
            Some(i) if self.secrets[i].forms.len() >= forms.len() && self.secrets[i].short_lived <= short_lived => {
                return;
            }
            Some(i) => {
                let e = &mut self.secrets[i];
                e.short_lived &= short_lived;
                if forms.len() > e.forms.len() {
                    e.forms = forms;
                }
            }
            None => self.secrets.push_back(Entry {
                secret: Zeroizing::new(secret.as_bytes().to_vec()),
                forms,
                short_lived,
            }),
        }
        while self.secrets.iter().filter(|e| e.short_lived).count() > MAX_SHORT_LIVED {
            if let Some(oldest) = self.secrets.iter().position(|e| e.short_lived) {
                self.secrets.remove(oldest);
            }
        }
        let mut patterns: Vec<&[u8]> = self
            .secrets
            .iter()
            .flat_map(|e| e.forms.iter().map(|f| f.as_slice()))
            .collect();
        patterns.sort();
        patterns.dedup();
        // A contiguous NFA: compact whatever the tokens' length (a DFA of
        // long tokens' forms would take megabytes). Standard semantics and
        // overlapping search, so a secret that overlaps another is found
        // too. A build that fails keeps the automaton there was.
        if let Ok(finder) = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
        {
            self.finder = Some(Arc::new(finder));
        }
    }
}

/// The forms in which `secret` could come back: the value (and with
/// `pair`, each half of `A:B`), and each of those form-encoded, hex in
/// either case, JSON with its slashes escaped, and base64 (standard and
/// URL-safe, padded or not) at each of the three byte offsets it can start
/// at inside a longer encoded text.
fn forms(secret: &[u8], pair: bool) -> Vec<Form> {
    let mut parts: Vec<&[u8]> = vec![secret];
    if pair {
        parts.extend(secret.split(|b| *b == b':'));
    }
    let mut out: Vec<Form> = Vec::new();
    let mut add = |f: Vec<u8>| {
        let f = Zeroizing::new(f);
        if !f.is_empty() && !out.iter().any(|o| o.as_slice() == f.as_slice()) {
            out.push(f);
        }
    };
    for p in parts.into_iter().filter(|p| p.len() >= MIN_PLAIN) {
        add(p.to_vec());
        if p.len() < MIN_ENCODED {
            continue;
        }
        add(url::form_urlencoded::byte_serialize(p).collect::<String>().into_bytes());
        // Percent-encoding, of some bytes or every byte in either case, is
        // found by `decoded_matches` reading the text decoded: no form of
        // its own.
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

/// `bytes` with every form of every held secret replaced by `REDACTED`,
/// in one pass. Borrowed back when nothing was found, so a clean body
/// costs no copy.
pub fn scrub_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    // The lock is held only to take the automaton: a long scan never
    // holds up a `hold`.
    let finder = HELD.read().unwrap_or_else(PoisonError::into_inner).finder.clone();
    let Some(finder) = finder else {
        return Cow::Borrowed(bytes);
    };
    let mut found: Vec<(usize, usize)> = finder
        .find_overlapping_iter(bytes)
        .map(|m| (m.start(), m.end()))
        .collect();
    // Percent-encoding of any mix of bytes (Python's quote() keeps `/`,
    // encodeURIComponent keeps `~!*'()`): the text is also read with every
    // `%XX` decoded, and a match there covers what it was decoded from.
    if memchr::memchr(b'%', bytes).is_some() {
        found.extend(decoded_matches(bytes, &finder));
    }
    if found.is_empty() {
        return Cow::Borrowed(bytes);
    }
    found.sort_unstable();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for (start, end) in found {
        if end <= at {
            continue;
        }
        // Overlapping matches become one REDACTED.
        if start >= at {
            out.extend_from_slice(&bytes[at..start]);
            out.extend_from_slice(REDACTED.as_bytes());
        }
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    Cow::Owned(out)
}

/// The matches in `bytes` read with each `%XX` decoded, as ranges of
/// `bytes` itself.
fn decoded_matches(bytes: &[u8], finder: &AhoCorasick) -> Vec<(usize, usize)> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let mut decoded = Zeroizing::new(Vec::with_capacity(bytes.len()));
    // Where each decoded byte started in `bytes` (it ends where the next
    // one starts); 4 bytes each, as a body is at most 4 MiB.
    let Ok(len) = u32::try_from(bytes.len()) else {
        return Vec::new();
    };
    let mut starts: Vec<u32> = Vec::with_capacity(bytes.len() + 1);
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        starts.push(i as u32);
        match escaped {
            Some(b) => {
                decoded.push(b);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    starts.push(len);
    finder
        .find_overlapping_iter(decoded.as_slice())
        .filter_map(|m| Some((*starts.get(m.start())? as usize, *starts.get(m.end())? as usize)))
        .collect()
}

/// `text` with every form of every held secret replaced by `REDACTED`.
/// Only this module's `admit` and the places that must keep text whole
/// (a body before it is parsed) call it; everything else admits.
pub fn scrub(text: &str) -> String {
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
        hold_pair(s);
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
            // Python's quote(): `/` kept, the rest of the reserved bytes
            // escaped; and a mix of cases.
            s.replace('+', "%2B").replace('=', "%3d").replace(':', "%3A"),
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
    fn only_a_pair_is_split() {
        hold("hd-canary-whole:prometheus-not-a-half");
        assert_eq!(
            scrub("up{job=\"prometheus-not-a-half\"}"),
            "up{job=\"prometheus-not-a-half\"}"
        );
        hold_pair("hd-canary-api-0001:hd-canary-app-0001");
        assert_eq!(scrub("a hd-canary-app-0001 b"), "a REDACTED b");
        // A half too short to be a secret is left alone.
        hold_pair("hd-canary-api-0002:ab12");
        assert_eq!(scrub("x ab12 y"), "x ab12 y");
    }

    #[test]
    fn short_lived_tokens_go_past_their_cap_and_keys_stay() {
        // A registry of its own: the process's is shared by every test.
        let mut held = Held {
            secrets: VecDeque::new(),
            finder: None,
        };
        held.add("hd-canary-key-read-at-start", false, Life::Long);
        for i in 0..MAX_SHORT_LIVED + 10 {
            held.add(&format!("hd-canary-access-{i:06}"), false, Life::Short);
        }
        assert_eq!(held.secrets.len(), MAX_SHORT_LIVED + 1);
        let finder = held.finder.unwrap();
        assert!(finder.is_match(format!("hd-canary-access-{:06}", MAX_SHORT_LIVED + 9).as_bytes()));
        assert!(
            !finder.is_match("hd-canary-access-000000".as_bytes()),
            "the oldest went"
        );
        assert!(
            finder.is_match("hd-canary-key-read-at-start".as_bytes()),
            "the key stays"
        );
    }

    #[test]
    fn overlapping_secrets_are_both_scrubbed() {
        hold("hd-canary-lap-abcd1234");
        hold("abcd1234-hd-canary-lap-wxyz");
        assert_eq!(scrub("<hd-canary-lap-abcd1234-hd-canary-lap-wxyz>"), "<REDACTED>");
    }

    #[test]
    fn short_values_and_clean_text_are_left_alone() {
        hold("null");
        hold("latest");
        assert_eq!(
            scrub(r#"{"a": null, "tag": "latest"}"#),
            r#"{"a": null, "tag": "latest"}"#
        );
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
