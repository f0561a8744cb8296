//! What the setup wizard does with a token it was given or read, done in
//! this room: the wizard holds `Sealed` tokens and asks for tests, stores
//! and one-poll leases; it never opens one.

use homedash_widgets::FetchError;
use homedash_widgets::provider::Provider;
use url::Url;

use super::error::CredError;
use super::lease::Lease;
use super::manager::Manager;
use super::secret::Sealed;
use super::source::{self, SecretSource, SourceError};
use crate::net::destinations::Destinations;

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

/// `source::read`, sealed.
pub async fn read_sealed(source: &SecretSource, name: &str) -> Result<Sealed, SourceError> {
    source::read(source, name, None).await.map(Sealed::new)
}

/// A lease for one try of a sealed token, to the origins `to` allows.
pub fn lease(name: &str, token: &Sealed, to: Destinations) -> Lease {
    Lease::new(name, token.open().clone(), to)
}
