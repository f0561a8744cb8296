//! Keys on each step of the wizard: typing, picking, and Enter, which
//! either asks the worker to try something or moves on.

use crossterm::event::KeyCode;
use homedash_widgets::source::Kind;
use homedash_widgets::weather::geocoding;
use toml_edit::Value;
use url::Url;

use super::plan;
use super::state::{
    Chosen, Cmd, CredState, Flow, KINDS, LocField, SrcKind, Tried, Wizard, needs_key, offered, provider_slot,
};
use super::worker::{Op, TryWhat, Verdict};
use crate::credentials::source::{DEFAULT_COMMAND_TIMEOUT, Source as SecretSource};
use crate::credentials::token_input::TokenInput;

impl Wizard {
    pub(super) fn widgets_key(&mut self, code: KeyCode) -> Flow {
        match code {
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.cursor = (self.cursor + 1).min(KINDS.len() - 1),
            KeyCode::Char(' ' | 'x') => self.picked[self.cursor] = !self.picked[self.cursor],
            KeyCode::Enter => {
                if !self.picked.iter().any(|p| *p) {
                    self.note = Some((false, "pick at least one widget (Space)".into()));
                    return Flow::redraw();
                }
                self.provider_row = 0;
                return self.next();
            }
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn providers_key(&mut self, code: KeyCode) -> Flow {
        let kinds = self.networked();
        let Some(kind) = kinds.get(self.provider_row).copied() else {
            return self.next();
        };
        let Some(slot) = provider_slot(kind) else {
            return Flow::none();
        };
        let n = offered(kind).len();
        match code {
            KeyCode::Up | KeyCode::Char('k') => self.provider_row = self.provider_row.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.provider_row = (self.provider_row + 1).min(kinds.len() - 1),
            KeyCode::Left | KeyCode::Char('h') => self.providers[slot] = (self.providers[slot] + n - 1) % n,
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => {
                self.providers[slot] = (self.providers[slot] + 1) % n
            }
            KeyCode::Enter => return self.next(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn creds_key(&mut self, code: KeyCode) -> Flow {
        let base = match self.page() {
            Some(p) => self.base_for(p.provider.name),
            None => return self.next(),
        };
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        if matches!(p.state, CredState::Busy(_)) {
            return Flow::none();
        }
        match code {
            KeyCode::Tab | KeyCode::Up | KeyCode::Down => p.on_value = !p.on_value,
            KeyCode::Left | KeyCode::Right if !p.on_value => {
                let i = SrcKind::ALL.iter().position(|s| *s == p.src).unwrap_or(0);
                let n = SrcKind::ALL.len();
                p.src = SrcKind::ALL[if code == KeyCode::Left {
                    (i + n - 1) % n
                } else {
                    (i + 1) % n
                }];
            }
            KeyCode::Backspace => match p.src {
                SrcKind::Keyring => p.token.pop(),
                SrcKind::Env => {
                    p.env.pop();
                }
                SrcKind::Command => {
                    p.command.pop();
                }
            },
            KeyCode::Char(c) => {
                p.on_value = true;
                match p.src {
                    SrcKind::Keyring => p.token.push_str(&c.to_string()),
                    SrcKind::Env => p.env.push(c),
                    SrcKind::Command => p.command.push(c),
                }
            }
            KeyCode::Enter => return self.cred_enter(base),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn cred_enter(&mut self, base: Url) -> Flow {
        let hide_env = self.env_vars();
        let Some(p) = self.creds.get_mut(self.cred_at) else {
            return Flow::none();
        };
        if p.src == SrcKind::Keyring && !p.token.is_empty() {
            // A paste replaces a token this run stored (and untested ones);
            // one stored before the run is replaced only by a rotation.
            if let CredState::Existing { .. } = p.state {
                p.token = TokenInput::default();
                self.note = Some((
                    false,
                    format!(
                        "\"{}\" already has a token in the keyring; keep it (Enter), or replace it after setup with the Credentials screen (c, then r), which tests the new one first",
                        p.name
                    ),
                ));
                return Flow::redraw();
            }
            // A second Enter on a key the test could not confirm stores it.
            let force = matches!(p.state, CredState::Unconfirmed(_));
            let secret = p.token.take();
            let host = base.host_str().unwrap_or("the provider").to_string();
            let op = Op::Store {
                name: p.name.clone(),
                provider: p.provider.name,
                base,
                secret,
                force,
            };
            if p.created {
                // Storing again: the first one goes, so add does not refuse.
                p.state = CredState::Busy("replacing the token stored a moment ago…".into());
                return Flow {
                    redraw: true,
                    cmds: vec![
                        Cmd::Op(Op::Discard {
                            names: vec![p.name.clone()],
                        }),
                        Cmd::Op(op),
                    ],
                };
            }
            p.state = CredState::Busy(format!("testing against {host}…"));
            return Flow::op(op);
        }
        if p.ready() {
            if self.cred_at + 1 < self.live_creds() {
                self.cred_at += 1;
                self.note = None;
                return Flow::redraw();
            }
            return self.next();
        }
        match p.src {
            SrcKind::Keyring => {
                self.note = Some((
                    false,
                    match &p.state {
                        CredState::KeyringError(_) => {
                            "the keyring cannot be used: pick another source with Tab and ←/→".to_string()
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
                        Ok(argv) if !argv.is_empty() => Some(SecretSource::Command {
                            argv,
                            timeout: DEFAULT_COMMAND_TIMEOUT,
                            hide_env,
                        }),
                        _ => None,
                    },
                };
                let Some(source) = source else {
                    self.note = Some((false, "type the variable name or the command first".into()));
                    return Flow::redraw();
                };
                p.tested = Some(p.value_text().to_string());
                p.state = CredState::Busy("reading and testing…".into());
                Flow::op(Op::Check {
                    name: p.name.clone(),
                    provider: p.provider.name,
                    base,
                    source,
                })
            }
        }
    }

    pub(super) fn location_key(&mut self, code: KeyCode) -> Flow {
        let l = &mut self.location;
        if l.busy {
            return Flow::none();
        }
        match code {
            KeyCode::Tab => {
                l.field = match l.field {
                    LocField::Query => LocField::Latitude,
                    LocField::Latitude => LocField::Longitude,
                    LocField::Longitude => LocField::Query,
                }
            }
            KeyCode::Up if l.field == LocField::Query => l.selected = l.selected.saturating_sub(1),
            KeyCode::Down if l.field == LocField::Query => {
                l.selected = (l.selected + 1).min(l.results.len().saturating_sub(1))
            }
            KeyCode::Backspace | KeyCode::Char(_) => self.type_key(code),
            KeyCode::Enter => return self.location_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn location_enter(&mut self) -> Flow {
        let l = &mut self.location;
        match l.field {
            LocField::Query => {
                let q = l.query.trim().to_string();
                if l.searched.as_deref() == Some(q.as_str())
                    && let Some(p) = l.results.get(l.selected)
                {
                    l.chosen = Some(Chosen {
                        name: p.name.clone(),
                        latitude: p.latitude,
                        longitude: p.longitude,
                    });
                    l.latitude = p.latitude.to_string();
                    l.longitude = p.longitude.to_string();
                    return self.next();
                }
                if l.chosen.as_ref().is_some_and(|c| c.name == q) {
                    return self.next();
                }
                if q.chars().count() < 2 {
                    self.note = Some((false, "type at least two letters of a place name".into()));
                    return Flow::redraw();
                }
                l.busy = true;
                self.note = Some((true, format!("searching for \"{q}\"…")));
                let base = self.endpoints.base("geocoding", geocoding::DEFAULT_BASE);
                Flow::op(Op::Search { base, query: q })
            }
            LocField::Latitude | LocField::Longitude => {
                let lat = l
                    .latitude
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| (-90.0..=90.0).contains(v));
                let lon = l
                    .longitude
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| (-180.0..=180.0).contains(v));
                match (lat, lon) {
                    (Some(latitude), Some(longitude)) => {
                        let q = l.query.trim();
                        let name = if q.is_empty() || l.searched.as_deref() == Some(q) && !l.results.is_empty() {
                            format!("{latitude}, {longitude}")
                        } else {
                            q.to_string()
                        };
                        l.chosen = Some(Chosen {
                            name,
                            latitude,
                            longitude,
                        });
                        self.next()
                    }
                    _ => {
                        self.note = Some((
                            false,
                            "latitude is a number from -90 to 90 and longitude one from -180 to 180, e.g. 52.52 and 13.41".into(),
                        ));
                        Flow::redraw()
                    }
                }
            }
        }
    }

    /// Typing into the plain text field in focus.
    fn type_key(&mut self, code: KeyCode) {
        let Some(f) = self.text_field() else { return };
        match code {
            KeyCode::Backspace => {
                f.pop();
            }
            KeyCode::Char(c) => f.push(c),
            _ => {}
        }
    }

    pub(super) fn symbols_key(&mut self, code: KeyCode) -> Flow {
        if self.symbols_tried.busy {
            return Flow::none();
        }
        match code {
            KeyCode::Backspace | KeyCode::Char(_) => self.type_key(code),
            KeyCode::Enter => return self.symbols_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn symbols_enter(&mut self) -> Flow {
        let list = self.symbol_list();
        let key = list.join(",");
        let provider = self.provider(Kind::Stocks).unwrap_or("yahoo");
        let all = plan::source(
            Kind::Stocks,
            provider,
            &[("symbols", Value::from_iter(list.iter().map(String::as_str)))],
        );
        let problems = match &all {
            Ok(src) => src.problems(),
            Err(e) => vec![("symbols", e.to_string())],
        };
        if list.is_empty() || !problems.is_empty() {
            let why = problems
                .first()
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| "type at least one symbol".into());
            self.note = Some((false, why));
            return Flow::redraw();
        }
        if self.symbols_tried.settled_for(&key) {
            return self.next();
        }
        if needs_key(provider).is_some_and(|p| p.probe_spends_quota) {
            self.symbols_tried = Tried {
                key: Some(key),
                lines: vec![(
                    Verdict::Unchecked,
                    format!(
                        "not checked: {provider}'s free plan has a small daily quota, and each symbol would spend one; Enter to go on"
                    ),
                )],
                busy: false,
            };
            return Flow::redraw();
        }
        let mut items = Vec::new();
        for s in &list {
            match plan::source(Kind::Stocks, provider, &[("symbols", Value::from_iter([s.as_str()]))]) {
                Ok(src) => items.push((s.clone(), src)),
                Err(e) => {
                    self.note = Some((false, e.to_string()));
                    return Flow::redraw();
                }
            }
        }
        self.symbols_tried = Tried {
            key: Some(key.clone()),
            lines: Vec::new(),
            busy: true,
        };
        self.note = Some((true, format!("asking {provider} for each symbol…")));
        Flow::op(Op::Try {
            what: TryWhat::Symbols,
            key,
            items,
            base: self.base_for(provider),
            cred: self
                .cred_for(provider)
                .map(|c| (c.name.clone(), c.secret_source(self.env_vars()))),
        })
    }

    pub(super) fn metrics_key(&mut self, code: KeyCode) -> Flow {
        if self.metrics.tried.busy {
            return Flow::none();
        }
        match code {
            KeyCode::Tab | KeyCode::Up | KeyCode::Down => self.metrics.on_query = !self.metrics.on_query,
            KeyCode::Backspace | KeyCode::Char(_) => self.type_key(code),
            KeyCode::Enter => return self.metrics_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(super) fn metrics_enter(&mut self) -> Flow {
        let provider = self.provider(Kind::Metrics).unwrap_or("prometheus");
        let query = self.metrics.query.trim().to_string();
        let base = if provider == "prometheus" {
            match Url::parse(self.metrics.url.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => u,
                _ => {
                    self.note = Some((
                        false,
                        "the Prometheus URL is an http(s) URL, e.g. http://localhost:9090".into(),
                    ));
                    return Flow::redraw();
                }
            }
        } else {
            self.base_for(provider)
        };
        let key = format!("{base} {query}");
        if self.metrics.tried.settled_for(&key) {
            return self.next();
        }
        let src = match plan::source(Kind::Metrics, provider, &[("query", query.as_str().into())]) {
            Ok(s) => s,
            Err(e) => {
                self.note = Some((false, e.to_string()));
                return Flow::redraw();
            }
        };
        if let Some((_, p)) = src.problems().first() {
            self.note = Some((false, p.clone()));
            return Flow::redraw();
        }
        self.metrics.tried = Tried {
            key: Some(key.clone()),
            lines: Vec::new(),
            busy: true,
        };
        self.note = Some((
            true,
            format!("running the query on {}…", base.host_str().unwrap_or("?")),
        ));
        Flow::op(Op::Try {
            what: TryWhat::Metrics,
            key,
            items: vec![(query, src)],
            base,
            cred: self
                .cred_for(provider)
                .map(|c| (c.name.clone(), c.secret_source(self.env_vars()))),
        })
    }
}
