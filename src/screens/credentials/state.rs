//! The Credentials screen's state and keys. Like `App::update` it does no
//! I/O: each action leaves as a `CredOp` for the credential worker.

use homedash_widgets::provider::Provider;
use homedash_widgets::source;

use crate::credentials::TokenInput;
use crate::keymap::{Action, Input, KeyMap, Scope};
use crate::ui::edit::erase;

use crate::workers::credentials::{CredOp, Showing};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Provider,
    Token,
}

impl Field {
    fn next(self) -> Field {
        match self {
            Field::Name => Field::Provider,
            Field::Provider => Field::Token,
            Field::Token => Field::Name,
        }
    }

    fn previous(self) -> Field {
        match self {
            Field::Name => Field::Token,
            Field::Provider => Field::Name,
            Field::Token => Field::Provider,
        }
    }
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
    /// code, a URL, a QR code). The form's cancel key cancels it.
    Login {
        name: String,
        showing: Showing,
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

/// The selected row, as the list's actions need it.
struct Row {
    name: Option<String>,
    /// Its provider's place among the keyed providers.
    provider: Option<usize>,
    /// Origins the config sends it to that wait for approval.
    pending: Vec<String>,
    oauth: bool,
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

    /// Where the screen reads its keys now, and whether printable keys
    /// type (a dialog's text field).
    pub fn reading(&self) -> (Scope, bool) {
        match self.mode {
            Mode::Browse | Mode::Busy { .. } => (Scope::Credentials, false),
            Mode::Add { .. } | Mode::Rotate { .. } => (Scope::Form, true),
            Mode::Login { .. } => (Scope::Form, false),
            Mode::ConfirmApprove { .. } | Mode::ConfirmTest { .. } | Mode::ConfirmRevoke { .. } => {
                (Scope::Confirm, false)
            }
        }
    }

    /// `input` read where `reading` says. `names` are the rows on screen,
    /// in order, `providers` theirs, `pending` the origins each is sent to
    /// without approval, and `oauth` whether each is an OAuth credential.
    pub fn key(
        &mut self,
        input: Input,
        keys: &KeyMap,
        names: &[String],
        providers: &[String],
        pending: &[Vec<String>],
        oauth: &[bool],
    ) -> Outcome {
        let selected = names.get(self.selected).cloned();
        match &mut self.mode {
            Mode::Busy { .. } => Outcome::Nothing,
            Mode::Login { name, .. } => match input {
                Input::Act(Action::Cancel) => {
                    let name = name.clone();
                    self.mode = Mode::Busy {
                        what: format!("cancelling the login of {name}…"),
                        back: None,
                    };
                    Outcome::Run(CredOp::CancelLogin { name })
                }
                _ => Outcome::Nothing,
            },
            Mode::Browse => match input {
                Input::Act(a) => {
                    let row = Row {
                        name: selected,
                        provider: providers
                            .get(self.selected)
                            .and_then(|p| source::keyed_all().iter().position(|k| k.name == p)),
                        pending: pending.get(self.selected).cloned().unwrap_or_default(),
                        oauth: oauth.get(self.selected).copied().unwrap_or(false),
                    };
                    self.browse(a, row, names.len(), keys)
                }
                _ => Outcome::Nothing,
            },
            Mode::ConfirmApprove { .. } | Mode::ConfirmTest { .. } | Mode::ConfirmRevoke { .. } => {
                self.confirm(input == Input::Act(Action::Yes))
            }
            Mode::Rotate { .. } | Mode::Add { .. } => self.form(input),
        }
    }

    /// An action on the list.
    fn browse(&mut self, a: Action, row: Row, rows: usize, keys: &KeyMap) -> Outcome {
        let key = |a| keys.first(Scope::Credentials, a);
        // The demo's actions all say the same, at once.
        if self.demo
            && matches!(
                a,
                Action::Add
                    | Action::Test
                    | Action::Rotate
                    | Action::Keep
                    | Action::Rollback
                    | Action::Revoke
                    | Action::Approve
                    | Action::Login
            )
        {
            self.message = Some((false, DEMO_NOTE.into()));
            return Outcome::Redraw;
        }
        match (a, row.name) {
            (Action::Close, _) => Outcome::Close,
            (Action::Quit, _) => Outcome::Quit,
            (Action::Down, _) if self.selected + 1 < rows => {
                self.selected += 1;
                Outcome::Redraw
            }
            (Action::Up, _) if self.selected > 0 => {
                self.selected -= 1;
                Outcome::Redraw
            }
            (Action::Login, Some(name)) if row.oauth => {
                self.mode = Mode::Login {
                    name: name.clone(),
                    showing: Showing::default(),
                };
                self.message = None;
                Outcome::Run(CredOp::Login { name })
            }
            (Action::Login, Some(name)) => {
                self.message = Some((
                    false,
                    format!(
                        "{name} is not an OAuth credential: {} adds a token, {} rotates it",
                        key(Action::Add),
                        key(Action::Rotate)
                    ),
                ));
                Outcome::Redraw
            }
            (Action::Add | Action::Rotate | Action::Keep | Action::Rollback, Some(name)) if row.oauth => {
                self.message = Some((
                    false,
                    format!(
                        "{name} is an OAuth credential: {} logs in, and its tokens renew on their own",
                        key(Action::Login)
                    ),
                ));
                Outcome::Redraw
            }
            (Action::Add, sel) => {
                // The selected row is most often the one that needs a token.
                let provider = row.provider.unwrap_or(0);
                let name = sel.unwrap_or_else(|| Self::provider_at(provider).name.into());
                self.mode = Mode::Add {
                    name,
                    provider,
                    token: TokenInput::default(),
                    field: Field::Token,
                };
                Outcome::Redraw
            }
            (Action::Test, Some(name)) => {
                let costly = row
                    .provider
                    .map(Self::provider_at)
                    .is_some_and(|p| p.probe_spends_quota);
                if costly {
                    self.mode = Mode::ConfirmTest { name };
                    Outcome::Redraw
                } else {
                    self.run(CredOp::Test { name })
                }
            }
            (Action::Rotate, Some(name)) => {
                self.mode = Mode::Rotate {
                    name,
                    token: TokenInput::default(),
                };
                Outcome::Redraw
            }
            (Action::Keep, Some(name)) => self.run(CredOp::Confirm { name }),
            (Action::Rollback, Some(name)) => self.run(CredOp::Rollback { name }),
            (Action::Revoke, Some(name)) => {
                self.mode = Mode::ConfirmRevoke { name };
                Outcome::Redraw
            }
            (Action::Approve, Some(name)) if row.pending.is_empty() => {
                self.message = Some((
                    true,
                    format!("nothing waits for approval: every origin the config sends {name} to is approved"),
                ));
                Outcome::Redraw
            }
            (Action::Approve, Some(name)) => {
                self.mode = Mode::ConfirmApprove {
                    name,
                    origins: row.pending,
                };
                Outcome::Redraw
            }
            _ => Outcome::Nothing,
        }
    }

    /// A yes/no dialog: yes runs its operation, anything else goes back.
    fn confirm(&mut self, yes: bool) -> Outcome {
        let op = match (&self.mode, yes) {
            (Mode::ConfirmApprove { name, origins }, true) => CredOp::Allow {
                name: name.clone(),
                origins: origins.clone(),
            },
            (Mode::ConfirmTest { name }, true) => CredOp::Test { name: name.clone() },
            (Mode::ConfirmRevoke { name }, true) => CredOp::Revoke { name: name.clone() },
            _ => {
                self.mode = Mode::Browse;
                return Outcome::Redraw;
            }
        };
        self.run(op)
    }

    /// A key in the add or rotate dialog.
    fn form(&mut self, input: Input) -> Outcome {
        if input == Input::Act(Action::Cancel) {
            self.mode = Mode::Browse;
            self.dialog_error = None;
            return Outcome::Redraw;
        }
        match &mut self.mode {
            Mode::Rotate { name, token } => match input {
                Input::Act(Action::Submit) if !token.is_empty() => {
                    let op = CredOp::Rotate {
                        name: name.clone(),
                        secret: token.sealed_copy(),
                    };
                    self.run(op)
                }
                // A token has no words: both clear it.
                Input::Act(Action::EraseField | Action::EraseWord) => {
                    *token = TokenInput::default();
                    Outcome::Redraw
                }
                Input::Act(Action::EraseChar) => {
                    token.pop();
                    Outcome::Redraw
                }
                Input::Text(c) => {
                    token.push_str(c.encode_utf8(&mut [0; 4]));
                    Outcome::Redraw
                }
                _ => Outcome::Nothing,
            },
            Mode::Add { .. } if input == Input::Act(Action::Submit) => self.submit_add(),
            Mode::Add {
                name,
                provider,
                token,
                field,
            } => {
                let n = source::keyed_all().len();
                match (input, *field) {
                    (Input::Act(a @ (Action::EraseField | Action::EraseWord)), Field::Name) => {
                        erase(name, a == Action::EraseWord)
                    }
                    (Input::Act(Action::EraseField | Action::EraseWord), _) => *token = TokenInput::default(),
                    (Input::Act(Action::NextField), f) => *field = f.next(),
                    (Input::Act(Action::PreviousField), f) => *field = f.previous(),
                    (Input::Act(Action::PreviousChoice), Field::Provider | Field::Token) => {
                        *provider = (*provider + n - 1) % n
                    }
                    (Input::Act(Action::NextChoice), Field::Provider | Field::Token)
                    | (Input::Text(' '), Field::Provider) => *provider = (*provider + 1) % n,
                    (Input::Act(Action::EraseChar), Field::Name) => {
                        name.pop();
                    }
                    (Input::Act(Action::EraseChar), Field::Token) => token.pop(),
                    (Input::Text(c), Field::Name) => name.push(c),
                    (Input::Text(c), Field::Token) => token.push_str(c.encode_utf8(&mut [0; 4])),
                    _ => return Outcome::Nothing,
                }
                Outcome::Redraw
            }
            _ => Outcome::Nothing,
        }
    }

    /// Enter in the add dialog: store and test, or say what is missing.
    fn submit_add(&mut self) -> Outcome {
        let Mode::Add {
            name, provider, token, ..
        } = &self.mode
        else {
            return Outcome::Nothing;
        };
        if valid_name(name) && !token.is_empty() {
            let op = CredOp::Add {
                name: name.clone(),
                provider: Self::provider_at(*provider).name,
                secret: token.sealed_copy(),
            };
            return self.run(op);
        }
        let why = if valid_name(name) {
            "paste or type the token first".into()
        } else {
            crate::config::names::check(name)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        self.message = Some((false, why));
        Outcome::Redraw
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
    pub fn login_progress(&mut self, now: Showing) {
        if let Mode::Login { showing, .. } = &mut self.mode {
            *showing = now;
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
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    /// A key press as the dashboard hands it to the screen, on the
    /// default keys.
    fn press(
        s: &mut CredScreen,
        e: KeyEvent,
        names: &[String],
        providers: &[String],
        pending: &[Vec<String>],
        oauth: &[bool],
    ) -> Outcome {
        let keys = KeyMap::default();
        let (scope, typing) = s.reading();
        let Some(key) = crate::ui::keys::key_of(&e) else {
            return Outcome::Nothing;
        };
        s.key(keys.read(scope, key, typing), &keys, names, providers, pending, oauth)
    }

    fn typed(s: &mut CredScreen, text: &str, names: &[String]) {
        for c in text.chars() {
            press(s, k(KeyCode::Char(c)), names, &[], &[], &[]);
        }
    }

    #[test]
    fn add_by_paste_never_shows_or_debugs_the_token() {
        let names = vec!["fh".to_string()];
        let mut s = CredScreen::new();
        assert_eq!(
            press(&mut s, k(KeyCode::Char('a')), &names, &[], &[], &[]),
            Outcome::Redraw
        );
        assert_eq!(s.paste("hd-canary-screen-0123456789\n"), Outcome::Redraw);
        let Mode::Add { token, name, .. } = &s.mode else {
            panic!()
        };
        assert_eq!(name, "fh", "the selected row");
        assert_eq!(token.masked(), "•".repeat(27));
        assert!(!format!("{s:?}").contains("canary"), "{s:?}");
        let out = press(&mut s, k(KeyCode::Enter), &names, &[], &[], &[]);
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
        press(&mut s, k(KeyCode::Down), &names, &providers, &[], &[]);
        press(&mut s, k(KeyCode::Char('a')), &names, &providers, &[], &[]);
        let Mode::Add { name, provider, .. } = &s.mode else {
            panic!()
        };
        assert_eq!(
            (name.as_str(), CredScreen::provider_at(*provider).name),
            ("wx", "weatherapi")
        );
        press(&mut s, k(KeyCode::Right), &names, &providers, &[], &[]);
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
            press(&mut s, k(KeyCode::Char('t')), &names, &providers, &[], &[]),
            Outcome::Redraw
        );
        assert!(matches!(s.mode, Mode::ConfirmTest { .. }));
        assert_eq!(
            press(&mut s, k(KeyCode::Char('y')), &names, &providers, &[], &[]),
            Outcome::Run(CredOp::Test { name: "av".into() })
        );
    }

    #[test]
    fn browse_keys_and_revoke_asks_first() {
        let names = vec!["a".to_string(), "b".to_string()];
        let mut s = CredScreen::new();
        press(&mut s, k(KeyCode::Down), &names, &[], &[], &[]);
        assert_eq!(s.selected, 1);
        assert_eq!(press(&mut s, k(KeyCode::Down), &names, &[], &[], &[]), Outcome::Nothing);
        assert_eq!(
            press(&mut s, k(KeyCode::Char('t')), &names, &[], &[], &[]),
            Outcome::Run(CredOp::Test { name: "b".into() })
        );
        s.done(true, "valid".into());
        press(&mut s, k(KeyCode::Char('d')), &names, &[], &[], &[]);
        assert_eq!(
            press(&mut s, k(KeyCode::Char('n')), &names, &[], &[], &[]),
            Outcome::Redraw,
            "anything but y cancels"
        );
        assert!(matches!(s.mode, Mode::Browse));
        press(&mut s, k(KeyCode::Char('d')), &names, &[], &[], &[]);
        assert_eq!(
            press(&mut s, k(KeyCode::Char('y')), &names, &[], &[], &[]),
            Outcome::Run(CredOp::Revoke { name: "b".into() })
        );
        s.done(true, "revoked".into());
        press(&mut s, k(KeyCode::Char('r')), &names, &[], &[], &[]);
        typed(&mut s, "new-token", &names);
        press(&mut s, k(KeyCode::Backspace), &names, &[], &[], &[]);
        assert_eq!(
            press(&mut s, k(KeyCode::Enter), &names, &[], &[], &[]),
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
        assert_eq!(press(&mut s, k(KeyCode::Esc), &names, &[], &[], &[]), Outcome::Redraw);
        assert_eq!(s.dialog_error, None);
        assert_eq!(
            press(&mut s, k(KeyCode::Char('q')), &names, &[], &[], &[]),
            Outcome::Quit
        );
        assert_eq!(press(&mut s, k(KeyCode::Esc), &names, &[], &[], &[]), Outcome::Close);
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
        press(&mut c, k(KeyCode::Char('a')), &[], &[], &[], &[]);
        c.paste("hd-canary-erase-0123456789");
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(press(&mut c, ctrl_u, &[], &[], &[], &[]), Outcome::Redraw);
        let Mode::Add { token, .. } = &c.mode else { panic!() };
        assert!(token.is_empty(), "Ctrl-U cleared the token, and typed no 'u'");
    }

    #[test]
    fn add_form_fields_and_validation() {
        let mut s = CredScreen::new();
        press(&mut s, k(KeyCode::Char('a')), &[], &[], &[], &[]);
        press(&mut s, k(KeyCode::BackTab), &[], &[], &[], &[]);
        press(&mut s, k(KeyCode::BackTab), &[], &[], &[], &[]);
        for _ in 0.."finnhub".len() {
            press(&mut s, k(KeyCode::Backspace), &[], &[], &[], &[]);
        }
        typed(&mut s, "my key", &[]);
        press(&mut s, k(KeyCode::Tab), &[], &[], &[], &[]);
        press(&mut s, k(KeyCode::Tab), &[], &[], &[], &[]);
        typed(&mut s, "tok", &[]);
        assert_eq!(press(&mut s, k(KeyCode::Enter), &[], &[], &[], &[]), Outcome::Redraw);
        assert!(s.message.as_ref().unwrap().1.contains("letters, digits"));
    }
}
