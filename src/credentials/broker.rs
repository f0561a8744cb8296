//! The running dashboard's credentials: their values, read once in a batch
//! at start, and their state. Pollers ask the broker for a value at each
//! poll, so a revocation or a rejection stops every widget that uses the
//! credential at once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;

use homedash_widgets::error::{Lack, Refusal};
use homedash_widgets::{ErrorClass, FetchError};

use super::keyring::{Keyring, KeyringError};
use super::oauth::{self, OAuthError, Stored};
use super::secret::fingerprint;
use super::source::{self, SecretSource, SourceError};
use crate::config::CredentialConfig;
use crate::ledger::{By, MetaFile, Usage};
use crate::net::budget::{Limiter, Reservation, reset_after};
use crate::net::destinations::Destinations;

/// A per-minute budget's windows reach the state file at most this often.
const PERSIST_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Loading,
    Ready,
    /// The value could not be read; the text says why and what to do.
    Unavailable(String),
    /// A keyring credential with no token stored.
    NotStored,
    /// Deleted from the keyring by the user.
    Revoked,
    /// The provider refused it; widgets pause until a test passes.
    Rejected(String),
    /// Team mode's gateway refused this client (unknown or revoked);
    /// widgets pause the same way.
    RefusedByGateway(Refusal, String),
    /// An OAuth credential whose grant is gone or was never made: only
    /// `homedash creds login NAME` helps, so nothing retries it.
    LoginNeeded(String),
}

impl Status {
    /// Refused by the provider or the gateway: its widgets are paused.
    pub fn refused(&self) -> bool {
        matches!(self, Status::Rejected(_) | Status::RefusedByGateway(..))
    }

    /// Why its widgets cannot use it, for their cards.
    pub fn lack(&self) -> Lack {
        match self {
            Status::Loading | Status::Ready => Lack::Reading,
            Status::Unavailable(_) => Lack::Unavailable,
            Status::NotStored => Lack::NotStored,
            Status::Revoked => Lack::Removed,
            Status::Rejected(_) => Lack::Rejected,
            Status::RefusedByGateway(r, _) => Lack::Refused(*r),
            Status::LoginNeeded(_) => Lack::LoginNeeded,
        }
    }
}

impl Status {
    /// What a widget that depends on the credential says.
    pub fn explain(&self, name: &str) -> String {
        match self {
            Status::Loading => format!("reading credential \"{name}\"…"),
            Status::Ready => String::new(),
            Status::Unavailable(why) => format!("credential \"{name}\": {why}"),
            Status::NotStored => format!(
                "no token stored for credential \"{name}\": add one on the Credentials screen or with `homedash creds add {name}`"
            ),
            Status::Revoked => format!("credential \"{name}\" revoked; add a new token on the Credentials screen"),
            Status::Rejected(why) => format!(
                "credential \"{name}\" rejected by the provider ({}); polling paused until it is tested or rotated on the Credentials screen",
                homedash_widgets::format::fit(why, 160)
            ),
            Status::RefusedByGateway(_, why) => format!(
                "{}; polling paused until credential \"{name}\" is tested or changed on the Credentials screen",
                homedash_widgets::format::fit(why, 200)
            ),
            Status::LoginNeeded(why) => format!(
                "log in again: `homedash creds login {name}`, or from the Credentials screen ({}); polling paused",
                homedash_widgets::format::fit(why, 200)
            ),
        }
    }
}

struct Slot {
    config: CredentialConfig,
    /// Origins its owner approved, from the state file.
    approved: Vec<String>,
    status: Status,
    secret: Option<SecretString>,
    fingerprint: Option<String>,
    /// Since the last `take_usage`.
    usage: Usage,
    /// Bumped by every change of value or status.
    generation: u64,
    limiter: Limiter,
    /// When the budget's windows were last written to the state file.
    persisted: Option<tokio::time::Instant>,
    /// OAuth credentials: the access token's facts and the renewal's turn.
    oauth: Option<OAuthSlot>,
}

#[derive(Default)]
struct OAuthSlot {
    stored: Option<Stored>,
    /// One renewal at a time in this process (the file lock orders
    /// processes).
    renewing: Arc<tokio::sync::Mutex<()>>,
    /// A 401 drops the access token for one renewal; a second 401 right
    /// after it is a real rejection.
    renewed_after_401: bool,
}

/// What the UI may know of a credential: never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub status: Status,
    pub fingerprint: Option<String>,
    /// An OAuth credential's token facts.
    pub oauth: Option<OAuthView>,
    /// Requests counted since the state file was last written: the screen
    /// adds them to the file's, so its counts are live.
    pub unsaved: Usage,
}

/// An OAuth credential as the Credentials screen shows it: times and
/// scopes, never a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthView {
    pub grant: &'static str,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the refresh token in use was issued; `None` without one.
    pub refresh_issued: Option<DateTime<Utc>>,
    /// What the server granted, when it said.
    pub granted: Option<Vec<String>>,
    pub asked: Vec<String>,
}

pub struct Broker {
    slots: Mutex<BTreeMap<String, Slot>>,
    /// The keyring connection of the batch read, for OAuth renewals.
    keyring: Mutex<Option<Keyring>>,
    /// Each credential's stored facts as last seen in the state file.
    seen: Mutex<Option<BTreeMap<String, String>>>,
    changed: watch::Sender<u64>,
    /// The state file, where budget windows are kept; none in the demo.
    meta_path: Mutex<Option<std::path::PathBuf>>,
    /// True once the state file's approvals are in (or there is none to
    /// read): an OAuth token is not asked for before, or it would go out
    /// with no origin approved and pause its widgets on "log in again".
    approvals_read: watch::Sender<bool>,
    /// Bumped by every request counted, for the watcher to pass live
    /// counts on without a message per poll.
    counted: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.views()).finish()
    }
}

impl Broker {
    pub fn new(credentials: &[CredentialConfig]) -> Arc<Self> {
        let slots = credentials
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    Slot {
                        config: c.clone(),
                        approved: Vec::new(),
                        status: Status::Loading,
                        secret: None,
                        fingerprint: None,
                        usage: Usage::default(),
                        generation: 0,
                        limiter: Limiter::new(c.budget.unwrap_or(c.provider.budget)),
                        persisted: None,
                        oauth: c.oauth.is_some().then(OAuthSlot::default),
                    },
                )
            })
            .collect();
        Arc::new(Broker {
            slots: Mutex::new(slots),
            keyring: Mutex::new(None),
            seen: Mutex::new(None),
            changed: watch::channel(0).0,
            meta_path: Mutex::new(None),
            approvals_read: watch::channel(false).0,
            counted: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Slot>> {
        // A poisoned lock only means another thread panicked mid-update;
        // the map itself is still whole.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes with every new value or status of `name`.
    pub fn generation(&self, name: &str) -> u64 {
        self.lock().get(name).map_or(0, |s| s.generation)
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Read every credential in one batch: first what the state file says
    /// (approved origins, budget windows), then the values, with one
    /// keyring connection and each read on a blocking thread under the
    /// keyring's deadline.
    pub async fn load_all(&self, meta: Option<std::path::PathBuf>) {
        if let Some(path) = meta {
            *self.meta_path.lock().unwrap_or_else(|p| p.into_inner()) = Some(path.clone());
            match tokio::task::spawn_blocking(move || MetaFile::load(&path)).await {
                Ok(Ok(m)) => {
                    self.set_approvals(&m.approvals());
                    self.restore_windows(&m);
                    // What another process changes from now on is news.
                    let _ = self.changed_elsewhere(&m);
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "cannot read the credential state"),
                Err(e) => tracing::warn!(error = %e, "cannot read the credential state"),
            }
        }
        self.approvals_read.send_replace(true);
        let configs: Vec<CredentialConfig> = self.lock().values().map(|s| s.config.clone()).collect();
        let keyring = if configs.iter().any(CredentialConfig::uses_keyring) {
            Some(self.keyring().await)
        } else {
            None
        };
        for c in configs {
            if let Some(o) = &c.oauth {
                if o.grant.has_user()
                    && let Some(k) = &keyring
                {
                    self.load_oauth(&c.name, k).await;
                }
                // A client-credentials token is fetched at the first poll.
                continue;
            }
            let value = match (&c.source, &keyring) {
                (SecretSource::Keyring, Some(Err(e))) => Err(SourceError::Keyring(e.clone())),
                (SecretSource::Keyring, Some(Ok(k))) => source::read(&c.source, &c.name, Some(k)).await,
                _ => source::read(&c.source, &c.name, None).await,
            };
            self.set_read(&c.name, value);
        }
    }

    /// The keyring connection: made once, off the UI path, and kept for
    /// OAuth renewals and re-reads.
    async fn keyring(&self) -> Result<Keyring, KeyringError> {
        if let Some(k) = self.keyring.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(k);
        }
        let mut k = super::keyring::off_thread(Keyring::connect).await?;
        if let Some(path) = self.meta_path.lock().unwrap_or_else(|p| p.into_inner()).as_deref() {
            k = k.with_ledger(path);
        }
        *self.keyring.lock().unwrap_or_else(|p| p.into_inner()) = Some(k.clone());
        Ok(k)
    }

    /// An OAuth login's record, read from the keyring: its access token is
    /// used while it has time left; `fresh` renews it.
    async fn load_oauth(&self, name: &str, k: &Result<Keyring, KeyringError>) {
        let read = match k {
            Ok(k) => oauth::renew::read(k, name).await,
            Err(e) => Err(OAuthError::Keyring(e.clone())),
        };
        self.set_oauth(name, read);
    }

    /// A login record (or why there is none) for OAuth credential `name`.
    fn set_oauth(&self, name: &str, read: Result<Stored, OAuthError>) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        match read {
            Ok(stored) => {
                // A routine renewal changes nothing a paused widget waits
                // for: only a new status wakes them.
                if slot.status != Status::Ready || slot.secret.is_none() {
                    slot.generation += 1;
                }
                slot.fingerprint = stored.fingerprint();
                slot.secret = stored.access.clone();
                slot.status = Status::Ready;
                if let Some(o) = slot.oauth.as_mut() {
                    o.stored = Some(stored);
                }
            }
            Err(e) => {
                let why = e.to_string();
                slot.secret = None;
                slot.fingerprint = None;
                if e.needs_login() {
                    if !matches!(slot.status, Status::LoginNeeded(_)) {
                        tracing::warn!(credential = name, error = %why, "OAuth login needed");
                        crate::audit::record(crate::audit::Event::LoginNeeded, name, None, &why);
                    }
                    slot.status = Status::LoginNeeded(e.reason());
                } else {
                    tracing::warn!(credential = name, error = %why, "credential unavailable");
                    slot.status = Status::Unavailable(why);
                }
                if let Some(o) = slot.oauth.as_mut() {
                    o.stored = None;
                }
                slot.generation += 1;
            }
        }
        drop(slots);
        self.bump();
    }

    /// Before a poll: make sure an OAuth credential's access token has
    /// time left, renewing it if not. A renewal that cannot reach the
    /// server fails this poll only (the widget backs off and tries again);
    /// a dead grant pauses every widget of it on "log in again".
    pub async fn fresh(&self, name: &str, http: &crate::net::http::Http) -> Result<(), FetchError> {
        // Its access token has time left, or nothing may renew it now.
        fn settled(slot: &Slot) -> bool {
            let Some(o) = &slot.oauth else { return true };
            matches!(
                slot.status,
                Status::LoginNeeded(_) | Status::Revoked | Status::Rejected(_)
            ) || (slot.secret.is_some() && o.stored.as_ref().is_some_and(|s| s.fresh_access(Utc::now()).is_some()))
        }
        let (cred, renewing, approved) = {
            let slots = self.lock();
            let Some(slot) = slots.get(name).filter(|s| !settled(s)) else {
                return Ok(());
            };
            let renewing = slot.oauth.as_ref().map(|o| o.renewing.clone()).unwrap_or_default();
            (slot.config.clone(), renewing, slot.approved.clone())
        };
        let Some(cfg) = cred.oauth.as_deref() else {
            return Ok(());
        };
        if !self.wait_for_approvals().await {
            return Err(FetchError::new(
                ErrorClass::NoCredential(Lack::Reading),
                Status::Loading.explain(name),
            ));
        }
        let _turn = renewing.lock().await;
        // The approvals as they are now that the state file is read.
        let approved = self.lock().get(name).map_or(approved, |s| s.approved.clone());
        // Another poller may have renewed it while this one waited.
        let (held, refused) = {
            let slots = self.lock();
            let Some(slot) = slots.get(name).filter(|s| !settled(s)) else {
                return Ok(());
            };
            let o = slot.oauth.as_ref();
            (
                o.and_then(|o| o.stored.as_ref()).and_then(|s| s.access.clone()),
                o.is_some_and(|o| o.renewed_after_401),
            )
        };
        let r = if cfg.grant.has_user() {
            match self.keyring().await {
                // After a 401 the stored token is spent even if its clock
                // says otherwise: refresh, unless another process already
                // stored a newer one.
                Ok(k) => oauth::renew::current(&cred, cfg, http, &k, refused, held.as_ref(), &approved).await,
                Err(e) => Err(OAuthError::Keyring(e)),
            }
        } else {
            let k = if cred.uses_keyring() {
                self.keyring().await.ok()
            } else {
                None
            };
            oauth::renew::client_token(&cred, cfg, http, k.as_ref(), &approved, false).await
        };
        match r {
            Ok(stored) => {
                self.set_oauth(name, Ok(stored));
                Ok(())
            }
            Err(e) if e.needs_login() => {
                self.set_oauth(name, Err(e));
                Ok(())
            }
            Err(e) => {
                let class = match e {
                    OAuthError::Unreachable { .. } => homedash_widgets::ErrorClass::Offline,
                    _ => homedash_widgets::ErrorClass::NoCredential(Lack::Unavailable),
                };
                Err(FetchError::new(class, format!("credential \"{name}\": {e}")))
            }
        }
    }

    /// Wait for the state file's approvals (`load_all`, or the demo's in
    /// memory); false when they did not come within 10 s, so this poll
    /// fails and the next tries again.
    async fn wait_for_approvals(&self) -> bool {
        let mut rx = self.approvals_read.subscribe();
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.wait_for(|read| *read))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The outcome of reading `name` from its source.
    fn set_read(&self, name: &str, value: Result<SecretString, source::SourceError>) {
        match value {
            Err(source::SourceError::Keyring(KeyringError::NotFound { .. })) => {
                self.set_status(name, Status::NotStored)
            }
            other => self.set(name, other),
        }
    }

    fn set_status(&self, name: &str, status: Status) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        slot.secret = None;
        slot.fingerprint = None;
        slot.status = status;
        slot.generation += 1;
        drop(slots);
        self.bump();
    }

    /// `c`'s value from its source, a keyring one through this broker's
    /// connection (which knows the state file that says where it is kept).
    async fn read(&self, c: &CredentialConfig) -> Result<SecretString, SourceError> {
        match (&c.source, c.uses_keyring()) {
            (SecretSource::Keyring, true) => match self.keyring().await {
                Ok(k) => source::read(&c.source, &c.name, Some(&k)).await,
                Err(e) => Err(SourceError::Keyring(e)),
            },
            _ => source::read(&c.source, &c.name, None).await,
        }
    }

    /// Read `name` again from its source: after a test passed, a rollback,
    /// or an unlocked keyring.
    pub async fn reload(&self, name: &str) {
        let Some(c) = self.lock().get(name).map(|s| s.config.clone()) else {
            return;
        };
        if let Some(o) = &c.oauth {
            if o.grant.has_user() {
                let k = self.keyring().await;
                self.load_oauth(name, &k).await;
            }
            return;
        }
        let value = self.read(&c).await;
        self.set_read(name, value);
    }

    /// Read `name` again after the state file said it changed: a no-op
    /// when what is stored is what this broker holds (the change was this
    /// process's own), and a removal of what was already revoked or
    /// missing keeps saying so.
    pub async fn reload_changed(&self, name: &str) {
        let Some((c, status, fp)) = self
            .lock()
            .get(name)
            .map(|s| (s.config.clone(), s.status.clone(), s.fingerprint.clone()))
        else {
            return;
        };
        let gone = matches!(status, Status::Revoked | Status::NotStored);
        if let Some(o) = &c.oauth {
            if !o.grant.has_user() {
                return;
            }
            let read = match self.keyring().await {
                Ok(k) => oauth::renew::read(&k, name).await,
                Err(e) => Err(OAuthError::Keyring(e)),
            };
            let same = match &read {
                Err(OAuthError::NotLoggedIn { .. }) => gone,
                Ok(st) => st.fingerprint() == fp,
                Err(_) => false,
            };
            if !same {
                self.set_oauth(name, read);
            }
            return;
        }
        let value = self.read(&c).await;
        let same = match &value {
            Err(SourceError::Keyring(KeyringError::NotFound { .. })) => gone,
            Ok(s) => Some(fingerprint(s.expose_secret())) == fp,
            Err(_) => false,
        };
        if !same {
            self.set_read(name, value);
        }
    }

    /// The credentials another homedash process changed (a login, a
    /// rotation, a removal), as the state file now says: each one's
    /// stored facts differ from what this broker last saw. The first look
    /// only takes note.
    pub fn changed_elsewhere(&self, meta: &MetaFile) -> Vec<String> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let first = seen.is_none();
        let seen = seen.get_or_insert_with(BTreeMap::new);
        let mut changed = Vec::new();
        for name in self.lock().keys() {
            let now = meta
                .credentials
                .get(name)
                .map(|m| format!("{:?}|{:?}|{:?}|{:?}", m.fingerprint, m.rotated, m.revoked, m.created))
                .unwrap_or_default();
            if seen
                .insert(name.clone(), now.clone())
                .is_some_and(|before| before != now)
                && !first
            {
                changed.push(name.clone());
            }
        }
        changed
    }

    pub fn has(&self, name: &str) -> bool {
        self.lock().contains_key(name)
    }

    /// The demo's token for `name`: in memory only, for the demo's own
    /// loopback server.
    pub fn set_demo(&self, name: &str, token: &str) {
        self.set(name, Ok(super::secret::from_string(token.to_string())));
    }

    /// A new value (or why there is none) for `name`.
    pub fn set(&self, name: &str, value: Result<SecretString, SourceError>) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        match value {
            Ok(secret) => {
                super::secret::hold_for(slot.config.provider, secret.expose_secret());
                slot.fingerprint = Some(fingerprint(secret.expose_secret()));
                slot.secret = Some(secret);
                slot.status = Status::Ready;
            }
            Err(why) => {
                let why = why.to_string();
                tracing::warn!(credential = name, error = %why, "credential unavailable");
                crate::audit::record(crate::audit::Event::ReadFailed, name, None, &why);
                slot.secret = None;
                slot.fingerprint = None;
                slot.status = Status::Unavailable(why);
            }
        }
        slot.generation += 1;
        drop(slots);
        self.bump();
    }

    /// The value to send now, or why there is none.
    pub fn secret(&self, name: &str) -> Result<SecretString, Status> {
        let slots = self.lock();
        let Some(slot) = slots.get(name) else {
            return Err(Status::Unavailable("not defined in the config".into()));
        };
        match (&slot.status, &slot.secret) {
            (Status::Ready, Some(s)) => Ok(s.clone()),
            (status, _) => Err(status.clone()),
        }
    }

    pub fn status(&self, name: &str) -> Option<Status> {
        self.lock().get(name).map(|s| s.status.clone())
    }

    /// A lease on `name` for a poll of `base`: its value and where it may
    /// go, sealed; or why nothing may be sent there (the error a paused
    /// widget shows).
    pub fn lease(&self, name: &str, base: &url::Url) -> Result<super::lease::Lease, FetchError> {
        let slots = self.lock();
        let Some(slot) = slots.get(name) else {
            return Err(FetchError::new(
                ErrorClass::NoCredential(Lack::Undefined),
                Status::Unavailable("not defined in the config".into()).explain(name),
            ));
        };
        let secret = match (&slot.status, &slot.secret) {
            (Status::Ready, Some(s)) => s.clone(),
            (status, _) => {
                return Err(FetchError::new(
                    ErrorClass::NoCredential(status.lack()),
                    status.explain(name),
                ));
            }
        };
        let to = Destinations::new(slot.config.provider, &slot.approved);
        if !to.allows(base) {
            return Err(FetchError::new(
                ErrorClass::Unapproved,
                crate::net::destinations::unapproved(name, &crate::net::destinations::origin_of(base)),
            ));
        }
        Ok(super::lease::Lease::new(name, secret, to))
    }

    /// The origins the owner approved for each credential, as the state
    /// file now says. Widgets of a credential whose approvals changed are
    /// woken: an approval resumes them, a withdrawal stops them.
    pub fn set_approvals(&self, approved: &BTreeMap<String, Vec<String>>) {
        let mut slots = self.lock();
        let mut changed = false;
        for (name, slot) in slots.iter_mut() {
            let now = approved.get(name).cloned().unwrap_or_default();
            if slot.approved != now {
                slot.approved = now;
                slot.generation += 1;
                changed = true;
            }
        }
        drop(slots);
        if changed {
            self.bump();
        }
    }

    /// Approve, in memory only, every origin `config` sends each credential
    /// to: for the demo, whose widgets all poll its own loopback server
    /// with in-memory tokens, and for tests of that kind.
    pub fn approve_config_origins(&self, config: &crate::config::Config) {
        for c in &config.credentials {
            for origin in crate::net::origins::config_origins(config, &c.name) {
                self.approve(&c.name, &origin);
            }
        }
        self.approvals_read.send_replace(true);
    }

    /// Approve `origin` for `name` in memory only.
    pub fn approve(&self, name: &str, origin: &str) {
        let mut slots = self.lock();
        if let Some(slot) = slots.get_mut(name)
            && !slot.approved.iter().any(|a| a == origin)
        {
            slot.approved.push(origin.to_string());
            slot.generation += 1;
            drop(slots);
            self.bump();
        }
    }

    /// Pause every widget of credential `name`: the provider (or team
    /// mode's gateway) refused it.
    pub fn reject(&self, name: &str, e: &homedash_widgets::FetchError) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        if slot.status != Status::Ready {
            return;
        }
        // An OAuth access token refused before its expiry (revoked at the
        // server, say): renew once; the renewal tells whether the grant
        // itself is gone.
        if let Some(o) = slot.oauth.as_mut()
            && !o.renewed_after_401
            && !matches!(e.class, homedash_widgets::ErrorClass::Gateway { .. })
        {
            o.renewed_after_401 = true;
            if let Some(s) = o.stored.as_mut() {
                s.expires_at = Some(Utc::now());
            }
            slot.generation += 1;
            drop(slots);
            self.bump();
            return;
        }
        slot.status = match &e.class {
            homedash_widgets::ErrorClass::Gateway { refusal, .. } => {
                Status::RefusedByGateway(*refusal, format!("{}: {}", refusal.label(), e.detail))
            }
            _ => Status::Rejected(e.detail.clone()),
        };
        slot.generation += 1;
        drop(slots);
        self.bump();
    }

    /// A test passed: resume its widgets.
    pub fn accept(&self, name: &str) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        if slot.status.refused() && slot.secret.is_some() {
            slot.status = Status::Ready;
            drop(slots);
            self.bump();
        }
    }

    /// Forget the value at once: the user revoked it. An OAuth credential
    /// then needs a new login, and says so.
    pub fn revoke(&self, name: &str) {
        let oauth = self.lock().get(name).is_some_and(|s| s.oauth.is_some());
        self.set_status(
            name,
            if oauth {
                Status::LoginNeeded("revoked".into())
            } else {
                Status::Revoked
            },
        );
    }

    /// Count one poll's outcome: `None` when no answer came.
    pub fn record(&self, name: &str, status: Option<u16>, at: DateTime<Utc>) {
        let mut slots = self.lock();
        let Some(slot) = slots.get_mut(name) else { return };
        if matches!(status, Some(200..=299))
            && let Some(o) = slot.oauth.as_mut()
        {
            o.renewed_after_401 = false;
        }
        // An OAuth access token changes every renewal; the state file's
        // fingerprint is not of it.
        let fp = slot.fingerprint.clone().filter(|_| slot.oauth.is_none());
        slot.usage.count(crate::ledger::status_kind(status), By::Poll, at, fp);
        self.counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many requests were counted so far: changes when the views'
    /// unsaved counts do.
    pub fn counted(&self) -> u64 {
        self.counted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Take `n` requests of `name`'s budget now, or learn how long to wait.
    pub fn take(&self, name: &str, n: u32) -> Result<Option<Reservation>, std::time::Duration> {
        match self.lock().get_mut(name) {
            Some(slot) => slot.limiter.take(n, tokio::time::Instant::now(), Utc::now()).map(Some),
            None => Ok(None),
        }
    }

    /// Take up the budget windows the state file kept.
    fn restore_windows(&self, meta: &MetaFile) {
        let (now, wall) = (tokio::time::Instant::now(), Utc::now());
        for (name, slot) in self.lock().iter_mut() {
            if let Some(w) = meta.credentials.get(name).and_then(|m| m.window.as_ref()) {
                slot.limiter.restore(w, now, wall);
            }
        }
    }

    /// Write `name`'s budget windows to the state file, before the requests
    /// just reserved are sent: a crash or a restart then counts them. A
    /// credential with a daily budget is written at every reservation; one
    /// with a per-minute budget only, at most every few seconds.
    pub async fn persist_window(&self, name: &str) {
        let Some(path) = self.meta_path.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let now = tokio::time::Instant::now();
        let window = {
            let mut slots = self.lock();
            let Some(slot) = slots.get_mut(name) else { return };
            let daily = slot.limiter.budget().per_day.is_some();
            if !daily
                && slot
                    .persisted
                    .is_some_and(|t| now.saturating_duration_since(t) < PERSIST_EVERY)
            {
                return;
            }
            slot.persisted = Some(now);
            slot.limiter.window(now, Utc::now())
        };
        let n = name.to_string();
        let r = tokio::task::spawn_blocking(move || {
            MetaFile::update(&path, |m| m.credentials.entry(n).or_default().window = Some(window))
        })
        .await;
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(credential = name, error = %e, "cannot save the budget"),
            Err(e) => tracing::warn!(credential = name, error = %e, "cannot save the budget"),
        }
    }

    /// A reservation's requests were answered (or failed) just now.
    pub fn settle(&self, name: &str, r: Reservation) {
        if let Some(slot) = self.lock().get_mut(name) {
            slot.limiter.settle(r, tokio::time::Instant::now());
        }
    }

    /// Let the provider's own `X-RateLimit-*` headers correct the budget.
    pub fn observe(&self, name: &str, reply: &homedash_widgets::HttpReply) {
        let Some(after) = reset_after(
            reply.header("x-ratelimit-remaining"),
            reply.header("x-ratelimit-reset"),
            Utc::now(),
        ) else {
            return;
        };
        if let Some(slot) = self.lock().get_mut(name) {
            tracing::info!(
                credential = name,
                secs = after.as_secs(),
                "provider says the quota is spent"
            );
            slot.limiter.exhausted(tokio::time::Instant::now(), after);
        }
    }

    pub fn budget(&self, name: &str) -> Option<homedash_widgets::provider::Budget> {
        self.lock().get(name).map(|s| s.limiter.budget())
    }

    /// The counters since the last call, to be added to the state file.
    pub fn take_usage(&self) -> Vec<(String, Usage)> {
        self.lock()
            .iter_mut()
            .filter(|(_, s)| s.usage.requests > 0)
            .map(|(n, s)| (n.clone(), std::mem::take(&mut s.usage)))
            .collect()
    }

    pub fn views(&self) -> Vec<View> {
        self.lock()
            .iter()
            .map(|(n, s)| View {
                name: n.clone(),
                status: s.status.clone(),
                fingerprint: s.fingerprint.clone(),
                oauth: s.config.oauth.as_deref().map(|o| {
                    let stored = s.oauth.as_ref().and_then(|x| x.stored.as_ref());
                    OAuthView {
                        grant: o.grant.name(),
                        expires_at: stored.and_then(|st| st.expires_at),
                        refresh_issued: stored.filter(|st| st.refresh.is_some()).map(|st| st.refresh_issued),
                        granted: stored.and_then(|st| st.scopes.clone()),
                        asked: o.scopes.clone(),
                    }
                }),
                unsaved: s.usage.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "tests/broker.rs"]
mod tests;
