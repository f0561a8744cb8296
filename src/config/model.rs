//! The validated configuration the app runs on.

use std::time::Duration;

use chrono::NaiveDate;
use homedash_widgets::Source;
use homedash_widgets::provider::{Budget, Provider};
use url::Url;

/// How long a command source may take before it is stopped.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

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
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it came from, for messages: a path or "embedded default".
    pub source_name: String,
    pub title: String,
    /// In file order, which is also Tab order.
    pub widgets: Vec<WidgetConfig>,
    pub layout: Node,
    /// `[credential.NAME]` tables, in file order: references, never values.
    pub credentials: Vec<CredentialConfig>,
}

impl Config {
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
}

impl PartialEq for CredentialConfig {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.provider.name == other.provider.name
            && self.source == other.source
            && self.rotate_after == other.rotate_after
            && self.expires == other.expires
            && self.budget == other.budget
    }
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
    pub credential: Option<String>,
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

impl Node {
    /// Rows of up to three widgets each, for a config without `[layout]`.
    pub fn auto_grid(count: usize) -> Node {
        let rows = (0..count)
            .collect::<Vec<_>>()
            .chunks(3)
            .map(|chunk| Node {
                size: Size::Ratio(1),
                content: Content::Cols(
                    chunk
                        .iter()
                        .map(|&i| Node {
                            size: Size::Ratio(1),
                            content: Content::Widget(i),
                        })
                        .collect(),
                ),
            })
            .collect();
        Node {
            size: Size::Ratio(1),
            content: Content::Rows(rows),
        }
    }
}
