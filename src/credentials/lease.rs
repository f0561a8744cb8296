//! A lease: one credential's permission to go out with the requests of
//! one poll. Built by the broker, in this room, bound to the origins its
//! owner approved; the poller hands it to the HTTP client as a `Grant`
//! and never sees the value.

use secrecy::SecretString;

use crate::net::destinations::{Destinations, Grant};

pub struct Lease {
    name: String,
    secret: SecretString,
    to: Destinations,
}

impl Lease {
    pub(crate) fn new(name: &str, secret: SecretString, to: Destinations) -> Lease {
        Lease {
            name: name.to_string(),
            secret,
            to,
        }
    }

    /// The credential's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What `Http::fetch` attaches to one request, to an allowed origin
    /// only.
    pub fn grant(&self) -> Grant<'_> {
        Grant {
            name: &self.name,
            secret: &self.secret,
            to: &self.to,
        }
    }
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("name", &self.name)
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}
