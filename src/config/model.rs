//! The validated configuration the app runs on.

use std::time::Duration;

use chrono::NaiveDate;
use homedash_widgets::Source;
use homedash_widgets::provider::{Budget, Provider};
use url::Url;

/// How long a command source may take before it is stopped.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// `[keyring] store`: where keyring credentials are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyringStore {
    /// The Secret Service when it answers, else the kernel keyring (the
    /// platform's own store on macOS and Windows). Not a place a
    /// credential can be moved to.
    #[default]
    #[value(skip)]
    Auto,
    /// The Secret Service (GNOME Keyring, KWallet or KeePassXC over D-Bus)
    SecretService,
    /// The kernel keyring (keyutils): the user's persistent keyring
    Keyutils,
}

impl KeyringStore {
    /// Its value in `[keyring] store`.
    pub fn key(self) -> &'static str {
        match self {
            KeyringStore::Auto => "auto",
            KeyringStore::SecretService => "secret-service",
            KeyringStore::Keyutils => "keyutils",
        }
    }
}

/// Where a credential's value comes from: the OS keyring (the default), an
/// environment variable, or a command whose stdout is the secret. Reading
/// it is `credentials::source::read`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Keyring,
    Env {
        var: String,
    },
    /// Run directly, never through a shell, in a process group of its
    /// own, without the variables in `hide_env` (the config's other
    /// credentials, read from the environment).
    Command {
        argv: Vec<String>,
        timeout: Duration,
        hide_env: Vec<String>,
    },
    /// `$CREDENTIALS_DIRECTORY/NAME`, which systemd fills from a unit's
    /// `LoadCredential=` or `LoadCredentialEncrypted=`.
    Systemd {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it came from, for messages: a path or "embedded default".
    pub source_name: String,
    pub title: String,
    /// In file order, which is also Tab order.
    pub widgets: Vec<WidgetConfig>,
    pub layout: Layout,
    /// `[credential.NAME]` tables, in file order: references, never values.
    pub credentials: Vec<CredentialConfig>,
    /// Team mode, on a client.
    pub gateway: Option<Box<GatewayClient>>,
    /// Team mode, on the gateway host.
    pub gateway_server: Option<Box<GatewayServer>>,
    /// `[theme]`: the colours screens draw with.
    pub theme: ThemeConfig,
    /// `[keys.SCOPE]`: the action table with the user's keys.
    pub keys: crate::keymap::KeyMap,
    /// `[keyring] store`.
    pub keyring: KeyringStore,
    /// `[kiosk]`: used with `--kiosk`.
    pub kiosk: KioskConfig,
}

/// `[kiosk]`: how a wall display turns its pages and moves its picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KioskConfig {
    pub page_every: Duration,
    pub shift_every: Duration,
    /// The idle time after a key before the pages turn again.
    pub resume_after: Duration,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            page_every: Duration::from_secs(30),
            shift_every: Duration::from_secs(300),
            resume_after: Duration::from_secs(60),
        }
    }
}

/// `--look`: which characters a frame may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LookChoice {
    /// The console's on TERM=linux or where the locale is not UTF-8, else all of Unicode
    #[default]
    Auto,
    /// What a VGA console font has: ASCII, box lines and blocks, 16 colours
    Console,
    /// All of Unicode (braille sparklines, symbols) and every colour
    Unicode,
}

/// The built-in themes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// Named ANSI colours, so the terminal's own palette decides the shades.
    #[default]
    Default,
    /// Darker shades that read on a light background.
    Light,
    /// Bright colours, and emphasis in bold as well as colour.
    HighContrast,
}

/// `[theme]`: a built-in theme and any of its role colours replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeConfig {
    pub name: ThemeName,
    pub accent: Option<ratatui::style::Color>,
    pub good: Option<ratatui::style::Color>,
    pub warn: Option<ratatui::style::Color>,
    pub bad: Option<ratatui::style::Color>,
    pub dim: Option<ratatui::style::Color>,
}

impl Config {
    /// The gateway's URL and private CA, for `Http::with_private_ca`.
    pub fn private_ca(&self) -> Option<(&Url, &std::path::Path)> {
        self.gateway.as_deref().and_then(GatewayClient::private_ca)
    }

    pub fn credential(&self, name: &str) -> Option<&CredentialConfig> {
        self.credentials.iter().find(|c| c.name == name)
    }

    /// Ids of the widgets that use credential `name`.
    pub fn users_of(&self, name: &str) -> Vec<&str> {
        self.widgets
            .iter()
            .filter(|w| w.credential.as_deref() == Some(name))
            .map(|w| w.id.as_str())
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct CredentialConfig {
    pub name: String,
    pub provider: &'static Provider,
    pub source: SecretSource,
    /// Rotation falls due this long after the token was stored or rotated.
    pub rotate_after: Option<Duration>,
    /// When the provider says the token stops working.
    pub expires: Option<NaiveDate>,
    /// Overrides the provider's free-plan budget.
    pub budget: Option<Budget>,
    /// `type = "oauth2"`: short-lived access tokens from an authorization
    /// server; `source` is then where the client secret (if any) comes from.
    pub oauth: Option<Box<OAuthConfig>>,
}

impl CredentialConfig {
    /// A keyring credential with no table of its own (yet): what `creds
    /// add` and the wizard test before the config names it.
    pub fn in_keyring(name: &str, provider: &'static Provider) -> CredentialConfig {
        CredentialConfig {
            name: name.to_string(),
            provider,
            source: SecretSource::Keyring,
            rotate_after: None,
            expires: None,
            budget: None,
            oauth: None,
        }
    }

    /// Whether reading it needs the keyring: a keyring token, an OAuth
    /// login's record, or a client secret kept there.
    pub fn uses_keyring(&self) -> bool {
        match self.oauth.as_deref() {
            Some(o) => o.grant.has_user() || o.client_secret == Some(SecretSource::Keyring),
            None => self.source == SecretSource::Keyring,
        }
    }
}

impl PartialEq for CredentialConfig {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.provider.name == other.provider.name
            && self.source == other.source
            && self.rotate_after == other.rotate_after
            && self.expires == other.expires
            && self.budget == other.budget
            && self.oauth == other.oauth
    }
}

/// How an OAuth 2.0 credential gets its tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthGrant {
    /// RFC 8628: a code the user enters on another device.
    DeviceCode,
    /// RFC 6749 with PKCE (RFC 7636) through a loopback redirect (RFC 8252).
    AuthorizationCode,
    /// Machine to machine: the client's own secret, no user.
    ClientCredentials,
}

impl OAuthGrant {
    pub fn name(self) -> &'static str {
        match self {
            OAuthGrant::DeviceCode => "device_code",
            OAuthGrant::AuthorizationCode => "authorization_code",
            OAuthGrant::ClientCredentials => "client_credentials",
        }
    }

    /// A user logs in once and a refresh token renews the access token.
    pub fn has_user(self) -> bool {
        self != OAuthGrant::ClientCredentials
    }
}

/// The authorization server's endpoints: found by discovery from an
/// issuer (RFC 8414 or OpenID Connect), or written out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthServer {
    Issuer(Url),
    Endpoints(Box<Endpoints>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub token: Url,
    pub authorization: Option<Url>,
    pub device_authorization: Option<Url>,
    pub revocation: Option<Url>,
}

impl Endpoints {
    /// Each endpoint there is, by the config key (and metadata field)
    /// that names it.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &Url)> {
        [
            ("token_endpoint", Some(&self.token)),
            ("authorization_endpoint", self.authorization.as_ref()),
            ("device_authorization_endpoint", self.device_authorization.as_ref()),
            ("revocation_endpoint", self.revocation.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, u)| Some((k, u?)))
    }
}

/// How the client proves itself at the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic (RFC 6749 2.3.1), the default.
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// `[credential.NAME] type = "oauth2"`.
#[derive(Clone, Debug, PartialEq)]
pub struct OAuthConfig {
    pub grant: OAuthGrant,
    pub server: AuthServer,
    /// Public, not a secret (RFC 6749 2.2).
    pub client_id: String,
    /// Where the client secret comes from; `None` for a public client.
    pub client_secret: Option<SecretSource>,
    pub client_auth: ClientAuth,
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    pub id: String,
    pub title: String,
    pub refresh: Duration,
    pub timeout: Duration,
    /// Overrides the provider's public endpoint (gateway, mirror, test server).
    pub base_url: Option<Url>,
    pub source: Source,
    /// The name of a `[credential.NAME]` table, for providers that need one.
    /// Through a gateway, the gateway's credential.
    pub credential: Option<String>,
    /// Asks the `[gateway]` (its `base_url` is the gateway's route).
    pub via_gateway: bool,
}

impl WidgetConfig {
    /// The endpoint to poll, `None` for local sources.
    pub fn base(&self) -> Option<Url> {
        self.base_url
            .clone()
            .or_else(|| self.source.default_base().and_then(|b| Url::parse(b).ok()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Ratio(u32),
    Percent(u16),
    Length(u16),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Index into `Config::widgets`.
    Widget(usize),
    /// Children stacked top to bottom.
    Rows(Vec<Node>),
    /// Children side by side.
    Cols(Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub size: Size,
    pub content: Content,
}

/// Where the widgets go on screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Layout {
    /// Neither `[layout]` nor `[[page]]`: every widget in file order, on as
    /// many pages as the terminal needs.
    Auto,
    /// `[[page]]` tables, or one `[layout]` (a single page without a name).
    Pages(Vec<Page>),
}

/// One `[[page]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Empty for the one page of a `[layout]`.
    pub name: String,
    pub content: PageContent,
    pub when_hidden: WhenHidden,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PageContent {
    /// `row` / `col` cells, as in `[layout]`.
    Grid(Node),
    /// `widgets = [...]`: arranged to fit the terminal.
    Widgets(Vec<usize>),
}

impl PageContent {
    /// The page's widgets, in layout order.
    pub fn widgets(&self) -> Vec<usize> {
        match self {
            PageContent::Grid(n) => n.widgets(),
            PageContent::Widgets(w) => w.clone(),
        }
    }
}

/// What a page's widgets do while another page is on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenHidden {
    /// Keep polling, so a switch shows fresh data at once (the default).
    #[default]
    Poll,
    /// Send nothing until the page is shown again, to save quota.
    Pause,
}

impl Node {
    /// Every widget it places, in layout order.
    pub fn widgets(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<usize>) {
        match &self.content {
            Content::Widget(i) => out.push(*i),
            Content::Rows(c) | Content::Cols(c) => c.iter().for_each(|n| n.collect(out)),
        }
    }
}

/// `[gateway]`: team mode on a client. Widgets of the providers it serves
/// ask the gateway instead of the provider, with this client's own
/// credential; the provider keys stay on the gateway host.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayClient {
    /// Where the gateway listens (https, or http on loopback).
    pub url: Url,
    /// A `[credential.NAME]` with provider = "gateway".
    pub credential: String,
    /// A private CA's certificate (PEM) that signed the gateway's, trusted
    /// for the gateway's origin only.
    pub ca_file: Option<std::path::PathBuf>,
    /// The providers the gateway serves; `None` is every networked one.
    pub providers: Option<Vec<String>>,
}

impl GatewayClient {
    /// The gateway's URL and its private CA, when it has one.
    pub fn private_ca(&self) -> Option<(&Url, &std::path::Path)> {
        Some((&self.url, self.ca_file.as_deref()?))
    }

    pub fn serves(&self, provider: &str) -> bool {
        self.providers.as_ref().is_none_or(|p| p.iter().any(|x| x == provider))
    }
}

/// A rate as nginx writes it: requests per minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
}

/// `[gateway_server]`: what `homedash gateway render` turns into an nginx
/// configuration on the gateway host.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayServer {
    /// `address:port` nginx listens on for clients, over TLS.
    pub listen: Vec<String>,
    pub certificate: std::path::PathBuf,
    pub certificate_key: std::path::PathBuf,
    /// Addresses and networks (CIDR) clients may connect from.
    pub allow: Vec<String>,
    /// Where the rendered config, the secrets include, the client list,
    /// the cache and nginx's own files live.
    pub directory: std::path::PathBuf,
    pub access_log: std::path::PathBuf,
    pub per_client: Rate,
    pub client_burst: u32,
    /// The user nginx's workers run as when its master runs as root; the
    /// cache, temp and socket directories are made theirs.
    pub user: String,
    /// nginx's JavaScript module, which hashes client tokens.
    pub njs_module: std::path::PathBuf,
    /// The CAs nginx trusts for the providers' https.
    pub upstream_ca: std::path::PathBuf,
    pub routes: Vec<Route>,
}

/// One provider behind the gateway, at `/{provider}/`.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub provider: &'static str,
    pub upstream: Url,
    /// The upstream key: a `[credential.NAME]` on the gateway host.
    pub credential: Option<String>,
    pub ttl: Duration,
    pub per_key: Rate,
}
