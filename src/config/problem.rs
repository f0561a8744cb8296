//! A config problem with its place in the source text.

use std::fmt;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    /// Dotted key path, e.g. `widget.weather.refresh`; empty for syntax errors.
    pub key: String,
    pub message: String,
}

/// A rendered problem is one line, long enough for any message of ours
/// with the values it quotes (each already cut shorter).
const RENDERED_CAP: usize = 2000;

/// The text a config came from, for turning byte offsets into line:col.
pub struct SourceText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl SourceText<'_> {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// `file:line:col: key: message`. A message may quote the config's own
    /// values (and a key or a file name may hold anything): admitted as
    /// outside text, so no escape in the file reaches a terminal.
    pub fn render(&self, p: &Problem) -> String {
        let (line, col) = self.line_col(p.span.start);
        let text = if p.key.is_empty() {
            format!("{}:{line}:{col}: {}", self.name, p.message)
        } else {
            format!("{}:{line}:{col}: {}: {}", self.name, p.key, p.message)
        };
        crate::outside::admit_to(&text, RENDERED_CAP)
    }
}

/// Every problem of one config, already rendered with positions.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub lines: Vec<String>,
    pub source_name: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "error: {l}")?;
        }
        let n = self.lines.len();
        write!(
            f,
            "{n} problem{} in {}",
            if n == 1 { "" } else { "s" },
            self.source_name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = SourceText {
            name: "c.toml",
            text: "a = 1\nb = \"é\" x\n",
        };
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        let x = s.text.find('x').unwrap();
        assert_eq!(s.line_col(x), (2, 9));
    }
}
