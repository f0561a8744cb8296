//! `[credential.NAME] type = "oauth2"`: the authorization server, the
//! client and the grant. Endpoint names are RFC 8414's metadata names.

use homedash_widgets::provider::Provider;
use homedash_widgets::request::AuthPlacement;
use url::Url;

use super::super::model::{AuthServer, ClientAuth, Endpoints, OAuthConfig, OAuthGrant};
use super::{Checker, RawCredential};
use crate::config::paths::Seg;

/// The OAuth keys, which only `type = "oauth2"` takes.
pub(super) const OAUTH_KEYS: [&str; 10] = [
    "grant",
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "device_authorization_endpoint",
    "revocation_endpoint",
    "client_id",
    "client_secret",
    "client_auth",
    "scopes",
];

impl RawCredential {
    fn has_oauth(&self, key: &str) -> bool {
        match key {
            "grant" => self.grant.is_some(),
            "issuer" => self.issuer.is_some(),
            "authorization_endpoint" => self.authorization_endpoint.is_some(),
            "token_endpoint" => self.token_endpoint.is_some(),
            "device_authorization_endpoint" => self.device_authorization_endpoint.is_some(),
            "revocation_endpoint" => self.revocation_endpoint.is_some(),
            "client_id" => self.client_id.is_some(),
            "client_secret" => self.client_secret.is_some(),
            "client_auth" => self.client_auth.is_some(),
            "scopes" => self.scopes.is_some(),
            _ => false,
        }
    }
}

/// The keys of an OAuth credential that hold references, never values,
/// although their names say "token" or "secret": `token_endpoint` is a
/// URL and `client_secret` a table that says where the secret lives.
pub(super) fn reference_key(path: &[Seg], key: &str, value_is_table: bool) -> bool {
    let in_credential = matches!(path, [Seg::Key(c), Seg::Key(_)] if c == "credential");
    in_credential && (key == "token_endpoint" || (key == "client_secret" && value_is_table))
}

impl<'t> Checker<'t> {
    pub(super) fn no_oauth_keys(&mut self, raw: &RawCredential, base: &[Seg]) {
        for k in OAUTH_KEYS {
            if raw.has_oauth(k) {
                let mut at = base.to_vec();
                at.push(Seg::Key(k.into()));
                self.at(
                    &at,
                    true,
                    format!("`{k}` belongs to an OAuth credential; add `type = \"oauth2\"` to this table"),
                );
            }
        }
    }

    pub(super) fn oauth(&mut self, raw: &RawCredential, provider: &Provider, base: &[Seg]) -> Option<OAuthConfig> {
        let before = self.problems.len();
        if provider.auth != AuthPlacement::Bearer {
            let mut at = base.to_vec();
            at.push(Seg::Key("type".into()));
            self.at(
                &at,
                false,
                format!(
                    "provider \"{}\" takes its key as {}, not an OAuth bearer token; OAuth credentials work with the providers that take `Authorization: Bearer` (prometheus, exposition, json, netatmo)",
                    provider.name,
                    provider.placement()
                ),
            );
        }
        let grant = self.grant(raw, base)?;
        let server = self.auth_server(raw, grant, base, before)?;
        let (client_id, client_secret) = self.client(raw, grant, base)?;
        let client_auth = self.client_auth(raw, base)?;
        let scopes = self.scopes(raw, base)?;
        Some(OAuthConfig {
            grant,
            server,
            client_id,
            client_secret,
            client_auth,
            scopes,
        })
    }

    fn grant(&mut self, raw: &RawCredential, base: &[Seg]) -> Option<OAuthGrant> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        Some(match raw.grant.as_deref() {
            Some("device_code") => OAuthGrant::DeviceCode,
            Some("authorization_code") => OAuthGrant::AuthorizationCode,
            Some("client_credentials") => OAuthGrant::ClientCredentials,
            Some(other) => {
                self.at(
                    &key("grant"),
                    false,
                    format!("unknown grant \"{other}\"; use \"device_code\" (enter a code on another device), \"authorization_code\" (log in with a browser on this machine) or \"client_credentials\" (machine to machine)"),
                );
                return None;
            }
            None => {
                self.at(
                    base,
                    true,
                    "an OAuth credential needs `grant = \"device_code\"`, \"authorization_code\" or \"client_credentials\"",
                );
                return None;
            }
        })
    }

    /// The endpoints, or the issuer to discover them from; `before`: the
    /// problems there were before this credential's OAuth keys.
    fn auth_server(
        &mut self,
        raw: &RawCredential,
        grant: OAuthGrant,
        base: &[Seg],
        before: usize,
    ) -> Option<AuthServer> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        let mut url = |k: &str, raw: &Option<String>| -> Option<Url> {
            match super::gateway::endpoint(raw.as_deref()?) {
                Ok(u) => Some(u),
                Err(e) => {
                    self.at(&key(k), false, e.to_string());
                    None
                }
            }
        };
        let issuer = url("issuer", &raw.issuer);
        let token = url("token_endpoint", &raw.token_endpoint);
        let authorization = url("authorization_endpoint", &raw.authorization_endpoint);
        let device_authorization = url("device_authorization_endpoint", &raw.device_authorization_endpoint);
        let revocation = url("revocation_endpoint", &raw.revocation_endpoint);
        if self.problems.len() != before {
            return None;
        }
        Some(match (issuer, token) {
            (Some(_), Some(_)) => {
                self.at(
                    &key("token_endpoint"),
                    true,
                    "give either `issuer` (its endpoints are discovered) or the endpoints, not both",
                );
                return None;
            }
            (Some(issuer), None) => {
                for (k, set) in [
                    ("authorization_endpoint", authorization.is_some()),
                    ("device_authorization_endpoint", device_authorization.is_some()),
                    ("revocation_endpoint", revocation.is_some()),
                ] {
                    if set {
                        self.at(
                            &key(k),
                            true,
                            "with `issuer`, the endpoints are discovered from the issuer; remove this key or the issuer",
                        );
                    }
                }
                AuthServer::Issuer(issuer)
            }
            (None, Some(token)) => {
                let needed = match grant {
                    OAuthGrant::DeviceCode => Some(("device_authorization_endpoint", device_authorization.is_some())),
                    OAuthGrant::AuthorizationCode => Some(("authorization_endpoint", authorization.is_some())),
                    OAuthGrant::ClientCredentials => None,
                };
                if let Some((k, false)) = needed {
                    self.at(
                        base,
                        true,
                        format!("grant = \"{}\" needs `{k}` (or `issuer`, to discover it)", grant.name()),
                    );
                    return None;
                }
                AuthServer::Endpoints(Box::new(Endpoints {
                    token,
                    authorization,
                    device_authorization,
                    revocation,
                }))
            }
            (None, None) => {
                self.at(
                    base,
                    true,
                    "an OAuth credential needs its authorization server: `issuer = \"https://…\"` (discovery, RFC 8414) or `token_endpoint = \"https://…\"` and the grant's other endpoints",
                );
                return None;
            }
        })
    }

    /// The client's id and, where it has one, where its secret comes from.
    fn client(
        &mut self,
        raw: &RawCredential,
        grant: OAuthGrant,
        base: &[Seg],
    ) -> Option<(String, Option<crate::config::model::SecretSource>)> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        let client_id = match raw.client_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() && !id.chars().any(char::is_control) => id.to_string(),
            Some(_) => {
                self.at(&key("client_id"), false, "the client_id is empty");
                return None;
            }
            None => {
                self.at(
                    base,
                    true,
                    "an OAuth credential needs `client_id`, the id of the app registered at the authorization server (public, not a secret)",
                );
                return None;
            }
        };
        let client_secret = match &raw.client_secret {
            None => None,
            Some(s) => Some(self.secret_source(
                super::RawSource {
                    source: s.source.clone(),
                    env: s.env.clone(),
                    command: s.command.clone(),
                    command_timeout: s.command_timeout.clone(),
                    systemd: s.systemd.clone(),
                },
                &key("client_secret"),
                "client secret",
                &format!("{}-client-secret", super::credential_name(base)),
            )?),
        };
        if grant == OAuthGrant::ClientCredentials && client_secret.is_none() {
            self.at(
                base,
                true,
                "grant = \"client_credentials\" needs the client's secret: `client_secret = { source = \"keyring\" }` (store it with `homedash creds login NAME`), or source = \"env\" or \"command\"",
            );
            return None;
        }
        Some((client_id, client_secret))
    }

    fn client_auth(&mut self, raw: &RawCredential, base: &[Seg]) -> Option<ClientAuth> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        Some(match raw.client_auth.as_deref() {
            None | Some("basic") => ClientAuth::Basic,
            Some("body") => ClientAuth::Body,
            Some(other) => {
                self.at(
                    &key("client_auth"),
                    false,
                    format!("unknown client_auth \"{other}\"; use \"basic\" (HTTP Basic, the default) or \"body\" (in the form, as some providers want)"),
                );
                return None;
            }
        })
    }

    fn scopes(&mut self, raw: &RawCredential, base: &[Seg]) -> Option<Vec<String>> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        let scopes = raw.scopes.clone().unwrap_or_default();
        for (i, s) in scopes.iter().enumerate() {
            if s.is_empty() || s.chars().any(|c| c == ' ' || c == '"' || c == '\\' || c.is_control()) {
                let mut at = key("scopes");
                at.push(Seg::Index(i));
                self.at(
                    &at,
                    false,
                    format!("\"{s}\" is not a scope (no spaces, quotes or backslashes)"),
                );
                return None;
            }
        }
        Some(scopes)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::model::SecretSource;
    use crate::config::{AuthServer, ClientAuth, OAuthGrant};

    const WIDGET: &str = "[widget.m]\nkind = \"metrics\"\nprovider = \"prometheus-text\"\nmetric = \"up\"\nbase_url = \"http://127.0.0.1:9/\"\ncredential = \"sso\"\n";

    fn parse(credential: &str) -> Result<crate::config::Config, crate::config::ConfigError> {
        crate::config::parse(
            "t.toml",
            &format!("{WIDGET}[credential.sso]\nprovider = \"prometheus-text\"\n{credential}"),
        )
    }

    #[test]
    fn an_oauth_credential_reads_whole() {
        let c = parse(
            "type = \"oauth2\"\ngrant = \"authorization_code\"\nauthorization_endpoint = \"https://auth.example/authorize\"\ntoken_endpoint = \"https://auth.example/token\"\nclient_id = \"5f0c2b7e9a1d4c3b8e6f0a2d\"\nclient_secret = { source = \"env\", env = \"HD_SECRET\" }\nclient_auth = \"body\"\nscopes = [\"read_station\"]\n",
        )
        .unwrap();
        let o = c.credentials[0].oauth.as_deref().unwrap();
        assert_eq!(o.grant, OAuthGrant::AuthorizationCode);
        assert!(matches!(&o.server, AuthServer::Endpoints(e) if e.token.as_str() == "https://auth.example/token"));
        assert_eq!(
            o.client_secret,
            Some(SecretSource::Env {
                var: "HD_SECRET".into()
            })
        );
        assert_eq!(
            (o.client_auth, o.scopes.clone()),
            (ClientAuth::Body, vec!["read_station".to_string()])
        );
        let c = parse(
            "type = \"oauth2\"\ngrant = \"device_code\"\nissuer = \"http://127.0.0.1:4000\"\nclient_id = \"hd\"\n",
        )
        .unwrap();
        assert!(matches!(
            &c.credentials[0].oauth.as_deref().unwrap().server,
            AuthServer::Issuer(_)
        ));
    }

    #[test]
    fn what_cannot_work_is_refused_with_where_and_why() {
        for (text, says) in [
            (
                "type = \"oauth2\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\n",
                "needs `grant",
            ),
            (
                "type = \"oauth2\"\ngrant = \"password\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\n",
                "unknown grant",
            ),
            (
                "type = \"oauth2\"\ngrant = \"device_code\"\nissuer = \"http://auth.example\"\nclient_id = \"x\"\n",
                "plain http",
            ),
            (
                "type = \"oauth2\"\ngrant = \"device_code\"\nclient_id = \"x\"\n",
                "authorization server",
            ),
            (
                "type = \"oauth2\"\ngrant = \"device_code\"\ntoken_endpoint = \"https://a.example/t\"\nclient_id = \"x\"\n",
                "device_authorization_endpoint",
            ),
            (
                "type = \"oauth2\"\ngrant = \"client_credentials\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\n",
                "needs the client's secret",
            ),
            (
                "type = \"oauth2\"\ngrant = \"device_code\"\nissuer = \"https://a.example\"\n",
                "needs `client_id`",
            ),
            ("grant = \"device_code\"\n", "add `type"),
            (
                "type = \"oauth2\"\ngrant = \"device_code\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\nsource = \"env\"\nenv = \"X\"\n",
                "does not apply to an OAuth credential",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(
                e.contains(says.trim_matches('\\')) || e.contains(says),
                "{text}\n=> {e}"
            );
            assert!(e.contains("t.toml:"), "{e}");
        }
    }

    #[test]
    fn a_client_secret_in_the_file_is_still_a_secret_in_the_file() {
        let e = parse("type = \"oauth2\"\ngrant = \"client_credentials\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\nclient_secret = \"hunter2hunter2\"\n").unwrap_err().to_string();
        assert!(e.contains("looks like a secret"), "{e}");
        let e = crate::config::parse(
            "t.toml",
            "[widget.m]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"A\"]\ncredential = \"fh\"\n[credential.fh]\nprovider = \"finnhub\"\ntype = \"oauth2\"\ngrant = \"device_code\"\nissuer = \"https://a.example\"\nclient_id = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not an OAuth bearer token"), "{e}");
    }
}
