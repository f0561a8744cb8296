//! The gateway's clients: a name and the SHA-256 of its token each. The
//! token itself is shown once, when it is made, and never stored here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

pub use crate::credentials::{TOKEN_PREFIX, sha256_hex};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashes_are_kept() {
        let ha = sha256_hex(b"hdgw_example");
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
        assert!(text.contains(&ha) && !text.contains("hdgw_example"));
        assert_eq!(Clients::load(&path(dir.path())).unwrap(), c);
    }
}
