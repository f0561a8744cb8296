//! Drawing. Pure functions of `App`; nothing here changes state.

mod card;
mod help;

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::config::LoadError;
use crate::dashboard::app::App;
use crate::dashboard::pages;
use crate::keymap::{self, Action, Scope};
use crate::ui::too_small::too_small;

/// The smallest terminal on which every dashboard screen, help included, fits.
pub const MIN_SIZE: (u16, u16) = help::MIN;

pub fn draw(app: &App, f: &mut Frame) {
    // In kiosk mode, the part of the screen the picture's shift leaves.
    let area = app.inset(f.area());
    title_bar(app, f, Rect::new(area.x, area.y, area.width, 1.min(area.height)));
    if area.height >= 2 {
        status_bar(app, f, Rect::new(area.x, area.bottom() - 1, area.width, 1));
    }
    // Everything is laid out from this frame: the terminal may have been
    // resized since the app last heard of its size.
    let body = app.body_in(area);
    if app.creds.is_none()
        && let Some(bar) = app.page_bar_in(area)
    {
        page_bar(app, f, bar.intersection(area));
    }
    if let Some(screen) = &app.creds {
        if too_small_in(app, area) {
            too_small(
                f,
                body,
                (area.width, area.height),
                "the Credentials screen",
                CREDENTIALS_MIN,
                &format!(
                    "Enlarge the window, or press {} to go back.",
                    app.keys.first(Scope::Credentials, Action::Close)
                ),
            );
        } else {
            crate::screens::credentials::view::draw(&app.facts(), screen, f, body);
        }
        return;
    }
    if app.too_small_in(area) {
        let (w, h) = app.needs();
        // Zoom is offered only where the focused card would fit.
        let card = app.mins().get(app.focus);
        let hint = if app.zoom {
            format!(
                "Enlarge the window, or press {} to leave the zoom.",
                app.keys.first(Scope::Dashboard, Action::LeaveZoom)
            )
        } else if card.is_some_and(|&(cw, ch)| cw <= body.width && ch <= body.height) {
            format!(
                "Enlarge the window, or press {} to zoom one widget.",
                app.keys.first(Scope::Dashboard, Action::Zoom)
            )
        } else {
            "Enlarge the window.".to_string()
        };
        too_small(
            f,
            body,
            (area.width, area.height),
            if app.zoom { "this card" } else { "this page" },
            // The body's rows and the bars around it, whatever is left of
            // them at this size.
            (w, h.saturating_add(app.chrome_rows())),
            &hint,
        );
    } else {
        let now = app.now;
        for (id, rect) in app.visible_in(area) {
            card::draw(app, id, rect, now, f.buffer_mut());
        }
    }
    if app.status_open {
        // The message behind the bar, else the bar's own line whole (the
        // focused widget's, cut where the terminal is narrow).
        let text = app.status_message().unwrap_or_else(|| {
            let line: String = status_line(app).spans.iter().map(|s| s.content.as_ref()).collect();
            match line.trim() {
                "" => "No message: the status bar shows nothing more than it says.".to_string(),
                l => l.to_string(),
            }
        });
        let lines: Vec<Line> = text.lines().map(|l| Line::from(l.to_string())).collect();
        crate::ui::dialog::dialog(f, body, " Message ", lines, " any key closes ");
    }
    if app.help {
        if too_small_in(app, area) {
            too_small(
                f,
                body,
                (area.width, area.height),
                "the key help",
                help::MIN,
                &format!(
                    "Enlarge the window, or press {} to close it.",
                    app.keys.first(Scope::Help, Action::Close)
                ),
            );
        } else {
            help::draw(f, body, app.first_run, &app.keys);
        }
    }
}

fn title_bar(app: &App, f: &mut Frame, area: Rect) {
    let mut left = vec![Span::styled(
        format!(" {} ", app.title),
        Style::new()
            .fg(style::ON_BAR)
            .bg(style::ACCENT)
            .add_modifier(Modifier::BOLD),
    )];
    if app.demo {
        left.push(Span::raw(" "));
        left.push(Span::styled(
            " DEMO ",
            Style::new()
                .fg(style::ON_BAR)
                .bg(style::WARN)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let failing = app.failing();
    if failing > 0 {
        left.push(Span::styled(
            format!("  ⚠ {failing} failing"),
            Style::new().fg(style::WARN),
        ));
    }
    let warned: Vec<String> = app
        .credentials
        .iter()
        .filter_map(|c| app.facts().cred_warning(&c.name).map(|w| format!("{}: {w}", c.name)))
        .collect();
    if !warned.is_empty() {
        left.push(Span::styled(
            format!("  ⚿ {}", warned.join(", ")),
            Style::new().fg(style::WARN),
        ));
    }
    let left = Line::from(left);
    let used = left.width();
    f.render_widget(left, area);
    // A wall display has no keyboard to hint at.
    if app.unattended() {
        return;
    }
    let hints = Line::from(Span::styled(
        if app.creds.is_some() {
            format!(
                "Credentials  {} back ",
                app.keys.first(Scope::Credentials, Action::Close)
            )
        } else {
            match app.kiosk {
                None => format!("{} ", app.keys.hints(keymap::DASHBOARD, false)),
                // A kiosk keeps credentials and setup to the shell: no hint
                // for a key that does nothing there.
                Some(_) => {
                    let rows: Vec<keymap::Row> = keymap::DASHBOARD
                        .iter()
                        .filter(|r| !r.actions.contains(&Action::Credentials))
                        .copied()
                        .collect();
                    format!("{} ", app.keys.hints(&rows, false))
                }
            }
        },
        style::dim(),
    ));
    // Hints only where they fit beside the title with a gap.
    if usize::from(area.width) > used + hints.width() + 2 {
        f.render_widget(hints.alignment(Alignment::Right), area);
    }
}

/// The pages' numbers and names, the one on screen picked out, and a mark
/// on each page with a failing widget or a credential to see to.
fn page_bar(app: &App, f: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let marks = app.page_marks();
    let (tabs, cut_left, cut_right) = pages::tabs(&app.pages, &marks, app.page, area.width);
    let buf = f.buffer_mut();
    let more = style::value().fg(style::ACCENT);
    if cut_left {
        buf.set_string(area.x, area.y, "‹", more);
    }
    let mut end = area.x;
    for t in &tabs {
        let st = if t.page == app.page {
            Style::new()
                .fg(style::ON_BAR)
                .bg(style::ACCENT)
                .add_modifier(Modifier::BOLD)
        } else if marks.get(t.page).is_some_and(|m| m.failing || m.credential) {
            Style::new().fg(style::WARN)
        } else {
            style::dim()
        };
        buf.set_string(area.x + t.x, area.y, &t.text, st);
        end = area.x + t.x + t.width();
    }
    if cut_right && end < area.right() {
        buf.set_string(end.min(area.right() - 1), area.y, "›", more);
        end = end.saturating_add(1);
    }
    // A page split to fit the window says so, in as many words as there
    // is room for.
    if app.current().is_some_and(|p| p.part.is_some()) {
        let room = area.right().saturating_sub(end.saturating_add(1));
        if let Some(note) = [" split to fit the window ", " split to fit ", " split "]
            .into_iter()
            .find(|n| n.chars().count() as u16 <= room)
        {
            buf.set_string(area.right() - note.chars().count() as u16, area.y, note, style::dim());
        }
    }
}

fn status_bar(app: &App, f: &mut Frame, area: Rect) {
    let line = status_line(app);
    if app.unattended() {
        // Only what went wrong; cut, with no key to show the rest.
        if app.config_error.is_some() || app.notice().is_some() {
            f.render_widget(line, area);
        }
        return;
    }
    // Cut to fit, it says so, and `!` shows all of it.
    let marker = " … ! shows all";
    let fits = line.width() <= usize::from(area.width);
    f.render_widget(line, area);
    let w = marker.chars().count() as u16;
    if !fits && area.width > w + 10 {
        let at = Rect::new(area.right() - w, area.y, w, 1);
        f.render_widget(ratatui::widgets::Clear, at);
        f.render_widget(Line::from(Span::styled(marker, style::value().fg(style::ACCENT))), at);
    } else if !fits && area.width > 0 {
        // No room for the words: the cut is still marked.
        f.buffer_mut()[(area.right() - 1, area.y)]
            .set_symbol("…")
            .set_style(style::value().fg(style::ACCENT));
    }
}

/// What the status bar says, whole.
fn status_line(app: &App) -> Line<'static> {
    if let Some(e) = &app.config_error {
        // The first problem, and how many more `homedash check` would list.
        let (first, more) = match e {
            LoadError::Invalid(c) => (
                c.lines.first().cloned().unwrap_or_default(),
                c.lines.len().saturating_sub(1),
            ),
            other => (other.to_string().lines().next().unwrap_or("").to_string(), 0),
        };
        let more = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        Line::from(vec![
            Span::styled(
                " config not reloaded: ",
                Style::new().fg(style::BAD).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{first}{more}"), Style::new().fg(style::BAD)),
            Span::styled("  · still running the last good config", style::dim()),
        ])
    } else if let Some(n) = app.notice() {
        Line::from(Span::styled(format!(" {n}"), Style::new().fg(style::WARN)))
    } else if app.first_run {
        Line::from(vec![
            Span::styled(" No config yet: ", style::label()),
            Span::styled(
                app.keys.first(Scope::Dashboard, Action::Setup),
                style::value().fg(style::ACCENT),
            ),
            Span::raw(" set up your own dashboard · "),
            Span::styled(
                app.keys.first(Scope::Dashboard, Action::Demo),
                style::value().fg(style::ACCENT),
            ),
            Span::raw(" try the demo · "),
            Span::styled(
                app.keys.first(Scope::Dashboard, Action::Quit),
                style::value().fg(style::ACCENT),
            ),
            Span::raw(" quit"),
        ])
    } else if let (Some(w), Some(s)) = (app.widgets.get(app.focus), app.states.get(app.focus)) {
        let mut spans = vec![Span::styled(format!(" {} ", w.id), style::label())];
        let local = app.local;
        match (&s.error, s.next) {
            (Some(e), next) => {
                spans.push(Span::styled(format!("⚠ {e}"), Style::new().fg(style::WARN)));
                if let Some(n) = next {
                    spans.push(Span::styled(
                        format!("  · retry at {}", n.with_timezone(&local).format("%H:%M:%S")),
                        style::dim(),
                    ));
                }
            }
            (None, next) => {
                let about = match &w.source {
                    homedash_widgets::Source::Clock(c) => {
                        format!("time zones: {}", homedash_widgets::clock::zones_shown(c, local))
                    }
                    homedash_widgets::Source::System(_) => {
                        format!("this machine · every {}", humantime::format_duration(w.refresh))
                    }
                    src => {
                        let mut t = format!("{} · every {}", src.provider(), humantime::format_duration(w.refresh));
                        if let Some(n) = next {
                            t.push_str(&format!(" · next {}", n.with_timezone(&local).format("%H:%M:%S")));
                        }
                        t
                    }
                };
                spans.push(Span::styled(format!("· {about}"), style::dim()));
                if let Some(warn) = w.credential.as_deref().and_then(|c| app.facts().cred_warning(c)) {
                    spans.push(Span::styled(
                        format!(
                            "  ⚿ {}: {warn} ({} to manage)",
                            w.credential.as_deref().unwrap_or(""),
                            app.keys.first(Scope::Dashboard, Action::Credentials)
                        ),
                        Style::new().fg(style::WARN),
                    ));
                }
            }
        }
        Line::from(spans)
    } else {
        Line::default()
    }
}

/// Below this the Credentials screen's table and dialogs cannot be read.
pub const CREDENTIALS_MIN: (u16, u16) = (50, 12);

/// Whether the screen in view is below its minimum size, in the terminal
/// as the app last heard of it.
pub fn too_small_for(app: &App) -> bool {
    too_small_in(app, app.size)
}

/// Whether the screen in view is below its minimum size in a frame of
/// `area`.
pub fn too_small_in(app: &App, area: Rect) -> bool {
    if app.creds.is_some() {
        return area.width < CREDENTIALS_MIN.0 || area.height < CREDENTIALS_MIN.1;
    }
    if app.help {
        return area.width < help::MIN.0 || area.height < help::MIN.1;
    }
    app.too_small_in(area)
}
