//! The boundary for text from outside (provider bodies, error fields,
//! labels, place names, a command's stderr): control, bidi and format
//! characters are made visible and the length is capped, so nothing a
//! provider sends can move a cursor, rewrite a clipboard, reorder a line
//! or forge a log entry wherever the text is later shown.

use std::borrow::Cow;

/// Outside text longer than this is cut, with an ellipsis.
pub const CAP: usize = 400;

/// Invisible characters that change how text around them is shown or
/// read: bidi overrides and isolates, zero-width and other format
/// characters (Unicode category Cf), and the line and paragraph
/// separators that some terminals and log viewers treat as newlines.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

/// True when `c` may not appear raw in cleaned text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// `text` fit to show, print, store or log: whitespace controls (tab, CR,
/// LF) become spaces; every other C0 or C1 control, DEL, and every bidi or
/// format character becomes a visible escape (`\x1b`, `\x9b`, `\u{202e}`);
/// and the result is at most `CAP` characters.
pub fn clean(text: &str) -> String {
    clean_to(text, CAP).into_owned()
}

/// `clean` with a cap of `cap` characters.
pub fn clean_to(text: &str, cap: usize) -> Cow<'_, str> {
    let plain = !text.chars().any(is_unsafe);
    if plain && text.len() <= cap {
        // Byte length bounds the char count: no need to count.
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(cap * 4) + 8);
    // (byte length, char count) of `out` before each piece, so a cut never
    // splits an escape.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut count = 0usize;
    for c in text.chars() {
        starts.push((out.len(), count));
        match c {
            '\t' | '\n' | '\r' => {
                out.push(' ');
                count += 1;
            }
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
                count += 4;
            }
            c if is_unsafe(c) => {
                let e = c.escape_unicode().to_string();
                count += e.chars().count();
                out.push_str(&e);
            }
            c => {
                out.push(c);
                count += 1;
            }
        }
        if count > cap {
            break;
        }
    }
    if count > cap {
        let keep = starts
            .iter()
            .rev()
            .find(|(_, n)| *n < cap)
            .map_or(0, |(bytes, _)| *bytes);
        out.truncate(keep);
        if cap > 0 {
            out.push('…');
        }
    }
    Cow::Owned(out)
}

/// Clean a string in place.
pub fn clean_in_place(s: &mut String) {
    if let Cow::Owned(c) = clean_to(s, CAP) {
        *s = c;
    }
}

/// Values that hold outside text, cleaned where they enter the app: a
/// provider's parsed answer.
pub trait Clean {
    fn clean(&mut self);
}

impl Clean for String {
    fn clean(&mut self) {
        clean_in_place(self);
    }
}

impl<T: Clean> Clean for Option<T> {
    fn clean(&mut self) {
        if let Some(v) = self {
            v.clean();
        }
    }
}

impl<T: Clean> Clean for Vec<T> {
    fn clean(&mut self) {
        for v in self {
            v.clean();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_and_log_controls_become_visible() {
        let hostile = "a\u{1b}]52;c;aGVsbG8=\u{7}b\u{1b}[2Jc\rd\ne\u{9b}31mf\u{202e}g\u{7f}h\u{200b}i\u{2028}j";
        let c = clean(hostile);
        assert_eq!(
            c,
            "a\\x1b]52;c;aGVsbG8=\\x07b\\x1b[2Jc d e\\x9b31mf\\u{202e}g\\x7fh\\u{200b}i\\u{2028}j"
        );
        assert!(!c.chars().any(is_unsafe), "{c}");
        assert_eq!(clean(&c), c, "cleaning is idempotent");
    }

    #[test]
    fn plain_text_is_untouched_and_borrowed() {
        assert!(matches!(clean_to("Invalid API key.", CAP), Cow::Borrowed(_)));
        assert_eq!(clean("Zürich · 12°C ↑"), "Zürich · 12°C ↑");
    }

    #[test]
    fn length_is_capped_with_an_ellipsis() {
        let long = "x".repeat(1024 * 1024);
        let c = clean(&long);
        assert_eq!(c.chars().count(), CAP);
        assert!(c.ends_with('…'));
        // An escape is never cut in half.
        let escs = "\u{1b}".repeat(100);
        let c = clean_to(&escs, 10);
        assert_eq!(c, "\\x1b\\x1b…");
        assert_eq!(clean_to("abc", 0), "");
        let mut s = String::from("a\u{7}b");
        clean_in_place(&mut s);
        assert_eq!(s, "a\\x07b");
    }
}
