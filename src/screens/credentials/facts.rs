//! What the Credentials screen shows of each credential, gathered from the
//! config, the broker's views and the state file.

use chrono::{DateTime, FixedOffset, Utc};

use crate::config::{CredentialConfig, WidgetConfig};
use crate::credentials::Due;
use crate::credentials::MetaFile;
use crate::credentials::{Status, View};
use crate::keymap::KeyMap;
use crate::net::destinations::Destinations;

/// A borrowed view of everything the screen draws from.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub credentials: &'a [CredentialConfig],
    pub widgets: &'a [WidgetConfig],
    pub cred_views: &'a [View],
    pub cred_meta: &'a MetaFile,
    pub demo: bool,
    pub now: DateTime<Utc>,
    pub local: FixedOffset,
    /// The keys in use, for the footer and the dialogs' hints.
    pub keys: &'a KeyMap,
}

impl<'a> Facts<'a> {
    /// The Credentials screen's rows: the config's credentials, then any the
    /// state file knows that the config does not (added but not yet used).
    pub fn cred_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.credentials.iter().map(|c| c.name.clone()).collect();
        for (n, m) in &self.cred_meta.credentials {
            if !names.contains(n) && m.fingerprint.is_some() {
                names.push(n.clone());
            }
        }
        names
    }

    /// The provider of each row of `cred_names`.
    pub fn cred_providers(&self) -> Vec<String> {
        self.cred_names()
            .iter()
            .map(|n| match self.credentials.iter().find(|c| &c.name == n) {
                Some(c) => c.provider.name.to_string(),
                None => self
                    .cred_meta
                    .credentials
                    .get(n)
                    .map(|m| m.provider.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Ids of the widgets that use credential `name`.
    pub fn cred_users(&self, name: &str) -> Vec<&'a str> {
        self.widgets
            .iter()
            .filter(|w| w.credential.as_deref() == Some(name))
            .map(|w| w.id.as_str())
            .collect()
    }

    /// Every origin the config sends credential `name` to (its widgets'
    /// endpoints), in layout order, each once.
    pub fn cred_origins(&self, name: &str) -> Vec<String> {
        crate::net::origins::widget_origins(self.widgets, name)
    }

    /// Where credential `name` may go: its provider's API and the origins
    /// its owner approved (the demo approves its own server).
    pub fn cred_destinations(&self, name: &str) -> Option<Destinations> {
        let c = self.credentials.iter().find(|c| c.name == name)?;
        let mut approved = self
            .cred_meta
            .credentials
            .get(name)
            .map(|m| m.approved())
            .unwrap_or_default();
        if self.demo {
            approved.extend(self.cred_origins(name));
        }
        Some(Destinations::new(c.provider, &approved))
    }

    /// Origins the config sends `name` to that are not approved: nothing
    /// goes there until they are.
    pub fn cred_pending(&self, name: &str) -> Vec<String> {
        let Some(to) = self.cred_destinations(name) else {
            return Vec::new();
        };
        self.cred_origins(name)
            .into_iter()
            .filter(|o| !to.allows_origin(o))
            .collect()
    }

    pub fn cred_is_oauth(&self, name: &str) -> bool {
        self.credentials.iter().any(|c| c.name == name && c.oauth.is_some())
    }

    pub fn cred_view(&self, name: &str) -> Option<&'a View> {
        self.cred_views.iter().find(|v| v.name == name)
    }

    /// Why a credential needs the user: rejected, revoked, expired, expiring
    /// or due for rotation. `None` when all is well.
    pub fn cred_warning(&self, name: &str) -> Option<String> {
        // In the words its widgets' cards use.
        if let Some(
            s @ (Status::Rejected(_) | Status::RefusedByGateway(..) | Status::Revoked | Status::LoginNeeded(_)),
        ) = self.cred_view(name).map(|v| &v.status)
        {
            return Some(s.lack().label().into());
        }
        let c = self.credentials.iter().find(|c| c.name == name)?;
        super::standing::due_words(&Due::of(c, self.cred_meta.credentials.get(name), self.now))
    }
}
