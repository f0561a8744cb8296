//! Facts about each credential, never its value, kept in
//! `$XDG_STATE_HOME/homedash/credentials.json` (written atomically, 0600).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::net::budget::Window;

pub const FILE: &str = "credentials.json";

/// What a test proved, for the one status model; the words are `outcome`.
/// Request counters, kept per credential.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub requests: u64,
    pub ok: u64,
    pub rejected: u64,
    pub limited: u64,
    pub last_used: Option<DateTime<Utc>>,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.rejected += other.rejected;
        self.limited += other.limited;
        self.last_used = self.last_used.max(other.last_used);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    Valid,
    Rejected,
    Forbidden,
    RateLimited,
    /// The answer proved nothing either way: not found, unexpected, offline.
    Unconfirmed,
}

impl TestKind {
    pub fn of(v: &homedash_widgets::provider::Verdict) -> TestKind {
        use homedash_widgets::provider::Verdict;
        match v {
            Verdict::Valid => TestKind::Valid,
            Verdict::Rejected(_) => TestKind::Rejected,
            Verdict::Forbidden(_) => TestKind::Forbidden,
            Verdict::RateLimited { .. } => TestKind::RateLimited,
            Verdict::Unconfirmed { .. } => TestKind::Unconfirmed,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    pub at: DateTime<Utc>,
    /// Only a `valid` verdict is ok.
    pub ok: bool,
    /// "valid", "rejected: …", "rate-limited until 12:05 UTC", "could not
    /// confirm: …".
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TestKind>,
}

impl TestResult {
    pub fn new(v: &homedash_widgets::provider::Verdict, at: DateTime<Utc>) -> TestResult {
        TestResult {
            at,
            ok: v.passed(),
            outcome: v.describe(),
            kind: Some(TestKind::of(v)),
        }
    }

    /// Files written before `kind` existed say only ok or not.
    pub fn kind(&self) -> TestKind {
        self.kind.unwrap_or(if self.ok {
            TestKind::Valid
        } else {
            TestKind::Unconfirmed
        })
    }
}

/// An origin the owner approved for a credential, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub origin: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub provider: String,
    /// "keyring", "env NAME" or "command PROGRAM".
    pub source: String,
    pub created: Option<DateTime<Utc>>,
    pub rotated: Option<DateTime<Utc>>,
    pub expires: Option<NaiveDate>,
    pub fingerprint: Option<String>,
    /// The token kept for rollback after a rotation, until confirmed.
    pub previous_fingerprint: Option<String>,
    /// Proof that homedash wrote the `NAME#previous` entry: a salted hash
    /// of it (`MetaFile::seal`). An entry without it is foreign, and never
    /// adopted as the rollback token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_seal: Option<String>,
    pub last_test: Option<TestResult>,
    #[serde(default)]
    pub usage: Usage,
    /// Set when revoked locally; cleared by the next add.
    pub revoked: Option<DateTime<Utc>>,
    /// Origins besides the provider's own that the token may be sent to.
    #[serde(default)]
    pub destinations: Vec<Approval>,
    /// The request budget's windows, so a restart does not spend it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

impl Meta {
    pub fn approved(&self) -> Vec<String> {
        self.destinations.iter().map(|a| a.origin.clone()).collect()
    }

    /// Approve `origin`; false when it already was.
    pub fn approve(&mut self, origin: &str, at: DateTime<Utc>) -> bool {
        if self.destinations.iter().any(|a| a.origin == origin) {
            return false;
        }
        self.destinations.push(Approval {
            origin: origin.to_string(),
            at,
        });
        true
    }

    /// Withdraw `origin`; false when it was not approved.
    pub fn deny(&mut self, origin: &str) -> bool {
        let before = self.destinations.len();
        self.destinations.retain(|a| a.origin != origin);
        self.destinations.len() != before
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaFile {
    #[serde(default)]
    pub credentials: BTreeMap<String, Meta>,
    /// A random salt for the seals of entries homedash writes; not a
    /// secret by itself, and no token can be read back from a seal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_salt: Option<String>,
}

impl MetaFile {
    /// The salt, made on first use.
    pub fn salt(&mut self) -> String {
        self.seal_salt
            .get_or_insert_with(|| {
                let mut b = [0u8; 16];
                fastrand::fill(&mut b);
                b.iter().map(|x| format!("{x:02x}")).collect()
            })
            .clone()
    }

    /// True when `value` is the `NAME#previous` homedash wrote for `name`.
    pub fn sealed_previous(&self, name: &str, value: &str) -> bool {
        let entry = self.credentials.get(name);
        match (&self.seal_salt, entry.and_then(|e| e.previous_seal.as_ref())) {
            (Some(salt), Some(seal)) => MetaFile::seal(salt, value) == *seal,
            (None, Some(_)) => false,
            // A rotation from before seals: the fingerprint recorded then
            // stands in for the seal, once (`Manager::reconcile` seals it).
            (_, None) => {
                entry.and_then(|e| e.previous_fingerprint.as_deref())
                    == Some(super::secret::fingerprint(value).as_str())
            }
        }
    }

    /// The seal of `value` under `salt`: the first 128 bits of
    /// SHA-256(salt, value), hex.
    pub fn seal(salt: &str, value: &str) -> String {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(salt.as_bytes());
        ctx.update(&[0]);
        ctx.update(value.as_bytes());
        ctx.finish().as_ref()[..16].iter().map(|x| format!("{x:02x}")).collect()
    }

    /// Every credential's approved origins.
    pub fn approvals(&self) -> BTreeMap<String, Vec<String>> {
        self.credentials
            .iter()
            .map(|(n, m)| (n.clone(), m.approved()))
            .collect()
    }
}

/// Why the state file could not be read or written. Tokens in the keyring
/// are never affected.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{} is damaged ({source}); move it aside and homedash starts a new one (tokens in the keyring are not affected)", path.display())]
    Damaged { path: PathBuf, source: serde_json::Error },
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode the state file: {0}")]
    Encode(#[source] serde_json::Error),
}

pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

impl MetaFile {
    /// A missing file is an empty one; a damaged one is an error that names
    /// the file, and is never overwritten by accident.
    pub fn load(path: &Path) -> Result<MetaFile, StateError> {
        let path_buf = || path.to_path_buf();
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| StateError::Damaged {
                path: path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MetaFile::default()),
            Err(source) => Err(StateError::Io {
                what: "read",
                path: path_buf(),
                source,
            }),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let text = serde_json::to_vec_pretty(self).map_err(StateError::Encode)?;
        crate::atomic::write(path, &text).map_err(|source| StateError::Io {
            what: "write",
            path: path.to_path_buf(),
            source,
        })
    }

    /// Load, change, save: one read-modify-write, under an exclusive lock
    /// on a file beside it, so that the dashboard and a `homedash creds`
    /// in another terminal never lose each other's changes.
    pub fn update<T>(path: &Path, f: impl FnOnce(&mut MetaFile) -> T) -> Result<T, StateError> {
        let lock_path = path.with_extension("json.lock");
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        crate::atomic::no_follow(&mut opts);
        let lock = opts.open(&lock_path).map_err(|source| StateError::Io {
            what: "open",
            path: lock_path.clone(),
            source,
        })?;
        lock.lock().map_err(|source| StateError::Io {
            what: "lock",
            path: lock_path.clone(),
            source,
        })?;
        let mut m = MetaFile::load(path)?;
        let out = f(&mut m);
        m.save(path)?;
        drop(lock);
        Ok(out)
    }
}

#[cfg(test)]
#[path = "tests/meta.rs"]
mod tests;
