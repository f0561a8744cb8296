//! The OAuth side of `homedash creds`: log in, get a working access token
//! for a test, and remove (revoking at the server first).

use chrono::Utc;

use super::error::OAuthError;
use super::login::{self, Show};
use super::renew;
use super::stored::Stored;
use crate::audit::{self, Event};
use crate::config::{CredentialConfig, OAuthConfig};
use crate::credentials::error::CredError;
use crate::credentials::manager::Manager;

impl Manager {
    /// A working access token: renewed (under the lock) when it is due.
    pub async fn oauth_access(&mut self, cred: &CredentialConfig, o: &OAuthConfig) -> Result<Stored, CredError> {
        let http = self.http().clone();
        let approved = self.approved(&cred.name).await?;
        if !o.grant.has_user() {
            let keyring = match o.client_secret {
                Some(crate::credentials::source::SecretSource::Keyring) => Some(self.keyring().await?),
                _ => None,
            };
            return Ok(renew::client_token(cred, o, &http, keyring.as_ref(), &approved, false).await?);
        }
        let keyring = self.keyring().await?;
        Ok(renew::current(cred, o, &http, &keyring, false, None, &approved).await?)
    }

    /// The origins the owner approved for `name`, from the state file.
    async fn approved(&self, name: &str) -> Result<Vec<String>, CredError> {
        Ok(self
            .load_meta()
            .await?
            .credentials
            .get(name)
            .map(crate::ledger::Meta::approved)
            .unwrap_or_default())
    }

    /// Run the grant; store what it gives; record the facts (never values).
    pub async fn oauth_login(
        &mut self,
        cred: &CredentialConfig,
        o: &OAuthConfig,
        show: &dyn Show,
    ) -> Result<Stored, CredError> {
        let http = self.http().clone();
        let keyring = match (o.grant.has_user(), &o.client_secret) {
            (true, _) | (false, Some(crate::credentials::source::SecretSource::Keyring)) => Some(self.keyring().await?),
            _ => None,
        };
        let approved = self.approved(&cred.name).await?;
        let stored = login::login(cred, o, &http, keyring.as_ref(), show, &approved).await?;
        // Logging in approves the endpoints it used (shown before it ran),
        // so a later config edit that moves one pauses the credential.
        let mut used = super::server::config_origins(o);
        used.extend(stored.origins());
        used.sort();
        used.dedup();
        self.approve(&cred.name, &used).await?;
        if o.grant.has_user() {
            let fp = stored.fingerprint();
            let (name, provider, grant) = (cred.name.clone(), cred.provider.name.to_string(), o.grant.name());
            let now = Utc::now();
            self.update_meta(move |m| {
                let e = m.credentials.entry(name).or_default();
                e.provider = provider;
                e.source = format!("oauth2 {grant}");
                if e.created.is_none() || e.revoked.is_some() {
                    e.created = Some(now);
                }
                e.rotated = Some(now);
                e.revoked = None;
                e.fingerprint = fp;
                e.last_test = None;
            })
            .await?;
        }
        Ok(stored)
    }

    /// Revoke at the authorization server (RFC 7009) when it offers it,
    /// then delete locally. A revocation that fails keeps everything, so
    /// nothing is forgotten that is still alive at the server, unless
    /// `local_only`.
    pub async fn oauth_remove(
        &mut self,
        cred: &CredentialConfig,
        o: &OAuthConfig,
        local_only: bool,
    ) -> Result<Option<bool>, CredError> {
        let keyring = self.keyring().await?;
        let stored = match renew::read(&keyring, &cred.name).await {
            Ok(s) => Some(s),
            Err(OAuthError::NotLoggedIn { .. }) => None,
            Err(OAuthError::Damaged { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let Some(stored) = stored else {
            return Err(CredError::NothingStored {
                name: cred.name.clone(),
            });
        };
        let revoked = if local_only {
            None
        } else {
            let http = self.http().clone();
            Some(login::revoke(cred, o, &http, &keyring, &stored).await?)
        };
        self.revoke(&cred.name).await?;
        audit::record(
            Event::Revoked,
            &cred.name,
            None,
            "OAuth tokens deleted from the keyring",
        );
        Ok(revoked)
    }
}
