//! The credentials ledger: facts about each credential, never its value
//! (which store keeps it, its fingerprint, tests, usage, approvals), kept
//! in `$XDG_STATE_HOME/homedash/credentials.json` (written atomically,
//! 0600). The seals that prove homedash wrote an entry are made from
//! token values, so they are the credentials room's (`credentials/seal.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::net::budget::Window;
use crate::stores::Backend;
use crate::stores::error::KeyringError;

pub const FILE: &str = "credentials.json";

/// Request counters, kept per credential: every request that carried it,
/// a poll, a test or a setup's check alike, and what each one showed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Usage {
    pub requests: u64,
    pub ok: u64,
    /// 401: the provider does not take the token.
    pub rejected: u64,
    /// 403: taken, but the plan or scope does not allow the request.
    pub forbidden: u64,
    pub limited: u64,
    pub last_used: Option<DateTime<Utc>>,
    /// The last answer that said something about the credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<Seen>,
}

/// How a request that carried a credential was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// A widget's poll.
    Poll,
    /// A test or check the user asked for (the Credentials screen,
    /// `creds test`, a rotation, setup).
    Test,
}

/// What one answer showed about a credential, and about which token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub at: DateTime<Utc>,
    pub kind: TestKind,
    pub by: By,
    /// The token's fingerprint: an answer about another token (a rotation's
    /// candidate) says nothing about the one in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Usage {
    /// Count one request: `kind` is what its answer showed, `None` when
    /// none came or it said nothing about the credential (a 500).
    pub fn count(&mut self, kind: Option<TestKind>, by: By, at: DateTime<Utc>, fingerprint: Option<String>) {
        self.requests += 1;
        self.last_used = self.last_used.max(Some(at));
        let Some(kind) = kind else { return };
        match kind {
            TestKind::Valid => self.ok += 1,
            TestKind::Rejected => self.rejected += 1,
            TestKind::Forbidden => self.forbidden += 1,
            TestKind::RateLimited => self.limited += 1,
            TestKind::Unconfirmed => return,
        }
        self.last = Some(Seen {
            at,
            kind,
            by,
            fingerprint,
        });
    }

    pub fn add(&mut self, other: &Usage) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.rejected += other.rejected;
        self.forbidden += other.forbidden;
        self.limited += other.limited;
        self.last_used = self.last_used.max(other.last_used);
        if other.last.as_ref().map(|s| s.at) >= self.last.as_ref().map(|s| s.at) {
            self.last.clone_from(&other.last);
        }
    }
}

/// What the kind of an HTTP status says about the credential that was sent.
pub fn status_kind(status: Option<u16>) -> Option<TestKind> {
    match status? {
        200..=299 => Some(TestKind::Valid),
        401 => Some(TestKind::Rejected),
        403 => Some(TestKind::Forbidden),
        429 => Some(TestKind::RateLimited),
        _ => None,
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
    /// The token tested; none in files from before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl TestResult {
    pub fn new(v: &homedash_widgets::provider::Verdict, at: DateTime<Utc>) -> TestResult {
        TestResult {
            at,
            ok: v.passed(),
            outcome: v.describe(),
            kind: Some(TestKind::of(v)),
            fingerprint: None,
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
    /// The store homedash wrote its token to (`Keyring::set`), and the only
    /// one it is read from; none in files from before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<Backend>,
}

impl Meta {
    /// Why credential `name` is not read from the store `here`: the
    /// ledger says homedash keeps it in another one.
    pub fn elsewhere(&self, name: &str, here: Backend) -> Option<KeyringError> {
        let kept = self.store.filter(|&k| k != here)?;
        Some(KeyringError::Elsewhere {
            name: name.to_string(),
            kept,
            here,
        })
    }

    /// What to say of credential `name` when its store has no entry: that
    /// the kernel keyring dropped the token homedash kept there. `None`
    /// when it was kept elsewhere (a missing entry is then just missing).
    pub fn dropped(&self, name: &str) -> Option<KeyringError> {
        (self.store == Some(Backend::Keyutils)).then(|| KeyringError::Gone {
            name: name.to_string(),
            stored: self.rotated.or(self.created).map(|t| t.date_naive()),
        })
    }

    /// Whether a fact about the token `fp` is about the one in use.
    fn about_current(&self, fp: Option<&String>) -> bool {
        match (fp, &self.fingerprint) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// The last test of the token in use (a rotation's candidate, tested
    /// and refused, is not it).
    pub fn current_test(&self) -> Option<&TestResult> {
        self.last_test
            .as_ref()
            .filter(|t| self.about_current(t.fingerprint.as_ref()))
    }

    /// What the latest answer about the token in use showed: its last
    /// test, or a poll or check since.
    pub fn last_seen(&self) -> Option<(TestKind, DateTime<Utc>)> {
        let test = self.current_test().map(|t| (t.kind(), t.at));
        let seen = self
            .usage
            .last
            .as_ref()
            .filter(|s| self.about_current(s.fingerprint.as_ref()))
            .map(|s| (s.kind, s.at));
        match (test, seen) {
            (Some(t), Some(s)) if s.1 > t.1 => Some(s),
            (Some(t), _) => Some(t),
            (None, s) => s,
        }
    }

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
    /// The store whose choice the user was told about (`auto` finding no
    /// Secret Service): said once, not at every start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained: Option<Backend>,
}

/// `note` if it has not been said for `backend` before, recorded as said.
pub fn say_once(path: &Path, backend: Backend, note: Option<String>) -> Option<String> {
    let note = note?;
    let first = MetaFile::update(path, |m| m.explained.replace(backend) != Some(backend));
    match first {
        Ok(true) => Some(note),
        Ok(false) => None,
        // An unreadable ledger is said elsewhere; the note is not lost.
        Err(_) => Some(note),
    }
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
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_reported_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        assert_eq!(MetaFile::load(&p).unwrap(), MetaFile::default());
        MetaFile::update(&p, |m| {
            m.credentials.entry("fh".into()).or_default().fingerprint = Some("…abcd".into());
        })
        .unwrap();
        assert_eq!(
            MetaFile::load(&p).unwrap().credentials["fh"].fingerprint.as_deref(),
            Some("…abcd")
        );
        std::fs::write(&p, b"{ not json").unwrap();
        let e = MetaFile::update(&p, |_| ()).unwrap_err().to_string();
        assert!(e.contains("damaged") && e.contains(FILE), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"{ not json", "left as it was");
    }
}
