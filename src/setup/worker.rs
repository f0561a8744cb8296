//! The wizard's slow work, off the UI path: place search, live tries of
//! symbols and queries, testing and storing keys, writing the config, and
//! deleting again what a cancelled setup stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::Lease;
use crate::credentials::Sealed;
use crate::workers::credentials::{LiveShowing, Showing};
use chrono::Utc;
use homedash_widgets::provider::{Provider, Verdict as ProbeVerdict};
use homedash_widgets::weather::geocoding::{self, Place};
use homedash_widgets::{Data, ErrorClass, FetchError, Source};
use tokio::sync::{Mutex, mpsc};
use url::Url;

use super::error::SetupError;
use super::plan::ViaGateway;
use crate::config::write::Edit;
use crate::credentials::Manager;
use crate::credentials::SecretSource;
use crate::net::destinations::{self, Destinations};
use crate::net::http::Http;

const TRY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryWhat {
    Symbols,
    Metrics,
}

#[derive(Debug)]
pub enum Op {
    Search {
        base: Url,
        query: String,
    },
    /// Which of these names already have a token in the keyring.
    Lookup {
        names: Vec<String>,
    },
    /// Test `secret` against the provider; store it when the provider does
    /// not reject it.
    Store {
        name: String,
        provider: &'static str,
        base: Url,
        secret: Sealed,
        /// Store it even if the test cannot confirm it (a second Enter).
        force: bool,
        /// A private CA that signed `base`'s certificate (a gateway's).
        ca: Option<std::path::PathBuf>,
    },
    /// Read a credential from its env or command source and test it.
    Check {
        name: String,
        provider: &'static str,
        base: Url,
        source: SecretSource,
    },
    /// One poll of each source, labelled, with credential `cred` if any;
    /// through a gateway when `gateway` says so.
    Try {
        what: TryWhat,
        key: String,
        items: Vec<(String, Source)>,
        base: Url,
        cred: Option<(String, SecretSource)>,
        gateway: Option<ViaGateway>,
    },
    /// Write the config, then approve the origins the review showed for
    /// each credential (name, origin).
    Write {
        edit: Box<Edit>,
        approve: Vec<(String, String)>,
    },
    Discard {
        names: Vec<String>,
    },
    /// An OAuth provider's login: the client secret goes into the keyring
    /// (as `NAME#client`), the grant runs, and the tokens are stored.
    Login {
        name: String,
        provider: &'static str,
        oauth: Box<super::plan::OAuthPlan>,
        secret: Option<Sealed>,
    },
}

/// A try's verdict on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Good,
    /// Could not be checked (offline, rate-limited...): not the input's fault.
    Unchecked,
    /// The provider says the input is wrong.
    Wrong,
}

#[derive(Debug)]
pub enum Reply {
    Places {
        query: String,
        result: Result<Vec<Place>, FetchError>,
    },
    /// Per name, the fingerprint of its stored token, if any.
    Found(Vec<(String, Result<Option<String>, SetupError>)>),
    Stored {
        name: String,
        result: Result<Stored, SetupError>,
    },
    /// The test could not confirm the key either way: not stored; the key
    /// comes back so the user can store it anyway, or fix the endpoint.
    Unconfirmed {
        name: String,
        text: String,
        secret: Sealed,
    },
    Checked {
        name: String,
        ok: bool,
        text: String,
    },
    Tried {
        what: TryWhat,
        key: String,
        lines: Vec<(Verdict, String)>,
    },
    Written(Result<(), SetupError>),
    Discarded(Vec<String>),
    /// What a login in progress asks of the person.
    LoginProgress {
        name: String,
        showing: Showing,
    },
}

/// A login's prompts, for the key page to put in words, sent whole as
/// the Credentials screen's are (`Showing`).
struct Progress {
    name: String,
    tx: mpsc::Sender<Reply>,
    showing: LiveShowing,
}

impl crate::credentials::Show for Progress {
    fn show(&self, prompt: crate::credentials::Prompt) {
        let showing = self.showing.update(prompt);
        let _ = self.tx.try_send(Reply::LoginProgress {
            name: self.name.clone(),
            showing,
        });
    }
}

/// Why a key was not stored.
enum Refused {
    Failed(SetupError),
    Unconfirmed { text: String, secret: Sealed },
}

#[derive(Debug)]
pub struct Stored {
    pub fingerprint: String,
    /// The test's result: valid, or why it could not be confirmed.
    pub ok: bool,
    pub text: String,
}

struct Worker {
    http: Http,
    manager: Mutex<Manager>,
    /// Tokens this run stored or read, for its tries; dropped with the wizard.
    secrets: Mutex<HashMap<String, Sealed>>,
    tx: mpsc::Sender<Reply>,
}

pub fn spawn(manager: Manager, http: Http) -> (mpsc::Sender<Op>, mpsc::Receiver<Reply>) {
    let (op_tx, mut op_rx) = mpsc::channel::<Op>(16);
    let (tx, rx) = mpsc::channel(16);
    let w = Arc::new(Worker {
        http,
        manager: Mutex::new(manager),
        secrets: Mutex::new(HashMap::new()),
        tx,
    });
    tokio::spawn(async move {
        while let Some(op) = op_rx.recv().await {
            // Each op on its own: a slow search must not hold up a key test.
            let w = w.clone();
            tokio::spawn(async move {
                let reply = w.handle(op).await;
                let _ = w.tx.send(reply).await;
            });
        }
    });
    (op_tx, rx)
}

fn provider(name: &str) -> Result<&'static Provider, SetupError> {
    homedash_widgets::source::keyed(name).ok_or_else(|| SetupError::UnknownProvider(name.to_string()))
}

impl Worker {
    async fn handle(&self, op: Op) -> Reply {
        match op {
            Op::Search { base, query } => {
                let spec = geocoding::request(&base, &query);
                let result = match self.http.fetch(&spec, TRY_TIMEOUT, None).await {
                    Ok(reply) => geocoding::parse(&reply, Utc::now()),
                    Err(e) => Err(e),
                };
                Reply::Places { query, result }
            }
            Op::Lookup { names } => self.lookup(names).await,
            Op::Store {
                name,
                provider,
                base,
                secret,
                force,
                ca,
            } => match self.store(&name, provider, &base, secret, force, ca.as_deref()).await {
                Ok(stored) => Reply::Stored {
                    result: Ok(stored),
                    name,
                },
                Err(Refused::Failed(e)) => Reply::Stored { result: Err(e), name },
                Err(Refused::Unconfirmed { text, secret }) => Reply::Unconfirmed { name, text, secret },
            },
            Op::Login {
                name,
                provider,
                oauth,
                secret,
            } => {
                let result = self.login(&name, provider, &oauth, secret).await;
                Reply::Stored { name, result }
            }
            Op::Check {
                name,
                provider,
                base,
                source,
            } => self.check(name, provider, &base, &source).await,
            Op::Try {
                what,
                key,
                items,
                base,
                cred,
                gateway,
            } => self.try_all(what, key, items, &base, cred, gateway).await,
            Op::Write { edit, approve } => self.write(&edit, approve).await,
            Op::Discard { names } => self.discard(names).await,
        }
    }

    /// What is stored under each name: one answer per name; the first
    /// failure (a locked or missing keyring) is the answer for the rest too.
    async fn lookup(&self, names: Vec<String>) -> Reply {
        // One answer per name; the first failure (a locked or
        // missing keyring) is the answer for the rest too.
        let mut m = self.manager.lock().await;
        let mut failed: Option<SetupError> = None;
        let mut found = Vec::new();
        for name in names {
            let fingerprint = match &failed {
                Some(e) => Err(e.clone()),
                None => m.stored(&name).await.map_err(|e| {
                    let e = SetupError::from(e);
                    failed = Some(e.clone());
                    e
                }),
            };
            found.push((name, fingerprint));
        }
        Reply::Found(found)
    }

    /// Test a credential read from its source, afresh: the user may have
    /// just fixed the source.
    async fn check(&self, name: String, provider: &str, base: &Url, source: &SecretSource) -> Reply {
        // Always read afresh: the user may have just fixed the source.
        let (ok, text) = match self.read(&name, source).await {
            Ok(secret) => match homedash_widgets::source::keyed(provider) {
                Some(p) => {
                    let to = shown(p, base);
                    let r = self
                        .manager
                        .lock()
                        .await
                        .probe_sealed(&name, p, base, &secret, &to)
                        .await;
                    self.secrets.lock().await.insert(name.clone(), secret);
                    // Only `valid` is ok.
                    let v = homedash_widgets::provider::Verdict::of(&r);
                    (v.passed(), v.describe())
                }
                None => (false, SetupError::UnknownProvider(provider.to_string()).to_string()),
            },
            Err(e) => (false, e.to_string()),
        };
        Reply::Checked { name, ok, text }
    }

    /// Poll each item once, through the gateway when there is one, with the
    /// credential when there is one.
    async fn try_all(
        &self,
        what: TryWhat,
        key: String,
        items: Vec<(String, Source)>,
        base: &Url,
        cred: Option<(String, SecretSource)>,
        gateway: Option<ViaGateway>,
    ) -> Reply {
        let http = match gateway.as_ref().and_then(|g| Some((&g.url, g.ca.as_deref()?))) {
            Some((url, ca)) => match self.http.trusting_file(url, ca) {
                Ok(h) => h,
                Err(e) => {
                    return Reply::Tried {
                        what,
                        key,
                        lines: vec![(Verdict::Unchecked, format!("the gateway's CA: {e}"))],
                    };
                }
            },
            None => self.http.clone(),
        };
        let secret = match cred {
            Some((name, source)) => match self.secret(&name, &source).await {
                Ok(s) => Some((name, s)),
                Err(e) => {
                    return Reply::Tried {
                        what,
                        key,
                        lines: vec![(Verdict::Unchecked, format!("credential \"{name}\": {e}"))],
                    };
                }
            },
            None => None,
        };
        let mut lines = Vec::new();
        for (label, source) in items {
            let keyed = match gateway {
                Some(_) => Some(&homedash_widgets::gateway::PROVIDER),
                None => source.keyed(),
            };
            let lease = match (&secret, keyed) {
                (Some((name, s)), Some(p)) => Some(crate::credentials::trial_lease(name, s, shown(p, base))),
                _ => None,
            };
            let r = poll_once(&http, &source, base, lease.as_ref(), gateway.is_some()).await;
            lines.extend(describe(&label, r));
        }
        Reply::Tried { what, key, lines }
    }

    /// Write the config, then approve the origins the review showed.
    async fn write(&self, edit: &Edit, approve: Vec<(String, String)>) -> Reply {
        if let Err(e) = edit.save() {
            return Reply::Written(Err(SetupError::Write(Arc::new(e))));
        }
        let mut m = self.manager.lock().await;
        for (name, origin) in approve {
            if let Err(e) = m.approve(&name, std::slice::from_ref(&origin)).await {
                return Reply::Written(Err(SetupError::Approve {
                    name,
                    origin,
                    source: Arc::new(e),
                }));
            }
        }
        Reply::Written(Ok(()))
    }

    /// Delete what this setup stored, on a cancel.
    async fn discard(&self, names: Vec<String>) -> Reply {
        let mut problems = Vec::new();
        let mut m = self.manager.lock().await;
        for name in names {
            if let Err(e) = m.discard(&name).await {
                problems.push(format!("{name}: {e}"));
            }
        }
        Reply::Discarded(problems)
    }

    /// Store a key the provider proved valid; with `force`, also one its
    /// test could not confirm either way. A rejected key is never stored.
    /// Store the client secret, run the login, and say what it gave.
    async fn login(
        &self,
        name: &str,
        provider: &str,
        oauth: &super::plan::OAuthPlan,
        secret: Option<Sealed>,
    ) -> Result<Stored, SetupError> {
        let p = self::provider(provider)?;
        let o = oauth
            .config()
            .ok_or_else(|| SetupError::UnknownProvider(provider.to_string()))?;
        // Not the manager behind the lock: a login waits for a person.
        let mut m = self.manager.lock().await.clone();
        let account = crate::credentials::client_secret_account(name);
        // The client secret from before the run, put back if this login
        // fails.
        let before = match &secret {
            Some(_) => m.get_sealed(&account).await?,
            None => None,
        };
        if let Some(secret) = &secret {
            m.set_sealed(&account, secret).await?;
        }
        let cred = crate::config::CredentialConfig {
            oauth: Some(Box::new(o.clone())),
            ..crate::config::CredentialConfig::in_keyring(name, p)
        };
        let show = Progress {
            name: name.to_string(),
            tx: self.tx.clone(),
            showing: LiveShowing::default(),
        };
        let stored = match m.oauth_login(&cred, &o, &show).await {
            Ok(s) => s,
            Err(e) => {
                // Nothing of a failed login stays behind, and the client
                // secret from before the run is as it was.
                if secret.is_some() {
                    let _ = match &before {
                        Some(old) => m.set_sealed(&account, old).await,
                        None => m.delete(&account).await,
                    };
                }
                return Err(e.into());
            }
        };
        let fingerprint = stored.fingerprint().unwrap_or_default();
        Ok(Stored {
            fingerprint,
            ok: true,
            text: format!(
                "logged in{}",
                crate::credentials::oauth_facts(&stored, &o.scopes, Utc::now())
            ),
        })
    }

    async fn store(
        &self,
        name: &str,
        provider: &str,
        base: &Url,
        secret: Sealed,
        force: bool,
        ca: Option<&std::path::Path>,
    ) -> Result<Stored, Refused> {
        let p = self::provider(provider).map_err(Refused::Failed)?;
        let mut m = self.manager.lock().await;
        if let Some(ca) = ca {
            let http = self
                .http
                .trusting_file(base, ca)
                .map_err(|e| Refused::Failed(crate::credentials::CredError::from(e).into()))?;
            m.set_http(http);
        }
        let to = shown(p, base);
        let verdict = ProbeVerdict::of(&m.probe_sealed(name, p, base, &secret, &to).await);
        match &verdict {
            ProbeVerdict::Valid => {}
            ProbeVerdict::Unconfirmed { .. } if force => {}
            ProbeVerdict::Unconfirmed { .. } => {
                return Err(Refused::Unconfirmed {
                    text: format!("{} (not stored)", verdict.describe()),
                    secret,
                });
            }
            _ => return Err(Refused::Failed(SetupError::Refused(verdict.describe()))),
        }
        let fingerprint = m
            .add_sealed(name, p, &secret, to.approved())
            .await
            .map_err(|e| Refused::Failed(e.into()))?;
        self.secrets.lock().await.insert(name.to_string(), secret);
        Ok(Stored {
            fingerprint,
            ok: verdict.passed(),
            text: verdict.describe(),
        })
    }

    /// A token this run already has, else one read from its source.
    async fn secret(&self, name: &str, source: &SecretSource) -> Result<Sealed, SetupError> {
        if let Some(s) = self.secrets.lock().await.get(name) {
            return Ok(s.clone());
        }
        let s = self.read(name, source).await?;
        self.secrets.lock().await.insert(name.to_string(), s.clone());
        Ok(s)
    }

    /// The token of `name` as its source holds it now.
    async fn read(&self, name: &str, source: &SecretSource) -> Result<Sealed, SetupError> {
        match source {
            SecretSource::Keyring => self
                .manager
                .lock()
                .await
                .get_sealed(name)
                .await?
                .ok_or(SetupError::NotStored),
            other => Ok(crate::credentials::read_sealed(other, name).await?),
        }
    }
}

/// One poll of `source` at `base`: through a gateway, the client's token
/// goes as a bearer token and the gateway's refusals are read first.
async fn poll_once(
    http: &Http,
    source: &Source,
    base: &Url,
    lease: Option<&Lease>,
    via_gateway: bool,
) -> Result<Data, FetchError> {
    let now = Utc::now();
    let mut replies = Vec::new();
    for mut spec in source.requests(base, now) {
        if via_gateway {
            spec.auth = homedash_widgets::AuthPlacement::Bearer;
        }
        replies.push(http.fetch(&spec, TRY_TIMEOUT, lease.map(Lease::grant)).await?);
    }
    if via_gateway && let Some(e) = replies.iter().find_map(|r| homedash_widgets::gateway::refusal(r, now)) {
        return Err(e);
    }
    source.parse(&replies, now)
}

/// Where the wizard shows a key will be sent: the provider's own API and
/// the endpoint it sets the widget up with.
fn shown(p: &Provider, base: &Url) -> Destinations {
    let own = destinations::provider_origin(p);
    let origin = destinations::origin_of(base);
    let extra: Vec<String> = (own.as_deref() != Some(origin.as_str()))
        .then_some(origin)
        .into_iter()
        .collect();
    Destinations::new(p, &extra)
}

fn verdict(e: &FetchError) -> Verdict {
    match e.class {
        ErrorClass::Offline
        | ErrorClass::Timeout
        | ErrorClass::Tls
        | ErrorClass::RateLimited { .. }
        | ErrorClass::Server(_)
        | ErrorClass::TooLarge => Verdict::Unchecked,
        _ => Verdict::Wrong,
    }
}

/// What one try showed, a line per quote or series.
fn describe(label: &str, r: Result<Data, FetchError>) -> Vec<(Verdict, String)> {
    match r {
        Ok(Data::Quotes(q)) if q.quotes.is_empty() => vec![(Verdict::Wrong, format!("{label}: no quote"))],
        Ok(Data::Quotes(q)) => q
            .quotes
            .iter()
            .map(|q| {
                let cur = q.currency.as_deref().unwrap_or("");
                let pct = q.change_pct.map(|p| format!(" {p:+.2}%")).unwrap_or_default();
                (Verdict::Good, format!("{}: {:.2} {cur}{pct}", q.symbol, q.price))
            })
            .collect(),
        Ok(Data::Metrics(m)) if m.readings.is_empty() => {
            vec![(Verdict::Wrong, format!("{label}: the query matched no series"))]
        }
        Ok(Data::Metrics(m)) => {
            let n = m.readings.len();
            let mut v = vec![(
                Verdict::Good,
                format!("{label}: {n} series{}", if n > 4 { ", the first 4:" } else { "" }),
            )];
            v.extend(
                m.readings
                    .iter()
                    .take(4)
                    .map(|r| (Verdict::Good, format!("  {} = {}", r.label, r.value))),
            );
            v
        }
        Ok(_) => vec![(Verdict::Good, format!("{label}: answered"))],
        Err(e) => vec![(verdict(&e), format!("{label}: {e}"))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Keyring;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback server that answers every request with `status` and `body`.
    async fn answering(status: &'static str, body: &'static str) -> Url {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(body.as_bytes()).await;
            }
        });
        Url::parse(&format!("http://{addr}/")).unwrap()
    }

    #[tokio::test]
    async fn the_wizard_stores_only_a_key_proven_valid() {
        let dir = tempfile::tempdir().unwrap();
        let store = keyring_core::mock::Store::new().unwrap();
        let keyring = Keyring::with_store(store);
        let http = Http::new().unwrap();
        let (ops, mut replies) = spawn(Manager::new(dir.path(), http.clone(), Some(keyring.clone())), http);
        let answers = [
            ("404 Not Found", "404 page not found"),
            ("200 OK", "<html>Welcome to nginx!</html>"),
        ];
        // Every keyed provider, stored under one name in turn.
        for ((status, body), p) in answers
            .iter()
            .flat_map(|a| homedash_widgets::source::keyed_all().into_iter().map(move |p| (*a, p)))
        {
            let base = answering(status, body).await;
            let store = |force| Op::Store {
                name: "finnhub".into(),
                provider: p.name,
                base: base.clone(),
                secret: {
                    let mut t = crate::credentials::TokenInput::default();
                    t.push_str("hd-canary-wizard-01:pair-000001");
                    t.seal()
                },
                force,
                ca: None,
            };
            ops.send(store(false)).await.unwrap();
            let Some(Reply::Unconfirmed { text, secret, .. }) = replies.recv().await else {
                panic!("{} {status}: not an unconfirmed reply", p.name)
            };
            assert!(
                text.contains("could not confirm") && text.contains("not stored"),
                "{text}"
            );
            // The key comes back, whole, for the field.
            let mut back = crate::credentials::TokenInput::default();
            back.refill(&secret);
            assert_eq!(back.len(), "hd-canary-wizard-01:pair-000001".len());
            assert!(keyring.get("finnhub").is_err(), "{status}: nothing in the keyring");
            // A second Enter: stored, and not as valid.
            ops.send(store(true)).await.unwrap();
            let Some(Reply::Stored { result: Ok(s), .. }) = replies.recv().await else {
                panic!("{status}: not stored on the second Enter")
            };
            assert!(!s.ok, "{status}: stored, but not as valid: {}", s.text);
            assert!(s.text.starts_with("could not confirm"), "{}", s.text);
            keyring.delete("finnhub").unwrap();
            let mut m = Manager::new(dir.path(), Http::new().unwrap(), Some(keyring.clone()));
            let _ = m.discard("finnhub").await;
        }
    }
}
