//! The gateway's clients: a name and the SHA-256 of its token each. The
//! token itself is shown once, when it is made, and never stored here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// 32 random bytes: far past guessing, so one fast hash suffices (a slow
/// password hash protects low-entropy secrets, which these are not).
const TOKEN_BYTES: usize = 32;
pub const TOKEN_PREFIX: &str = "hdgw_";

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Clients {
    pub clients: BTreeMap<String, Client>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Client {
    /// Hex SHA-256 of the whole token.
    pub sha256: String,
    pub created: DateTime<Utc>,
    /// Kept after revocation, so its refusals say "revoked" and the
    /// report can name the client behind them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientsError {
    #[error("cannot read the client list {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the client list {} is damaged ({detail}); nothing was changed", path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("cannot write the client list {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no random numbers from the system")]
    Random,
}

pub fn path(directory: &Path) -> PathBuf {
    directory.join("clients.json")
}

impl Clients {
    pub fn load(path: &Path) -> Result<Clients, ClientsError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| ClientsError::Damaged {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Clients::default()),
            Err(source) => Err(ClientsError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), ClientsError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| ClientsError::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        crate::atomic::write(path, &json).map_err(|source| ClientsError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn active(&self) -> impl Iterator<Item = (&String, &Client)> {
        self.clients.iter().filter(|(_, c)| c.revoked.is_none())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new client token and its hash.
pub fn new_token() -> Result<(SecretString, String), ClientsError> {
    use ring::rand::SecureRandom;
    let mut raw = zeroize::Zeroizing::new([0u8; TOKEN_BYTES]);
    ring::rand::SystemRandom::new()
        .fill(raw.as_mut())
        .map_err(|_| ClientsError::Random)?;
    let mut text = zeroize::Zeroizing::new(String::from(TOKEN_PREFIX));
    for b in raw.iter() {
        text.push_str(&format!("{b:02x}"));
    }
    let hash = sha256_hex(text.as_bytes());
    Ok((SecretString::from(text.to_string()), hash))
}

/// The hash a token would be stored as.
pub fn hash_of(token: &SecretString) -> String {
    sha256_hex(token.expose_secret().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token().unwrap();
        let (b, hb) = new_token().unwrap();
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(a.expose_secret().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose_secret().len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash_of(&a), ha);
        assert_ne!(ha, hb);
        // The known SHA-256 of "abc".
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dir = tempfile::tempdir().unwrap();
        let mut c = Clients::default();
        c.clients.insert(
            "alice".into(),
            Client {
                sha256: ha.clone(),
                created: Utc::now(),
                revoked: None,
            },
        );
        c.save(&path(dir.path())).unwrap();
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        assert!(text.contains(&ha) && !text.contains(a.expose_secret()));
        assert_eq!(Clients::load(&path(dir.path())).unwrap(), c);
    }
}
