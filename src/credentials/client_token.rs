//! A team-mode gateway client's token, made on the gateway host: 32
//! random bytes, handed out once (to stdout or a 0600 file) and then
//! dropped; the gateway keeps only its SHA-256.

use std::io::Write as _;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

/// 32 random bytes: far past guessing, so one fast hash suffices (a slow
/// password hash protects low-entropy secrets, which these are not).
const TOKEN_BYTES: usize = 32;
pub const TOKEN_PREFIX: &str = "hdgw_";

pub struct ClientToken {
    secret: SecretString,
    /// Hex SHA-256 of the whole token: what the gateway keeps.
    pub sha256: String,
}

impl std::fmt::Debug for ClientToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientToken")
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientTokenError {
    #[error("no random numbers from the system")]
    Random,
    #[error("cannot write the token to {}: {source}", path.display())]
    Out {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ClientToken {
    /// A new token.
    pub fn new() -> Result<ClientToken, ClientTokenError> {
        use ring::rand::SecureRandom;
        let mut raw = zeroize::Zeroizing::new([0u8; TOKEN_BYTES]);
        ring::rand::SystemRandom::new()
            .fill(raw.as_mut())
            .map_err(|_| ClientTokenError::Random)?;
        let mut text = zeroize::Zeroizing::new(String::from(TOKEN_PREFIX));
        for b in raw.iter() {
            text.push_str(&format!("{b:02x}"));
        }
        let sha256 = sha256_hex(text.as_bytes());
        Ok(ClientToken {
            secret: super::secret::from_string(text.to_string()),
            sha256,
        })
    }

    /// Hand the token out, once: into a new file only its owner can read
    /// (never through a link, never over an existing file), or on stdout.
    pub fn hand_out(&self, to: Option<&Path>) -> Result<(), ClientTokenError> {
        match to {
            Some(path) => {
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                crate::atomic::no_follow(&mut opts);
                let err = |source| ClientTokenError::Out {
                    path: path.to_path_buf(),
                    source,
                };
                let mut f = opts.open(path).map_err(err)?;
                f.write_all(self.secret.expose_secret().as_bytes()).map_err(err)?;
                f.write_all(b"\n").map_err(err)
            }
            None => {
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{}", self.secret.expose_secret());
                Ok(())
            }
        }
    }
}

#[cfg(test)]
#[path = "tests/client_token.rs"]
mod tests;
