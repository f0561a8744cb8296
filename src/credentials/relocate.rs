//! `homedash creds move NAME --to STORE`: a credential's entries carried
//! from the store that keeps it to another. Its token is tested before
//! anything is written, each copy is read back before the original goes,
//! and the state file then names the new store; nothing stays behind.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use homedash_widgets::provider::Verdict;

use super::error::CredError;
use super::keyring::{Keyring, KeyringError, off_thread};
use super::manager::{Manager, previous, staged};
use super::secret::fingerprint;
use crate::audit::{self, Event};
use crate::config::CredentialConfig;
use crate::net::destinations::Destinations;
use crate::stores::{Backend, StoreChoice};

/// What a move did.
#[derive(Debug)]
pub struct Moved {
    pub fingerprint: String,
    pub from: Backend,
    pub to: Backend,
    /// The entries carried: the token, and the previous one kept for
    /// rollback when there is one.
    pub entries: usize,
    pub verdict: Verdict,
}

async fn read(k: &Keyring, account: &str) -> Result<Option<SecretString>, CredError> {
    let (k, a) = (k.clone(), account.to_string());
    match off_thread(move || k.get(&a)).await {
        Ok(s) => Ok(Some(s)),
        Err(KeyringError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn write(k: &Keyring, account: &str, value: &SecretString) -> Result<(), CredError> {
    let (k, a, v) = (k.clone(), account.to_string(), value.clone());
    Ok(off_thread(move || k.set(&a, &v)).await?)
}

async fn delete(k: &Keyring, account: &str) -> Result<(), CredError> {
    let (k, a) = (k.clone(), account.to_string());
    Ok(off_thread(move || k.delete(&a)).await?)
}

impl Manager {
    /// Move `cred`'s token (and its rollback token) to the store `to`.
    /// The token is probed at `base` first: only a valid one moves (with
    /// `force`, one the test cannot confirm either way too).
    pub async fn move_to(
        &mut self,
        cred: &CredentialConfig,
        base: &Url,
        to: StoreChoice,
        force: bool,
    ) -> Result<Moved, CredError> {
        let name = cred.name.as_str();
        if cred.oauth.is_some() {
            return Err(CredError::OAuthOnly {
                name: name.to_string(),
                what: "move",
            });
        }
        super::manager::keyring_only(cred, "move")?;
        let kept = self.load_meta().await?.credentials.get(name).and_then(|m| m.store);
        // Where the state file says it is, else where this process keeps
        // tokens; opened without the ledger, which the move writes itself.
        let from_choice = match kept {
            Some(b) => b.choice(),
            None => self.keyring().await?.backend().choice(),
        };
        // Both must answer: a move runs where they both do.
        let unreachable = |e: KeyringError| CredError::StoreUnreachable { why: e.cause() };
        let from = off_thread(move || Keyring::open(from_choice))
            .await
            .map_err(unreachable)?;
        let target = off_thread(move || Keyring::open(to)).await.map_err(unreachable)?;
        if from.backend() == target.backend() {
            return Err(CredError::AlreadyThere {
                name: name.to_string(),
                store: from.backend().name(),
            });
        }
        if read(&from, &staged(name)).await?.is_some() {
            return Err(CredError::MidRotation { name: name.to_string() });
        }
        let Some(token) = read(&from, name).await? else {
            return Err(CredError::NothingToMove {
                name: name.to_string(),
                store: from.backend().name(),
            });
        };
        let mut entries = vec![(name.to_string(), token.clone())];
        // The rollback token goes with it, if homedash wrote it; a foreign
        // one is left where it is, as everywhere.
        if let Some(prev) = read(&from, &previous(name)).await?
            && super::seal::sealed_previous(&self.load_meta().await?, name, prev.expose_secret())
        {
            entries.push((previous(name), prev));
        }
        // A token already there is this move's own, half done, or
        // someone else's, which is never overwritten.
        for (account, value) in &entries {
            if let Some(there) = read(&target, account).await?
                && there.expose_secret() != value.expose_secret()
            {
                return Err(CredError::MoveConflict {
                    account: account.clone(),
                    store: target.backend().name(),
                });
            }
        }
        let approved = self.destinations(name, cred.provider).await?.approved().to_vec();
        let dests = Destinations::new(cred.provider, &approved);
        let verdict = Verdict::of(&self.probe(name, cred.provider, base, &token, &dests).await);
        let unconfirmed = matches!(verdict, Verdict::Unconfirmed { .. });
        if !(verdict.passed() || force && unconfirmed) {
            return Err(CredError::NotMoved {
                why: verdict.describe(),
                can_force: unconfirmed,
            });
        }
        // Copied and read back; the old store checked unchanged since it
        // was read (a rotation elsewhere meanwhile); then recorded. Any
        // failure on the way removes the copies: nothing has moved.
        let copied = async {
            for (account, value) in &entries {
                write(&target, account, value).await?;
                let back = read(&target, account).await?;
                if back.as_ref().map(|b| b.expose_secret()) != Some(value.expose_secret()) {
                    return Err(CredError::NotCopied {
                        account: account.clone(),
                        store: target.backend().name(),
                    });
                }
            }
            crate::pause::at("move-copied").await;
            for (account, value) in &entries {
                let now = read(&from, account).await?;
                if now.as_ref().map(|v| v.expose_secret()) != Some(value.expose_secret()) {
                    return Err(CredError::ChangedWhileMoving { name: name.to_string() });
                }
            }
            let (n, b) = (name.to_string(), target.backend());
            self.update_meta(move |m| m.credentials.entry(n).or_default().store = Some(b))
                .await
        };
        if let Err(e) = copied.await {
            for (a, _) in &entries {
                let _ = delete(&target, a).await;
            }
            return Err(e);
        }
        let fp = fingerprint(token.expose_secret());
        for (account, _) in &entries {
            let gone = delete(&from, account).await.is_ok() && matches!(read(&from, account).await, Ok(None));
            if !gone {
                // Moved, but not tidied: said, and audited as such.
                let why = format!(
                    "moved to the {}, but \"{account}\" is still in the {}",
                    target.backend().name(),
                    from.backend().name()
                );
                audit::record(Event::Moved, name, Some(&fp), &why);
                return Err(CredError::LeftBehind {
                    account: account.clone(),
                    store: from.backend().name(),
                });
            }
        }
        audit::record(
            Event::Moved,
            name,
            Some(&fp),
            &format!(
                "moved from the {} to the {} ({} entr{}), tested first: {}; nothing left in the {}",
                from.backend().name(),
                target.backend().name(),
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" },
                verdict.describe(),
                from.backend().name()
            ),
        );
        Ok(Moved {
            fingerprint: fp,
            from: from.backend(),
            to: target.backend(),
            entries: entries.len(),
            verdict,
        })
    }
}
