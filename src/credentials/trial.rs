//! What a face (the setup wizard, `homedash creds`) does with a token it
//! was given or read, done in this room: faces hold `Sealed` tokens and ask
//! for tests, stores, rotations and one-poll leases; they never open one.

use homedash_widgets::FetchError;
use homedash_widgets::provider::Provider;
use url::Url;

use super::error::CredError;
use super::lease::Lease;
use super::manager::Manager;
use super::secret::Sealed;
use super::source::{self, SecretSource, SourceError};
use crate::net::destinations::Destinations;
use homedash_widgets::provider::Verdict;

impl Manager {
    /// `Manager::probe` with a sealed token.
    pub async fn probe_sealed(
        &self,
        name: &str,
        provider: &Provider,
        base: &Url,
        token: &Sealed,
        to: &Destinations,
    ) -> Result<(), FetchError> {
        self.probe(name, provider, base, token.open(), to).await
    }

    /// `Manager::add` with a sealed token.
    pub async fn add_sealed(
        &mut self,
        name: &str,
        provider: &Provider,
        token: &Sealed,
        origins: &[String],
    ) -> Result<String, CredError> {
        self.add(name, provider, token.open(), origins).await
    }

    /// `Manager::rotate` with a sealed token.
    #[allow(clippy::too_many_arguments)]
    pub async fn rotate_sealed(
        &mut self,
        name: &str,
        provider: &Provider,
        base: &Url,
        token: &Sealed,
        origins: &[String],
        force: bool,
    ) -> Result<(String, Verdict), CredError> {
        self.rotate(name, provider, base, token.open(), origins, force).await
    }

    /// Whether a value is stored under `account`.
    pub async fn has(&mut self, account: &str) -> Result<bool, CredError> {
        Ok(self.get(account).await?.is_some())
    }

    /// A sealed token stored under `account` (an OAuth client secret).
    pub async fn set_sealed(&mut self, account: &str, token: &Sealed) -> Result<(), CredError> {
        super::secret::check(secrecy::ExposeSecret::expose_secret(token.open()))?;
        self.set(account, token.open()).await
    }

    /// The token stored under `account`, sealed.
    pub async fn get_sealed(&mut self, account: &str) -> Result<Option<Sealed>, CredError> {
        Ok(self.get(account).await?.map(Sealed::new))
    }
}

impl super::broker::Broker {
    /// A sealed token for `name`'s widgets, which start polling with it.
    pub fn set_sealed(&self, name: &str, token: Sealed) {
        self.set(name, Ok(token.into_secret()));
    }
}

/// `source::read`, sealed.
pub async fn read_sealed(source: &SecretSource, name: &str) -> Result<Sealed, SourceError> {
    source::read(source, name, None).await.map(Sealed::new)
}

/// Whether `source` can be read (for `doctor`): the value is dropped
/// here.
pub async fn readable(
    source: &SecretSource,
    name: &str,
    keyring: Option<&super::keyring::Keyring>,
) -> Result<(), SourceError> {
    source::read(source, name, keyring).await.map(drop)
}

/// A lease for one try of a sealed token, to the origins `to` allows.
pub fn lease(name: &str, token: &Sealed, to: Destinations) -> Lease {
    Lease::new(name, token.open().clone(), to)
}
