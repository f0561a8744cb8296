//! `homedash creds login` and the OAuth side of `creds rm`, on a terminal.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use crate::commands::out::outln;
use crate::config::{Config, CredentialConfig, OAuthConfig, OAuthGrant};
use crate::credentials::{
    CredError, Manager, Prompt, Show, client_secret_account, extra_scopes, oauth_facts as facts, oauth_origins,
};

/// Progress on stderr, as `gh auth login` shows it.
struct Terminal;

fn say(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{text}");
    let _ = e.flush();
}

impl Show for Terminal {
    fn show(&self, prompt: Prompt) {
        for line in crate::ui::login::prompt_lines(&prompt) {
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
    // A client secret typed now is stored for the login to read, and kept
    // only if the server accepts it: a wrong one must not be reused by
    // every later login.
    let mut typed = None;
    if o.client_secret == Some(crate::credentials::SecretSource::Keyring) {
        let account = client_secret_account(&c.name);
        if !m.has(&account).await? {
            let secret = super::prompt::read_secret(&format!("Client secret for {} (input hidden): ", c.name))?;
            m.set_sealed(&account, &secret).await?;
            typed = Some(account);
        }
    }
    let origins = crate::net::origins::origins_to_approve(config, &c.name, c.provider);
    say(&format!(
        "{}: the client secret and tokens go to the authorization server at {}; logging in approves it",
        c.name,
        oauth_origins(o).join(", ")
    ));
    let stored = match m.oauth_login(c, o, &Terminal).await {
        Ok(s) => s,
        Err(e) => {
            if let Some(account) = &typed {
                match m.delete(account).await {
                    Ok(()) => say(&format!(
                        "{}: the client secret you typed was not kept, since the login did not succeed",
                        c.name
                    )),
                    // The login's own error is the one to show; this one
                    // says what is left behind.
                    Err(d) => say(&format!(
                        "{}: the client secret you typed could not be deleted again ({d}); remove it with `homedash creds rm {}`",
                        c.name, c.name
                    )),
                }
            }
            return Err(e);
        }
    };
    if typed.is_some() {
        say(&format!("{}: client secret accepted and stored in the keyring", c.name));
    }
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
    outln!("{}: {what}{}", c.name, facts(&stored, &o.scopes, Utc::now()));
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
    let client = client_secret_account(&c.name);
    let client_stored = o.client_secret == Some(crate::credentials::SecretSource::Keyring) && m.has(&client).await?;
    let removed = match m.oauth_remove(c, o, local_only).await {
        // No grant, but a client secret: removing it is what was asked.
        Err(CredError::NothingStored { .. }) if client_stored => None,
        other => Some(other?),
    };
    if client_stored {
        m.delete(&client).await?;
        crate::audit::record(
            crate::audit::Event::Revoked,
            &c.name,
            None,
            "the app's client secret deleted from the keyring",
        );
    }
    let Some(removed) = removed else {
        outln!(
            "{}: no tokens were stored; the app's client secret ({client}) deleted from the keyring",
            c.name
        );
        return Ok(ExitCode::SUCCESS);
    };
    match removed {
        Some(true) => outln!(
            "{}: revoked at the authorization server, then deleted from the keyring",
            c.name
        ),
        Some(false) => outln!(
            "{}: deleted from the keyring; the authorization server offers no revocation endpoint, so revoke the app's access in your account there",
            c.name
        ),
        None => outln!(
            "{}: deleted from the keyring only (--local-only); the grant stays alive at the server until you revoke it there",
            c.name
        ),
    }
    if client_stored {
        outln!(
            "{}: the app's client secret ({client}) deleted from the keyring; the next login asks for it again",
            c.name
        );
    }
    Ok(ExitCode::SUCCESS)
}
