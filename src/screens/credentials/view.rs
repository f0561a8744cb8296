//! The Credentials screen: a table of credentials, the selected one's
//! details, and the add / rotate / revoke dialogs. Shows fingerprints only.

use chrono::{DateTime, Utc};
use homedash_widgets::provider::Provider;
use homedash_widgets::{format, style};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Table, TableState, Wrap};

use super::facts::Facts;
use super::standing::{CredState, Tone};
use crate::credentials::Status;
use crate::credentials::{Due, Meta, describe};
use crate::keymap::{self, Action, Scope};
use crate::net::destinations::{origin_of, provider_origin};
use crate::screens::credentials::state::{CredScreen, Field, Mode};
use crate::ui::dialog::dialog;

fn when(t: DateTime<Utc>, cx: &Facts) -> String {
    t.with_timezone(&cx.local).format("%Y-%m-%d %H:%M").to_string()
}

/// The one status model's word for `name`, as the CLI shows it too.
fn state_of(cx: &Facts, name: &str) -> (String, Style) {
    let live = cx.cred_view(name).map(|v| &v.status);
    let state = CredState::derive(cx.cred_meta.credentials.get(name), live, None);
    let style = match state.tone() {
        Tone::Good => Style::new().fg(style::GOOD),
        Tone::Warn => Style::new().fg(style::WARN),
        Tone::Bad => Style::new().fg(style::BAD),
        Tone::Neutral => style::dim(),
    };
    let mut label = state.label().to_string();
    if state == CredState::Rejected && live.is_some() {
        label.push_str(", paused");
    }
    (label, style)
}

pub fn draw(cx: &Facts, screen: &CredScreen, f: &mut Frame, body: Rect) {
    if body.height == 0 || body.width == 0 {
        return;
    }
    let names = cx.cred_names();
    let table_h = (names.len() as u16 + 3).max(4);
    // The whole message, wrapped: as many rows as it takes, up to six.
    let msg_h = screen.message.as_ref().map_or(1, |(_, t)| {
        let w = usize::from(body.width.saturating_sub(1).max(1));
        (t.chars().count() + 1).div_ceil(w).clamp(1, 6) as u16
    });
    let [table_area, detail_area, hint_area, msg_area] = Layout::vertical([
        Constraint::Length(table_h),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(msg_h),
    ])
    .areas(body);
    table(cx, screen, &names, f, table_area);
    if let Some(name) = names.get(screen.selected) {
        details(cx, name, f, detail_area);
    } else {
        f.render_widget(
            Paragraph::new(vec![
                Line::from("No credentials yet."),
                Line::from(format!(
                    "Press {} to add a token: it goes into the OS keyring, never into the config file.",
                    cx.keys.first(Scope::Credentials, Action::Add)
                )),
            ])
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .border_style(style::dim()),
            ),
            detail_area,
        );
    }
    // For narrow terminals, shorter words: every key still named.
    let long = cx.keys.hints(keymap::CREDENTIALS, false);
    let hints = if usize::from(hint_area.width) > long.chars().count() {
        long
    } else {
        cx.keys.hints(keymap::CREDENTIALS, true)
    };
    f.render_widget(Line::from(Span::styled(format!(" {hints}"), style::dim())), hint_area);
    if let Some((ok, text)) = &screen.message {
        let st = Style::new().fg(if *ok { style::GOOD } else { style::BAD });
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(format!(" {text}"), st))).wrap(Wrap { trim: true }),
            msg_area,
        );
    }
    if let Some((title, lines, footer)) = open_dialog(cx, screen) {
        dialog(f, body, &title, lines, &footer);
    }
}

/// A dialog's title, lines and footer.
type Dialog = (String, Vec<Line<'static>>, String);

/// The dialog the screen's mode shows, if any.
fn open_dialog(cx: &Facts, screen: &CredScreen) -> Option<Dialog> {
    let form = |a| cx.keys.first(Scope::Form, a);
    let yes = cx.keys.first(Scope::Confirm, Action::Yes);
    Some(match &screen.mode {
        Mode::Browse => return None,
        Mode::Add {
            name,
            provider,
            token,
            field,
        } => {
            let p = CredScreen::provider_at(*provider);
            let lines = add_lines(cx, name, p, &token.masked(), *field);
            (
                " Add a credential ".into(),
                with_error(lines, screen.dialog_error.as_deref()),
                format!(
                    " {} store and test · {} provider · {} field · paste works · {} cancel ",
                    form(Action::Submit),
                    cx.keys.pair(Scope::Form, Action::PreviousChoice, Action::NextChoice),
                    form(Action::NextField),
                    form(Action::Cancel)
                ),
            )
        }
        Mode::Rotate { name, token } => (
            format!(" Rotate {name} "),
            with_error(rotate_lines(cx, name, &token.masked()), screen.dialog_error.as_deref()),
            format!(
                " {} test and swap · {} cancel ",
                form(Action::Submit),
                form(Action::Cancel)
            ),
        ),
        Mode::ConfirmTest { name } => {
            let label = cx
                .credentials
                .iter()
                .find(|c| &c.name == name)
                .map_or("the provider", |c| c.provider.label);
            let lines = vec![
                Line::from(format!("Testing {name} spends one request of {label}'s daily quota")),
                Line::from("(the free plan allows 25 a day), like any poll of its widgets."),
            ];
            (
                " Test spends quota ".into(),
                lines,
                format!(" {yes} test · any other key cancels "),
            )
        }
        Mode::ConfirmApprove { name, origins } => (
            " Approve origins ".into(),
            approve_lines(cx, name, origins),
            format!(" {yes} approve · any other key cancels "),
        ),
        Mode::ConfirmRevoke { name } => {
            let title = if cx.cred_is_oauth(name) {
                " Revoke "
            } else {
                " Revoke locally "
            };
            (
                title.into(),
                revoke_lines(cx, name),
                format!(" {yes} revoke · any other key cancels "),
            )
        }
        Mode::Login { name, showing } => (
            format!(" Log in {name} "),
            match crate::ui::login::lines(showing) {
                // Before the server's first answer.
                l if l.is_empty() => vec![Line::from("asking the authorization server…")],
                l => l.into_iter().map(Line::from).collect(),
            },
            format!(" {} cancels ", form(Action::Cancel)),
        ),
        Mode::Busy { what, .. } => (" Working ".into(), vec![Line::from(what.clone())], String::new()),
    })
}

/// The add dialog's fields and what the provider asks of its key.
fn add_lines(cx: &Facts, name: &str, p: &'static Provider, masked: &str, field: Field) -> Vec<Line<'static>> {
    let backend = crate::credentials::backend_name();
    let focus = |f: Field| {
        if f == field {
            style::value().fg(style::ACCENT)
        } else {
            Style::new()
        }
    };
    let cursor = |f: Field| if f == field { "▏" } else { "" };
    vec![
        Line::from(vec![
            Span::styled("Name      ", style::label()),
            Span::styled(format!("{name}{}", cursor(Field::Name)), focus(Field::Name)),
        ]),
        Line::from(vec![
            Span::styled("Provider  ", style::label()),
            Span::styled(format!("◀ {} ▶", p.label), focus(Field::Provider)),
        ]),
        Line::from(vec![
            Span::styled("Token     ", style::label()),
            Span::styled(format!("{masked}{}", cursor(Field::Token)), focus(Field::Token)),
        ]),
        Line::default(),
        Line::from(format!("Create a key at {}", p.key_page)),
        Line::from(format!("Least privilege: {}", p.advice)),
        Line::from(format!("Sent as: {}.", p.placement())),
        will_be_sent_to(cx, name, p),
        Line::from(format!("Stored in the {backend}.")),
    ]
}

fn rotate_lines(cx: &Facts, name: &str, masked: &str) -> Vec<Line<'static>> {
    let provider = cx.credentials.iter().find(|c| c.name == name).map(|c| c.provider);
    let page = provider.map_or("the provider's key page", |p| p.key_page);
    let mut lines = vec![
        Line::from(format!("Create a new key at {page}, then paste it here.")),
        Line::default(),
        Line::from(vec![
            Span::styled("New token ", style::label()),
            Span::styled(format!("{masked}▏"), style::value().fg(style::ACCENT)),
        ]),
        Line::default(),
        Line::from("It is tested before it replaces the current one; the current one"),
        Line::from("is kept for rollback until you confirm."),
    ];
    if let Some(p) = provider {
        lines.push(will_be_sent_to(cx, name, p));
    }
    lines
}

/// Each origin waiting for approval, with the widgets that send there.
fn approve_lines(cx: &Facts, name: &str, origins: &[String]) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(format!("Send {name}'s token to these origins from now on?")),
        Line::default(),
    ];
    for o in origins {
        let users: Vec<&str> = cx
            .widgets
            .iter()
            .filter(|w| w.credential.as_deref() == Some(name))
            .filter(|w| w.base().is_some_and(|b| origin_of(&b) == *o))
            .map(|w| w.id.as_str())
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("  {o}"), style::value()),
            Span::styled(format!("  ({}: {})", over(o), users.join(", ")), style::dim()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "Approve only a server you run or trust: it receives the token on every poll.",
    ));
    lines
}

fn revoke_lines(cx: &Facts, name: &str) -> Vec<Line<'static>> {
    let backend = crate::credentials::backend_name();
    let oauth = cx.cred_is_oauth(name);
    let users = cx.cred_users(name).join(", ");
    vec![
        Line::from(if oauth {
            format!("Revoke {name} at its authorization server (RFC 7009), then delete its tokens from the {backend}?")
        } else {
            format!("Delete {name}'s tokens from the {backend}?")
        }),
        Line::default(),
        Line::from(if users.is_empty() {
            "No widget uses it.".to_string()
        } else {
            format!("These widgets stop polling at once: {users}.")
        }),
        Line::from(if oauth {
            "If the server cannot be reached, nothing is deleted."
        } else {
            "Revoke the token at the provider too; homedash cannot do that for you."
        }),
    ]
}

/// The table's columns, in order; `creds list` prints the same.
pub const HEADERS: [&str; 9] = [
    "NAME",
    "PROVIDER",
    "SOURCE",
    "TOKEN",
    "AGE",
    "DUE",
    "LAST TEST",
    "STATE",
    "USED BY",
];

/// Columns as (header, width, priority): the narrower the screen, the
/// fewer columns, lowest priority first to go.
const COLUMNS: [(&str, u16, u8); 9] = [
    (HEADERS[0], 14, 0),
    (HEADERS[1], 14, 6),
    (HEADERS[2], 18, 4),
    (HEADERS[3], 10, 1),
    (HEADERS[4], 8, 7),
    (HEADERS[5], 13, 2),
    (HEADERS[6], 22, 5),
    (HEADERS[7], 18, 1),
    (HEADERS[8], 10, 3),
];

fn columns_for(width: u16) -> Vec<usize> {
    // Borders, the highlight symbol, and one space between columns.
    let room = width.saturating_sub(4);
    let mut by_priority: Vec<usize> = (0..COLUMNS.len()).collect();
    by_priority.sort_by_key(|&i| COLUMNS[i].2);
    let mut chosen = Vec::new();
    let mut used = 0u16;
    for i in by_priority {
        let w = COLUMNS[i].1 + 1;
        if used + w <= room {
            used += w;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

fn table(cx: &Facts, screen: &CredScreen, names: &[String], f: &mut Frame, area: Rect) {
    let cols = columns_for(area.width);
    let header = Row::new(
        cols.iter()
            .map(|&i| Cell::from(Span::styled(COLUMNS[i].0, style::dim())))
            .collect::<Vec<_>>(),
    );
    let rows: Vec<Row> = names
        .iter()
        .map(|name| {
            let cfg = cx.credentials.iter().find(|c| &c.name == name);
            let meta = cx.cred_meta.credentials.get(name);
            let fp = cx
                .cred_view(name)
                .and_then(|v| v.fingerprint.clone())
                .or_else(|| meta.and_then(|m| m.fingerprint.clone()))
                .unwrap_or_else(|| "–".into());
            let age = meta
                .and_then(|m| m.rotated.or(m.created))
                .map(|t| format::age(cx.now, t))
                .unwrap_or_else(|| "–".into());
            let due = cfg
                .map(|c| Due::of(c, meta, cx.now))
                .and_then(|d| super::standing::due_words(&d))
                .unwrap_or_else(|| "–".into());
            let test = meta
                .and_then(Meta::current_test)
                .map(|t| (format!("{} · {}", t.outcome, format::age(cx.now, t.at)), t.ok));
            let (state, state_style) = state_of(cx, name);
            let cells = [
                Cell::from(name.clone()),
                Cell::from(
                    cfg.map(|c| c.provider.name)
                        .or(meta.map(|m| m.provider.as_str()))
                        .unwrap_or("?")
                        .to_string(),
                ),
                Cell::from(if cx.demo {
                    "demo, in memory".to_string()
                } else {
                    cfg.map(describe).unwrap_or_else(|| "keyring".into())
                }),
                Cell::from(fp),
                Cell::from(age),
                Cell::from(Span::styled(
                    due.clone(),
                    if due == "–" {
                        Style::new()
                    } else {
                        Style::new().fg(style::WARN)
                    },
                )),
                match test {
                    Some((t, ok)) => Cell::from(Span::styled(
                        t,
                        Style::new().fg(if ok { style::GOOD } else { style::BAD }),
                    )),
                    None => Cell::from(Span::styled("never", style::dim())),
                },
                Cell::from(Span::styled(state, state_style)),
                Cell::from(cx.cred_users(name).join(", ")),
            ];
            let mut cells: Vec<Option<Cell>> = cells.into_iter().map(Some).collect();
            Row::new(cols.iter().filter_map(|&i| cells[i].take()).collect::<Vec<_>>())
        })
        .collect();
    let last = cols.last().copied();
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|&i| {
            if Some(i) == last {
                Constraint::Min(COLUMNS[i].1)
            } else {
                Constraint::Length(COLUMNS[i].1)
            }
        })
        .collect();
    let t = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▶ ")
        .block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(style::ACCENT))
                .title(Span::styled(" Credentials ", style::value().fg(style::ACCENT))),
        );
    let mut st = TableState::default().with_selected((!names.is_empty()).then_some(screen.selected));
    f.render_stateful_widget(t, area, &mut st);
}

fn details(cx: &Facts, name: &str, f: &mut Frame, area: Rect) {
    let backend = crate::credentials::backend_name();
    let cfg = cx.credentials.iter().find(|c| c.name == name);
    let meta = cx.cred_meta.credentials.get(name);
    let row = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<11}"), style::label()), Span::raw(v)]);
    let mut lines = Vec::new();
    match cfg {
        Some(c) => {
            lines.push(row(
                "source",
                match describe(c).as_str() {
                    _ if cx.demo => "a demo token held in memory; the keyring is not used in --demo".to_string(),
                    "keyring" => match meta.and_then(|m| m.store) {
                        // Written to another store than this process uses.
                        Some(kept) if kept != crate::credentials::backend() => format!(
                            "keyring: kept in the {}, not the {backend} in use here",
                            kept.name()
                        ),
                        _ => match crate::stores::lifetime(crate::credentials::backend()) {
                            Some(l) => format!("keyring: {backend}, {l}"),
                            None => format!("keyring: {backend}"),
                        },
                    },
                    "oauth2 client_credentials" => {
                        "OAuth client credentials: tokens fetched with the client's secret as widgets need them, never stored".to_string()
                    }
                    other if other.starts_with("oauth2") => {
                        format!("{other}: the refresh token in the {backend}, the access token renewed on its own")
                    }
                    other => other.to_string(),
                },
            ));
            lines.push(row("sent as", c.provider.placement()));
            if let Some(o) = c.oauth.as_deref() {
                oauth_rows(cx, name, o, &mut lines);
            }
            lines.push(Line::from(sent_to(cx, name)));
        }
        None => lines.push(row(
            "config",
            format!("not used yet: add [credential.{name}] to the config and name it in widgets"),
        )),
    }
    if let Some(v) = cx.cred_view(name)
        && !matches!(v.status, Status::Ready | Status::Loading)
    {
        lines.push(Line::from(Span::styled(
            v.status.explain(name),
            Style::new().fg(style::WARN),
        )));
    }
    if let Some(m) = meta {
        // What the dashboard holds now, else what the state file last saw.
        let mut token = cx
            .cred_view(name)
            .and_then(|v| v.fingerprint.clone())
            .or_else(|| m.fingerprint.clone())
            .unwrap_or_else(|| match cx.cred_view(name).map(|v| &v.status) {
                // Kept elsewhere, or dropped by the kernel: not "not stored".
                Some(crate::credentials::Status::Unavailable(_)) => "none readable now (its state says why)".into(),
                _ => "none stored".into(),
            });
        if let Some(p) = &m.previous_fingerprint {
            token.push_str(&format!("   previous {p} kept: y deletes it, b rolls back to it"));
        }
        lines.push(row("token", token));
        let mut dates = format!(
            "created {}   rotated {}",
            m.created.map(|t| when(t, cx)).unwrap_or_else(|| "–".into()),
            m.rotated.map(|t| when(t, cx)).unwrap_or_else(|| "–".into())
        );
        if let Some(every) = cfg.and_then(|c| c.rotate_after) {
            dates.push_str(&format!("   rotate every {}", format::duration(every)));
            if let Some(since) = m.rotated.or(m.created)
                && let Ok(d) = chrono::Duration::from_std(every)
            {
                dates.push_str(&format!(
                    " (next {})",
                    (since + d).with_timezone(&cx.local).format("%Y-%m-%d")
                ));
            }
        }
        if let Some(e) = cfg.and_then(|c| c.expires).or(m.expires) {
            dates.push_str(&format!("   expires {e}"));
        }
        lines.push(row("dates", dates));
        if let Some(t) = m.current_test() {
            lines.push(row("last test", format!("{} · {}", t.outcome, when(t.at, cx))));
        }
        let u = &m.usage;
        lines.push(row(
            "usage",
            format!(
                "{} requests · {} ok · {} rejected · {} forbidden · {} rate-limited{}",
                u.requests,
                u.ok,
                u.rejected,
                u.forbidden,
                u.limited,
                u.last_used
                    .map(|t| format!(" · last {}", when(t, cx)))
                    .unwrap_or_default()
            ),
        ));
        if let Some(seen) = &u.last {
            lines.push(row("answered", super::standing::answer_words(seen)));
        }
    }
    if let Some(c) = cfg {
        lines.push(row("key page", c.provider.key_page.to_string()));
        lines.push(row("advice", c.provider.advice.to_string()));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(style::dim())
                .title(format!(" {name} ")),
        ),
        area,
    );
}

/// An OAuth credential: its grant, the access token's time left, the
/// refresh token's age, and the scopes granted against those asked.
fn oauth_rows(cx: &Facts, name: &str, o: &crate::config::OAuthConfig, lines: &mut Vec<Line<'static>>) {
    let row = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<11}"), style::label()), Span::raw(v)]);
    lines.push(row(
        "oauth",
        format!(
            "{} grant, client {} · l logs in, d revokes at the server",
            o.grant.name(),
            o.client_id
        ),
    ));
    let view = cx.cred_view(name).and_then(|v| v.oauth.as_ref());
    let left = |at: DateTime<Utc>| {
        let secs = (at - cx.now).num_seconds();
        if secs <= 0 {
            format!("expired at {}", at.with_timezone(&cx.local).format("%H:%M:%S"))
        } else {
            format!(
                "until {} ({} left)",
                at.with_timezone(&cx.local).format("%H:%M:%S"),
                format::duration(std::time::Duration::from_secs(secs as u64))
            )
        }
    };
    match view {
        Some(v) => {
            let access = v.expires_at.map_or_else(|| "none held".to_string(), left);
            let refresh = match v.refresh_issued {
                Some(t) => format!(
                    "issued {} ({} old)",
                    when(t, cx),
                    format::duration(std::time::Duration::from_secs((cx.now - t).num_seconds().max(0) as u64))
                ),
                None if o.grant.has_user() => {
                    format!("none: log in ({})", cx.keys.first(Scope::Credentials, Action::Login))
                }
                None => "none: client credentials renew with the client's secret".into(),
            };
            lines.push(row("access", access));
            lines.push(row("refresh", refresh));
            let asked = if v.asked.is_empty() {
                "(none)".to_string()
            } else {
                v.asked.join(" ")
            };
            match &v.granted {
                Some(granted) => {
                    lines.push(row("scopes", format!("granted {} · asked {asked}", granted.join(" "))));
                    let extra = crate::credentials::extra_scopes(granted, &v.asked);
                    if !extra.is_empty() {
                        lines.push(Line::from(Span::styled(
                            format!(
                                "least privilege: the server granted more than asked ({}); ask for a client limited to {asked}",
                                extra.join(" ")
                            ),
                            Style::new().fg(style::WARN),
                        )));
                    }
                }
                None => lines.push(row("scopes", format!("asked {asked}"))),
            }
        }
        None => lines.push(row("access", "not read yet".into())),
    }
}

/// A dialog's lines, then why its action failed, whole: the paragraph
/// wraps it, and the dialog grows to hold it.
fn with_error(mut lines: Vec<Line<'static>>, error: Option<&str>) -> Vec<Line<'static>> {
    if let Some(e) = error {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(format!("✗ {e}"), Style::new().fg(style::BAD))));
    }
    lines
}

/// How a token travels to `origin`.
fn over(origin: &str) -> &'static str {
    if origin.starts_with("https://") {
        "over https"
    } else {
        "over plain http, to this machine only"
    }
}

/// "Will be sent to" for the add and rotate dialogs: the provider's API and
/// the config's endpoints for `name`, approved by going ahead.
fn will_be_sent_to(cx: &Facts, name: &str, p: &Provider) -> Line<'static> {
    let mut origins: Vec<String> = provider_origin(p).into_iter().collect();
    for o in cx.cred_origins(name) {
        if !origins.contains(&o) {
            origins.push(o);
        }
    }
    let text = if origins.is_empty() {
        format!("Will be sent to: nowhere yet; name {name} in a widget's `credential`.")
    } else {
        let shown: Vec<String> = origins.iter().map(|o| format!("{o} ({})", over(o))).collect();
        format!("Will be sent to: {}.", shown.join(", "))
    };
    Line::from(text)
}

/// Every origin of `name`: the provider's own, those approved, and those
/// the config uses that wait for approval.
fn sent_to(cx: &Facts, name: &str) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(format!("{:<11}", "sent to"), style::label())];
    if cx.demo {
        spans.push(Span::raw("the demo's own loopback server only"));
        return spans;
    }
    let Some(to) = cx.cred_destinations(name) else {
        return spans;
    };
    let mut parts: Vec<Span<'static>> = Vec::new();
    if let Some(own) = to.provider() {
        parts.push(Span::raw(format!("{own} (provider)")));
    }
    for o in to.approved() {
        parts.push(Span::raw(format!("{o} (approved)")));
    }
    for o in cx.cred_pending(name) {
        parts.push(Span::styled(
            format!(
                "{o} NOT APPROVED, nothing sent: {} approves",
                cx.keys.first(Scope::Credentials, Action::Approve)
            ),
            Style::new().fg(style::WARN),
        ));
    }
    if parts.is_empty() {
        parts.push(Span::styled("nowhere yet", style::dim()));
    }
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.push(p);
    }
    spans
}
