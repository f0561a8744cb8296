//! The Linux console's look: on `TERM=linux`, where the locale is not
//! UTF-8, or with `--look console`, each finished frame keeps to what a
//! VGA console font has (ASCII and the code page 437 glyphs: box lines,
//! blocks, a few arrows and symbols) and to its 16 colours. Nothing is
//! drawn differently: the frame is fitted, cell by cell, the way a theme
//! recolours it, so every screen gets it at once.

use ratatui::buffer::Buffer;
use ratatui::style::Color;

pub use crate::config::model::LookChoice;

/// Whether frames keep to the console's repertoire.
pub fn wanted(choice: LookChoice) -> bool {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match choice {
        LookChoice::Console => true,
        LookChoice::Unicode => false,
        LookChoice::Auto => {
            let locale = var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG"));
            auto(var("TERM").as_deref(), locale.as_deref())
        }
    }
}

/// `auto`'s rule: the console, or a locale that names another charset
/// (an unset one says nothing: most terminals are UTF-8 regardless).
fn auto(term: Option<&str>, locale: Option<&str>) -> bool {
    let utf8 = |l: &str| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    };
    term == Some("linux") || locale.is_some_and(|l| !utf8(l))
}

/// Code page 437's glyphs above ASCII, as the console's Unicode map names
/// them: what a VGA font can show.
const CP437: &str = "☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼⌂\
ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»\
░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀\
αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// `CP437` sorted, for a binary search per cell rather than a scan.
static SORTED: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
    let mut v: Vec<char> = CP437.chars().collect();
    v.sort_unstable();
    v
});

/// Whether the console's font has `c`.
pub fn in_repertoire(c: char) -> bool {
    (' '..='~').contains(&c) || SORTED.binary_search(&c).is_ok()
}

/// The console's nearest for a character its font lacks, one cell wide.
fn nearest(c: char) -> char {
    match c {
        // Braille sparklines: the half of the cell that has dots.
        '\u{2800}'..='\u{28ff}' => {
            let dots = c as u32 - 0x2800;
            let (top, bottom) = (dots & 0b0001_1011 != 0, dots & 0b1110_0100 != 0);
            match (top, bottom) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            }
        }
        '▁' | '▂' => '_',
        '▃' | '▅' => '▄',
        '▆' | '▇' => '█',
        '▔' => '▀',
        '╭' => '┌',
        '╮' => '┐',
        '╰' => '└',
        '╯' => '┘',
        '┄' | '┈' | '╌' => '─',
        '┆' | '┊' | '╎' => '│',
        // The focused card's thick frame stays apart from the others'.
        '━' => '═',
        '┃' => '║',
        '┏' => '╔',
        '┓' => '╗',
        '┗' => '╚',
        '┛' => '╝',
        // `~` is the weather's cloud.
        '…' => '»',
        '‹' | '❮' => '<',
        '›' | '❯' => '>',
        '“' | '”' | '„' => '"',
        '‘' | '’' | '‚' => '\'',
        '–' | '—' | '−' => '-',
        '✓' | '✔' => '√',
        '✗' | '✘' | '×' => 'x',
        '●' | '⬤' | '◉' => '•',
        '◦' | '◯' => '○',
        // The weather's glyphs.
        '☀' => '☼',
        '☾' => ')',
        '☁' => '~',
        '☂' => '↓',
        '❄' => '*',
        '↯' => '‼',
        '⚠' => '!',
        '⚿' | '🔑' => '*',
        '↗' => '/',
        '↘' => '\\',
        '△' | '▴' => '▲',
        '▽' | '▾' => '▼',
        '▸' | '▶' => '►',
        '◂' | '◀' => '◄',
        '⏸' => '‖',
        _ => '?',
    }
}

/// The console's 16 colours, as VGA shows them.
const VGA: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (170, 0, 0)),
    (Color::Green, (0, 170, 0)),
    (Color::Yellow, (170, 85, 0)),
    (Color::Blue, (0, 0, 170)),
    (Color::Magenta, (170, 0, 170)),
    (Color::Cyan, (0, 170, 170)),
    (Color::Gray, (170, 170, 170)),
    (Color::DarkGray, (85, 85, 85)),
    (Color::LightRed, (255, 85, 85)),
    (Color::LightGreen, (85, 255, 85)),
    (Color::LightYellow, (255, 255, 85)),
    (Color::LightBlue, (85, 85, 255)),
    (Color::LightMagenta, (255, 85, 255)),
    (Color::LightCyan, (85, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// An xterm 256-colour index as red, green and blue.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => VGA[usize::from(i)].1,
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            let i = i - 16;
            (level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

/// The nearest of the console's 16 colours.
fn sixteen(c: Color) -> Color {
    let rgb = match c {
        Color::Indexed(i) if i < 16 => return VGA[usize::from(i)].0,
        Color::Indexed(i) => indexed_rgb(i),
        Color::Rgb(r, g, b) => (r, g, b),
        named => return named,
    };
    let distance = |(r, g, b): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, rgb.0) + d(g, rgb.1) + d(b, rgb.2)
    };
    VGA.iter()
        .min_by_key(|(_, v)| distance(*v))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// Fit a finished frame to the console: its characters and its colours.
pub fn fit(buf: &mut Buffer) {
    for cell in &mut buf.content {
        let s = cell.symbol();
        // Most cells are one printable ASCII byte: nothing to look up.
        let ascii = s.len() == 1 && s.as_bytes()[0].is_ascii_graphic() || s == " ";
        if !ascii && !s.chars().all(in_repertoire) {
            // A wide character's second cell is its own blank: one
            // replacement cell, and the blank stays.
            // A letter with a combining mark keeps its letter.
            let c = s
                .chars()
                .next()
                .map_or('?', |c| if in_repertoire(c) { c } else { nearest(c) });
            cell.set_char(c);
        }
        cell.fg = sixteen(cell.fg);
        cell.bg = sixteen(cell.bg);
        cell.underline_color = sixteen(cell.underline_color);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn auto_is_the_console_on_term_linux_or_a_locale_of_another_charset() {
        assert!(auto(Some("linux"), Some("en_GB.UTF-8")));
        assert!(auto(Some("xterm-256color"), Some("de_DE.ISO-8859-1")));
        assert!(auto(Some("xterm"), Some("C")));
        assert!(!auto(Some("xterm-256color"), Some("C.utf8")));
        assert!(!auto(Some("screen"), None));
        assert!(wanted(LookChoice::Console) && !wanted(LookChoice::Unicode));
    }

    #[test]
    fn a_frame_keeps_to_the_repertoire_and_sixteen_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        buf.set_string(
            0,
            0,
            "⣀⠉⣿╭─…⚠✓°│日",
            ratatui::style::Style::new().fg(Color::Indexed(130)),
        );
        buf[(1, 0)].bg = Color::Rgb(250, 250, 250);
        fit(&mut buf);
        let shown: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(shown, "▄▀█┌─»!√°│? ");
        assert!(shown.chars().all(in_repertoire), "{shown}");
        assert_eq!(buf[(0, 0)].fg, Color::Yellow, "index 130, a brown, is VGA's brown");
        assert_eq!(buf[(1, 0)].bg, Color::White);
        assert!(
            buf.content
                .iter()
                .all(|c| !matches!(c.fg, Color::Indexed(_) | Color::Rgb(..)))
        );
        // A letter with a combining accent keeps its letter.
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        buf[(0, 0)].set_symbol("e\u{301}");
        fit(&mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "e");
    }
}
