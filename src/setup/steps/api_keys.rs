//! A page per API key: where it comes from, tested before it is kept.

use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use url::Url;

use crate::credentials::TokenInput;
use crate::credentials::{DEFAULT_COMMAND_TIMEOUT, SecretSource};
use crate::keymap::{Action, Input, Scope};
use crate::setup::look::{field, label, para};
use crate::setup::state::{Cmd, CredPage, Flow, GATEWAY_CRED, KeyState, SrcKind, Wizard};
use crate::setup::worker::Op;

impl Wizard {
    pub(in crate::setup) fn creds_key(&mut self, input: Input) -> Flow {
        let base = match self.page() {
            Some(p) => self.base_for(p.provider.name),
            None => return self.next(),
        };
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        if matches!(p.state, KeyState::Busy(_)) {
            return Flow::none();
        }
        if p.is_oauth() {
            match input {
                Input::Act(Action::Field | Action::PreviousField | Action::Down | Action::Up) => {
                    p.oauth_field = 1 - p.oauth_field.min(1)
                }
                Input::Act(Action::EraseChar) if p.oauth_field == 0 => {
                    p.client_id.pop();
                }
                Input::Act(Action::EraseChar) => p.token.pop(),
                Input::Text(c) if p.oauth_field == 0 => p.client_id.push(c),
                Input::Text(c) => p.token.push_str(&c.to_string()),
                Input::Act(Action::Next) => return self.oauth_enter(),
                _ => return Flow::none(),
            }
            return Flow::redraw();
        }
        if !matches!(input, Input::Act(Action::Next)) {
            p.paste_refused = false;
        }
        match input {
            // Through a gateway, Tab walks URL, CA file and token.
            Input::Act(Action::Field | Action::Down) if p.src == SrcKind::Gateway => {
                if !p.on_value {
                    p.on_value = true;
                    p.gw_field = 0;
                } else if p.gw_field < 2 {
                    p.gw_field += 1;
                } else {
                    p.on_value = false;
                }
            }
            Input::Act(Action::Up | Action::PreviousField) if p.src == SrcKind::Gateway => {
                if p.on_value && p.gw_field > 0 {
                    p.gw_field -= 1;
                } else {
                    p.on_value = !p.on_value;
                    p.gw_field = 2;
                }
            }
            // Otherwise Tab walks the source, the value and the endpoint.
            // (on_value, on_endpoint): the source row is (false, false).
            Input::Act(Action::Field | Action::Down) => {
                (p.on_value, p.on_endpoint) = match (p.on_value, p.on_endpoint) {
                    (false, false) => (true, false),
                    (true, _) => (false, true),
                    (false, true) => (false, false),
                };
            }
            Input::Act(Action::Up | Action::PreviousField) => {
                (p.on_value, p.on_endpoint) = match (p.on_value, p.on_endpoint) {
                    (false, false) => (false, true),
                    (true, _) => (false, false),
                    (false, true) => (true, false),
                };
            }
            Input::Act(Action::EraseChar) if p.on_endpoint => {
                p.endpoint.pop();
            }
            Input::Text(c) if p.on_endpoint => p.endpoint.push(c),
            Input::Act(a @ (Action::Left | Action::Right)) if !p.on_value && !p.on_endpoint => {
                let i = SrcKind::ALL.iter().position(|s| *s == p.src).unwrap_or(0);
                let n = SrcKind::ALL.len();
                p.src = SrcKind::ALL[if a == Action::Left {
                    (i + n - 1) % n
                } else {
                    (i + 1) % n
                }];
            }
            Input::Act(Action::EraseChar) => match p.src {
                SrcKind::Keyring => p.token.pop(),
                SrcKind::Gateway => match p.gw_field {
                    0 => {
                        p.gw_url.pop();
                    }
                    1 => {
                        p.gw_ca.pop();
                    }
                    _ => p.token.pop(),
                },
                SrcKind::Env => {
                    p.env.pop();
                }
                SrcKind::Command => {
                    p.command.pop();
                }
                SrcKind::Systemd => {}
            },
            Input::Text(c) => {
                p.on_value = true;
                match p.src {
                    SrcKind::Keyring => p.token.push_str(&c.to_string()),
                    SrcKind::Gateway => match p.gw_field {
                        0 => p.gw_url.push(c),
                        1 => p.gw_ca.push(c),
                        _ => p.token.push_str(&c.to_string()),
                    },
                    SrcKind::Env => p.env.push(c),
                    SrcKind::Command => p.command.push(c),
                    SrcKind::Systemd => {}
                }
            }
            Input::Act(Action::Next) => return self.cred_enter(base),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(in crate::setup) fn cred_enter(&mut self, base: Url) -> Flow {
        let hide_env = self.env_vars();
        if self.creds.get(self.cred_at).is_some_and(|p| p.src == SrcKind::Gateway) {
            return self.gateway_enter();
        }
        // The keys the notes below name, as the config maps them.
        let field = self.key_of(Action::PreviousField);
        let choices = self.keys.pair(Scope::Wizard, Action::Left, Action::Right);
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        // The key goes nowhere until the endpoint reads.
        if let Err(why) = p.endpoint_url() {
            p.on_value = false;
            p.on_endpoint = true;
            // A result from another endpoint would contradict the note.
            if matches!(
                p.state,
                KeyState::Unconfirmed(_) | KeyState::Tested { .. } | KeyState::Failed(_)
            ) {
                p.state = KeyState::Unknown;
            }
            self.note = Some((false, format!("the endpoint {why}")));
            return Flow::redraw();
        }
        let endpoint = p.endpoint.trim().to_string();
        if p.src == SrcKind::Keyring && !p.token.is_empty() {
            // A paste replaces a token this run stored (and untested ones);
            // one stored before the run is replaced only by a rotation,
            // which tests the new one first and keeps the old for a
            // rollback. The page says so itself, and the key it keeps is
            // tested where the page now points.
            if matches!(p.state, KeyState::Existing { .. }) && !p.created {
                p.token = TokenInput::default();
                p.paste_refused = true;
                self.note = None;
                if !p.moved() {
                    return Flow::redraw();
                }
                // Else on to the test of the kept key, below.
            } else {
                // A second Enter on a key the test could not confirm stores it.
                let force = matches!(p.state, KeyState::Unconfirmed(_));
                let secret = p.token.seal();
                let host = base.host_str().unwrap_or("the provider").to_string();
                p.tested_at = Some(endpoint);
                let op = Op::Store {
                    name: p.name.clone(),
                    provider: p.provider.name,
                    base,
                    secret,
                    force,
                    ca: None,
                };
                // Storing again: the first one goes, so add does not refuse;
                // only what this run stored under this very name.
                if p.stored_this_run(&p.name) {
                    p.state = KeyState::Busy("replacing the token stored a moment ago…".into());
                    return replacing(&p.name, op);
                }
                p.state = KeyState::Busy(format!("testing against {host}…"));
                return Flow::op(op);
            }
        }
        // A key kept in the keyring, tested at another endpoint than the
        // one typed now: tested again there.
        let kept = match &p.state {
            KeyState::Existing { fingerprint, .. } | KeyState::Stored { fingerprint, .. } => Some(fingerprint.clone()),
            // Stored by this run, then refused at an endpoint since.
            KeyState::Failed(_) if p.created => Some("stored a moment ago".to_string()),
            _ => None,
        };
        if p.moved()
            && p.src == SrcKind::Keyring
            && p.token.is_empty()
            && let Some(fingerprint) = kept
        {
            p.state = KeyState::Existing {
                fingerprint,
                test: None,
            };
            p.tested_at = Some(endpoint);
            self.note = None;
            return Flow::op(Op::Check {
                name: p.name.clone(),
                provider: p.provider.name,
                base,
                source: SecretSource::Keyring,
            });
        }
        if p.ready() {
            return self.next_key_page();
        }
        match p.src {
            // Always ready: the page is passed before this.
            SrcKind::Systemd => Flow::none(),
            SrcKind::Keyring | SrcKind::Gateway => {
                self.note = Some((
                    false,
                    match &p.state {
                        KeyState::KeyringError(_) => {
                            format!("the keyring cannot be used: pick another source with {field} and {choices}")
                        }
                        _ => "paste the key first: it shows as dots, never as text".to_string(),
                    },
                ));
                Flow::redraw()
            }
            SrcKind::Env | SrcKind::Command => {
                let source = match p.src {
                    SrcKind::Env if p.env.trim().is_empty() => None,
                    SrcKind::Env => Some(SecretSource::Env {
                        var: p.env.trim().to_string(),
                    }),
                    _ => match shell_words::split(&p.command) {
                        // Resolved and checked as the config will be when
                        // it is loaded; the field then shows the path that
                        // runs, and the config gets it.
                        Ok(mut argv) if !argv.is_empty() => match crate::config::program::resolve(&argv[0]) {
                            Ok(path) => {
                                // A refusal said before is answered now.
                                self.note = None;
                                argv[0] = path.to_string_lossy().into_owned();
                                p.command = shell_words::join(&argv);
                                Some(SecretSource::Command {
                                    argv,
                                    timeout: DEFAULT_COMMAND_TIMEOUT,
                                    hide_env,
                                })
                            }
                            Err(e) => {
                                self.note = Some((false, crate::outside::admit(&e.to_string())));
                                return Flow::redraw();
                            }
                        },
                        _ => None,
                    },
                };
                let Some(source) = source else {
                    self.note = Some((false, "type the variable name or the command first".into()));
                    return Flow::redraw();
                };
                p.tested = Some(p.value_text().to_string());
                p.tested_at = Some(endpoint);
                p.state = KeyState::Busy("reading and testing…".into());
                Flow::op(Op::Check {
                    name: p.name.clone(),
                    provider: p.provider.name,
                    base,
                    source,
                })
            }
        }
    }
}

impl Wizard {
    /// Enter on an OAuth provider's page: log in with the app's client id
    /// and secret (the login opens the browser, or shows the URL).
    fn oauth_enter(&mut self) -> Flow {
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        if p.ready() && p.token.is_empty() {
            return self.next_key_page();
        }
        let Some(hints) = &p.provider.oauth else {
            return Flow::none();
        };
        if p.client_id.trim().is_empty() {
            p.oauth_field = 0;
            self.note = Some((
                false,
                format!("type the client id of your app (from {})", hints.app_page),
            ));
            return Flow::redraw();
        }
        if p.token.is_empty() {
            p.oauth_field = 1;
            self.note = Some((
                false,
                "paste the app's client secret: it shows as dots and goes into the keyring".into(),
            ));
            return Flow::redraw();
        }
        let plan = crate::setup::plan::OAuthPlan::of(hints, p.client_id.trim(), p.oauth_issuer.clone());
        p.state = KeyState::Busy("logging in: finish in the browser…".into());
        p.login = crate::workers::credentials::Showing::default();
        self.note = None;
        let op = Op::Login {
            name: p.name.clone(),
            provider: p.provider.name,
            oauth: Box::new(plan),
            secret: Some(p.token.seal()),
        };
        if p.stored_this_run(&p.name) {
            // Logging in again: the first login's tokens go first.
            return replacing(&p.name, op);
        }
        Flow::op(op)
    }

    /// The next key page, or the next step after the last.
    fn next_key_page(&mut self) -> Flow {
        if self.cred_at + 1 < self.live_creds() {
            self.cred_at += 1;
            self.note = None;
            return Flow::redraw();
        }
        self.next()
    }

    /// Enter on a page that goes through a gateway: the URL and CA are
    /// checked here, the client token by the gateway itself (its whoami).
    fn gateway_enter(&mut self) -> Flow {
        // Another page already stored the gateway's token: this provider
        // goes through the same gateway with it.
        let stored = self
            .creds
            .iter()
            .find(|c| c.src == SrcKind::Gateway && !c.dropped && c.ready())
            .map(|c| (c.gw_url.clone(), c.gw_ca.clone(), c.state.clone()));
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        if p.ready() {
            return self.next_key_page();
        }
        if let Some((url, ca, state)) = stored.filter(|_| p.token.is_empty()) {
            p.gw_url = url;
            p.gw_ca = ca;
            p.state = state;
            self.note = Some((true, "the gateway's token stored above serves this provider too".into()));
            return Flow::redraw();
        }
        let url = match url::Url::parse(p.gw_url.trim()) {
            Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && crate::net::transport::is_loopback(&u)) => u,
            Ok(_) => {
                self.note = Some((
                    false,
                    "the gateway's URL must be https:// (plain http only to this machine)".into(),
                ));
                return Flow::redraw();
            }
            Err(_) => {
                self.note = Some((false, "type the gateway's URL, e.g. https://gw.home.arpa:8443".into()));
                return Flow::redraw();
            }
        };
        let ca = Some(p.gw_ca.trim())
            .filter(|c| !c.is_empty())
            .map(std::path::PathBuf::from);
        if let Some(ca) = &ca
            && !(ca.is_absolute() && ca.is_file())
        {
            self.note = Some((
                false,
                format!(
                    "{} is not a file (give the whole path of the CA's PEM file, or leave it empty)",
                    ca.display()
                ),
            ));
            return Flow::redraw();
        }
        if p.token.is_empty() {
            p.on_value = true;
            p.gw_field = 2;
            self.note = Some((
                false,
                "paste this machine's client token (the gateway's owner makes it with `homedash gateway client add`)"
                    .into(),
            ));
            return Flow::redraw();
        }
        let force = matches!(p.state, KeyState::Unconfirmed(_));
        let secret = p.token.seal();
        let host = url.host_str().unwrap_or("the gateway").to_string();
        p.state = KeyState::Busy(format!("asking the gateway at {host} who this client is…"));
        let op = Op::Store {
            name: GATEWAY_CRED.to_string(),
            provider: homedash_widgets::gateway::PROVIDER.name,
            base: url,
            secret,
            force,
            ca,
        };
        // Only a gateway token this run stored goes first, never one from
        // before the run (or this page's own key under another name).
        if p.stored_this_run(GATEWAY_CRED) {
            return replacing(GATEWAY_CRED, op);
        }
        Flow::op(op)
    }
}

/// `op` after deleting what this run stored under `name` a moment ago.
fn replacing(name: &str, op: Op) -> Flow {
    Flow {
        redraw: true,
        cmds: vec![
            Cmd::Op(Op::Discard {
                names: vec![name.to_string()],
            }),
            Cmd::Op(op),
        ],
    }
}

fn state_line(w: &Wizard, p: &CredPage) -> Line<'static> {
    let next = w.key_of(Action::Next);
    let choices = w.keys.pair(Scope::Wizard, Action::Left, Action::Right);
    // The source row is the field before the key's.
    let field = w.key_of(Action::PreviousField);
    let rotate = w.credentials_key(Action::Rotate);
    let (text, color) = match &p.state {
        KeyState::Absent if p.is_oauth() => (
            format!("not logged in yet: type the app's client id and secret, then {next}"),
            style::WARN,
        ),
        KeyState::Stored { text, ok: true, .. } if p.is_oauth() => (format!("✓ {text}; {next} to go on"), style::GOOD),
        KeyState::Existing { fingerprint, .. } if p.is_oauth() => (
            format!(
                "✓ logged in before this setup ({fingerprint}): {next} keeps it, or type the client secret again to log in anew"
            ),
            style::GOOD,
        ),
        KeyState::Unknown => (String::new(), style::WARN),
        KeyState::Busy(what) => (what.clone(), style::ACCENT),
        KeyState::Absent if p.src == SrcKind::Keyring => ("no key stored yet: paste one".to_string(), style::WARN),
        KeyState::Absent => (String::new(), style::WARN),
        KeyState::KeyringError(e) => (
            format!(
                "the keyring cannot be used: {e}. Here: {field}, then {choices} to read the key from an environment variable or a command instead."
            ),
            style::BAD,
        ),
        KeyState::Existing { fingerprint, test } if p.paste_refused => (
            format!(
                "The key you pasted was not stored: setup keeps the key stored before ({fingerprint}){}. To replace it, rotate it after setup ({rotate}): the new key is tested first, and the old one kept for a rollback. {next} goes on",
                match test {
                    None => ", testing it…".to_string(),
                    Some((true, _)) => ", which is valid".to_string(),
                    Some((false, why)) => format!(", which failed its test: {why}"),
                }
            ),
            style::WARN,
        ),
        KeyState::Existing {
            fingerprint,
            test: None,
        } => (
            format!("a key is already stored ({fingerprint}); testing it…"),
            style::ACCENT,
        ),
        KeyState::Existing {
            fingerprint,
            test: Some((true, _)),
        } => (
            format!("✓ a key is already stored ({fingerprint}) and is valid: {next} keeps it"),
            style::GOOD,
        ),
        KeyState::Existing {
            fingerprint,
            test: Some((false, why)),
        } => (
            format!(
                "a key is already stored ({fingerprint}) but failed its test: {why}. {next} keeps it; replace it after setup with the Credentials screen ({rotate})"
            ),
            style::WARN,
        ),
        KeyState::Stored {
            fingerprint, ok: true, ..
        } => (
            format!("✓ valid, stored in the keyring ({fingerprint}); {next} to go on"),
            style::GOOD,
        ),
        KeyState::Stored { fingerprint, text, .. } => (
            format!("stored ({fingerprint}), but the test could not confirm it: {text}; {next} to go on"),
            style::WARN,
        ),
        KeyState::Tested { ok: true, .. } => (format!("✓ valid; {next} to go on"), style::GOOD),
        KeyState::Tested { text, .. } => (
            format!("✗ {text}; fix it and {next} to test again, or go on"),
            style::WARN,
        ),
        KeyState::Failed(e) => (format!("✗ {e}"), style::BAD),
        KeyState::Unconfirmed(e) => (format!("? {e}"), style::WARN),
    };
    Line::from(Span::styled(text, Style::new().fg(color)))
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let Some(p) = w.page() else {
        return;
    };
    let users: Vec<String> = w
        .networked()
        .into_iter()
        .filter(|k| w.provider(*k) == Some(p.provider.name))
        .map(|k| format!("the {} widget", k.name()))
        .collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("Key {} of {}: ", w.cred_at + 1, w.live_creds()), style::label()),
            Span::styled(p.provider.label.to_string(), style::value()),
            Span::styled(
                format!("   credential \"{}\", for {}", p.cred_name(), users.join(" and ")),
                style::dim(),
            ),
        ]),
        Line::default(),
    ];
    match &p.provider.oauth {
        Some(hints) => {
            lines.extend(oauth_lines(w, p, hints));
            lines.push(Line::default());
            lines.push(state_line(w, p));
        }
        // The test's result right under the fields, the notes after: on a
        // short terminal the notes are what goes below the box.
        None => {
            let (fields, notes) = key_lines(w, p);
            lines.extend(fields);
            let state = state_line(w, p);
            if state.width() > 0 {
                lines.push(state);
            }
            lines.push(Line::default());
            lines.extend(notes);
        }
    }
    para(f, area, lines);
}

/// An OAuth provider's page: the app to register, the scopes asked for,
/// the client's id and secret, and the login's progress.
fn oauth_lines(w: &Wizard, p: &CredPage, hints: &homedash_widgets::provider::OAuthHints) -> Vec<Line<'static>> {
    let (field_key, next) = (
        w.keys.first(Scope::Wizard, Action::Field),
        w.keys.first(Scope::Wizard, Action::Next),
    );
    let mut lines = vec![
        Line::from(vec![
            label("Signs in with    "),
            Span::raw(
                "OAuth 2.0 in your browser (authorization code with PKCE); homedash keeps the refresh token in the keyring and renews the access token on its own",
            ),
        ]),
        Line::from(vec![
            label("Create an app at "),
            Span::styled(hints.app_page.to_string(), style::value()),
        ]),
        Line::from(vec![
            label("Least privilege  "),
            Span::raw(format!("homedash asks only for {}", hints.scopes.join(" "))),
        ]),
        Line::from(vec![
            label("Will be sent to  "),
            Span::styled(w.destination(p.provider), style::value()),
        ]),
        Line::default(),
        field("Client id", &p.client_id, p.oauth_field == 0),
        field("Secret", &p.token.masked(), p.oauth_field == 1),
        Line::from(Span::styled(
            format!(
                "The client id is public; the secret goes into the keyring, never the config. {field_key} moves between fields; {next} logs in."
            ),
            style::dim(),
        )),
    ];
    let login = crate::ui::login::lines(&p.login);
    if !login.is_empty() {
        lines.push(Line::default());
        lines.extend(
            login
                .iter()
                .map(|l| Line::from(Span::styled(l.clone(), style::value()))),
        );
    }
    lines
}

/// A keyed provider's page: where to make the key, how it travels, and
/// where this machine keeps it (or its gateway client token).
/// The page's facts and fields, and the notes that explain them.
fn key_lines(w: &Wizard, p: &CredPage) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    // Through a gateway, what this machine keeps is a client token for
    // the gateway, and it goes to the gateway only.
    let through = p.src == SrcKind::Gateway;
    let shown = if through {
        &homedash_widgets::gateway::PROVIDER
    } else {
        p.provider
    };
    let to = match p.via_gateway() {
        Some(g) => crate::net::destinations::origin_of(&g.url),
        None if through => "the gateway's URL below".to_string(),
        None => match p.endpoint_url() {
            Ok(u) => crate::net::destinations::origin_of(&u),
            Err(why) => format!("nowhere: the endpoint below {why}"),
        },
    };
    let mut lines = vec![
        Line::from(vec![
            label("Create it at     "),
            Span::styled(shown.key_page.to_string(), style::value()),
        ]),
        Line::from(vec![label("Least privilege  "), Span::raw(shown.advice.to_string())]),
        Line::from(vec![label("Sent as          "), Span::raw(shown.placement())]),
        Line::from(vec![label("Will be sent to  "), Span::styled(to, style::value())]),
        Line::default(),
    ];
    let src_style = if p.on_value || p.on_endpoint {
        style::value()
    } else {
        Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
    };
    lines.push(Line::from(vec![
        label(&format!("{:<11}", "Keep it in")),
        Span::styled(format!("‹ {} ›", p.src.label()), src_style),
    ]));
    if p.src == SrcKind::Gateway {
        lines.push(field("Gateway", &p.gw_url, p.on_value && p.gw_field == 0));
        lines.push(field("CA file", &p.gw_ca, p.on_value && p.gw_field == 1));
    }
    let on_value = p.on_value;
    lines.push(match p.src {
        SrcKind::Keyring => field("Key", &p.token.masked(), on_value),
        SrcKind::Gateway => field("Token", &p.token.masked(), on_value && p.gw_field == 2),
        SrcKind::Env => field("Variable", &p.env, on_value),
        SrcKind::Command => field("Command", &p.command, on_value),
        SrcKind::Systemd => field("Credential", &p.systemd, false),
    });
    let mut notes = Vec::new();
    if p.has_endpoint() {
        lines.push(field("Endpoint", &p.endpoint, p.on_endpoint));
        let own = p.provider.default_base;
        notes.push(Line::from(Span::styled(
            format!(
                "{own} is the provider's own; a proxy, a self-hosted service or a gateway's prefix works too. The key is tested there, and allowed to go there."
            ),
            style::dim(),
        )));
    }
    let note = match p.src {
        SrcKind::Gateway => format!(
            "The gateway holds the provider's key; this machine keeps only its own client token (keyring). CA file: a private CA's PEM, or empty. {} moves between fields.",
            w.keys.first(Scope::Wizard, Action::Field)
        ),
        SrcKind::Env => {
            "homedash reads the variable when it starts; set it in your shell profile, not in the config.".to_string()
        }
        SrcKind::Command => format!(
            "The command prints the key on stdout, e.g. pass show homedash/{}",
            p.name
        ),
        SrcKind::Systemd => format!(
            "Read from $CREDENTIALS_DIRECTORY/{} when a systemd unit starts homedash (see the README's Headless section); setup keeps it and cannot test it here.",
            p.systemd
        ),
        // Which store, said before the key goes in (and for how long, on
        // the kernel keyring).
        SrcKind::Keyring => match crate::stores::lifetime(crate::credentials::backend()) {
            Some(l) => format!("Kept in the {}, {l}.", crate::credentials::backend_name()),
            None => format!("Kept in the {}.", crate::credentials::backend_name()),
        },
    };
    notes.push(Line::from(Span::styled(note, style::dim())));
    (lines, notes)
}
