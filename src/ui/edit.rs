//! Line editing shared by every text field.

/// Ctrl-W: the last word of `s` (and the spaces after it); Ctrl-U: all.
pub fn erase(s: &mut String, word: bool) {
    if !word {
        s.clear();
        return;
    }
    let kept = s.trim_end().len();
    s.truncate(kept);
    let cut = s.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    s.truncate(cut);
}
