//! `homedash creds login` and the OAuth side of `creds rm`, on a terminal.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use super::login::Show;
use super::stored::{extra_scopes, facts};
use crate::config::{Config, CredentialConfig, OAuthConfig, OAuthGrant};
use crate::credentials::error::CredError;
use crate::credentials::manager::Manager;

/// Progress on stderr, as `gh auth login` shows it.
struct Terminal;

fn say(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{text}");
    let _ = e.flush();
}

impl Show for Terminal {
    fn show(&self, lines: Vec<String>, _more: bool) {
        for line in lines {
            say(&line);
        }
    }
}

pub async fn login(
    config: &Config,
    m: &mut Manager,
    c: &CredentialConfig,
    o: &OAuthConfig,
) -> Result<ExitCode, CredError> {
    if o.client_secret == Some(crate::credentials::source::Source::Keyring) {
        let account = super::renew::client_secret_account(&c.name);
        if m.get(&account).await?.is_none() {
            let secret =
                crate::credentials::prompt::read_secret(&format!("Client secret for {} (input hidden): ", c.name))?;
            m.set(&account, &secret).await?;
            say(&format!("{}: client secret stored in the keyring", c.name));
        }
    }
    let origins = crate::credentials::origins::origins_to_approve(config, &c.name, c.provider);
    let stored = m.oauth_login(c, o, &Terminal).await?;
    if !origins.is_empty() {
        m.approve(&c.name, &origins).await?;
        for origin in &origins {
            say(&format!(
                "{}: approved; its access tokens may be sent to {origin}",
                c.name
            ));
        }
    }
    let what = match o.grant {
        OAuthGrant::ClientCredentials => "the client's secret works; tokens are fetched as widgets need them",
        _ => "logged in; the refresh token is in the keyring",
    };
    println!("{}: {what}{}", c.name, facts(&stored, &o.scopes, Utc::now()));
    if let Some(granted) = &stored.scopes
        && !extra_scopes(granted, &o.scopes).is_empty()
    {
        eprintln!(
            "{}: the server granted more scopes than asked; ask its administrator for a client limited to {}",
            c.name,
            o.scopes.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn remove(
    m: &mut Manager,
    c: &CredentialConfig,
    o: &OAuthConfig,
    local_only: bool,
) -> Result<ExitCode, CredError> {
    match m.oauth_remove(c, o, local_only).await? {
        Some(true) => println!(
            "{}: revoked at the authorization server, then deleted from the keyring",
            c.name
        ),
        Some(false) => println!(
            "{}: deleted from the keyring; the authorization server offers no revocation endpoint, so revoke the app's access in your account there",
            c.name
        ),
        None => println!(
            "{}: deleted from the keyring only (--local-only); the grant stays alive at the server until you revoke it there",
            c.name
        ),
    }
    if o.client_secret == Some(crate::credentials::source::Source::Keyring) {
        println!(
            "{}: the app's client secret stays in the keyring ({}) for the next login",
            c.name,
            super::renew::client_secret_account(&c.name)
        );
    }
    Ok(ExitCode::SUCCESS)
}
