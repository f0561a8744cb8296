//! TOML text to a validated `Config`, reporting every problem at once.
//!
//! Each table is deserialized on its own (so one bad widget does not hide the
//! next), unknown keys are collected with serde_ignored instead of stopping
//! at the first, and every problem is located by its key path in the span
//! tree that `toml` parsed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use homedash_widgets::Source;
use homedash_widgets::source::Kind;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use url::Url;

use super::introspect::{FieldNames, suggest};
use super::model::{Config, CredentialConfig, Layout, WidgetConfig};
use super::paths::{self, Seg};
use super::problem::{ConfigError, Problem, SourceText};
use super::secrets;
use crate::config::model::{DEFAULT_COMMAND_TIMEOUT, SecretSource};

mod gateway;
mod keys;
mod layout;
mod oauth;
pub mod schema;

/// The config's top-level tables.
pub const TOP_KEYS: [&str; 11] = [
    "dashboard",
    "widget",
    "credential",
    "layout",
    "page",
    "theme",
    "keys",
    "keyring",
    "kiosk",
    "gateway",
    "gateway_server",
];

pub const MIN_REFRESH: Duration = Duration::from_secs(1);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// `[dashboard]`: the dashboard as a whole.
#[derive(Deserialize, schemars::JsonSchema)]
struct Dashboard {
    /// Shown at the left of the title bar (default "homedash").
    title: Option<String>,
}

/// `[theme]`: a name and role colours, each checked where it is written.
#[derive(Deserialize, schemars::JsonSchema)]
struct RawTheme {
    /// "default" uses the terminal's own named colours; "light" reads on a light background; "high-contrast" is brighter, with emphasis in bold too. `homedash --theme NAME` picks one for a run; NO_COLOR=1 wins over both.
    #[schemars(extend("enum" = ["default", "light", "high-contrast"]))]
    name: Option<String>,
    /// Titles, focus, the selection bar: a name ("cyan", "light-red", "dark-gray"), "#rrggbb", or a 256-colour index ("208").
    accent: Option<String>,
    /// Valid, up, under a threshold: a colour name, "#rrggbb" or a 256-colour index.
    good: Option<String>,
    /// Warnings, failing widgets, rotation due: a colour name, "#rrggbb" or a 256-colour index.
    warn: Option<String>,
    /// Rejected, down, over a critical threshold: a colour name, "#rrggbb" or a 256-colour index.
    bad: Option<String>,
    /// Hints and frames: a colour name, "#rrggbb" or a 256-colour index.
    dim: Option<String>,
}

/// `[kiosk]`: the wall display's pace (`homedash --kiosk`).
#[derive(Deserialize, schemars::JsonSchema)]
struct RawKiosk {
    /// How long each page shows before the next, e.g. "30s" (the default).
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    page_every: Option<String>,
    /// How often the whole screen moves by one cell, so that nothing burns into an OLED or plasma panel, e.g. "5m" (the default).
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    shift_every: Option<String>,
    /// How long after the last key the pages turn again, and whatever a viewer opened closes, e.g. "1m" (the default).
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    resume_after: Option<String>,
}

/// `[keyring]`: where keyring credentials are kept.
#[derive(Deserialize, schemars::JsonSchema)]
struct RawKeyring {
    /// "auto" (the default) uses the Secret Service when it answers and the kernel keyring (keyutils) otherwise, as over SSH, on the console or in a service; "secret-service" or "keyutils" picks one. On macOS and Windows the platform's own store is used.
    #[schemars(extend("enum" = ["auto", "secret-service", "keyutils"]))]
    store: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Common {
    /// Required: "weather", "stocks", "metrics", "system" or "clock".
    kind: Kind,
    /// Which API serves the kind; defaults to the first of the kind's providers.
    provider: Option<String>,
    /// How often to poll, e.g. "90s", "10m", "1h" (minimum "1s"). Defaults: weather 10m, stocks and metrics 1m, system 2s.
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    refresh: Option<String>,
    /// Per request, connect to last byte (default "15s", 100ms to 5m).
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    timeout: Option<String>,
    /// Card title; defaults to the location or the kind.
    title: Option<String>,
    /// Point the provider at a gateway, mirror or test server: its scheme, host and port, plus a path prefix only if that server puts one in front of the provider's own paths. A credential is sent to a base_url's origin only once its owner approved it: `homedash creds allow NAME ORIGIN`.
    #[schemars(extend("pattern" = "^[Hh][Tt][Tt][Pp][Ss]?://"))]
    base_url: Option<String>,
    /// Name of a [credential.NAME] table, for providers that take a key.
    credential: Option<String>,
    /// false: never through the [gateway] (team mode).
    gateway: Option<bool>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(transform = schema::source_needs_its_key)]
struct RawCredential {
    /// Required: which provider the token is for.
    provider: String,
    /// Where the value comes from: "keyring" (the default), "env", "command" or "systemd" (a unit's LoadCredential=).
    #[schemars(extend("enum" = ["keyring", "env", "command", "systemd"]))]
    source: Option<String>,
    /// With source = "env": the variable holding the token.
    env: Option<String>,
    /// With source = "systemd": the credential's name in $CREDENTIALS_DIRECTORY (default: this credential's name).
    systemd: Option<String>,
    /// With source = "command": program and arguments, run directly (no shell); the first line of stdout is the token.
    #[schemars(length(min = 1))]
    command: Option<Vec<String>>,
    /// With source = "command": how long it may take (default "10s").
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    command_timeout: Option<String>,
    /// Warn when the token is this old, e.g. "90days".
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    rotate_after: Option<String>,
    /// Warn 14 days before this date, e.g. 2027-06-30.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    expires: Option<toml::value::Datetime>,
    /// Requests allowed, e.g. { per_minute = 30, per_day = 1000 } (default: the provider's free plan).
    budget: Option<RawBudget>,
    /// "token" (the default) or "oauth2": short-lived tokens that homedash renews itself; the keys below are OAuth's.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["token", "oauth2"]))]
    kind: Option<String>,
    /// OAuth: "authorization_code" (your browser, PKCE), "device_code" (a code you enter on another device) or "client_credentials" (machine to machine).
    #[schemars(extend("enum" = ["authorization_code", "device_code", "client_credentials"]))]
    grant: Option<String>,
    /// OAuth: the authorization server's issuer URL, for discovery (instead of the endpoints).
    issuer: Option<String>,
    /// OAuth: the authorization endpoint (with grant = "authorization_code").
    authorization_endpoint: Option<String>,
    /// OAuth: the token endpoint (a URL, not a secret).
    token_endpoint: Option<String>,
    /// OAuth: the device authorization endpoint (with grant = "device_code").
    device_authorization_endpoint: Option<String>,
    /// OAuth: the token revocation endpoint, used by `creds rm` and `creds logout`.
    revocation_endpoint: Option<String>,
    /// OAuth: the client id (public, not a secret).
    client_id: Option<String>,
    /// OAuth: where the client secret lives, e.g. { source = "keyring" } (stored by `creds login`), or env / command.
    client_secret: Option<RawSource>,
    /// OAuth: "basic" (HTTP Basic, the default) or "body" (in the form, as some providers want).
    #[schemars(extend("enum" = ["basic", "body"]))]
    client_auth: Option<String>,
    /// OAuth: the scopes asked for; least privilege.
    scopes: Option<Vec<String>>,
}

impl RawCredential {
    fn has(&self, key: &str) -> bool {
        match key {
            "source" => self.source.is_some(),
            "env" => self.env.is_some(),
            "command" => self.command.is_some(),
            "command_timeout" => self.command_timeout.is_some(),
            "systemd" => self.systemd.is_some(),
            _ => false,
        }
    }
}

/// Where a secret comes from, as a credential's own keys or a client
/// secret's table say.
#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "SecretSource", transform = schema::source_needs_its_key)]
struct RawSource {
    /// Where the value comes from: "keyring" (the default), "env", "command" or "systemd" (a unit's LoadCredential=).
    #[schemars(extend("enum" = ["keyring", "env", "command", "systemd"]))]
    source: Option<String>,
    /// With source = "env": the variable holding it.
    env: Option<String>,
    /// With source = "systemd": the credential's name in $CREDENTIALS_DIRECTORY (default: NAME-client-secret).
    systemd: Option<String>,
    /// With source = "command": program and arguments, run directly (no shell); the first line of stdout is the value.
    #[schemars(length(min = 1))]
    command: Option<Vec<String>>,
    /// With source = "command": how long it may take (default "10s").
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    command_timeout: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Budget")]
struct RawBudget {
    /// Requests allowed per minute.
    per_minute: Option<u32>,
    /// Requests allowed per day.
    per_day: Option<u32>,
}

/// A wrong-typed value in homedash's words: what `key` must be, and what
/// it is. `msg` is serde's "invalid type: string \"8\", expected u8".
fn in_words(key: &str, msg: &str, value: &DeValue<'_>) -> String {
    let got = match value {
        DeValue::String(v) => format!("the string \"{}\"", crate::outside::admit_to(v, 60)),
        DeValue::Integer(v) => format!("the number {v}"),
        DeValue::Float(v) => format!("the number {v}"),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    };
    let expected = msg.rsplit_once(", expected ").map_or("", |(_, e)| e);
    let must = match key {
        "hours" => "a whole number from 1 to 24".to_string(),
        "refresh" | "timeout" | "command_timeout" | "rotate_after" | "range" => {
            "a duration in quotes, e.g. \"10m\" or \"90s\"".into()
        }
        "units" => "\"metric\" or \"imperial\"".into(),
        "symbols" => "a list of ticker symbols, e.g. [\"AAPL\", \"MSFT\"]".into(),
        "zones" => "a list of time zones, e.g. [\"local\", \"Europe/London\"]".into(),
        "latitude" | "longitude" => "a number of degrees".into(),
        "kind" => "one of \"weather\", \"stocks\", \"metrics\", \"system\" or \"clock\"".into(),
        _ => match expected.trim() {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" => "a whole number".into(),
            "f32" | "f64" => "a number".into(),
            "a string" | "string" => "text in quotes".into(),
            "a boolean" => "true or false".into(),
            "a sequence" => "a list".into(),
            e if e.starts_with("struct") || e == "a map" => "a table".into(),
            "" => return format!("`{key}`: {msg}, got {got}"),
            e => e.to_string(),
        },
    };
    let mut out = format!("`{key}` must be {must}, got {got}");
    if let (DeValue::String(v), "kind") = (value, key)
        && let Some(k) = suggest(v, &["weather", "stocks", "metrics", "system", "clock"])
    {
        out.push_str(&format!("; did you mean \"{k}\"?"));
    }
    out
}

fn field_names<T: DeserializeOwned>() -> Vec<&'static str> {
    let mut v = Vec::new();
    let _ = T::deserialize(FieldNames(&mut v));
    v
}

fn default_refresh(kind: Kind) -> Duration {
    match kind {
        Kind::System => Duration::from_secs(2),
        Kind::Clock => Duration::from_secs(60),
        Kind::Stocks | Kind::Metrics => Duration::from_secs(60),
        Kind::Weather => Duration::from_secs(600),
    }
}

struct Checker<'t> {
    root: Spanned<DeValue<'t>>,
    problems: Vec<Problem>,
    /// Paths already reported as secrets, so they are not also "unknown".
    secret_paths: BTreeSet<String>,
    /// Each widget's `gateway = true/false`, where written.
    gateway_choice: BTreeMap<String, bool>,
    /// A part of `[layout]` or `[[page]]` that may name widgets could not
    /// be read: every widget would look unplaced, so none is said to be.
    placement_unread: bool,
    /// Widgets a misspelt reference was taken to mean: told once, there,
    /// not again as unplaced.
    meant: BTreeSet<String>,
}

impl<'t> Checker<'t> {
    fn at(&mut self, segs: &[Seg], on_key: bool, message: impl Into<String>) {
        // A value already reported as a secret is said once: a second
        // message would quote it.
        if self.told_secret(segs) {
            return;
        }
        let span = paths::find(&self.root, segs)
            .map(|(k, v)| if on_key { k } else { v })
            .unwrap_or(0..0);
        self.problems.push(Problem {
            span,
            key: paths::display(segs),
            message: message.into(),
        });
    }

    fn de_error(&mut self, e: &toml::de::Error, owner: &[Seg]) {
        let mut span = e.span().unwrap_or(0..0);
        let mut path = paths::path_at(&self.root, span.start);
        if path.len() < owner.len() {
            // Errors such as a missing field carry the table's span, which
            // for a `[a.b]` header is not the header itself.
            path = owner.to_vec();
            if let Some((key, _)) = paths::find(&self.root, owner) {
                span = key;
            }
        }
        if self.told_secret(&path) {
            return;
        }
        let message = e.message().trim().to_string();
        self.problems.push(Problem {
            span,
            key: paths::display(&path),
            message,
        });
    }

    /// Whether `segs`, or a list item under it, holds what was reported as
    /// a secret.
    fn told_secret(&self, segs: &[Seg]) -> bool {
        let shown = paths::display(segs);
        self.secret_paths
            .iter()
            .any(|p| *p == shown || p.strip_prefix(shown.as_str()).is_some_and(|rest| rest.starts_with('[')))
    }

    /// Deserialize `value` (at `base`) and collect the keys it ignored.
    /// Every key of the wrong type is reported, not only the first: each is
    /// reported, taken out, and the rest tried again.
    fn de<T: DeserializeOwned>(&mut self, value: &Spanned<DeValue<'t>>, base: &[Seg]) -> (Option<T>, Vec<Vec<Seg>>) {
        let mut ignored = Vec::new();
        let r = self.each_key(value, base, |v| {
            ignored.clear();
            serde_ignored::deserialize(ValueDeserializer::from(v.clone()), |p| {
                let mut full = base.to_vec();
                full.extend(paths::from_ignored(&p));
                ignored.push(full);
            })
        });
        (r, ignored)
    }

    /// Run `attempt` on `value` until it succeeds, taking out (and
    /// reporting in homedash's words) each key whose value it could not
    /// take. `None` when it fails for another reason (reported too).
    fn each_key<T>(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        base: &[Seg],
        mut attempt: impl FnMut(&Spanned<DeValue<'t>>) -> Result<T, toml::de::Error>,
    ) -> Option<T> {
        let mut v = value.clone();
        let mut removed: Vec<String> = Vec::new();
        loop {
            let e = match attempt(&v) {
                Ok(t) => return Some(t),
                Err(e) => e,
            };
            let path = paths::path_at(&self.root, e.span().map_or(0, |s| s.start));
            let key = match (path.get(base.len()), path.starts_with(base)) {
                (Some(Seg::Key(k)), true) => Some(k.clone()),
                _ => None,
            };
            let msg = e.message().trim().to_string();
            match (key, &mut *v.get_mut()) {
                (Some(k), DeValue::Table(t)) if !removed.contains(&k) && t.iter().any(|(n, _)| n.get_ref() == &k) => {
                    // The innermost key is the one in the wrong: a budget's
                    // `per_minute`, not `budget`. The whole of `k` goes.
                    let nested = path.len() > base.len() + 1;
                    let inner = path
                        .iter()
                        .rev()
                        .find_map(|s| match s {
                            Seg::Key(name) => Some(name.clone()),
                            Seg::Index(_) => None,
                        })
                        .filter(|_| nested);
                    let (at, name) = match inner {
                        Some(name) => (path.clone(), name),
                        None => {
                            let mut at = base.to_vec();
                            at.push(Seg::Key(k.clone()));
                            (at, k.clone())
                        }
                    };
                    let words = paths::get(&self.root, &at).map_or_else(
                        || format!("`{name}`: {msg}"),
                        |val| in_words(&name, &msg, val.get_ref()),
                    );
                    self.at(&at, false, words);
                    let found = t.iter().find(|(n, _)| n.get_ref() == &k).map(|(n, _)| n.clone());
                    if let Some(found) = found {
                        t.remove(&found);
                    }
                    removed.push(k);
                }
                // After a key was taken out, an error of the table as a
                // whole is the required key it took (already reported), not
                // news: told by where it is, not by its words.
                _ if !removed.is_empty() && e.span() == Some(value.span()) => return None,
                _ => {
                    self.de_error(&e, base);
                    return None;
                }
            }
        }
    }
    /// `[kiosk]`: its two intervals, from a second to a day.
    fn kiosk(&mut self, v: &Spanned<DeValue<'t>>) -> crate::config::model::KioskConfig {
        let base = [Seg::Key("kiosk".into())];
        let (raw, ignored) = self.de::<RawKiosk>(v, &base);
        self.unknown_keys(ignored, "[kiosk]", &field_names::<RawKiosk>());
        let mut k = crate::config::model::KioskConfig::default();
        let Some(raw) = raw else { return k };
        let (second, day) = (Duration::from_secs(1), Duration::from_secs(86_400));
        for (key, given, slot) in [
            ("page_every", &raw.page_every, &mut k.page_every),
            ("shift_every", &raw.shift_every, &mut k.shift_every),
            ("resume_after", &raw.resume_after, &mut k.resume_after),
        ] {
            if let Some(d) = given
                .as_deref()
                .and_then(|g| self.duration(g, &[base[0].clone(), Seg::Key(key.into())], second, day))
            {
                *slot = d;
            }
        }
        k
    }

    /// `[keyring]`: the store, one of three names; a bad one is reported
    /// where it is.
    fn keyring(&mut self, v: &Spanned<DeValue<'t>>) -> crate::config::model::KeyringStore {
        use crate::config::model::KeyringStore;
        let base = [Seg::Key("keyring".into())];
        let (raw, ignored) = self.de::<RawKeyring>(v, &base);
        self.unknown_keys(ignored, "[keyring]", &field_names::<RawKeyring>());
        const NAMES: [&str; 3] = ["auto", "secret-service", "keyutils"];
        match raw.and_then(|r| r.store).as_deref() {
            None | Some("auto") => KeyringStore::Auto,
            Some("secret-service") => KeyringStore::SecretService,
            Some("keyutils") => KeyringStore::Keyutils,
            Some(other) => {
                let hint = suggest(other, &NAMES)
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                self.at(
                    &[Seg::Key("keyring".into()), Seg::Key("store".into())],
                    false,
                    format!(
                        "`store` must be \"auto\", \"secret-service\" or \"keyutils\", got \"{}\"{hint}",
                        crate::outside::admit_to(other, 40)
                    ),
                );
                KeyringStore::Auto
            }
        }
    }

    /// `[theme]`: a built-in name and colours ratatui can read ("cyan",
    /// "light-red", "#5f87af", "208"); a bad one is reported where it is.
    fn theme(&mut self, v: &Spanned<DeValue<'t>>) -> crate::config::model::ThemeConfig {
        use crate::config::model::{ThemeConfig, ThemeName};
        let base = [Seg::Key("theme".into())];
        let (raw, ignored) = self.de::<RawTheme>(v, &base);
        self.unknown_keys(ignored, "[theme]", &field_names::<RawTheme>());
        let mut out = ThemeConfig::default();
        let Some(raw) = raw else { return out };
        if let Some(n) = raw.name {
            const NAMES: [&str; 3] = ["default", "light", "high-contrast"];
            match n.as_str() {
                "default" => out.name = ThemeName::Default,
                "light" => out.name = ThemeName::Light,
                "high-contrast" => out.name = ThemeName::HighContrast,
                other => {
                    let hint = suggest(other, &NAMES)
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default();
                    self.at(
                        &[Seg::Key("theme".into()), Seg::Key("name".into())],
                        false,
                        format!(
                            "`name` must be \"default\", \"light\" or \"high-contrast\", got \"{}\"{hint}",
                            crate::outside::admit_to(other, 40)
                        ),
                    );
                }
            }
        }
        for (key, text, slot) in [
            ("accent", raw.accent, &mut out.accent),
            ("good", raw.good, &mut out.good),
            ("warn", raw.warn, &mut out.warn),
            ("bad", raw.bad, &mut out.bad),
            ("dim", raw.dim, &mut out.dim),
        ] {
            let Some(text) = text else { continue };
            match text.parse::<ratatui::style::Color>() {
                Ok(c) if c != ratatui::style::Color::Reset => *slot = Some(c),
                _ => self.at(
                    &[Seg::Key("theme".into()), Seg::Key(key.into())],
                    false,
                    format!(
                        "`{key}` must be a colour: a name (\"cyan\", \"light-red\", \"dark-gray\"), \"#rrggbb\" or a 256-colour index (\"208\"), got \"{}\"",
                        crate::outside::admit_to(&text, 40)
                    ),
                ),
            }
        }
        out
    }

    fn unknown_keys(&mut self, ignored: Vec<Vec<Seg>>, what: &str, known: &[&str]) {
        for path in ignored {
            let shown = paths::display(&path);
            if self.secret_paths.contains(&shown) {
                continue;
            }
            let name = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => shown.clone(),
            };
            let hint = match suggest(&name, known) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => format!("; known keys: {}", known.join(", ")),
            };
            self.at(&path, true, format!("unknown key `{name}` in {what}{hint}"));
        }
    }

    fn scan_secrets(&mut self, value: &Spanned<DeValue<'t>>, path: &mut Vec<Seg>) {
        match value.get_ref() {
            DeValue::Table(t) => {
                for (k, v) in t.iter() {
                    let reference = oauth::reference_key(path, k.get_ref(), matches!(v.get_ref(), DeValue::Table(_)));
                    path.push(Seg::Key(k.get_ref().to_string()));
                    if secrets::is_secret_key(k.get_ref()) && !reference {
                        let shown = paths::display(path);
                        self.problems.push(Problem {
                            span: k.span(),
                            key: shown.clone(),
                            message: format!(
                                "`{}` looks like a secret; secrets never go in the config file. Keep the token in the OS keyring and refer to it with `credential = \"NAME\"`",
                                k.get_ref()
                            ),
                        });
                        self.secret_paths.insert(shown);
                    } else {
                        self.scan_secrets(v, path);
                    }
                    path.pop();
                }
            }
            DeValue::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.scan_secrets(v, path);
                    path.pop();
                }
            }
            // Names of credentials and variables are references, and an
            // OAuth client id is public (RFC 6749 2.2), not a secret.
            DeValue::String(_) if matches!(path.last(), Some(Seg::Key(k)) if k == "credential" || k == "env" || k == "client_id") =>
                {}
            DeValue::String(s) if secrets::looks_like_token(s) => {
                let shown = paths::display(path);
                self.problems.push(Problem {
                    span: value.span(),
                    key: shown.clone(),
                    message: "this value looks like an API token; secrets never go in the config file. Keep the token in the OS keyring and refer to it with `credential = \"NAME\"`".into(),
                });
                self.secret_paths.insert(shown);
            }
            _ => {}
        }
    }

    fn duration(&mut self, raw: &str, path: &[Seg], min: Duration, max: Duration) -> Option<Duration> {
        match humantime::parse_duration(raw) {
            Ok(d) if d < min => {
                self.at(
                    path,
                    false,
                    format!("\"{raw}\" is below the {} minimum", humantime::format_duration(min)),
                );
                None
            }
            Ok(d) if d > max => {
                self.at(
                    path,
                    false,
                    format!("\"{raw}\" is above the {} maximum", humantime::format_duration(max)),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.at(
                    path,
                    false,
                    format!("\"{raw}\" is not a duration ({e}); write e.g. \"90s\", \"10m\" or \"1h\""),
                );
                None
            }
        }
    }

    fn widget(&mut self, id: &str, value: &Spanned<DeValue<'t>>) -> Option<WidgetConfig> {
        let base = [Seg::Key("widget".into()), Seg::Key(id.into())];
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.at(
                &base,
                true,
                format!("widget id \"{id}\" may only use letters, digits, '-' and '_'"),
            );
        }
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            self.at(
                &base,
                false,
                "a widget is a table: write [widget.ID] with kind = \"...\"",
            );
            return None;
        }
        let (common, ignored_common) = self.de::<Common>(value, &base);
        let common = common?;
        let key = |k: &str| [base[0].clone(), base[1].clone(), Seg::Key(k.into())];
        let (source, provider) = self.widget_source(value, &base, &common, ignored_common)?;
        for (k, msg) in source.problems() {
            self.at(&key(k), false, msg);
        }
        let kind = common.kind;
        let refresh = match &common.refresh {
            Some(r) => self.duration(r, &key("refresh"), MIN_REFRESH, Duration::from_secs(7 * 86400))?,
            None => default_refresh(kind),
        };
        let timeout = match &common.timeout {
            Some(t) => self.duration(t, &key("timeout"), Duration::from_millis(100), Duration::from_secs(300))?,
            None => DEFAULT_TIMEOUT,
        };
        let base_url = self.base_url(common.base_url.as_deref(), &source, &key("base_url"));
        if source.provider() == "json" && common.base_url.is_none() {
            self.at(
                &base,
                true,
                "a json widget needs `base_url`, the server to ask (its `path` is appended)",
            );
        }
        if common.credential.is_some() && source.keyed().is_none() {
            let hint = match (&common.provider, kind.providers().get(1)) {
                (None, Some(keyed)) => format!(
                    "; the default provider for kind \"{}\" is \"{provider}\": name a keyed one, e.g. provider = \"{keyed}\"",
                    kind.name()
                ),
                _ => String::new(),
            };
            self.at(
                &key("credential"),
                false,
                format!("provider \"{provider}\" is keyless and takes no credential{hint}"),
            );
        }
        let title = common.title.clone().unwrap_or_else(|| source.default_title());
        if let Some(g) = common.gateway {
            self.gateway_choice.insert(id.to_string(), g);
        }
        Some(WidgetConfig {
            id: id.to_string(),
            title,
            refresh,
            timeout,
            base_url,
            credential: common.credential.clone(),
            via_gateway: false,
            source,
        })
    }

    /// The widget's provider and its own keys, read by the provider's
    /// `Config`; a key neither it nor the common keys take is unknown.
    fn widget_source(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        base: &[Seg],
        common: &Common,
        ignored_common: Vec<Vec<Seg>>,
    ) -> Option<(Source, String)> {
        let kind = common.kind;
        let providers = kind.providers();
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        let provider = common
            .provider
            .clone()
            .or_else(|| providers.first().map(|p| p.to_string()));
        let Some(provider) = provider else {
            self.at(
                &key("kind"),
                false,
                format!("no provider for kind \"{}\" in this build yet", kind.name()),
            );
            return None;
        };
        let mut ignored_specific = Vec::new();
        // The keys this kind and provider take; `None` for no such provider.
        let mut known = field_names::<Common>();
        let known_provider = Source::deserialize_for(kind, &provider, FieldNames(&mut known)).is_some();
        let built = known_provider.then(|| {
            self.each_key(value, base, |v| {
                ignored_specific.clear();
                Source::deserialize_for(
                    kind,
                    &provider,
                    serde_ignored::Deserializer::new(ValueDeserializer::from(v.clone()), &mut |p| {
                        let mut full = base.to_vec();
                        full.extend(paths::from_ignored(&p));
                        ignored_specific.push(full);
                    }),
                )
                .unwrap_or_else(|| Err(serde::de::Error::custom("no such provider")))
            })
        });
        let Some(built) = built else {
            let list = providers
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let meant = suggest(&provider, &providers);
            let hint = meant.map(|m| format!("did you mean \"{m}\"? ")).unwrap_or_default();
            self.at(
                &key("provider"),
                false,
                format!(
                    "unknown provider \"{provider}\" for kind \"{}\"; {hint}available: {list}",
                    kind.name()
                ),
            );
            // A near miss is most likely the provider meant: its keys are
            // checked too, so a wrong type there is told in the same run
            // rather than after the name is fixed.
            if let Some(meant) = meant {
                self.each_key(value, base, |v| {
                    Source::deserialize_for(kind, meant, ValueDeserializer::from(v.clone()))
                        .unwrap_or_else(|| Err(serde::de::Error::custom("no such provider")))
                });
            }
            return None;
        };
        let both: Vec<Vec<Seg>> = ignored_common
            .into_iter()
            .filter(|p| ignored_specific.contains(p))
            .collect();
        self.unknown_keys(both, &format!("a {} widget ({provider})", kind.name()), &known);
        Some((built?, provider))
    }

    /// `base_url`: http or https with a host, and only for a widget that
    /// fetches one.
    fn base_url(&mut self, raw: Option<&str>, source: &Source, at: &[Seg]) -> Option<Url> {
        let raw = raw?;
        if source.default_base().is_none() {
            self.at(
                at,
                false,
                format!("a {} widget is local and fetches no URL", source.kind().name()),
            );
            return None;
        }
        match Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
            Ok(u) => {
                self.at(
                    at,
                    false,
                    format!(
                        "\"{raw}\" must be an http:// or https:// URL with a host (scheme is \"{}\")",
                        u.scheme()
                    ),
                );
                None
            }
            Err(e) => {
                self.at(at, false, format!("\"{raw}\" is not a URL: {e}"));
                None
            }
        }
    }

    fn credential(&mut self, name: &str, value: &Spanned<DeValue<'t>>) -> Option<CredentialConfig> {
        let base = [Seg::Key("credential".into()), Seg::Key(name.into())];
        let key = |k: &str| [base[0].clone(), base[1].clone(), Seg::Key(k.into())];
        if let Err(e) = crate::config::names::check(name) {
            self.at(&base, true, e.to_string());
        }
        let (raw, ignored) = self.de::<RawCredential>(value, &base);
        self.unknown_keys(ignored, "a credential", &field_names::<RawCredential>());
        let raw = raw?;
        let Some(provider) = homedash_widgets::source::keyed(&raw.provider) else {
            let list: Vec<String> = homedash_widgets::source::keyed_all()
                .into_iter()
                .map(|p| format!("\"{}\"", p.name))
                .collect();
            self.at(
                &key("provider"),
                false,
                format!(
                    "\"{}\" is not a provider that takes a credential; available: {}",
                    raw.provider,
                    list.join(", ")
                ),
            );
            return None;
        };
        let oauth = match raw.kind.as_deref() {
            None | Some("token") => {
                self.no_oauth_keys(&raw, &base);
                None
            }
            Some("oauth2") => Some(Box::new(self.oauth(&raw, provider, &base)?)),
            Some(other) => {
                self.at(
                    &key("type"),
                    false,
                    format!("unknown credential type \"{other}\"; use \"token\" (the default: one static token) or \"oauth2\""),
                );
                return None;
            }
        };
        let source = if oauth.is_some() {
            for k in ["source", "env", "command", "command_timeout", "systemd"] {
                if raw.has(k) {
                    self.at(
                        &key(k),
                        true,
                        format!("`{k}` does not apply to an OAuth credential: its tokens live in the keyring; a client secret's source goes in `client_secret = {{ source = \"env\", env = \"VAR\" }}`"),
                    );
                }
            }
            SecretSource::Keyring
        } else {
            self.secret_source(
                RawSource {
                    source: raw.source.clone(),
                    env: raw.env.clone(),
                    command: raw.command.clone(),
                    command_timeout: raw.command_timeout.clone(),
                    systemd: raw.systemd.clone(),
                },
                &base,
                "token",
                name,
            )?
        };
        let rotate_after = match &raw.rotate_after {
            Some(r) => Some(self.duration(
                r,
                &key("rotate_after"),
                Duration::from_secs(86400),
                Duration::from_secs(10 * 366 * 86400),
            )?),
            None => None,
        };
        let expires = match raw.expires {
            None => None,
            Some(dt) => match dt
                .date
                .and_then(|d| chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
            {
                Some(d) => Some(d),
                None => {
                    self.at(&key("expires"), false, "write a date, e.g. expires = 2027-03-31");
                    return None;
                }
            },
        };
        let budget = match raw.budget {
            None => None,
            Some(b) => {
                let per_minute = b.per_minute.unwrap_or(provider.budget.per_minute);
                if per_minute == 0 || b.per_day == Some(0) {
                    self.at(
                        &key("budget"),
                        false,
                        "a budget of 0 requests would stop every widget that uses it",
                    );
                    return None;
                }
                Some(homedash_widgets::provider::Budget {
                    per_minute,
                    per_day: b.per_day.or(provider.budget.per_day),
                })
            }
        };
        Some(CredentialConfig {
            name: name.to_string(),
            provider,
            source,
            rotate_after,
            expires,
            budget,
            oauth,
        })
    }

    /// Where a secret comes from: `source` ("keyring", "env" or
    /// "command") and its keys, in the table at `base`.
    fn secret_source(&mut self, raw: RawSource, base: &[Seg], what: &str, systemd_name: &str) -> Option<SecretSource> {
        let key = |k: &str| {
            let mut p = base.to_vec();
            p.push(Seg::Key(k.into()));
            p
        };
        let source = match raw.source.as_deref().unwrap_or("keyring") {
            "keyring" => {
                for (k, set) in [
                    ("env", raw.env.is_some()),
                    ("command", raw.command.is_some()),
                    ("systemd", raw.systemd.is_some()),
                ] {
                    if set {
                        self.at(
                            &key(k),
                            true,
                            format!("`{k}` only applies with source = \"{k}\"; this {what} lives in the keyring"),
                        );
                    }
                }
                SecretSource::Keyring
            }
            "env" => match &raw.env {
                Some(var) if !var.is_empty() && !var.contains('=') && !var.contains('\0') => {
                    SecretSource::Env { var: var.clone() }
                }
                Some(var) => {
                    self.at(
                        &key("env"),
                        false,
                        format!("\"{var}\" is not an environment variable name"),
                    );
                    return None;
                }
                None => {
                    self.at(
                        &key("source"),
                        false,
                        format!("source = \"env\" needs `env = \"VAR\"`, the variable that holds the {what}"),
                    );
                    return None;
                }
            },
            "command" => {
                let mut argv = match &raw.command {
                    Some(argv) if argv.first().is_some_and(|p| !p.is_empty()) => argv.clone(),
                    Some(_) => {
                        self.at(
                            &key("command"),
                            false,
                            "the command is empty; write e.g. [\"pass\", \"show\", \"homedash/finnhub\"]",
                        );
                        return None;
                    }
                    None => {
                        self.at(
                            &key("source"),
                            false,
                            format!("source = \"command\" needs `command = [\"program\", \"arg\", ...]`, run directly (no shell); its stdout is the {what}"),
                        );
                        return None;
                    }
                };
                // What runs is what `check` shows: the absolute path, found
                // and checked now.
                match super::program::resolve(&argv[0]) {
                    Ok(path) => argv[0] = path.to_string_lossy().into_owned(),
                    Err(e) => {
                        self.at(&key("command"), false, e.to_string());
                        return None;
                    }
                }
                let timeout = match &raw.command_timeout {
                    Some(t) => self.duration(
                        t,
                        &key("command_timeout"),
                        Duration::from_millis(100),
                        Duration::from_secs(120),
                    )?,
                    None => DEFAULT_COMMAND_TIMEOUT,
                };
                SecretSource::Command {
                    argv,
                    timeout,
                    hide_env: Vec::new(),
                }
            }
            "systemd" => {
                let file = raw.systemd.clone().unwrap_or_else(|| systemd_name.to_string());
                // A file name in the one directory systemd made: nothing
                // that leaves it or hides in it.
                if file.is_empty()
                    || file.starts_with('.')
                    || file.contains(['/', '\\', '\0'])
                    || file.chars().any(char::is_control)
                {
                    self.at(
                        &key("systemd"),
                        false,
                        format!(
                            "\"{}\" is not a systemd credential name: a file name, as in LoadCredential=NAME:PATH",
                            crate::outside::admit_to(&file, 60)
                        ),
                    );
                    return None;
                }
                SecretSource::Systemd { name: file }
            }
            other => {
                self.at(
                    &key("source"),
                    false,
                    format!(
                        "unknown source \"{other}\"; use \"keyring\" (the default), \"env\", \"command\" or \"systemd\""
                    ),
                );
                return None;
            }
        };
        Some(source)
    }

    /// Each widget's `credential` names a table of the widget's provider,
    /// and a provider that needs a key has one.
    fn credential_refs(&mut self, widgets: &[WidgetConfig], credentials: &[CredentialConfig]) {
        for w in widgets {
            let at = [
                Seg::Key("widget".into()),
                Seg::Key(w.id.clone()),
                Seg::Key("credential".into()),
            ];
            let Some(provider) = w.source.keyed() else { continue };
            if w.via_gateway {
                continue;
            }
            match &w.credential {
                None if provider.credential_optional => {}
                None => {
                    // Suggest the table that exists before one to add.
                    let p = provider.name;
                    let message = match credentials.iter().find(|c| c.provider.name == p) {
                        Some(c) => format!(
                            "provider \"{p}\" needs a credential: add `credential = \"{}\"` here, the [credential.{}] table for \"{p}\"",
                            c.name, c.name
                        ),
                        None => format!(
                            "provider \"{p}\" needs a credential: add `credential = \"{p}\"` here and a [credential.{p}] table with provider = \"{p}\", then store the token with `homedash creds add {p} --provider {p}`"
                        ),
                    };
                    self.at(&at[..2], true, message);
                }
                Some(name) => match credentials.iter().find(|c| &c.name == name) {
                    None => {
                        let names: Vec<&str> = credentials.iter().map(|c| c.name.as_str()).collect();
                        let hint = suggest(name, &names)
                            .map(|s| format!("; did you mean \"{s}\"?"))
                            .unwrap_or_default();
                        self.at(
                            &at,
                            false,
                            format!("no credential \"{name}\" is defined (add a [credential.{name}] table with provider = \"{}\"){hint}", provider.name),
                        );
                    }
                    Some(c) if c.provider.name != provider.name => self.at(
                        &at,
                        false,
                        format!(
                            "credential \"{name}\" is for provider \"{}\", but this widget uses \"{}\"",
                            c.provider.name, provider.name
                        ),
                    ),
                    Some(_) => {}
                },
            }
        }
    }

    /// The refreshes of a credential's widgets must fit its budget; say the
    /// arithmetic when they do not.
    fn budgets(&mut self, widgets: &[WidgetConfig], credentials: &[CredentialConfig]) {
        let now = chrono::Utc::now();
        for c in credentials {
            let budget = c.budget.unwrap_or(c.provider.budget);
            let users: Vec<(&WidgetConfig, u64)> = widgets
                .iter()
                .filter(|w| w.credential.as_deref() == Some(c.name.as_str()))
                .map(|w| {
                    let n = w.base().map_or(1, |b| w.source.requests(&b, now).len().max(1)) as u64;
                    (w, n)
                })
                .collect();
            if users.is_empty() {
                continue;
            }
            let per = |span: u64| -> f64 {
                users
                    .iter()
                    .map(|(w, n)| *n as f64 * span as f64 / w.refresh.as_secs_f64())
                    .sum()
            };
            let polls: u64 = users.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = users
                .iter()
                .map(|(w, n)| {
                    format!(
                        "{}: {n} request{} every {}",
                        w.id,
                        if *n == 1 { "" } else { "s" },
                        homedash_widgets::format::duration(w.refresh)
                    )
                })
                .collect();
            let at = [Seg::Key("credential".into()), Seg::Key(c.name.clone())];
            let need_minute = per(60);
            if need_minute > f64::from(budget.per_minute) + 1e-9 {
                let min_refresh = (polls * 60).div_ceil(u64::from(budget.per_minute));
                self.at(
                    &at,
                    true,
                    format!(
                        "its widgets need {need_minute:.1} requests a minute ({}), over its budget of {} a minute; give each a refresh of at least {} or raise `budget`",
                        parts.join("; "),
                        budget.per_minute,
                        humantime::format_duration(Duration::from_secs(min_refresh))
                    ),
                );
            }
            if let Some(per_day) = budget.per_day {
                let need_day = per(86400);
                if need_day > f64::from(per_day) + 1e-9 {
                    let min_refresh = (polls * 86400).div_ceil(u64::from(per_day));
                    self.at(
                        &at,
                        true,
                        format!(
                            "its widgets need {need_day:.0} requests a day ({}), over its budget of {per_day} a day; give each a refresh of at least {} or raise `budget`",
                            parts.join("; "),
                            humantime::format_duration(Duration::from_secs(min_refresh.div_ceil(60) * 60))
                        ),
                    );
                }
            }
        }
    }
}

/// The config's top-level tables as read, before they are checked
/// against each other.
struct Tables<'r, 't> {
    title: String,
    widgets: Vec<WidgetConfig>,
    /// Every `[widget.ID]` in file order, invalid ones too.
    widget_keys: Vec<String>,
    ids: BTreeMap<String, usize>,
    layout: Option<&'r Spanned<DeValue<'t>>>,
    pages: Option<&'r Spanned<DeValue<'t>>>,
    credentials: Vec<CredentialConfig>,
    /// Every `[credential.NAME]`, invalid ones too.
    credential_count: usize,
    gateway: Option<&'r Spanned<DeValue<'t>>>,
    gateway_server: Option<&'r Spanned<DeValue<'t>>>,
    theme: crate::config::model::ThemeConfig,
    keys: crate::keymap::KeyMap,
    keyring: crate::config::model::KeyringStore,
    kiosk: crate::config::model::KioskConfig,
}

/// The TOML itself: a syntax error or a duplicate key is reported alone.
fn syntax<'t>(text: &'t str) -> Result<Spanned<DeValue<'t>>, Vec<Problem>> {
    let (table, errors): (Spanned<DeTable<'_>>, _) = DeTable::parse_recoverable(text);
    let span = table.span();
    let root = Spanned::new(span, DeValue::Table(table.into_inner()));
    if errors.is_empty() {
        return Ok(root);
    }
    let mut kept = BTreeSet::new();
    key_names(&root, &mut kept);
    let mut problems: Vec<Problem> = Vec::new();
    for e in &errors {
        let span = e.span().unwrap_or(0..0);
        let raw = e.message().trim().to_string();
        // Once a table is a duplicate, each of its keys is reported again.
        if problems.last().is_some_and(|p| p.message.starts_with(&raw)) {
            continue;
        }
        // A duplicate, told by what the error points at, not by toml's
        // words: a key (where a key is written, not a value) that names one
        // the parse kept.
        let name = text.get(span.clone()).unwrap_or("").trim();
        let bare = name.trim_matches(|c| c == '"' || c == '\'');
        let duplicate = !bare.is_empty() && kept.contains(bare) && in_key_place(text, span.clone());
        let message = if duplicate {
            format!("{raw} `{name}`: a widget id or key is defined twice")
        } else {
            format!("TOML syntax: {raw}")
        };
        problems.push(Problem {
            span,
            key: String::new(),
            message,
        });
    }
    Err(problems)
}

/// Whether `span` is where a key is written: nothing but the key's own
/// path before it on its line (no `=`: a value comes after one), and after
/// it the `=` of a pair, the `.` of a dotted key or the `]` of a header.
fn in_key_place(text: &str, span: std::ops::Range<usize>) -> bool {
    let line_start = text.get(..span.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let before = text.get(line_start..span.start).unwrap_or("=");
    let after = text.get(span.end..).unwrap_or("").trim_start_matches([' ', '\t']);
    !before.contains('=') && after.starts_with(['=', '.', ']'])
}

/// Every key the parse kept.
fn key_names(v: &Spanned<DeValue<'_>>, out: &mut BTreeSet<String>) {
    match v.get_ref() {
        DeValue::Table(t) => {
            for (k, child) in t.iter() {
                out.insert(k.get_ref().to_string());
                key_names(child, out);
            }
        }
        DeValue::Array(items) => items.iter().for_each(|i| key_names(i, out)),
        _ => {}
    }
}

/// A command source never sees the tokens that other credentials take
/// from the environment, nor the client secrets of OAuth credentials read
/// from there.
fn hide_env_secrets(credentials: &mut [CredentialConfig]) {
    let env_vars: Vec<String> = credentials
        .iter()
        .flat_map(|c| [Some(&c.source), c.oauth.as_ref().and_then(|o| o.client_secret.as_ref())])
        .filter_map(|s| match s {
            Some(SecretSource::Env { var }) => Some(var.clone()),
            // Nor the directory of the unit's other credentials.
            Some(SecretSource::Systemd { .. }) => Some("CREDENTIALS_DIRECTORY".to_string()),
            _ => None,
        })
        .collect();
    for c in credentials {
        let oauth_secret = c.oauth.as_mut().and_then(|o| o.client_secret.as_mut());
        for source in [Some(&mut c.source), oauth_secret].into_iter().flatten() {
            if let SecretSource::Command { hide_env, .. } = source {
                hide_env.clone_from(&env_vars);
            }
        }
    }
}

impl<'t> Checker<'t> {
    /// Each top-level table read on its own.
    fn tables<'r>(&mut self, top: &'r DeTable<'t>) -> Tables<'r, 't> {
        let mut t = Tables {
            title: "homedash".to_string(),
            widgets: Vec::new(),
            widget_keys: Vec::new(),
            ids: BTreeMap::new(),
            layout: None,
            pages: None,
            credentials: Vec::new(),
            credential_count: 0,
            gateway: None,
            gateway_server: None,
            theme: crate::config::model::ThemeConfig::default(),
            keys: crate::keymap::KeyMap::default(),
            keyring: crate::config::model::KeyringStore::default(),
            kiosk: crate::config::model::KioskConfig::default(),
        };
        for (k, v) in paths::table_entries(top) {
            match k.get_ref().as_ref() {
                "dashboard" => {
                    let base = [Seg::Key("dashboard".into())];
                    let (d, ignored) = self.de::<Dashboard>(v, &base);
                    self.unknown_keys(ignored, "[dashboard]", &field_names::<Dashboard>());
                    if let Some(title) = d.and_then(|d| d.title) {
                        t.title = title;
                    }
                }
                "widget" => self.widgets(v, &mut t),
                "credential" => self.credentials(v, &mut t),
                "theme" => t.theme = self.theme(v),
                "keys" => t.keys = self.keys(v),
                "keyring" => t.keyring = self.keyring(v),
                "kiosk" => t.kiosk = self.kiosk(v),
                "layout" => t.layout = Some(v),
                "page" => t.pages = Some(v),
                "gateway" => t.gateway = Some(v),
                "gateway_server" => t.gateway_server = Some(v),
                other => {
                    let path = [Seg::Key(other.to_string())];
                    if !self.secret_paths.contains(other) {
                        let hint = suggest(other, &TOP_KEYS)
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("; known: {}", TOP_KEYS.join(", ")));
                        self.at(&path, true, format!("unknown top-level key `{other}`{hint}"));
                    }
                }
            }
        }
        t
    }

    fn widgets(&mut self, v: &Spanned<DeValue<'t>>, t: &mut Tables<'_, 't>) {
        let DeValue::Table(table) = v.get_ref() else {
            self.at(
                &[Seg::Key("widget".into())],
                false,
                "`widget` holds one [widget.ID] table per widget",
            );
            return;
        };
        for (id, wv) in paths::table_entries(table) {
            // Placeholders keep indices stable when a widget is invalid.
            t.ids.insert(id.get_ref().to_string(), t.widget_keys.len());
            t.widget_keys.push(id.get_ref().to_string());
            if let Some(w) = self.widget(id.get_ref(), wv) {
                t.widgets.push(w);
            }
        }
    }

    fn credentials(&mut self, v: &Spanned<DeValue<'t>>, t: &mut Tables<'_, 't>) {
        let DeValue::Table(table) = v.get_ref() else {
            self.at(
                &[Seg::Key("credential".into())],
                false,
                "`credential` holds one [credential.NAME] table per credential",
            );
            return;
        };
        for (name, cv) in paths::table_entries(table) {
            t.credential_count += 1;
            if let Some(c) = self.credential(name.get_ref(), cv) {
                t.credentials.push(c);
            }
        }
    }

    /// The layout or the pages, and every widget placed exactly once.
    fn placed(&mut self, t: &Tables<'_, 't>) -> Option<Layout> {
        let mut placed = BTreeMap::new();
        let (layout, placing) = match (t.layout, t.pages) {
            (None, None) => (Some(Layout::Auto), None),
            (Some(v), None) => (
                self.layout(v, &t.ids, &mut placed).map(|p| Layout::Pages(vec![p])),
                Some("in [layout]; add a cell with widget = \"{id}\""),
            ),
            (None, Some(v)) => (
                self.pages(v, &t.ids, &mut placed).map(Layout::Pages),
                Some("on any [[page]]; add it to one page's `widgets` or cells"),
            ),
            (Some(_), Some(_)) => {
                self.at(
                    &[Seg::Key("page".into())],
                    true,
                    "give [[page]] tables or one [layout], not both: a [layout] is a dashboard of one page",
                );
                (None, None)
            }
        };
        // A layout that could not be read would make every widget look
        // unplaced; other problems there (a page's name) do not.
        if let Some(placing) = placing
            && !self.placement_unread
        {
            for (i, id) in t.widget_keys.iter().enumerate() {
                if !placed.contains_key(&i) && !self.meant.contains(id) {
                    self.at(
                        &[Seg::Key("widget".into()), Seg::Key(id.clone())],
                        true,
                        format!(
                            "widget \"{id}\" is defined but not placed {} or remove the table",
                            placing.replace("{id}", id)
                        ),
                    );
                }
            }
        }
        layout
    }
}

/// Parse and validate. `name` is what messages call the source.
pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
    let src = SourceText { name, text };
    let fail = |problems: Vec<Problem>| ConfigError {
        lines: problems.iter().map(|p| src.render(p)).collect(),
        source_name: name.to_string(),
    };
    let root = syntax(text).map_err(fail)?;
    let mut ck = Checker {
        root: root.clone(),
        problems: Vec::new(),
        secret_paths: BTreeSet::new(),
        gateway_choice: BTreeMap::new(),
        placement_unread: false,
        meant: BTreeSet::new(),
    };
    ck.scan_secrets(&root, &mut Vec::new());
    let DeValue::Table(top) = root.get_ref() else {
        return Err(fail(ck.problems));
    };
    let mut t = ck.tables(top);
    if t.widget_keys.is_empty() && t.gateway_server.is_none() {
        ck.at(
            &[],
            false,
            "no widgets: add a [widget.ID] table with kind = \"clock\", \"weather\" or \"system\"",
        );
    }
    let layout = ck.placed(&t);
    hide_env_secrets(&mut t.credentials);
    let gateway = t.gateway.and_then(|v| ck.gateway_client(v)).map(Box::new);
    if t.gateway.is_none() || gateway.is_some() {
        let choice = std::mem::take(&mut ck.gateway_choice);
        ck.through_gateway(&mut t.widgets, &choice, gateway.as_deref(), &t.credentials);
    }
    let gateway_server = t
        .gateway_server
        .and_then(|v| ck.gateway_server(v, &t.credentials))
        .map(Box::new);
    let all_credentials = t.credentials.len() == t.credential_count;
    if all_credentials {
        ck.credential_refs(&t.widgets, &t.credentials);
        ck.budgets(&t.widgets, &t.credentials);
    }
    let gateway_bad =
        t.gateway.is_some() != gateway.is_some() || t.gateway_server.is_some() != gateway_server.is_some();
    if !ck.problems.is_empty() || gateway_bad || t.widgets.len() != t.widget_keys.len() || !all_credentials {
        let mut problems = ck.problems;
        problems.sort_by_key(|p| p.span.start);
        problems.dedup();
        return Err(fail(problems));
    }
    let layout = layout.ok_or_else(|| fail(vec![]))?;
    Ok(Config {
        source_name: name.to_string(),
        title: t.title,
        widgets: t.widgets,
        layout,
        credentials: t.credentials,
        gateway,
        gateway_server,
        theme: t.theme,
        keys: t.keys,
        keyring: t.keyring,
        kiosk: t.kiosk,
    })
}

/// The NAME of the `[credential.NAME]` table at `base`.
fn credential_name(base: &[Seg]) -> &str {
    match base.get(1) {
        Some(Seg::Key(name)) => name,
        _ => "credential",
    }
}
