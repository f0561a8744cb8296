//! The Credentials screen's state and keys. Like `App::update` it does no
//! I/O: each action leaves as a `CredOp` for the credential worker.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use homedash_widgets::provider::Provider;
use homedash_widgets::source;

use crate::credentials::ops::CredOp;
use crate::credentials::token_input::TokenInput;
use crate::ui::edit::erase;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Provider,
    Token,
}

#[derive(Debug)]
pub enum Mode {
    Browse,
    Add {
        name: String,
        provider: usize,
        token: TokenInput,
        field: Field,
    },
    Rotate {
        name: String,
        token: TokenInput,
    },
    ConfirmRevoke {
        name: String,
    },
    /// The provider's test spends a request of a small daily quota.
    ConfirmTest {
        name: String,
    },
    /// Approve the origins the config sends `name` to that are not yet.
    ConfirmApprove {
        name: String,
        origins: Vec<String>,
    },
    /// An OAuth login runs in the worker: what it asks of the person (a
    /// code, a URL, a QR code). Esc cancels it.
    Login {
        name: String,
        lines: Vec<String>,
    },
    /// An operation is running in the worker; `back` is the dialog it
    /// came from, which comes back, input and all, if the operation fails.
    Busy {
        what: String,
        back: Option<Box<Mode>>,
    },
}

#[derive(Debug)]
pub struct CredScreen {
    /// The demo: tokens live in memory; no action touches a keyring.
    pub demo: bool,
    pub selected: usize,
    pub mode: Mode,
    /// The last action's result: (succeeded, text).
    pub message: Option<(bool, String)>,
    /// Why the open dialog's action failed, shown in the dialog.
    pub dialog_error: Option<String>,
}

/// What a key did on the screen.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Nothing,
    Redraw,
    Close,
    /// q: leave homedash, as on the dashboard.
    Quit,
    Run(CredOp),
}

fn valid_name(n: &str) -> bool {
    crate::config::names::check(n).is_ok()
}

/// What every action of the demo's Credentials screen says, at once.
pub const DEMO_NOTE: &str = "the demo's tokens live in memory only and go only to its own loopback server: nothing here is stored, tested or deleted. Run homedash without --demo to manage real tokens.";

impl CredScreen {
    pub fn new() -> Self {
        Self::for_dashboard(false)
    }

    pub fn for_dashboard(demo: bool) -> Self {
        CredScreen {
            demo,
            selected: 0,
            mode: Mode::Browse,
            message: None,
            dialog_error: None,
        }
    }

    pub fn provider_at(i: usize) -> &'static Provider {
        let all = source::keyed_all();
        all[i % all.len()]
    }

    /// `names` are the rows on screen, in order, `providers` theirs,
    /// `pending` the origins each is sent to without approval, and `oauth`
    /// whether each is an OAuth credential.
    pub fn key(
        &mut self,
        k: KeyEvent,
        names: &[String],
        providers: &[String],
        pending: &[Vec<String>],
        oauth: &[bool],
    ) -> Outcome {
        let waiting = pending.get(self.selected).cloned().unwrap_or_default();
        let selected = names.get(self.selected).cloned();
        let selected_provider = providers
            .get(self.selected)
            .and_then(|p| source::keyed_all().iter().position(|k| k.name == p));
        match &mut self.mode {
            Mode::Busy { .. } => Outcome::Nothing,
            Mode::Login { name, .. } => match k.code {
                KeyCode::Esc => {
                    let name = name.clone();
                    self.mode = Mode::Busy {
                        what: format!("cancelling the login of {name}…"),
                        back: None,
                    };
                    Outcome::Run(CredOp::CancelLogin { name })
                }
                _ => Outcome::Nothing,
            },
            Mode::Browse
                if self.demo
                    && matches!(
                        k.code,
                        KeyCode::Char('a' | 't' | 'r' | 'y' | 'b' | 'd' | 'o' | 'l') | KeyCode::Delete
                    ) =>
            {
                self.message = Some((false, DEMO_NOTE.into()));
                Outcome::Redraw
            }
            Mode::Browse => match (k.code, selected) {
                (KeyCode::Esc | KeyCode::Char('c'), _) => Outcome::Close,
                (KeyCode::Char('q'), _) => Outcome::Quit,
                (KeyCode::Down | KeyCode::Char('j'), _) if self.selected + 1 < names.len() => {
                    self.selected += 1;
                    Outcome::Redraw
                }
                (KeyCode::Up | KeyCode::Char('k'), _) if self.selected > 0 => {
                    self.selected -= 1;
                    Outcome::Redraw
                }
                (KeyCode::Char('l'), Some(name)) if oauth.get(self.selected).copied().unwrap_or(false) => {
                    self.mode = Mode::Login {
                        name: name.clone(),
                        lines: vec!["asking the authorization server…".into()],
                    };
                    self.message = None;
                    Outcome::Run(CredOp::Login { name })
                }
                (KeyCode::Char('l'), Some(name)) => {
                    self.message = Some((
                        false,
                        format!("{name} is not an OAuth credential: a adds a token, r rotates it"),
                    ));
                    Outcome::Redraw
                }
                (KeyCode::Char('a' | 'r' | 'y' | 'b'), Some(name))
                    if oauth.get(self.selected).copied().unwrap_or(false) =>
                {
                    self.message = Some((
                        false,
                        format!("{name} is an OAuth credential: l logs in, and its tokens renew on their own"),
                    ));
                    Outcome::Redraw
                }
                (KeyCode::Char('a'), sel) => {
                    // The selected row is most often the one that needs a token.
                    let provider = selected_provider.unwrap_or(0);
                    let name = sel.unwrap_or_else(|| Self::provider_at(provider).name.into());
                    self.mode = Mode::Add {
                        name,
                        provider,
                        token: TokenInput::default(),
                        field: Field::Token,
                    };
                    Outcome::Redraw
                }
                (KeyCode::Char('t'), Some(name)) => {
                    let costly = selected_provider
                        .map(Self::provider_at)
                        .is_some_and(|p| p.probe_spends_quota);
                    if costly {
                        self.mode = Mode::ConfirmTest { name };
                        Outcome::Redraw
                    } else {
                        self.run(CredOp::Test { name })
                    }
                }
                (KeyCode::Char('r'), Some(name)) => {
                    self.mode = Mode::Rotate {
                        name,
                        token: TokenInput::default(),
                    };
                    Outcome::Redraw
                }
                (KeyCode::Char('y'), Some(name)) => self.run(CredOp::Confirm { name }),
                (KeyCode::Char('b'), Some(name)) => self.run(CredOp::Rollback { name }),
                (KeyCode::Char('d') | KeyCode::Delete, Some(name)) => {
                    self.mode = Mode::ConfirmRevoke { name };
                    Outcome::Redraw
                }
                (KeyCode::Char('o'), Some(name)) if waiting.is_empty() => {
                    self.message = Some((
                        true,
                        format!("nothing waits for approval: every origin the config sends {name} to is approved"),
                    ));
                    Outcome::Redraw
                }
                (KeyCode::Char('o'), Some(name)) => {
                    self.mode = Mode::ConfirmApprove { name, origins: waiting };
                    Outcome::Redraw
                }
                _ => Outcome::Nothing,
            },
            Mode::ConfirmApprove { name, origins } => match k.code {
                KeyCode::Char('y') => {
                    let op = CredOp::Allow {
                        name: name.clone(),
                        origins: origins.clone(),
                    };
                    self.run(op)
                }
                _ => {
                    self.mode = Mode::Browse;
                    Outcome::Redraw
                }
            },
            Mode::ConfirmTest { name } => match k.code {
                KeyCode::Char('y') => {
                    let name = name.clone();
                    self.run(CredOp::Test { name })
                }
                _ => {
                    self.mode = Mode::Browse;
                    Outcome::Redraw
                }
            },
            Mode::ConfirmRevoke { name } => match k.code {
                KeyCode::Char('y') => {
                    let name = name.clone();
                    self.run(CredOp::Revoke { name })
                }
                _ => {
                    self.mode = Mode::Browse;
                    Outcome::Redraw
                }
            },
            Mode::Rotate { token, .. }
                if k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('u' | 'w')) =>
            {
                *token = TokenInput::default();
                Outcome::Redraw
            }
            Mode::Add { name, token, field, .. }
                if k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('u' | 'w')) =>
            {
                match field {
                    Field::Name => erase(name, k.code == KeyCode::Char('w')),
                    _ => *token = TokenInput::default(),
                }
                Outcome::Redraw
            }
            Mode::Rotate { name, token } => match k.code {
                KeyCode::Esc => {
                    self.mode = Mode::Browse;
                    self.dialog_error = None;
                    Outcome::Redraw
                }
                KeyCode::Enter if !token.is_empty() => {
                    let op = CredOp::Rotate {
                        name: name.clone(),
                        secret: token.sealed_copy(),
                    };
                    self.run(op)
                }
                KeyCode::Backspace => {
                    token.pop();
                    Outcome::Redraw
                }
                KeyCode::Char(c) => {
                    token.push_str(c.encode_utf8(&mut [0; 4]));
                    Outcome::Redraw
                }
                _ => Outcome::Nothing,
            },
            Mode::Add {
                name,
                provider,
                token,
                field,
            } => match (k.code, *field) {
                (KeyCode::Esc, _) => {
                    self.mode = Mode::Browse;
                    self.dialog_error = None;
                    Outcome::Redraw
                }
                (KeyCode::Tab | KeyCode::Down, f) => {
                    *field = match f {
                        Field::Name => Field::Provider,
                        Field::Provider => Field::Token,
                        Field::Token => Field::Name,
                    };
                    Outcome::Redraw
                }
                (KeyCode::BackTab | KeyCode::Up, f) => {
                    *field = match f {
                        Field::Name => Field::Token,
                        Field::Provider => Field::Name,
                        Field::Token => Field::Provider,
                    };
                    Outcome::Redraw
                }
                (KeyCode::Left, Field::Provider | Field::Token) => {
                    *provider = (*provider + source::keyed_all().len() - 1) % source::keyed_all().len();
                    Outcome::Redraw
                }
                (KeyCode::Right, Field::Provider | Field::Token) | (KeyCode::Char(' '), Field::Provider) => {
                    *provider = (*provider + 1) % source::keyed_all().len();
                    Outcome::Redraw
                }
                (KeyCode::Enter, _) if valid_name(name) && !token.is_empty() => {
                    let op = CredOp::Add {
                        name: name.clone(),
                        provider: Self::provider_at(*provider).name,
                        secret: token.sealed_copy(),
                    };
                    self.run(op)
                }
                (KeyCode::Enter, _) => {
                    self.message = Some((
                        false,
                        if valid_name(name) {
                            "paste or type the token first".into()
                        } else {
                            crate::config::names::check(name)
                                .err()
                                .map(|e| e.to_string())
                                .unwrap_or_default()
                        },
                    ));
                    Outcome::Redraw
                }
                (KeyCode::Backspace, Field::Name) => {
                    name.pop();
                    Outcome::Redraw
                }
                (KeyCode::Backspace, Field::Token) => {
                    token.pop();
                    Outcome::Redraw
                }
                (KeyCode::Char(c), Field::Name) => {
                    name.push(c);
                    Outcome::Redraw
                }
                (KeyCode::Char(c), Field::Token) => {
                    token.push_str(c.encode_utf8(&mut [0; 4]));
                    Outcome::Redraw
                }
                _ => Outcome::Nothing,
            },
        }
    }

    /// Bracketed paste goes into the focused text field.
    pub fn paste(&mut self, text: &str) -> Outcome {
        match &mut self.mode {
            Mode::Add {
                token,
                field: Field::Token,
                ..
            }
            | Mode::Rotate { token, .. } => {
                token.push_str(text);
                Outcome::Redraw
            }
            Mode::Add {
                name,
                field: Field::Name,
                ..
            } => {
                name.push_str(text.trim());
                Outcome::Redraw
            }
            _ => Outcome::Nothing,
        }
    }

    fn run(&mut self, op: CredOp) -> Outcome {
        let what = format!("{} {}…", op.verb(), op.name());
        let from = std::mem::replace(&mut self.mode, Mode::Browse);
        let back = matches!(from, Mode::Add { .. } | Mode::Rotate { .. }).then(|| Box::new(from));
        self.mode = Mode::Busy { what, back };
        self.message = None;
        self.dialog_error = None;
        Outcome::Run(op)
    }

    /// The running login's news: shown in its dialog.
    pub fn login_progress(&mut self, lines: Vec<String>) {
        if let Mode::Login { lines: shown, .. } = &mut self.mode {
            *shown = lines;
        }
    }

    /// The worker finished. A dialog whose action failed is shown again,
    /// with what was typed in it and the whole error.
    pub fn done(&mut self, ok: bool, text: String) {
        let back = match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Busy { back, .. } => back,
            _ => None,
        };
        match back {
            Some(dialog) if !ok => {
                self.mode = *dialog;
                self.dialog_error = Some(text);
            }
            _ => {
                self.dialog_error = None;
                self.message = Some((ok, text));
            }
        }
    }
}

impl Default for CredScreen {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn typed(s: &mut CredScreen, text: &str, names: &[String]) {
        for c in text.chars() {
            s.key(k(KeyCode::Char(c)), names, &[], &[], &[]);
        }
    }

    #[test]
    fn add_by_paste_never_shows_or_debugs_the_token() {
        let names = vec!["fh".to_string()];
        let mut s = CredScreen::new();
        assert_eq!(s.key(k(KeyCode::Char('a')), &names, &[], &[], &[]), Outcome::Redraw);
        assert_eq!(s.paste("hd-canary-screen-0123456789\n"), Outcome::Redraw);
        let Mode::Add { token, name, .. } = &s.mode else {
            panic!()
        };
        assert_eq!(name, "fh", "the selected row");
        assert_eq!(token.masked(), "•".repeat(27));
        assert!(!format!("{s:?}").contains("canary"), "{s:?}");
        let out = s.key(k(KeyCode::Enter), &names, &[], &[], &[]);
        let Outcome::Run(op) = out else { panic!("{out:?}") };
        assert_eq!(
            op,
            CredOp::Add {
                name: "fh".into(),
                provider: "finnhub",
                secret: TokenInput::typed("hd-canary-screen-0123456789"),
            }
        );
        assert!(!format!("{op:?}").contains("canary"));
        assert!(matches!(s.mode, Mode::Busy { .. }));
        s.done(true, "stored".into());
        assert!(matches!(s.mode, Mode::Browse));
    }

    #[test]
    fn add_starts_on_the_selected_rows_provider_and_arrows_pick_another() {
        let names = vec!["fh".to_string(), "wx".to_string()];
        let providers = vec!["finnhub".to_string(), "weatherapi".to_string()];
        let mut s = CredScreen::new();
        s.key(k(KeyCode::Down), &names, &providers, &[], &[]);
        s.key(k(KeyCode::Char('a')), &names, &providers, &[], &[]);
        let Mode::Add { name, provider, .. } = &s.mode else {
            panic!()
        };
        assert_eq!(
            (name.as_str(), CredScreen::provider_at(*provider).name),
            ("wx", "weatherapi")
        );
        s.key(k(KeyCode::Right), &names, &providers, &[], &[]);
        let Mode::Add { provider: next, .. } = &s.mode else {
            panic!()
        };
        assert_ne!(
            CredScreen::provider_at(*next).name,
            "weatherapi",
            "→ on the token field picks the next provider"
        );
    }

    #[test]
    fn a_test_that_spends_quota_asks_first() {
        let names = vec!["av".to_string()];
        let providers = vec!["alphavantage".to_string()];
        let mut s = CredScreen::new();
        assert_eq!(
            s.key(k(KeyCode::Char('t')), &names, &providers, &[], &[]),
            Outcome::Redraw
        );
        assert!(matches!(s.mode, Mode::ConfirmTest { .. }));
        assert_eq!(
            s.key(k(KeyCode::Char('y')), &names, &providers, &[], &[]),
            Outcome::Run(CredOp::Test { name: "av".into() })
        );
    }

    #[test]
    fn browse_keys_and_revoke_asks_first() {
        let names = vec!["a".to_string(), "b".to_string()];
        let mut s = CredScreen::new();
        s.key(k(KeyCode::Down), &names, &[], &[], &[]);
        assert_eq!(s.selected, 1);
        assert_eq!(s.key(k(KeyCode::Down), &names, &[], &[], &[]), Outcome::Nothing);
        assert_eq!(
            s.key(k(KeyCode::Char('t')), &names, &[], &[], &[]),
            Outcome::Run(CredOp::Test { name: "b".into() })
        );
        s.done(true, "valid".into());
        s.key(k(KeyCode::Char('d')), &names, &[], &[], &[]);
        assert_eq!(
            s.key(k(KeyCode::Char('n')), &names, &[], &[], &[]),
            Outcome::Redraw,
            "anything but y cancels"
        );
        assert!(matches!(s.mode, Mode::Browse));
        s.key(k(KeyCode::Char('d')), &names, &[], &[], &[]);
        assert_eq!(
            s.key(k(KeyCode::Char('y')), &names, &[], &[], &[]),
            Outcome::Run(CredOp::Revoke { name: "b".into() })
        );
        s.done(true, "revoked".into());
        s.key(k(KeyCode::Char('r')), &names, &[], &[], &[]);
        typed(&mut s, "new-token", &names);
        s.key(k(KeyCode::Backspace), &names, &[], &[], &[]);
        assert_eq!(
            s.key(k(KeyCode::Enter), &names, &[], &[], &[]),
            Outcome::Run(CredOp::Rotate {
                name: "b".into(),
                secret: TokenInput::typed("new-toke")
            })
        );
        // It failed: the dialog is back with what was typed, and why.
        s.done(false, "the keyring is locked".into());
        let Mode::Rotate { token, .. } = &s.mode else {
            panic!("{:?}", s.mode)
        };
        assert_eq!(token.len(), 8, "nothing typed is lost");
        assert_eq!(s.dialog_error.as_deref(), Some("the keyring is locked"));
        assert_eq!(s.key(k(KeyCode::Esc), &names, &[], &[], &[]), Outcome::Redraw);
        assert_eq!(s.dialog_error, None);
        assert_eq!(s.key(k(KeyCode::Char('q')), &names, &[], &[], &[]), Outcome::Quit);
        assert_eq!(s.key(k(KeyCode::Esc), &names, &[], &[], &[]), Outcome::Close);
    }

    #[test]
    fn ctrl_u_and_ctrl_w_erase_as_in_a_shell() {
        let mut s = String::from("pass show homedash/fh  ");
        erase(&mut s, true);
        assert_eq!(s, "pass show ");
        erase(&mut s, true);
        assert_eq!(s, "pass ");
        erase(&mut s, false);
        assert_eq!(s, "");
        let mut c = CredScreen::new();
        c.key(k(KeyCode::Char('a')), &[], &[], &[], &[]);
        c.paste("hd-canary-erase-0123456789");
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(c.key(ctrl_u, &[], &[], &[], &[]), Outcome::Redraw);
        let Mode::Add { token, .. } = &c.mode else { panic!() };
        assert!(token.is_empty(), "Ctrl-U cleared the token, and typed no 'u'");
    }

    #[test]
    fn add_form_fields_and_validation() {
        let mut s = CredScreen::new();
        s.key(k(KeyCode::Char('a')), &[], &[], &[], &[]);
        s.key(k(KeyCode::BackTab), &[], &[], &[], &[]);
        s.key(k(KeyCode::BackTab), &[], &[], &[], &[]);
        for _ in 0.."finnhub".len() {
            s.key(k(KeyCode::Backspace), &[], &[], &[], &[]);
        }
        typed(&mut s, "my key", &[]);
        s.key(k(KeyCode::Tab), &[], &[], &[], &[]);
        s.key(k(KeyCode::Tab), &[], &[], &[], &[]);
        typed(&mut s, "tok", &[]);
        assert_eq!(s.key(k(KeyCode::Enter), &[], &[], &[], &[]), Outcome::Redraw);
        assert!(s.message.as_ref().unwrap().1.contains("letters, digits"));
    }
}
