//! The OS keyring through the keyring-rs 4.x ecosystem: keyring-core plus
//! one store crate per platform, linked directly so that failures keep
//! their cause. Entries use service `homedash` and account = credential name.
//!
//! Every call runs on its own thread under a deadline: a Secret Service
//! whose D-Bus activation hangs would otherwise block for 120 s.

use std::path::Path;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};
use secrecy::{ExposeSecret, SecretString};

use super::secret;
use crate::ledger::{Meta, MetaFile};

pub use crate::stores::SERVICE;
pub use crate::stores::error::{DEADLINE, KeyringError};
use crate::stores::error::{bounded, classify};
use crate::stores::{self, Backend, StoreChoice};
/// `op` on a blocking thread, for async callers: a keyring call never
/// holds a runtime thread while D-Bus answers.
pub async fn off_thread<T: Send + 'static>(
    op: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    tokio::task::spawn_blocking(op)
        .await
        .unwrap_or_else(|e| Err(KeyringError::Unavailable { detail: e.to_string() }))
}

/// A connected keyring.
#[derive(Clone)]
pub struct Keyring {
    store: Arc<CredentialStore>,
    backend: Backend,
    /// The state file that records which store holds each credential
    /// (`Meta::store`): none for a move's own connections, which record
    /// the move themselves once it is done.
    ledger: Option<Arc<Path>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("backend", &self.backend).finish()
    }
}

impl Keyring {
    /// Connect to the store the config chose (`[keyring] store`). `auto`
    /// takes the Secret Service when it answers and the kernel keyring
    /// otherwise; once a process has connected, it keeps that store.
    pub fn connect() -> Result<Self, KeyringError> {
        // One decision a process: the first connection decides while the
        // others wait, and then take what it took.
        let _deciding = stores::DECIDING.lock().unwrap_or_else(|p| p.into_inner());
        let choice = stores::chosen();
        let (store, backend) = match choice {
            // No session bus or no service: the kernel keyring. A Secret
            // Service that is merely slow (an activation at login) is not
            // passed over: this process would then keep its tokens where
            // the next one, finding it, would not look.
            #[cfg(target_os = "linux")]
            StoreChoice::Auto => match bounded("the Secret Service", stores::secret_service)? {
                Ok(store) => (store, Backend::SecretService),
                Err(e) => {
                    tracing::info!(error = %e, "no Secret Service answers: tokens are kept in the kernel keyring");
                    let kernel = bounded("the connection", stores::keyutils)?.map_err(|e| classify(e, ""))?;
                    stores::fall_back();
                    kernel
                }
            },
            _ => bounded("the connection", move || stores::open(choice))?.map_err(|e| classify(e, ""))?,
        };
        stores::connected(backend);
        let ledger = crate::logging::state_dir().map(|d| Arc::from(crate::ledger::path(&d)));
        Ok(Keyring { store, backend, ledger })
    }

    /// The store `to` names, whatever this process uses: for moving a
    /// credential there. Nothing is recorded through it.
    pub fn open(to: StoreChoice) -> Result<Self, KeyringError> {
        #[cfg(target_os = "linux")]
        let opened = match to {
            // Only a Secret Service that answers: `open` alone succeeds
            // with no session bus at all.
            StoreChoice::SecretService => {
                bounded("the Secret Service", stores::secret_service)?.map(|s| (s, Backend::SecretService))
            }
            _ => bounded("the connection", move || stores::open(to))?,
        };
        #[cfg(not(target_os = "linux"))]
        let opened = bounded("the connection", move || stores::open(to))?;
        let (store, backend) = opened.map_err(|e| classify(e, ""))?;
        Ok(Keyring {
            store,
            backend,
            ledger: None,
        })
    }

    /// Record in the state file at `path` (not the default one).
    pub fn with_ledger(mut self, path: &Path) -> Self {
        self.ledger = Some(Arc::from(path));
        self
    }

    /// What the state file says of credential `name`.
    fn record(&self, name: &str) -> Option<Meta> {
        MetaFile::load(self.ledger.as_deref()?).ok()?.credentials.remove(name)
    }

    /// Note in the state file that credential `account` is now kept in
    /// this store (`Some`) or in none (`None`). Only a credential's own
    /// entry counts: its `#previous`, `#staged` and `#client` go with it,
    /// and a probe's name has a space.
    fn note(&self, account: &str, kept: Option<Backend>) {
        let Some(path) = self.ledger.as_deref() else { return };
        if account.contains(['#', ' ']) {
            return;
        }
        // Most writes are to the store already on record: no ledger write.
        if self.record(account).map_or(kept.is_none(), |m| m.store == kept) {
            return;
        }
        let name = account.to_string();
        let noted = MetaFile::update(path, |m| match kept {
            Some(_) => m.credentials.entry(name).or_default().store = kept,
            None => {
                if let Some(e) = m.credentials.get_mut(&name) {
                    e.store = None;
                }
            }
        });
        if let Err(e) = noted {
            tracing::warn!(error = %e, "cannot record which store keeps a credential");
        }
    }

    /// The store this connection uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Wrap an existing store: the in-memory mock in unit tests. Compiled
    /// into test builds only, so a release binary cannot reach it.
    #[cfg(test)]
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Keyring {
            store,
            backend: Backend::SecretService,
            ledger: None,
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, KeyringError> {
        Entry::new_in_store(&self.store, SERVICE, name).map_err(|e| classify(e, name))
    }

    /// The token under `account` (`NAME` or `NAME#previous`…), from the
    /// store the state file says keeps credential NAME and never another.
    pub fn get(&self, account: &str) -> Result<SecretString, KeyringError> {
        let name = account.split('#').next().unwrap_or(account);
        let record = self.record(name);
        if let Some(e) = record.as_ref().and_then(|m| m.elsewhere(name, self.backend)) {
            return Err(e);
        }
        let entry = self.entry(account)?;
        let owned = account.to_string();
        match bounded("a read", move || entry.get_password())? {
            Ok(v) => {
                // A credential from before stores were recorded: this
                // store is where it was found, from now on.
                if account == name && record.as_ref().is_some_and(|m| m.store.is_none()) {
                    self.note(name, Some(self.backend));
                }
                Ok(secret::from_string(v))
            }
            // homedash stored it here and never removed it: the kernel did.
            Err(Error::NoEntry) if account == name => Err(record
                .and_then(|m| m.dropped(name))
                .unwrap_or_else(|| classify(Error::NoEntry, &owned))),
            Err(e) => Err(classify(e, &owned)),
        }
    }

    pub fn set(&self, name: &str, value: &SecretString) -> Result<(), KeyringError> {
        let entry = self.entry(name)?;
        let value = zeroize::Zeroizing::new(value.expose_secret().to_string());
        let owned = name.to_string();
        bounded("a write", move || entry.set_password(&value))?.map_err(|e| classify(e, &owned))?;
        self.note(name, Some(self.backend));
        Ok(())
    }

    /// Every account stored under service `homedash`, whoever wrote it.
    pub fn accounts(&self) -> Result<Vec<String>, KeyringError> {
        #[cfg(target_os = "linux")]
        if self.backend == Backend::Keyutils {
            // keyutils has no search by attribute: its entries are found by
            // their description among the keys of the user's keyrings.
            return bounded("a search", stores::keyutils_accounts)?.map_err(|e| KeyringError::Unavailable {
                detail: format!("the kernel keyring cannot be listed: {e:?}"),
            });
        }
        let store = self.store.clone();
        let found = bounded("a search", move || {
            let spec = std::collections::HashMap::from([("service", SERVICE)]);
            Entry::search_in_store(&store, &spec).map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| {
                        // Only entries that hold a credential (a store may
                        // return bare specifiers too).
                        let attrs = e.get_attributes().ok()?;
                        match e.get_specifiers() {
                            Some((service, user)) => (service == SERVICE).then_some(user),
                            None => (attrs.get("service").map(String::as_str) == Some(SERVICE))
                                .then(|| attrs.get("username").cloned())
                                .flatten(),
                        }
                    })
                    .collect::<Vec<String>>()
            })
        })?;
        let mut accounts = found.map_err(|e| classify(e, ""))?;
        accounts.sort();
        accounts.dedup();
        Ok(accounts)
    }

    /// Prove the keyring takes a write: a throw-away entry (its name has a
    /// space, which no credential name can) written and removed.
    pub fn probe_write(&self) -> Result<(), KeyringError> {
        let probe = "doctor probe";
        let value = secrecy::SecretString::from(String::from("probe"));
        self.set(probe, &value).and_then(|()| self.delete(probe))
    }

    /// Removing an entry that is not there is not an error.
    pub fn delete(&self, name: &str) -> Result<(), KeyringError> {
        let entry = self.entry(name)?;
        let owned = name.to_string();
        match bounded("a delete", move || entry.delete_credential())? {
            Ok(()) | Err(Error::NoEntry) => {
                self.note(name, None);
                Ok(())
            }
            Err(e) => Err(classify(e, &owned)),
        }
    }
}

#[cfg(test)]
#[path = "tests/keyring.rs"]
mod tests;
