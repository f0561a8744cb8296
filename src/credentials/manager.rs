//! The credential operations, one code path for the CLI and the
//! Credentials screen: add, test, rotate, confirm, rollback, revoke, and
//! reconciling the keyring with the state file after an interruption.
//!
//! Rotation keeps a working token in the keyring at every step: the new
//! token is staged and tested under `NAME#staged`, the old one is copied
//! to `NAME#previous`, and only then is `NAME` overwritten.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use homedash_widgets::FetchError;
use homedash_widgets::provider::{Provider, Verdict};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::error::CredError;
use super::keyring::{Keyring, KeyringError, off_thread};
use super::secret::{self, fingerprint};
use super::source::{self, SecretSource};
use crate::audit::{self, Event};
use crate::config::{Config, CredentialConfig};
use crate::ledger::{self as meta, By, Meta, MetaFile, TestKind, TestResult};
use crate::net::destinations::{Destinations, Grant, origin_of};
use crate::net::http::Http;

const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

pub fn staged(name: &str) -> String {
    format!("{name}#staged")
}

pub fn previous(name: &str) -> String {
    format!("{name}#previous")
}

/// "5 a minute, 25 a day".
pub fn describe_budget(b: homedash_widgets::provider::Budget) -> String {
    match b.per_day {
        Some(d) => format!("{} a minute, {d} a day", b.per_minute),
        None => format!("{} a minute", b.per_minute),
    }
}

pub fn describe_source(s: &SecretSource) -> String {
    match s {
        SecretSource::Keyring => "keyring".into(),
        SecretSource::Env { var } => format!("env {var}"),
        SecretSource::Command { argv, .. } => format!("command {}", argv.first().map(String::as_str).unwrap_or("")),
        SecretSource::Systemd { name } => format!("systemd credential {name}"),
    }
}

/// Where a credential's value comes from, in the words `creds list` and
/// the screen use: an OAuth credential's tokens are its grant's.
pub fn describe(c: &CredentialConfig) -> String {
    match &c.oauth {
        Some(o) => format!("oauth2 {}", o.grant.name()),
        None => describe_source(&c.source),
    }
}

/// Only keyring credentials are changed by homedash; the others live
/// where their source says.
pub fn keyring_only(c: &CredentialConfig, what: &'static str) -> Result<(), CredError> {
    match &c.source {
        SecretSource::Keyring => Ok(()),
        other => Err(CredError::NotInKeyring {
            name: c.name.clone(),
            from: describe_source(other),
            what,
        }),
    }
}

/// Whether a token for `provider` may be stored under `name`, given what
/// the config says of that name.
pub fn check_add(config: &Config, name: &str, provider: &Provider) -> Result<(), CredError> {
    let Some(c) = config.credential(name) else {
        return Ok(());
    };
    keyring_only(c, "set")?;
    if c.provider.name != provider.name {
        return Err(CredError::WrongProvider {
            name: name.to_string(),
            config: config.source_name.clone(),
            has: c.provider.name,
            want: provider.name,
        });
    }
    Ok(())
}

#[derive(Clone)]
pub struct Manager {
    keyring: Option<Keyring>,
    meta_path: PathBuf,
    http: Http,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager").field("meta", &self.meta_path).finish()
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, CredError> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

impl Manager {
    /// Probe with `http` from now on (one that trusts a gateway's CA).
    pub fn set_http(&mut self, http: Http) {
        self.http = http;
    }

    pub fn new(state_dir: &Path, http: Http, keyring: Option<Keyring>) -> Self {
        let meta_path = meta::path(state_dir);
        Manager {
            keyring: keyring.map(|k| k.with_ledger(&meta_path)),
            meta_path,
            http,
        }
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn meta_path(&self) -> &Path {
        &self.meta_path
    }

    /// The keyring, connecting on first use.
    pub async fn keyring(&mut self) -> Result<Keyring, CredError> {
        if let Some(k) = &self.keyring {
            return Ok(k.clone());
        }
        let k = off_thread(Keyring::connect).await?.with_ledger(&self.meta_path);
        self.keyring = Some(k.clone());
        Ok(k)
    }

    /// The token stored under `account`, if any.
    pub async fn get(&mut self, account: &str) -> Result<Option<SecretString>, CredError> {
        let k = self.keyring().await?;
        let account = account.to_string();
        match off_thread(move || k.get(&account)).await {
            Ok(s) => Ok(Some(s)),
            Err(KeyringError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// As `get`, with a token the kernel dropped taken as none: it can be
    /// added again, and removing it has nothing to remove.
    async fn present(&mut self, account: &str) -> Result<Option<SecretString>, CredError> {
        match self.get(account).await {
            Err(CredError::Keyring(KeyringError::Gone { .. })) => Ok(None),
            other => other,
        }
    }

    pub(crate) async fn set(&mut self, account: &str, value: &SecretString) -> Result<(), CredError> {
        let k = self.keyring().await?;
        let account = account.to_string();
        let value = value.clone();
        Ok(off_thread(move || k.set(&account, &value)).await?)
    }

    pub(crate) async fn delete(&mut self, account: &str) -> Result<(), CredError> {
        let k = self.keyring().await?;
        let account = account.to_string();
        Ok(off_thread(move || k.delete(&account)).await?)
    }

    pub(crate) async fn update_meta<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut MetaFile) -> T + Send + 'static,
    ) -> Result<T, CredError> {
        let path = self.meta_path.clone();
        Ok(blocking(move || MetaFile::update(&path, f)).await??)
    }

    pub async fn load_meta(&self) -> Result<MetaFile, CredError> {
        let path = self.meta_path.clone();
        Ok(blocking(move || MetaFile::load(&path)).await??)
    }

    /// The provider's cheapest proving request with `secret`, sent only
    /// where `to` allows.
    pub async fn probe(
        &self,
        name: &str,
        provider: &Provider,
        base: &Url,
        secret: &SecretString,
        to: &Destinations,
    ) -> Result<(), FetchError> {
        secret::hold_for(provider, secret.expose_secret());
        let spec = (provider.probe)(base);
        let grant = Grant { name, secret, to };
        let sent = self.http.fetch(&spec, PROBE_TIMEOUT, Some(grant)).await;
        // The body was scrubbed of every held secret (this one too) as it
        // was read.
        let r = sent.and_then(|reply| (provider.probe_result)(&reply, Utc::now()));
        self.count_probe(name, secret, &r).await;
        r
    }

    /// A probe carried the credential: it counts as a request, and what
    /// it showed is the token's last test. Only a request that left counts
    /// (one refused before sending carried nothing).
    async fn count_probe(&self, name: &str, secret: &SecretString, r: &Result<(), FetchError>) {
        use homedash_widgets::ErrorClass;
        if matches!(r, Err(e) if matches!(e.class, ErrorClass::Insecure | ErrorClass::Unapproved | ErrorClass::NoCredential(_)))
        {
            return;
        }
        let verdict = Verdict::of(r);
        let now = Utc::now();
        let fp = fingerprint(secret.expose_secret());
        let mut tested = TestResult::new(&verdict, now);
        tested.fingerprint = Some(fp.clone());
        let kind = Some(TestKind::of(&verdict));
        let n = name.to_string();
        let counted = self
            .update_meta(move |m| {
                let e = m.credentials.entry(n).or_default();
                e.usage.count(kind, By::Test, now, Some(fp));
                e.last_test = Some(tested);
            })
            .await;
        if let Err(e) = counted {
            tracing::warn!(credential = name, error = %e, "cannot count the test's request");
        }
    }

    /// Store a new token in the keyring, and approve `origins` for it (the
    /// user was shown them). An existing token is kept: replacing a token
    /// is a rotation, which tests the new one first.
    pub async fn add(
        &mut self,
        name: &str,
        provider: &Provider,
        secret: &SecretString,
        origins: &[String],
    ) -> Result<String, CredError> {
        secret::check(secret.expose_secret())?;
        if self.present(name).await?.is_some() {
            return Err(CredError::AlreadyStored { name: name.to_string() });
        }
        self.set(name, secret).await?;
        let fp = fingerprint(secret.expose_secret());
        let fp2 = fp.clone();
        let name_owned = name.to_string();
        let provider_name = provider.name.to_string();
        self.update_meta(move |m| {
            let now = Utc::now();
            let e = m.credentials.entry(name_owned).or_default();
            // A check of this very token just before (setup's) stands.
            let tested = e
                .last_test
                .take()
                .filter(|t| t.fingerprint.as_deref() == Some(fp2.as_str()));
            *e = Meta {
                provider: provider_name,
                source: "keyring".into(),
                created: Some(now),
                rotated: None,
                expires: e.expires,
                fingerprint: Some(fp2),
                previous_fingerprint: None,
                previous_seal: None,
                last_test: tested,
                usage: std::mem::take(&mut e.usage),
                revoked: None,
                destinations: std::mem::take(&mut e.destinations),
                // A new token may well share the account's quota.
                window: e.window.take(),
                // `Keyring::set` recorded where it went, just before.
                store: e.store,
            };
        })
        .await?;
        audit::record(Event::Added, name, Some(&fp), "stored in the keyring");
        self.approve(name, origins).await?;
        Ok(fp)
    }

    /// Where credential `name` may go now, as the state file says.
    pub async fn destinations(&self, name: &str, provider: &Provider) -> Result<Destinations, CredError> {
        let meta = self.load_meta().await?;
        let approved = meta.credentials.get(name).map(Meta::approved).unwrap_or_default();
        Ok(Destinations::new(provider, &approved))
    }

    /// A test is a request like any poll: it comes out of the credential's
    /// budget, kept in the state file, or waits for room.
    async fn spend_one(&self, cred: &CredentialConfig) -> Result<(), CredError> {
        let budget = cred.budget.unwrap_or(cred.provider.budget);
        let (name, path) = (cred.name.clone(), self.meta_path.clone());
        blocking(move || {
            MetaFile::update(&path, |m| {
                let e = m.credentials.entry(name.clone()).or_default();
                let (now, wall) = (tokio::time::Instant::now(), Utc::now());
                let mut l = crate::net::budget::Limiter::new(budget);
                if let Some(w) = &e.window {
                    l.restore(w, now, wall);
                }
                match l.take(1, now, wall) {
                    Ok(_) => {
                        e.window = Some(l.window(now, wall));
                        Ok(())
                    }
                    Err(wait) => {
                        let at = wall + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                        Err(CredError::BudgetSpent {
                            name: name.clone(),
                            budget: describe_budget(budget),
                            at: at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        })
                    }
                }
            })
        })
        .await??
    }

    /// Approve `origins` for `name`; returns those that were not yet.
    pub async fn approve(&mut self, name: &str, origins: &[String]) -> Result<Vec<String>, CredError> {
        if origins.is_empty() {
            return Ok(Vec::new());
        }
        let (n, list) = (name.to_string(), origins.to_vec());
        let added = self
            .update_meta(move |m| {
                let e = m.credentials.entry(n).or_default();
                let now = Utc::now();
                list.into_iter().filter(|o| e.approve(o, now)).collect::<Vec<_>>()
            })
            .await?;
        for o in &added {
            audit::record(Event::DestinationAllowed, name, None, &format!("may be sent to {o}"));
        }
        Ok(added)
    }

    /// Withdraw the approval of `origin` for `name`; false when there was none.
    pub async fn deny(&mut self, name: &str, origin: &str) -> Result<bool, CredError> {
        let (n, o) = (name.to_string(), origin.to_string());
        let removed = self
            .update_meta(move |m| m.credentials.get_mut(&n).is_some_and(|e| e.deny(&o)))
            .await?;
        if removed {
            audit::record(
                Event::DestinationDenied,
                name,
                None,
                &format!("no longer sent to {origin}"),
            );
        }
        Ok(removed)
    }

    /// Read `cred` from its source and probe it; the result is kept in the
    /// state file and the audit log.
    pub async fn test(&mut self, cred: &CredentialConfig, base: &Url) -> Result<TestResult, CredError> {
        let (secret, oauth) = match &cred.oauth {
            Some(o) => {
                let stored = self.oauth_access(cred, o).await?;
                let access = stored.access.clone().ok_or_else(|| {
                    CredError::OAuth(crate::credentials::oauth::OAuthError::NotLoggedIn {
                        name: cred.name.clone(),
                    })
                })?;
                (access, Some((stored, o.scopes.clone())))
            }
            None => {
                let keyring = match cred.source {
                    SecretSource::Keyring => Some(self.keyring().await?),
                    _ => None,
                };
                match source::read(&cred.source, &cred.name, keyring.as_ref()).await {
                    Ok(s) => (s, None),
                    Err(e) => {
                        audit::record(Event::ReadFailed, &cred.name, None, &e.to_string());
                        return Err(e.into());
                    }
                }
            }
        };
        // After the read: what is wrong with the token itself comes first.
        let to = self.destinations(&cred.name, cred.provider).await?;
        if !to.allows(base) {
            return Err(CredError::Unapproved {
                name: cred.name.clone(),
                origin: origin_of(base),
            });
        }
        self.spend_one(cred).await?;
        let fp = fingerprint(secret.expose_secret());
        let r = self.probe(&cred.name, cred.provider, base, &secret, &to).await;
        let mut result = TestResult::new(&Verdict::of(&r), Utc::now());
        result.fingerprint = Some(fp.clone());
        if let Some((stored, asked)) = &oauth {
            result
                .outcome
                .push_str(&crate::credentials::oauth::stored::facts(stored, asked, Utc::now()));
        }
        audit::record(Event::Tested, &cred.name, Some(&fp), &result.outcome);
        let (name, kept, src, provider) = (
            cred.name.clone(),
            result.clone(),
            describe(cred),
            cred.provider.name.to_string(),
        );
        self.update_meta(move |m| {
            let e = m.credentials.entry(name).or_default();
            e.provider = provider;
            e.source = src;
            e.fingerprint = Some(fp);
            e.last_test = Some(kept);
        })
        .await?;
        Ok(result)
    }

    /// Replace the token of `name` with `new`, tested first: only a token
    /// proven valid replaces the old one, which is kept for `rollback`
    /// until `confirm`. With `force`, a token the test could not confirm
    /// either way (not found, unexpected answer, offline) is kept too; a
    /// rejected one never is. `origins` (shown to the user) are approved
    /// once the new token is in use.
    pub async fn rotate(
        &mut self,
        name: &str,
        provider: &Provider,
        base: &Url,
        new: &SecretString,
        origins: &[String],
        force: bool,
    ) -> Result<(String, Verdict), CredError> {
        secret::check(new.expose_secret())?;
        self.reconcile(name).await?;
        let old = self.get(name).await?;
        let mut approved = self.destinations(name, provider).await?.approved().to_vec();
        approved.extend(origins.iter().cloned());
        let to = Destinations::new(provider, &approved);
        self.set(&staged(name), new).await?;
        crate::pause::at("staged").await;
        let verdict = Verdict::of(&self.probe(name, provider, base, new, &to).await);
        let forced = force && matches!(verdict, Verdict::Unconfirmed { .. });
        if !verdict.passed() && !forced {
            self.delete(&staged(name)).await?;
            let fp = fingerprint(new.expose_secret());
            let why = verdict.describe();
            audit::record(
                Event::RotationRefused,
                name,
                Some(&fp),
                &format!("new token not in use: {why}"),
            );
            return Err(CredError::NotProven {
                why,
                can_force: matches!(verdict, Verdict::Unconfirmed { .. }),
            });
        }
        crate::pause::at("tested").await;
        let old_fp = old.as_ref().map(|o| fingerprint(o.expose_secret()));
        let salt = self.update_meta(MetaFile::salt).await?;
        let old_seal = old.as_ref().map(|o| super::seal::seal(&salt, o.expose_secret()));
        if let Some(old) = &old {
            // The seal goes first: a crash after the keyring write still
            // leaves a previous entry homedash can prove it wrote.
            let (n, seal) = (name.to_string(), old_seal.clone());
            self.update_meta(move |m| m.credentials.entry(n).or_default().previous_seal = seal)
                .await?;
            self.set(&previous(name), old).await?;
        }
        crate::pause::at("previous").await;
        self.set(name, new).await?;
        crate::pause::at("swapped").await;
        self.delete(&staged(name)).await?;
        let fp = fingerprint(new.expose_secret());
        let (n, fp2, prov) = (name.to_string(), fp.clone(), provider.name.to_string());
        let mut tested = TestResult::new(&verdict, Utc::now());
        tested.fingerprint = Some(fp.clone());
        self.update_meta(move |m| {
            let now = Utc::now();
            let e = m.credentials.entry(n).or_default();
            e.provider = prov;
            e.source = "keyring".into();
            e.created.get_or_insert(now);
            e.rotated = Some(now);
            e.fingerprint = Some(fp2);
            e.previous_fingerprint = old_fp;
            e.previous_seal = old_seal;
            e.revoked = None;
            e.last_test = Some(tested);
        })
        .await?;
        audit::record(
            Event::Rotated,
            name,
            Some(&fp),
            if forced {
                "new token in use although its test could not confirm it (--force); previous kept for rollback"
            } else {
                "new token tested valid and in use; previous kept for rollback"
            },
        );
        self.approve(name, origins).await?;
        Ok((fp, verdict))
    }

    /// Drop the previous token kept since the last rotation.
    pub async fn confirm(&mut self, name: &str) -> Result<(), CredError> {
        self.reconcile(name).await?;
        if self.own_previous(name).await?.is_none() {
            return Err(CredError::NothingToConfirm { name: name.to_string() });
        }
        self.delete(&previous(name)).await?;
        let n = name.to_string();
        self.update_meta(move |m| {
            if let Some(e) = m.credentials.get_mut(&n) {
                e.previous_fingerprint = None;
                e.previous_seal = None;
            }
        })
        .await?;
        audit::record(Event::RotationConfirmed, name, None, "previous token removed");
        Ok(())
    }

    /// Put the previous token back.
    pub async fn rollback(&mut self, name: &str) -> Result<String, CredError> {
        self.reconcile(name).await?;
        let Some(prev) = self.own_previous(name).await? else {
            return Err(CredError::NothingToRollBack { name: name.to_string() });
        };
        secret::check(prev.expose_secret())?;
        self.set(name, &prev).await?;
        self.delete(&previous(name)).await?;
        let fp = fingerprint(prev.expose_secret());
        let (n, fp2) = (name.to_string(), fp.clone());
        self.update_meta(move |m| {
            let e = m.credentials.entry(n).or_default();
            e.fingerprint = Some(fp2);
            e.previous_fingerprint = None;
            e.previous_seal = None;
            e.rotated = Some(Utc::now());
        })
        .await?;
        audit::record(Event::RolledBack, name, Some(&fp), "previous token restored");
        Ok(fp)
    }

    /// The `NAME#previous` entry, when homedash wrote it (its seal in the
    /// state file matches). One written by another program (e.g.
    /// `secret-tool store`) is foreign: `Err(ForeignEntry)`, and left as
    /// it is.
    async fn own_previous(&mut self, name: &str) -> Result<Option<SecretString>, CredError> {
        let Some(prev) = self.get(&previous(name)).await? else {
            return Ok(None);
        };
        if !super::seal::sealed_previous(&self.load_meta().await?, name, prev.expose_secret()) {
            return Err(CredError::ForeignEntry {
                account: previous(name),
            });
        }
        Ok(Some(prev))
    }

    /// Delete every token of `name` from the keyring. Nothing stored is an
    /// error: nothing was revoked.
    pub async fn revoke(&mut self, name: &str) -> Result<(), CredError> {
        let fp = self.present(name).await?.map(|s| fingerprint(s.expose_secret()));
        let mut stored = Vec::new();
        for account in [name.to_string(), previous(name), staged(name)] {
            if self.present(&account).await?.is_some() {
                stored.push(account);
            }
        }
        // One the kernel dropped is still on record: removing it clears
        // the record, so nothing says "dropped" about it any more.
        let dropped = stored.is_empty()
            && self
                .load_meta()
                .await?
                .credentials
                .get(name)
                .is_some_and(|m| m.store.is_some() && m.revoked.is_none());
        if stored.is_empty() && !dropped {
            return Err(CredError::NothingStored { name: name.to_string() });
        }
        for account in stored {
            self.delete(&account).await?;
        }
        let n = name.to_string();
        self.update_meta(move |m| {
            let e = m.credentials.entry(n).or_default();
            e.fingerprint = None;
            e.previous_fingerprint = None;
            e.revoked = Some(Utc::now());
            e.store = None;
            // A test of a token that is gone says nothing any more.
            e.last_test = None;
        })
        .await?;
        let what = if dropped {
            "its record cleared: the kernel keyring had dropped the token already"
        } else {
            "deleted from the keyring"
        };
        audit::record(Event::Revoked, name, fp.as_deref(), what);
        Ok(())
    }

    /// The fingerprint of the token stored under `name`, if any.
    pub async fn stored(&mut self, name: &str) -> Result<Option<String>, CredError> {
        Ok(self.get(name).await?.map(|s| fingerprint(s.expose_secret())))
    }

    /// Undo `add`: delete what was stored and forget it in the state file,
    /// as if it had never been added (a cancelled setup).
    pub async fn discard(&mut self, name: &str) -> Result<(), CredError> {
        let fp = self.get(name).await?.map(|s| fingerprint(s.expose_secret()));
        for account in [name.to_string(), previous(name), staged(name)] {
            self.delete(&account).await?;
        }
        let n = name.to_string();
        self.update_meta(move |m| {
            m.credentials.remove(&n);
        })
        .await?;
        audit::record(
            Event::Discarded,
            name,
            fp.as_deref(),
            "deleted: the setup that stored it was cancelled",
        );
        Ok(())
    }

    /// Make the state file tell the truth about the keyring after an
    /// interrupted rotation. Returns a note when something was repaired.
    pub async fn reconcile(&mut self, name: &str) -> Result<Option<Repair>, CredError> {
        let current = self.get(name).await?;
        let prev = self.get(&previous(name)).await?;
        let stage = self.get(&staged(name)).await?;
        let fp = |s: &Option<SecretString>| s.as_ref().map(|s| fingerprint(s.expose_secret()));
        let mut note = None;
        if let Some(st) = &stage {
            let finished = current
                .as_ref()
                .is_some_and(|c| c.expose_secret() == st.expose_secret());
            self.delete(&staged(name)).await?;
            audit::record(
                Event::RotationRepaired,
                name,
                fp(&stage).as_deref(),
                if finished {
                    "an interrupted rotation's staged token removed; the swap had finished"
                } else {
                    "an interrupted rotation's untested staged token deleted; the current token is unchanged"
                },
            );
            note = Some(if finished {
                Repair::FinishedSwap
            } else {
                Repair::DiscardedStaged
            });
        }
        // A previous entry is adopted only when homedash wrote it.
        let meta = self.load_meta().await?;
        let prev = prev.filter(|p| super::seal::sealed_previous(&meta, name, p.expose_secret()));
        // One adopted by the fingerprint of a rotation from before seals:
        // sealed now, so the fingerprint is trusted this once only.
        if let Some(p) = &prev
            && meta.credentials.get(name).is_some_and(|e| e.previous_seal.is_none())
        {
            let salt = self.update_meta(MetaFile::salt).await?;
            let (n, seal) = (name.to_string(), super::seal::seal(&salt, p.expose_secret()));
            self.update_meta(move |m| {
                if let Some(e) = m.credentials.get_mut(&n) {
                    e.previous_seal = Some(seal);
                }
            })
            .await?;
        }
        let (cur_fp, prev_fp, n) = (fp(&current), fp(&prev), name.to_string());
        let swapped = note == Some(Repair::FinishedSwap);
        let changed = self
            .update_meta(move |m| {
                let Some(e) = m.credentials.get_mut(&n) else {
                    return cur_fp.is_some();
                };
                let before = (e.fingerprint.clone(), e.previous_fingerprint.clone());
                if swapped || e.fingerprint != cur_fp {
                    if cur_fp.is_some() && e.fingerprint.is_some() && e.fingerprint != cur_fp {
                        e.rotated = Some(Utc::now());
                    }
                    e.fingerprint = cur_fp;
                }
                e.previous_fingerprint = prev_fp;
                before != (e.fingerprint.clone(), e.previous_fingerprint.clone())
            })
            .await?;
        if changed && note.is_none() {
            note = Some(Repair::StateFromKeyring);
        }
        Ok(note)
    }
}

/// What `reconcile` repaired after an interrupted rotation or an edit
/// behind homedash's back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repair {
    /// The swap had happened: the staged copy is gone, the state file
    /// learnt the new token.
    FinishedSwap,
    /// The staged token was never tested: deleted, the current one kept.
    DiscardedStaged,
    /// The state file's fingerprints did not match the keyring.
    StateFromKeyring,
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Repair::FinishedSwap => "an interrupted rotation had already swapped in the new token; finished it",
            Repair::DiscardedStaged => {
                "an interrupted rotation left an untested token staged; discarded it, the current token is unchanged"
            }
            Repair::StateFromKeyring => "the state file did not match the keyring; updated from the keyring",
        })
    }
}

/// How a credential stands by the calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Due {
    Fine,
    RotationDue { since_days: i64 },
    ExpiresSoon { days: i64 },
    Expired { days_ago: i64 },
}

/// When the credential's `rotate_after` runs out, counted from its last
/// rotation (or its creation).
fn rotation_due_at(cred: &CredentialConfig, meta: Option<&Meta>) -> Option<DateTime<Utc>> {
    let since = meta.and_then(|m| m.rotated.or(m.created))?;
    let every = chrono::Duration::from_std(cred.rotate_after?).unwrap_or(chrono::Duration::MAX);
    Some(since.checked_add_signed(every).unwrap_or(DateTime::<Utc>::MAX_UTC))
}

impl Due {
    pub fn of(cred: &CredentialConfig, meta: Option<&Meta>, now: DateTime<Utc>) -> Due {
        let expires = cred.expires.or(meta.and_then(|m| m.expires));
        if let Some(exp) = expires {
            let days = (exp - now.date_naive()).num_days();
            if days < 0 {
                return Due::Expired { days_ago: -days };
            }
            if days <= 14 {
                return Due::ExpiresSoon { days };
            }
        }
        if let Some(due) = rotation_due_at(cred, meta)
            && now >= due
        {
            return Due::RotationDue {
                since_days: (now - due).num_days(),
            };
        }
        Due::Fine
    }

    /// For a credential in good standing: the next date by which it needs
    /// its owner, and what for ("expires 2027-01-05", "rotate by ...").
    pub fn next(cred: &CredentialConfig, meta: Option<&Meta>) -> Option<String> {
        let expires = cred.expires.or(meta.and_then(|m| m.expires)).map(|d| (d, "expires"));
        let rotate = rotation_due_at(cred, meta).map(|t| (t.date_naive(), "rotate by"));
        [expires, rotate]
            .into_iter()
            .flatten()
            .min()
            .map(|(date, what)| format!("{what} {date}"))
    }
}

#[cfg(test)]
#[path = "tests/manager.rs"]
mod tests;
