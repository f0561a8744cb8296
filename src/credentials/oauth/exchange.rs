//! Talking to the authorization server: the `oauth2` crate builds the
//! requests and reads the answers; every request goes through
//! `Http::exchange` (https or loopback, no redirects, capped).

use std::time::Duration;

use oauth2::basic::BasicErrorResponseType;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl, EndpointMaybeSet,
    EndpointNotSet, ErrorResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    RevocationUrl, Scope, StandardErrorResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::error::OAuthError;
use super::{clean, clean_to};
use crate::config::Endpoints;
use crate::config::{ClientAuth, OAuthConfig};
use crate::net::http::Http;
use homedash_widgets::{ErrorClass, FetchError};

const TIMEOUT: Duration = Duration::from_secs(20);

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    Answer,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    EndpointMaybeSet,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A token endpoint's answer, read leniently where real servers stray
/// from RFC 6749 5.1: Netatmo sends `scope` as a JSON list and no
/// `token_type`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
pub struct Answer {
    access_token: oauth2::AccessToken,
    #[serde(default = "bearer", deserialize_with = "token_type")]
    token_type: oauth2::basic::BasicTokenType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_in: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<RefreshToken>,
    #[serde(default, deserialize_with = "scopes", skip_serializing_if = "Option::is_none")]
    scope: Option<Vec<Scope>>,
}

fn bearer() -> oauth2::basic::BasicTokenType {
    oauth2::basic::BasicTokenType::Bearer
}

fn token_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<oauth2::basic::BasicTokenType, D::Error> {
    let t = <Option<String> as serde::Deserialize>::deserialize(d)?;
    Ok(match t.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("bearer") => oauth2::basic::BasicTokenType::Bearer,
        Some("mac") => oauth2::basic::BasicTokenType::Mac,
        Some(_) => oauth2::basic::BasicTokenType::Extension(t.unwrap_or_default()),
    })
}

/// "a b c" (RFC 6749) or ["a", "b", "c"].
fn scopes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Scope>>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        List(Vec<String>),
    }
    Ok(<Option<Either> as serde::Deserialize>::deserialize(d)?.map(|e| {
        let list = match e {
            Either::Text(t) => t.split(' ').filter(|s| !s.is_empty()).map(String::from).collect(),
            Either::List(l) => l,
        };
        list.into_iter().map(Scope::new).collect()
    }))
}

impl TokenResponse for Answer {
    type TokenType = oauth2::basic::BasicTokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &Self::TokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scope.as_ref()
    }
}

/// The crate's HTTP client: `Http::exchange`, boxed so the future is
/// `Send` for any lifetime (a closure's is not). `pause` names a test
/// stop after the server answered and before the answer is used.
struct Via<'a>(&'a Http, Option<&'static str>);

impl<'c> oauth2::AsyncHttpClient<'c> for Via<'_> {
    type Error = FetchError;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, req: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let answer = self.0.exchange(req, TIMEOUT).await;
            if let Some(step) = self.1 {
                crate::pause::at(step).await;
            }
            answer
        })
    }
}

/// What a token endpoint granted.
pub struct Tokens {
    pub access: SecretString,
    pub refresh: Option<SecretString>,
    pub expires_in: Option<Duration>,
    /// `None` when the server did not say (then it granted what was asked).
    pub scopes: Option<Vec<String>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("refresh", &self.refresh.is_some())
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// What the server granted. A token with a control or invisible
/// character is refused like any other: nothing of it is stored.
fn tokens<T: TokenResponse>(t: &T) -> Result<Tokens, OAuthError> {
    let unsafe_token = |u: crate::credentials::secret::UnsafeToken| {
        OAuthError::BadAnswer(format!("the server sent a token with {}", u.what()))
    };
    crate::credentials::secret::check(t.access_token().secret()).map_err(unsafe_token)?;
    if let Some(r) = t.refresh_token() {
        crate::credentials::secret::check(r.secret()).map_err(unsafe_token)?;
    }
    Ok(Tokens {
        access: crate::credentials::secret::short_lived(t.access_token().secret().to_string()),
        refresh: t
            .refresh_token()
            .map(|r| crate::credentials::secret::short_lived(r.secret().to_string())),
        expires_in: t.expires_in(),
        scopes: t.scopes().map(|s| s.iter().map(|s| clean(s.as_str())).collect()),
    })
}

/// The device flow's first answer: what the user is shown.
pub struct DeviceStart {
    pub(super) details: oauth2::StandardDeviceAuthorizationResponse,
}

impl DeviceStart {
    pub fn user_code(&self) -> String {
        clean_to(self.details.user_code().secret(), 40)
    }
    pub fn verification_uri(&self) -> String {
        clean_to(self.details.verification_uri().as_str(), 300)
    }
    pub fn verification_uri_complete(&self) -> Option<String> {
        self.details
            .verification_uri_complete()
            .map(|u| clean_to(u.secret(), 400))
    }
    pub fn expires_in(&self) -> Duration {
        self.details.expires_in()
    }
}

/// One authorization server, as one credential uses it.
pub struct Exchange<'a> {
    name: String,
    http: &'a Http,
    client: Client,
    scopes: Vec<String>,
    /// For the revocation request, sent without the crate.
    secret: Option<SecretString>,
    auth: ClientAuth,
}

fn no_token_endpoint<E>(_: E) -> OAuthError {
    OAuthError::NoEndpoint {
        which: "token",
        hint: "",
    }
}

/// A request that got no answer, or one that is not HTTP.
fn failed(f: FetchError) -> OAuthError {
    match f.class {
        ErrorClass::Offline | ErrorClass::Timeout | ErrorClass::Tls | ErrorClass::Insecure => {
            OAuthError::Unreachable { detail: f.detail }
        }
        _ => OAuthError::BadAnswer(f.detail),
    }
}

fn url_of<T>(u: &Url, make: fn(String) -> Result<T, url::ParseError>) -> Option<T> {
    make(u.to_string()).ok()
}

impl<'a> Exchange<'a> {
    pub fn new(name: &str, cfg: &OAuthConfig, ends: &Endpoints, secret: Option<&SecretString>, http: &'a Http) -> Self {
        let mut client = oauth2::Client::new(ClientId::new(cfg.client_id.clone()))
            .set_auth_uri_option(ends.authorization.as_ref().and_then(|u| url_of(u, AuthUrl::new)))
            .set_device_authorization_url_option(
                ends.device_authorization
                    .as_ref()
                    .and_then(|u| url_of(u, DeviceAuthorizationUrl::new)),
            )
            .set_revocation_url_option(ends.revocation.as_ref().and_then(|u| url_of(u, RevocationUrl::new)))
            .set_token_uri_option(url_of(&ends.token, TokenUrl::new))
            .set_auth_type(match cfg.client_auth {
                ClientAuth::Basic => AuthType::BasicAuth,
                ClientAuth::Body => AuthType::RequestBody,
            });
        if let Some(s) = secret {
            client = client.set_client_secret(ClientSecret::new(s.expose_secret().to_string()));
        }
        Exchange {
            name: name.to_string(),
            http,
            client,
            scopes: cfg.scopes.clone(),
            secret: secret.cloned(),
            auth: cfg.client_auth,
        }
    }

    fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.scopes.iter().map(|s| Scope::new(s.clone()))
    }

    fn fail<T: ErrorResponse + ErrorDescription + 'static>(
        &self,
        e: RequestTokenError<FetchError, T>,
        code: impl Fn(&T) -> String,
    ) -> OAuthError {
        match e {
            RequestTokenError::ServerResponse(r) => {
                let c = code(&r);
                let detail = clean_to(r.description().unwrap_or(""), 200);
                match c.as_str() {
                    "invalid_grant" => OAuthError::InvalidGrant {
                        name: self.name.clone(),
                        detail: if detail.is_empty() { c } else { format!("{c}: {detail}") },
                    },
                    "invalid_client" | "unauthorized_client" => OAuthError::InvalidClient {
                        name: self.name.clone(),
                        detail: if detail.is_empty() { c } else { format!("{c}: {detail}") },
                    },
                    "access_denied" => OAuthError::Denied,
                    "expired_token" => OAuthError::CodeExpired {
                        name: self.name.clone(),
                    },
                    _ => OAuthError::Refused {
                        code: clean_to(&c, 60),
                        detail,
                    },
                }
            }
            RequestTokenError::Request(f) => failed(f),
            // The body is never quoted: it may hold a token.
            RequestTokenError::Parse(e, _) => {
                OAuthError::BadAnswer(clean_to(&format!("{} at {}", e.inner(), e.path()), 200))
            }
            RequestTokenError::Other(s) => OAuthError::BadAnswer(clean_to(&s, 200)),
        }
    }

    fn basic_code(r: &StandardErrorResponse<BasicErrorResponseType>) -> String {
        r.error().as_ref().to_string()
    }

    /// Machine to machine: a token for the client itself.
    pub async fn client_credentials(&self) -> Result<Tokens, OAuthError> {
        let http = Via(self.http, None);
        let req = self
            .client
            .exchange_client_credentials()
            .map_err(no_token_endpoint)?
            .add_scopes(self.scopes());
        let t = req
            .request_async(&http)
            .await
            .map_err(|e| self.fail(e, Self::basic_code))?;
        tokens(&t)
    }

    pub async fn refresh(&self, refresh: &SecretString) -> Result<Tokens, OAuthError> {
        let http = Via(self.http, Some("refresh:sent"));
        let rt = RefreshToken::new(refresh.expose_secret().to_string());
        let req = self.client.exchange_refresh_token(&rt).map_err(no_token_endpoint)?;
        let t = req
            .request_async(&http)
            .await
            .map_err(|e| self.fail(e, Self::basic_code))?;
        tokens(&t)
    }

    /// RFC 8628: ask for a device code and the page where the user enters it.
    pub async fn device_start(&self) -> Result<DeviceStart, OAuthError> {
        let http = Via(self.http, None);
        let req = self
            .client
            .exchange_device_code()
            .map_err(|_| OAuthError::NoEndpoint {
                which: "device authorization",
                hint: ": the server does not support the device flow; use grant = \"authorization_code\"",
            })?
            .add_scopes(self.scopes());
        let details = req
            .request_async(&http)
            .await
            .map_err(|e| self.fail(e, Self::basic_code))?;
        Ok(DeviceStart { details })
    }

    /// Poll until the user approved or declined, or the code expired.
    /// `waiting` hears each wait: a longer one than before is the server's
    /// `slow_down`.
    pub async fn device_finish(
        &self,
        start: &DeviceStart,
        waiting: &(dyn Fn(Duration) + Sync),
    ) -> Result<Tokens, OAuthError> {
        let http = Via(self.http, None);
        let req = self
            .client
            .exchange_device_access_token(&start.details)
            .map_err(no_token_endpoint)?;
        let sleep = |d: Duration| {
            waiting(d);
            tokio::time::sleep(d)
        };
        let t = req
            .request_async(&http, sleep, None)
            .await
            .map_err(|e| self.fail(e, |r| r.error().as_ref().to_string()))?;
        tokens(&t)
    }

    /// RFC 7636 with S256, and a random `state`.
    pub fn authorize_url(&self, redirect: &Url) -> Result<(Url, PkceCodeVerifier, CsrfToken), OAuthError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self
            .client
            .clone()
            .set_redirect_uri(RedirectUrl::new(redirect.to_string()).map_err(|e| OAuthError::Listen(e.to_string()))?);
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .map_err(|_| OAuthError::NoEndpoint {
                which: "authorization",
                hint: ": give `authorization_endpoint`, or use grant = \"device_code\"",
            })?
            .add_scopes(self.scopes())
            .set_pkce_challenge(challenge)
            .url();
        Ok((url, verifier, state))
    }

    pub async fn code(&self, code: String, verifier: PkceCodeVerifier, redirect: &Url) -> Result<Tokens, OAuthError> {
        let http = Via(self.http, None);
        let client = self
            .client
            .clone()
            .set_redirect_uri(RedirectUrl::new(redirect.to_string()).map_err(|e| OAuthError::Listen(e.to_string()))?);
        let req = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(no_token_endpoint)?
            .set_pkce_verifier(verifier);
        let t = req
            .request_async(&http)
            .await
            .map_err(|e| self.fail(e, Self::basic_code))?;
        tokens(&t)
    }

    pub fn can_revoke(&self) -> bool {
        self.client.revocation_url().is_some()
    }

    /// RFC 7009: revoke a refresh token (which ends its grant) or an
    /// access token. Sent by hand: the crate refuses a revocation URL that
    /// is not https, and loopback http is allowed here as everywhere.
    pub async fn revoke(&self, token: &SecretString, refresh: bool) -> Result<(), OAuthError> {
        let Some(url) = self.client.revocation_url() else {
            return Err(OAuthError::NoEndpoint {
                which: "revocation",
                hint: " (RFC 7009)",
            });
        };
        let (req, body) = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("token", token.expose_secret());
            form.append_pair(
                "token_type_hint",
                if refresh { "refresh_token" } else { "access_token" },
            );
            let mut req = http::Request::builder()
                .method(http::Method::POST)
                .uri(url.as_str())
                .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(http::header::ACCEPT, "application/json");
            match (&self.secret, self.auth) {
                (Some(secret), ClientAuth::Basic) => {
                    use base64::Engine;
                    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    let pair = zeroize::Zeroizing::new(format!(
                        "{}:{}",
                        enc(self.client.client_id().as_str()),
                        enc(secret.expose_secret())
                    ));
                    let basic = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
                    req = req.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
                }
                (Some(secret), ClientAuth::Body) => {
                    form.append_pair("client_id", self.client.client_id().as_str());
                    form.append_pair("client_secret", secret.expose_secret());
                }
                (None, _) => {
                    form.append_pair("client_id", self.client.client_id().as_str());
                }
            }
            let body = zeroize::Zeroizing::new(form.finish());
            (req, body)
        };
        let req = req
            .body(body.as_bytes().to_vec())
            .map_err(|e| OAuthError::BadAnswer(clean_to(&e.to_string(), 200)))?;
        let reply = self.http.exchange(req, TIMEOUT).await.map_err(failed)?;
        if reply.status().is_success() {
            return Ok(());
        }
        #[derive(serde::Deserialize)]
        struct Answer {
            error: String,
            error_description: Option<String>,
        }
        match serde_json::from_slice::<Answer>(reply.body()) {
            Ok(a) if a.error == "invalid_client" => Err(OAuthError::InvalidClient {
                name: self.name.clone(),
                detail: clean_to(&a.error_description.unwrap_or(a.error), 200),
            }),
            Ok(a) => Err(OAuthError::Refused {
                code: clean_to(&a.error, 60),
                detail: clean_to(a.error_description.as_deref().unwrap_or(""), 200),
            }),
            Err(_) => Err(OAuthError::BadAnswer(format!(
                "the revocation endpoint answered HTTP {}",
                reply.status().as_u16()
            ))),
        }
    }
}

/// The `error_description` of any of the crate's error answers.
pub trait ErrorDescription {
    fn description(&self) -> Option<&str>;
}

impl<T: oauth2::ErrorResponseType> ErrorDescription for StandardErrorResponse<T> {
    fn description(&self) -> Option<&str> {
        self.error_description().map(String::as_str)
    }
}
