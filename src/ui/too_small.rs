//! The message a screen shows instead of itself below its minimum size.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// What every screen shows below its minimum size, instead of a layout cut
/// to pieces: the size now, what needs which size, and what to do. The
/// longest form that fits whole is shown; on the narrowest terminals the
/// size needed is the last thing to go, and no word is ever split.
pub fn too_small(f: &mut Frame, area: Rect, here: (u16, u16), what: &str, need: (u16, u16), hint: &str) {
    // What was drawn below (another screen's message) is cleared first.
    let target = if area.height == 0 { f.area() } else { area };
    f.render_widget(ratatui::widgets::Clear, target);
    let forms = forms(here, what, need, hint);
    let fits = |lines: &Vec<Line<'static>>| {
        let words_fit = lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .flat_map(|s| s.content.split_whitespace())
            .all(|w| w.width() <= target.width as usize);
        words_fit && paragraph(lines.clone()).line_count(target.width) <= target.height as usize
    };
    // On a 1x1 terminal even the shortest is cut, but it never panics.
    let lines = match forms.iter().find(|l| fits(l)) {
        Some(l) => l.clone(),
        None => forms.last().cloned().unwrap_or_default(),
    };
    f.render_widget(paragraph(lines), target);
}

fn paragraph(lines: Vec<Line<'static>>) -> Paragraph<'static> {
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
}

/// The message's forms, longest first.
fn forms(here: (u16, u16), what: &str, need: (u16, u16), hint: &str) -> Vec<Vec<Line<'static>>> {
    let title = || {
        Line::from(Span::styled(
            "Terminal too small",
            Style::new().fg(style::WARN).add_modifier(Modifier::BOLD),
        ))
    };
    let (w, h) = need;
    let mut full = vec![
        title(),
        Line::from(format!("{}x{} here; {what} needs {w}x{h}.", here.0, here.1)),
    ];
    if !hint.is_empty() {
        full.push(Line::from(hint.to_string()));
    }
    vec![
        full,
        vec![title(), Line::from(format!("{what} needs {w}x{h}."))],
        vec![Line::from(format!("too small: needs {w}x{h}"))],
        vec![Line::from(format!("needs {w}x{h}"))],
        vec![Line::from(format!("{w}x{h}"))],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::{Terminal, backend::TestBackend};

    fn shown(w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| {
            too_small(
                f,
                f.area(),
                (w, h),
                "this page",
                (80, 24),
                "Enlarge the window, or press Enter to zoom one widget.",
            )
        })
        .unwrap();
        let b = t.backend().buffer();
        (0..h)
            .map(|y| (0..w).map(|x| b[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_size_needed_is_shown_whole_at_every_size() {
        for w in 5..=100 {
            for h in 1..=8 {
                let text = shown(w, h);
                assert!(text.contains("80x24"), "{w}x{h}:\n{text}");
            }
        }
        assert!(shown(100, 8).contains("Enlarge the window"));
        assert!(shown(60, 6).contains("this page needs 80x24"));
        assert!(shown(20, 6).contains("needs 80x24"));
    }

    #[test]
    fn a_one_cell_terminal_draws_without_panicking() {
        let _ = shown(1, 1);
    }
}
