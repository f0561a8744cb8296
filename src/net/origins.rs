//! The origins the config sends each credential to: its widgets'
//! endpoints and where a test probes it.

use homedash_widgets::provider::Provider;
use url::Url;

use super::destinations::{origin_of, provider_origin};
use crate::config::{Config, CredentialConfig};

/// Where to probe a credential: where its widgets poll, else the
/// provider's public endpoint.
pub fn probe_base(config: &Config, cred: &CredentialConfig) -> Url {
    let gateway = config
        .gateway
        .as_ref()
        .filter(|g| g.credential == cred.name)
        .map(|g| g.url.clone());
    let route = config
        .gateway_server
        .iter()
        .flat_map(|s| &s.routes)
        .find(|r| r.credential.as_deref() == Some(&cred.name))
        .map(|r| r.upstream.clone());
    gateway
        .or_else(|| {
            config
                .widgets
                .iter()
                .find(|w| w.credential.as_deref() == Some(&cred.name))
                .and_then(|w| w.base_url.clone())
        })
        .or(route)
        .or_else(|| Url::parse(cred.provider.default_base).ok())
        .unwrap_or_else(|| Url::parse("https://invalid.invalid/").unwrap_or_else(|_| unreachable!()))
}

/// Every origin the config sends credential `name` to: each of its
/// widgets' endpoints, and where `creds test` probes it.
pub fn config_origins(config: &Config, name: &str) -> Vec<String> {
    let mut out = widget_origins(&config.widgets, name);
    // On a gateway host, the key goes where its route sends it.
    for r in config.gateway_server.iter().flat_map(|s| &s.routes) {
        let o = origin_of(&r.upstream);
        if r.credential.as_deref() == Some(name) && !out.contains(&o) {
            out.push(o);
        }
    }
    if let Some(o) = config.credential(name).map(|c| origin_of(&probe_base(config, c)))
        && !out.contains(&o)
    {
        out.push(o);
    }
    out
}

/// The origins `widgets` poll with credential `name`, in order, each once.
pub fn widget_origins(widgets: &[crate::config::WidgetConfig], name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in widgets
        .iter()
        .filter(|w| w.credential.as_deref() == Some(name))
        .filter_map(|w| w.base())
        .map(|u| origin_of(&u))
    {
        if !out.contains(&o) {
            out.push(o);
        }
    }
    out
}

/// The origins the config sends `name` to that are not its provider's own:
/// what an add or a rotation shows as "will be sent to" and approves.
pub fn origins_to_approve(config: &Config, name: &str, provider: &Provider) -> Vec<String> {
    let own = provider_origin(provider);
    config_origins(config, name)
        .into_iter()
        .filter(|o| Some(o) != own.as_ref())
        .collect()
}
