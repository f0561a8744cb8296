//! `homedash check`: the config validated, the programs its command
//! sources run, and warnings for what would wait (an unapproved origin, a
//! base_url that repeats the provider's path).

use std::process::ExitCode;

use crate::commands::out::outln;
use crate::config::{self, Origin};

/// Validate the config, then warn at file:line:col of what would wait.
pub fn main(origin: &Origin) -> ExitCode {
    if let Err(e) = crate::net::http::ProxyEnv::from_env().validate() {
        crate::commands::out::error(e);
        return ExitCode::FAILURE;
    }
    match config::load(origin) {
        Ok(c) => {
            // Read again only to point warnings at file:line:col.
            let text = origin.path().and_then(|p| std::fs::read_to_string(p).ok());
            let warnings: Vec<String> = unapproved(text.as_deref(), &c)
                .into_iter()
                .chain(doubled_paths(text.as_deref(), &c))
                .collect();
            for w in &warnings {
                eprintln!("warning: {}", crate::outside::admit_lines(w, 2000));
            }
            let warned = match warnings.len() {
                0 => String::new(),
                1 => " (1 warning above)".to_string(),
                n => format!(" ({n} warnings above)"),
            };
            let through = c.widgets.iter().filter(|w| w.via_gateway).count();
            let team = match (&c.gateway, through) {
                (Some(g), n) if n > 0 => format!(
                    "; {n} through the gateway at {} with credential \"{}\" (no provider key needed here)",
                    g.url.origin().ascii_serialization(),
                    g.credential
                ),
                _ => String::new(),
            };
            let server = c
                .gateway_server
                .as_ref()
                .map(|s| {
                    format!(
                        "; a gateway of {} route(s) (render with `homedash gateway render`)",
                        s.routes.len()
                    )
                })
                .unwrap_or_default();
            outln!(
                "{}: ok, {} widget{}{team}{server}{warned}",
                crate::outside::admit(&c.source_name),
                c.widgets.len(),
                if c.widgets.len() == 1 { "" } else { "s" }
            );
            // The programs command sources will run, as resolved now.
            for cred in &c.credentials {
                let client = cred.oauth.as_ref().and_then(|o| o.client_secret.as_ref());
                for (what, source) in [("token", Some(&cred.source)), ("client secret", client)] {
                    if let Some(config::model::SecretSource::Command { argv, .. }) = source {
                        outln!(
                            "credential \"{}\": its {what} comes from {}",
                            cred.name,
                            crate::outside::admit(&argv.join(" "))
                        );
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::commands::out::error(e);
            ExitCode::FAILURE
        }
    }
}

/// Where widget `id`'s `base_url` is, for a warning.
fn at(text: Option<&str>, c: &config::Config, id: &str) -> String {
    match text {
        Some(t) => config::locate(&c.source_name, t, &["widget", id, "base_url"]),
        None => c.source_name.clone(),
    }
}

/// A `base_url` that repeats the provider's own API path, which homedash
/// appends itself: `https://finnhub.io/api/v1` polls `/api/v1/api/v1/quote`.
fn doubled_paths(text: Option<&str>, c: &config::Config) -> Vec<String> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for w in &c.widgets {
        let (Some(base), Some(default)) = (&w.base_url, w.source.default_base()) else {
            continue;
        };
        let Some(own) = url::Url::parse(default)
            .ok()
            .and_then(|d| w.source.requests(&d, now).first().map(|r| r.url.path().to_string()))
        else {
            continue;
        };
        let prefix = base.path().trim_end_matches('/');
        if prefix.is_empty() || !own.starts_with(&format!("{prefix}/")) || w.source.provider() == "json" {
            continue;
        }
        let polled = w
            .source
            .requests(base, now)
            .first()
            .map(|r| r.url.path().to_string())
            .unwrap_or_default();
        let at = at(text, c, &w.id);
        out.push(format!(
            "{at}: widget \"{}\": base_url ends in {prefix}, which homedash adds itself, so it would poll {polled}; give scheme, host and port (and a gateway's own prefix, if any), e.g. \"{}\"",
            w.id,
            base.origin().ascii_serialization()
        ));
    }
    out
}

/// Widgets that would send a credential to an origin its owner has not
/// approved: nothing is sent there, and the widget waits.
fn unapproved(text: Option<&str>, c: &config::Config) -> Vec<String> {
    use crate::net::destinations::{Destinations, origin_of};
    let meta = crate::logging::state_dir()
        .map(|d| crate::credentials::state_file(&d))
        .and_then(|p| crate::credentials::MetaFile::load(&p).ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    for w in &c.widgets {
        let (Some(name), Some(base)) = (&w.credential, w.base()) else {
            continue;
        };
        let Some(cred) = c.credential(name) else { continue };
        let approved = meta.credentials.get(name).map(|m| m.approved()).unwrap_or_default();
        if Destinations::new(cred.provider, &approved).allows(&base) {
            continue;
        }
        let o = origin_of(&base);
        let at = at(text, c, &w.id);
        out.push(format!(
            "{at}: widget \"{}\" would send credential \"{name}\" to {o}, which is not approved; nothing is sent there until `homedash creds allow {name} {o}`",
            w.id
        ));
    }
    // An OAuth credential's endpoints: logging in approved them; an edit
    // that moves one sends nothing there until a new login.
    for cred in &c.credentials {
        let Some(o) = &cred.oauth else { continue };
        let Some(meta) = meta.credentials.get(&cred.name) else {
            // Never logged in: the login will show and approve them.
            continue;
        };
        let approved = meta.approved();
        let named: Vec<(&str, &url::Url)> = match &o.server {
            config::AuthServer::Issuer(i) => vec![("issuer", i)],
            config::AuthServer::Endpoints(e) => e.named().collect(),
        };
        for (key, url) in named {
            let origin = origin_of(url);
            if approved.contains(&origin) {
                continue;
            }
            let at = match text {
                Some(t) => config::locate(&c.source_name, t, &["credential", &cred.name, key]),
                None => c.source_name.clone(),
            };
            out.push(format!(
                "{at}: credential \"{}\" would send its secrets to {origin}, which its login did not approve; nothing is sent there until `homedash creds login {}`",
                cred.name, cred.name
            ));
        }
    }
    out
}
