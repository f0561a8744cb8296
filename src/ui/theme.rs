//! Themes. Screens draw with the role colours of `homedash_widgets::style`
//! (accent, good, warn, bad, dim, and black on a coloured bar), which are
//! named ANSI colours. A theme is applied to each finished frame, the way
//! a terminal applies its palette: each role colour becomes the theme's,
//! and under `NO_COLOR` each becomes an attribute instead (bold, reverse,
//! dim), so that nothing a colour meant is lost. Nothing paints a
//! background of its own: the terminal's shows through, except behind
//! the bars that the selection and alerts draw on purpose.

use homedash_widgets::style;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::config::{ThemeConfig, ThemeName};

/// The colour each role is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub accent: Color,
    pub good: Color,
    pub warn: Color,
    pub bad: Color,
    pub dim: Color,
    /// Text on an accent or warning bar.
    pub on_bar: Color,
    /// Warnings, failures and the accent also in bold.
    pub bold_emphasis: bool,
}

impl Palette {
    /// What screens draw with: the identity.
    pub const DEFAULT: Palette = Palette {
        accent: style::ACCENT,
        good: style::GOOD,
        warn: style::WARN,
        bad: style::BAD,
        dim: style::DIM,
        on_bar: style::ON_BAR,
        bold_emphasis: false,
    };

    /// For a light background: yellow and cyan are unreadable on white,
    /// dark grey too faint; 256-colour shades that keep their contrast.
    pub const LIGHT: Palette = Palette {
        accent: Color::Indexed(25),
        good: Color::Indexed(28),
        warn: Color::Indexed(130),
        bad: Color::Indexed(124),
        dim: Color::Indexed(244),
        on_bar: Color::White,
        bold_emphasis: false,
    };

    /// The bright shades, and emphasis in bold too.
    pub const HIGH_CONTRAST: Palette = Palette {
        accent: Color::LightCyan,
        good: Color::LightGreen,
        warn: Color::LightYellow,
        bad: Color::LightRed,
        dim: Color::Gray,
        on_bar: Color::Black,
        bold_emphasis: true,
    };
}

/// How frames are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    Colour(Palette),
    /// `NO_COLOR`: attributes instead of colours.
    Mono,
}

/// How each finished frame is made ready for the terminal: its colours,
/// and on the Linux console its characters too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub paint: Paint,
    /// Only what the console's font and 16 colours can show (`--look`).
    pub console: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            paint: Paint::Colour(Palette::DEFAULT),
            console: false,
        }
    }
}

/// What the user asked for outside the config: `--theme`, and `NO_COLOR`
/// (no-color.org: set and not empty), which wins over every theme.
/// And `--look` (or TERM=linux, or a locale that is not UTF-8): the
/// console's characters; and `--kiosk`: a wall display's manner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    pub name: Option<ThemeName>,
    pub no_color: bool,
    pub console: bool,
    pub kiosk: bool,
}

impl Look {
    pub fn from_env(name: Option<ThemeName>) -> Look {
        Look {
            name,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            console: crate::ui::console::wanted(crate::ui::console::LookChoice::Auto),
            kiosk: false,
        }
    }
}

impl Theme {
    /// The config's `[theme]`, with `--theme` replacing its name and
    /// `NO_COLOR` replacing it all.
    pub fn resolve(cfg: &ThemeConfig, look: Look) -> Theme {
        Theme {
            paint: Paint::resolve(cfg, look),
            console: look.console,
        }
    }

    /// A drawn frame made ready for the terminal: recoloured, fitted to
    /// the console, then guarded. Every frame that reaches a terminal goes
    /// through here.
    pub fn finish(&self, buf: &mut Buffer) {
        self.paint.apply(buf);
        if self.console {
            crate::ui::console::fit(buf);
        }
        guard(buf);
    }
}

impl Paint {
    fn resolve(cfg: &ThemeConfig, look: Look) -> Paint {
        if look.no_color {
            return Paint::Mono;
        }
        let mut p = match look.name.unwrap_or(cfg.name) {
            ThemeName::Default => Palette::DEFAULT,
            ThemeName::Light => Palette::LIGHT,
            ThemeName::HighContrast => Palette::HIGH_CONTRAST,
        };
        p.accent = cfg.accent.unwrap_or(p.accent);
        p.good = cfg.good.unwrap_or(p.good);
        p.warn = cfg.warn.unwrap_or(p.warn);
        p.bad = cfg.bad.unwrap_or(p.bad);
        p.dim = cfg.dim.unwrap_or(p.dim);
        Paint::Colour(p)
    }

    /// Recolour a finished frame.
    pub fn apply(&self, buf: &mut Buffer) {
        match self {
            Paint::Colour(p) if *p == Palette::DEFAULT => {}
            Paint::Colour(p) => {
                for cell in &mut buf.content {
                    let emphasis = p.bold_emphasis && matches!(cell.fg, style::ACCENT | style::WARN | style::BAD);
                    cell.fg = recolour(cell.fg, p);
                    cell.bg = recolour(cell.bg, p);
                    if emphasis {
                        cell.modifier |= Modifier::BOLD;
                    }
                }
            }
            Paint::Mono => {
                for cell in &mut buf.content {
                    let on_bar = cell.bg != Color::Reset;
                    let add = match cell.fg {
                        _ if on_bar => Modifier::REVERSED,
                        style::WARN => Modifier::BOLD,
                        style::BAD => Modifier::BOLD | Modifier::REVERSED,
                        style::DIM => Modifier::DIM,
                        _ => Modifier::empty(),
                    };
                    cell.modifier |= add;
                    cell.fg = Color::Reset;
                    cell.bg = Color::Reset;
                    cell.underline_color = Color::Reset;
                }
            }
        }
    }
}

/// The last guard before the terminal: a cell holding a control, bidi or
/// format character (a config value, or any text that missed the
/// boundary) shows `?` instead. ratatui drops C0 controls itself but
/// passes U+202E and its kin, which reorder the rest of the line.
pub fn guard(buf: &mut Buffer) {
    for cell in &mut buf.content {
        let s = cell.symbol();
        // Printable ASCII, by far the most cells, needs no look.
        if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            continue;
        }
        if s.chars().any(homedash_widgets::text::is_unsafe) {
            cell.set_symbol("?");
        }
    }
}

fn recolour(c: Color, p: &Palette) -> Color {
    match c {
        style::ACCENT => p.accent,
        style::GOOD => p.good,
        style::WARN => p.warn,
        style::BAD => p.bad,
        style::DIM => p.dim,
        style::ON_BAR => p.on_bar,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn painted(theme: Paint, fg: Color, bg: Color) -> ratatui::buffer::Cell {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        buf.set_string(0, 0, "x", Style::new().fg(fg).bg(bg));
        theme.apply(&mut buf);
        buf.content[0].clone()
    }

    #[test]
    fn the_guard_replaces_bidi_and_controls_only() {
        // A drawing that sets a cell's symbol itself (a char at a time)
        // is not filtered by ratatui the way set_string is.
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 5, 1));
        for (x, c) in ["a", "\u{202e}", "é", "·", "\u{1b}"].into_iter().enumerate() {
            buf[(x as u16, 0)].set_symbol(c);
        }
        guard(&mut buf);
        let shown: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(shown, "a?é·?");
    }

    #[test]
    fn no_color_turns_every_role_into_an_attribute() {
        let cases = [
            (style::WARN, Color::Reset, Modifier::BOLD),
            (style::BAD, Color::Reset, Modifier::BOLD | Modifier::REVERSED),
            (style::DIM, Color::Reset, Modifier::DIM),
            (style::ON_BAR, style::ACCENT, Modifier::REVERSED),
            (style::ACCENT, Color::Reset, Modifier::empty()),
            (style::GOOD, Color::Reset, Modifier::empty()),
        ];
        for (fg, bg, want) in cases {
            let c = painted(Paint::Mono, fg, bg);
            assert_eq!(
                (c.fg, c.bg, c.modifier),
                (Color::Reset, Color::Reset, want),
                "{fg:?} on {bg:?}"
            );
        }
    }

    #[test]
    fn a_theme_recolours_roles_and_leaves_other_colours() {
        let light = Paint::Colour(Palette::LIGHT);
        assert_eq!(painted(light, style::WARN, Color::Reset).fg, Palette::LIGHT.warn);
        assert_eq!(painted(light, style::ON_BAR, style::ACCENT).bg, Palette::LIGHT.accent);
        assert_eq!(painted(light, Color::Magenta, Color::Reset).fg, Color::Magenta);
        let hc = painted(Paint::Colour(Palette::HIGH_CONTRAST), style::BAD, Color::Reset);
        assert_eq!((hc.fg, hc.modifier), (Color::LightRed, Modifier::BOLD));
    }

    #[test]
    fn no_color_wins_and_overrides_replace_one_role() {
        let cfg = ThemeConfig {
            name: ThemeName::Light,
            warn: Some(Color::Magenta),
            ..Default::default()
        };
        assert_eq!(
            Theme::resolve(
                &cfg,
                Look {
                    no_color: true,
                    ..Look::default()
                }
            )
            .paint,
            Paint::Mono
        );
        let Paint::Colour(p) = Theme::resolve(&cfg, Look::default()).paint else {
            panic!("colour")
        };
        assert_eq!((p.warn, p.accent), (Color::Magenta, Palette::LIGHT.accent));
        let Paint::Colour(p) = Theme::resolve(
            &cfg,
            Look {
                name: Some(ThemeName::HighContrast),
                ..Look::default()
            },
        )
        .paint
        else {
            panic!("colour")
        };
        assert_eq!((p.warn, p.accent), (Color::Magenta, Palette::HIGH_CONTRAST.accent));
    }
}
