//! What the wizard does with its worker's replies: places found, keys
//! looked up, tested and stored, tries, the config written.

use homedash_widgets::weather::geocoding::Place;
use homedash_widgets::{ErrorClass, FetchError};

use crate::credentials::SecretSource;
use crate::keymap::{Action, Scope};
use crate::setup::error::SetupError;
use crate::setup::state::{Cmd, Exit, Flow, KeyState, LocField, Wizard};
use crate::setup::worker::{Op, Reply, Stored, TryWhat, Verdict};
use crate::workers::credentials::Showing;

impl Wizard {
    /// Results of the worker.
    pub fn on(&mut self, reply: Reply) -> Flow {
        match reply {
            Reply::Places { query, result } => self.places(query, result),
            Reply::Found(found) => return self.found(found),
            Reply::Stored { name, result } => self.stored(&name, result),
            Reply::Unconfirmed { name, text, secret } => {
                if let Some(p) = self.creds.iter_mut().find(|c| c.answers(&name)) {
                    p.token.refill(&secret);
                    p.state = KeyState::Unconfirmed(text);
                    // Offline, a right key and a wrong one look alike: say
                    // the key was not tried, not that it failed.
                    self.note = Some((
                        false,
                        format!(
                            "the key could not be tried, so it is not stored yet: check the endpoint and the network, or press {} again to store it untested",
                            self.key_of(Action::Next)
                        ),
                    ));
                }
            }
            Reply::Checked { name, ok, text } => {
                if let Some(p) = self.creds.iter_mut().find(|c| c.name == name) {
                    p.state = match &p.state {
                        // A key this run stored, refused where the endpoint
                        // now points: not kept as it is.
                        KeyState::Existing { .. } if p.created && !ok => KeyState::Failed(format!(
                            "{text}: fix the endpoint and press {} to test it again, or paste the key again",
                            self.keys.first(Scope::Wizard, Action::Next)
                        )),
                        KeyState::Existing { fingerprint, .. } => KeyState::Existing {
                            fingerprint: fingerprint.clone(),
                            test: Some((ok, text)),
                        },
                        _ => KeyState::Tested { ok, text },
                    };
                }
            }
            Reply::Tried { what, key, lines } => self.tried(what, &key, lines),
            Reply::Written(Ok(())) => {
                self.writing = false;
                return Flow::exit(Exit::Written(self.path.clone()));
            }
            Reply::Written(Err(e)) => {
                self.writing = false;
                self.note = Some((
                    false,
                    format!(
                        "{e}; nothing is lost: fix it and press {} again",
                        self.key_of(Action::Next)
                    ),
                ));
            }
            Reply::LoginProgress { name, showing } => {
                if let Some(p) = self.creds.iter_mut().find(|c| c.name == name) {
                    p.login = showing;
                }
            }
            Reply::Discarded(problems) => {
                if !problems.is_empty() {
                    self.note = Some((false, format!("could not delete: {}", problems.join("; "))));
                }
            }
        }
        Flow::redraw()
    }

    /// A place search's answer.
    fn places(&mut self, query: String, result: Result<Vec<Place>, FetchError>) {
        let field = self.key_of(Action::Field);
        let l = &mut self.location;
        l.busy = false;
        match result {
            Ok(places) if places.is_empty() => {
                l.results.clear();
                l.searched = None;
                self.note = Some((
                    false,
                    format!(
                        "no place called \"{query}\"; try another spelling, or {field} to enter latitude and longitude"
                    ),
                ));
            }
            Ok(places) => {
                let n = places.len();
                l.results = places;
                l.selected = 0;
                l.searched = Some(query);
                self.note = Some((
                    true,
                    format!(
                        "{n} found: {} to pick, {} to use it",
                        self.keys.pair(Scope::Wizard, Action::Up, Action::Down),
                        self.key_of(Action::Next)
                    ),
                ));
            }
            Err(e) => {
                l.results.clear();
                l.searched = None;
                l.field = LocField::Latitude;
                let offline = matches!(e.class, ErrorClass::Offline | ErrorClass::Timeout | ErrorClass::Tls);
                self.note = Some((
                    false,
                    format!(
                        "the place search failed ({e}){}: type the latitude and longitude instead",
                        if offline { ", perhaps offline" } else { "" }
                    ),
                ));
            }
        }
    }

    /// Per name, the fingerprint of its stored token: a key from an earlier
    /// run is tested, so the user knows whether keeping it is wise.
    fn found(&mut self, found: Vec<(String, Result<Option<String>, SetupError>)>) -> Flow {
        let mut flow = Flow::redraw();
        for (name, fp) in found {
            let base = match self.creds.iter().find(|c| c.name == name) {
                Some(p) => self.base_for(p.provider.name),
                None => continue,
            };
            let Some(p) = self.creds.iter_mut().find(|c| c.name == name) else {
                continue;
            };
            p.existed = matches!(fp, Ok(Some(_)));
            p.state = match fp {
                // A login from an earlier run: its record is not a
                // token to test as one; Enter keeps it.
                Ok(Some(fingerprint)) if p.is_oauth() => KeyState::Existing {
                    fingerprint,
                    test: Some((true, "logged in before this setup".into())),
                },
                Ok(Some(fingerprint)) => {
                    // A key from an earlier run: test it, so the user
                    // knows whether keeping it is wise.
                    p.tested_at = Some(p.endpoint.trim().to_string());
                    flow.cmds.push(Cmd::Op(Op::Check {
                        name: p.name.clone(),
                        provider: p.provider.name,
                        base,
                        source: SecretSource::Keyring,
                    }));
                    KeyState::Existing {
                        fingerprint,
                        test: None,
                    }
                }
                Ok(None) => KeyState::Absent,
                Err(e) => KeyState::KeyringError(e.to_string()),
            };
        }
        flow
    }

    fn stored(&mut self, name: &str, result: Result<Stored, SetupError>) {
        if let Some(p) = self.creds.iter_mut().find(|c| c.answers(name)) {
            p.login = Showing::default();
            // The page's own line says how it went; a note about an
            // earlier try would contradict it.
            self.note = None;
            p.state = match result {
                Ok(s) => {
                    // A login again over one from before the run replaced
                    // it: a cancel that deleted it would leave none.
                    p.created = !(p.existed && name == p.name);
                    p.stored_as = Some(name.to_string());
                    KeyState::Stored {
                        fingerprint: s.fingerprint,
                        ok: s.ok,
                        text: s.text,
                    }
                }
                Err(e) => {
                    p.created = false;
                    KeyState::Failed(e.to_string())
                }
            };
        }
    }

    /// A try's verdicts, if it is still the try on screen.
    fn tried(&mut self, what: TryWhat, key: &str, lines: Vec<(Verdict, String)>) {
        let t = match what {
            TryWhat::Symbols => &mut self.symbols_tried,
            TryWhat::Metrics => &mut self.metrics.tried,
        };
        if t.key.as_deref() == Some(key) {
            t.busy = false;
            t.lines = lines;
            let wrong = t.lines.iter().any(|(v, _)| *v == Verdict::Wrong);
            self.note = Some(if wrong {
                (
                    false,
                    format!("fix what is marked ✗, then {} to try again", self.key_of(Action::Next)),
                )
            } else {
                (true, format!("{} to go on", self.key_of(Action::Next)))
            });
        }
    }
}
