//! The wizard's state and the one place it changes. `update` does no I/O:
//! slow work leaves as an `Op` and comes back as a `Reply`.

use std::path::PathBuf;

use crossterm::event::{Event, KeyEvent, KeyEventKind};

use crate::keymap::{Action, Input, KeyMap, Scope};
use homedash_widgets::Source;
use homedash_widgets::provider::Provider;
use homedash_widgets::source::Kind;
use homedash_widgets::weather::geocoding::Place;
use toml_edit::Value;
use url::Url;

use super::endpoints::Endpoints;
use super::error::{EditError, OpenError};
use super::plan::{self, CredPlan, Plan, Preset, SourcePlan, WidgetPlan};
use super::worker::{Op, Verdict};
use crate::config::Config;
use crate::config::write::Edit;
use crate::credentials::TokenInput;
use crate::credentials::{DEFAULT_COMMAND_TIMEOUT, SecretSource};

/// Offered in this order on the widgets step.
pub const KINDS: [Kind; 5] = [Kind::Clock, Kind::Weather, Kind::Stocks, Kind::Metrics, Kind::System];

/// The providers the wizard can set up end to end, keyless first.
pub fn offered(kind: Kind) -> Vec<&'static str> {
    homedash_widgets::source::ALL
        .iter()
        .filter(|i| i.kind == kind && i.in_wizard)
        .map(|i| i.name)
        .collect()
}

/// A provider needs a key unless it has none or the key is optional.
pub fn needs_key(name: &str) -> Option<&'static Provider> {
    homedash_widgets::source::keyed(name).filter(|p| !p.credential_optional)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Welcome,
    Widgets,
    Providers,
    Credentials,
    Location,
    Symbols,
    Metrics,
    Layout,
    Review,
}

impl Step {
    /// Every step in order: the header counts against this whole list, so
    /// the count stays the same whatever is picked (a step that does not
    /// apply is passed over, its number with it).
    pub const ALL: [Step; 9] = [
        Step::Welcome,
        Step::Widgets,
        Step::Providers,
        Step::Credentials,
        Step::Location,
        Step::Symbols,
        Step::Metrics,
        Step::Layout,
        Step::Review,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Welcome => "Welcome",
            Step::Widgets => "Widgets",
            Step::Providers => "Providers",
            Step::Credentials => "API keys",
            Step::Location => "Weather location",
            Step::Symbols => "Stock symbols",
            Step::Metrics => "Metrics query",
            Step::Layout => "Layout",
            Step::Review => "Review and write",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SrcKind {
    Keyring,
    Env,
    Command,
    /// Team mode: no key of the provider's here; a gateway holds it, and
    /// this machine holds a client token for the gateway.
    Gateway,
    /// A systemd credential the config already names: kept as it is, and
    /// not offered (only a unit can give it, so setup cannot test it).
    Systemd,
}

impl SrcKind {
    pub const ALL: [SrcKind; 4] = [SrcKind::Keyring, SrcKind::Env, SrcKind::Command, SrcKind::Gateway];

    pub fn label(self) -> &'static str {
        match self {
            SrcKind::Keyring => "OS keyring",
            SrcKind::Env => "environment variable",
            SrcKind::Command => "command (pass, op, vault...)",
            SrcKind::Gateway => "through a team gateway (homedash gateway)",
            SrcKind::Systemd => "systemd credential (kept as the config has it)",
        }
    }
}

/// The credential that holds this machine's gateway token, in the keyring.
pub const GATEWAY_CRED: &str = "gateway";

pub use super::plan::ViaGateway;

/// Where the wizard's key page stands with one credential (not the
/// credential's state as `creds list` tells it: `screens::credentials::standing`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Not looked up yet.
    Unknown,
    /// The keyring has no token under this name.
    Absent,
    /// The keyring cannot be used: locked, missing...
    KeyringError(String),
    /// A token was already stored before this run; `test` is its live
    /// test's verdict once it is back.
    Existing {
        fingerprint: String,
        test: Option<(bool, String)>,
    },
    Busy(String),
    /// Stored by this run; `ok` is the test's verdict.
    Stored {
        fingerprint: String,
        ok: bool,
        text: String,
    },
    /// Env or command source tried.
    Tested {
        ok: bool,
        text: String,
    },
    Failed(String),
    /// The test could not confirm the key either way; it is not stored,
    /// and still in the field: Enter again stores it anyway.
    Unconfirmed(String),
}

#[derive(Debug)]
pub struct CredPage {
    pub name: String,
    pub provider: &'static Provider,
    pub src: SrcKind,
    /// Focus on the value field (token, variable, command) rather than the source row.
    pub on_value: bool,
    pub token: TokenInput,
    pub env: String,
    pub command: String,
    /// Its systemd credential's name, when the config reads it from one.
    pub systemd: String,
    pub state: KeyState,
    /// The env or command value that `state` was tested with.
    pub tested: Option<String>,
    /// Stored by this run: deleted again if the setup is cancelled.
    pub created: bool,
    /// Its provider is no longer chosen; kept so its token can be deleted.
    pub dropped: bool,
    /// Through a gateway: its URL, a private CA's PEM file (may be empty),
    /// and which of URL (0), CA (1) and token (2) has the focus.
    pub gw_url: String,
    pub gw_ca: String,
    pub gw_field: usize,
    /// An OAuth provider's page: the app's client id, and which of client
    /// id (0) and client secret (1, in `token`) has the focus.
    pub client_id: String,
    pub oauth_field: usize,
    /// What the login in progress asks of the person (the URL to open).
    pub login: crate::workers::credentials::Showing,
    /// Tests only: the authorization server to discover instead of the
    /// provider's own endpoints (`HOMEDASH_SETUP_ENDPOINTS`, `NAME-oauth=`).
    pub oauth_issuer: Option<Url>,
    /// Where its widgets ask (their `base_url`): the provider's API, a
    /// proxy, a self-hosted service or a gateway's prefix. The key is
    /// tested there and "Will be sent to" names it.
    pub endpoint: String,
    /// Focus on the endpoint field (then `on_value` is false).
    pub on_endpoint: bool,
    /// The endpoint the page's key was last tested at: a key tested
    /// somewhere else is tested again before the page is done.
    pub tested_at: Option<String>,
    /// The keyring name this run stored its token under (the provider's
    /// credential, or the gateway's): what a cancel deletes, whatever
    /// source the page shows by then.
    pub stored_as: Option<String>,
    /// A key was pasted over one stored before the run and not stored:
    /// the page says so, until the next key pressed on it.
    pub paste_refused: bool,
    /// The keyring held this credential before the run (a key or a
    /// login): what the run stores under its name replaces it, so a
    /// cancel must not delete it.
    pub existed: bool,
}

impl CredPage {
    fn new(name: String, provider: &'static Provider) -> Self {
        CredPage {
            env: format!("HOMEDASH_{}_TOKEN", provider.name.to_uppercase().replace('-', "_")),
            name,
            provider,
            src: SrcKind::Keyring,
            on_value: true,
            token: TokenInput::default(),
            command: String::new(),
            systemd: String::new(),
            state: KeyState::Unknown,
            tested: None,
            created: false,
            dropped: false,
            gw_url: String::new(),
            gw_ca: String::new(),
            gw_field: 0,
            client_id: String::new(),
            oauth_field: 0,
            login: crate::workers::credentials::Showing::default(),
            oauth_issuer: None,
            endpoint: String::new(),
            on_endpoint: false,
            tested_at: None,
            stored_as: None,
            paste_refused: false,
            existed: false,
        }
    }

    /// Whether this run stored a token under `name`: only that one may be
    /// deleted to store again, never one from before the run.
    pub fn stored_this_run(&self, name: &str) -> bool {
        self.created && self.stored_as.as_deref() == Some(name)
    }

    /// The endpoint as typed, once it reads as a URL homedash would send
    /// a key to (https, or http to this machine).
    pub fn endpoint_url(&self) -> Result<Url, &'static str> {
        let u = Url::parse(self.endpoint.trim()).map_err(|_| "is not a URL, e.g. https://finnhub.io")?;
        match u.scheme() {
            "https" => Ok(u),
            "http" if crate::net::transport::is_loopback(&u) => Ok(u),
            _ => Err("must be https:// (plain http only to this machine)"),
        }
    }

    /// A key page whose key goes where its endpoint says (not a gateway's
    /// page, not an OAuth login's, which have their own).
    pub fn has_endpoint(&self) -> bool {
        self.src != SrcKind::Gateway && !self.is_oauth()
    }

    /// Its key was tested at another endpoint than the one typed now.
    pub fn moved(&self) -> bool {
        self.has_endpoint() && self.tested_at.as_deref().is_some_and(|t| t != self.endpoint.trim())
    }

    /// A reply about credential `name` is this page's: its own, or the
    /// gateway's while this page waits for it.
    pub fn answers(&self, name: &str) -> bool {
        self.name == name
            || (name == GATEWAY_CRED && self.src == SrcKind::Gateway && matches!(self.state, KeyState::Busy(_)))
    }

    /// The credential this page stores: its own, or the gateway's.
    pub fn cred_name(&self) -> &str {
        if self.src == SrcKind::Gateway {
            GATEWAY_CRED
        } else {
            &self.name
        }
    }

    /// The gateway this page's provider goes through, once its URL reads.
    pub fn via_gateway(&self) -> Option<ViaGateway> {
        if self.src != SrcKind::Gateway {
            return None;
        }
        let url = Url::parse(self.gw_url.trim()).ok()?;
        let ca = Some(self.gw_ca.trim()).filter(|c| !c.is_empty()).map(PathBuf::from);
        Some(ViaGateway { url, ca })
    }

    pub(super) fn value_text(&self) -> &str {
        match self.src {
            SrcKind::Keyring => "",
            SrcKind::Gateway => &self.gw_url,
            SrcKind::Env => &self.env,
            SrcKind::Command => &self.command,
            SrcKind::Systemd => &self.systemd,
        }
    }

    /// The provider's tokens come only from an OAuth login.
    pub fn is_oauth(&self) -> bool {
        self.provider.oauth.is_some()
    }

    pub fn ready(&self) -> bool {
        if self.moved() {
            return false;
        }
        if self.is_oauth() {
            return matches!(
                self.state,
                KeyState::Existing { .. } | KeyState::Stored { ok: true, .. }
            );
        }
        match self.src {
            SrcKind::Keyring | SrcKind::Gateway => {
                matches!(self.state, KeyState::Existing { .. } | KeyState::Stored { .. })
            }
            SrcKind::Systemd => true,
            SrcKind::Env | SrcKind::Command => {
                matches!(self.state, KeyState::Tested { .. }) && self.tested.as_deref() == Some(self.value_text())
            }
        }
    }

    /// Where the worker reads the token for a live try; a command runs
    /// without the variables in `hide_env`.
    pub fn secret_source(&self, hide_env: Vec<String>) -> SecretSource {
        match self.source_plan() {
            // A try never carries an OAuth record (try_target leaves it out).
            SourcePlan::Keyring | SourcePlan::OAuth(_) => SecretSource::Keyring,
            SourcePlan::Env(var) => SecretSource::Env { var },
            SourcePlan::Command(argv) => SecretSource::Command {
                argv,
                timeout: DEFAULT_COMMAND_TIMEOUT,
                hide_env,
            },
            SourcePlan::Systemd(name) => SecretSource::Systemd { name },
        }
    }

    fn source_plan(&self) -> SourcePlan {
        if let Some(hints) = &self.provider.oauth {
            return SourcePlan::OAuth(plan::OAuthPlan::of(
                hints,
                self.client_id.trim(),
                self.oauth_issuer.clone(),
            ));
        }
        match self.src {
            SrcKind::Keyring | SrcKind::Gateway => SourcePlan::Keyring,
            SrcKind::Env => SourcePlan::Env(self.env.trim().to_string()),
            SrcKind::Command => SourcePlan::Command(shell_words::split(&self.command).unwrap_or_default()),
            SrcKind::Systemd => SourcePlan::Systemd(self.systemd.clone()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocField {
    Query,
    Latitude,
    Longitude,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug)]
pub struct Location {
    pub query: String,
    pub field: LocField,
    pub latitude: String,
    pub longitude: String,
    /// The query the listed results are for.
    pub searched: Option<String>,
    pub results: Vec<Place>,
    pub selected: usize,
    pub chosen: Option<Chosen>,
    pub busy: bool,
}

#[derive(Debug, Default)]
pub struct Tried {
    /// The input the lines are about.
    pub key: Option<String>,
    pub lines: Vec<(Verdict, String)>,
    pub busy: bool,
}

impl Tried {
    pub(super) fn settled_for(&self, key: &str) -> bool {
        !self.busy && self.key.as_deref() == Some(key) && !self.lines.iter().any(|(v, _)| *v == Verdict::Wrong)
    }
}

#[derive(Debug)]
pub struct Metrics {
    pub url: String,
    pub query: String,
    /// Focus on the query (else the URL).
    pub on_query: bool,
    pub tried: Tried,
}

/// What an update asks of the loop: work for the worker, or the end.
#[derive(Debug)]
// Few commands live at once, and an op moves on to the worker as it is.
#[allow(clippy::large_enum_variant)]
pub enum Cmd {
    Op(Op),
    Exit(Exit),
}

/// What the loop should do after an update.
pub type Flow = crate::ui::event_loop::Flow<Cmd>;

impl Flow {
    pub(super) fn op(op: Op) -> Self {
        Flow::cmd(Cmd::Op(op))
    }

    pub(super) fn exit(exit: Exit) -> Self {
        Flow::cmd(Cmd::Exit(exit))
    }

    /// The worker's ops this update asks for, in order.
    pub fn ops(self) -> Vec<Op> {
        self.cmds
            .into_iter()
            .filter_map(|c| match c {
                Cmd::Op(op) => Some(op),
                Cmd::Exit(_) => None,
            })
            .collect()
    }

    /// Whether this update ends the wizard, and how.
    pub fn exit_of(&self) -> Option<&Exit> {
        self.cmds.iter().find_map(|c| match c {
            Cmd::Exit(e) => Some(e),
            Cmd::Op(_) => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Written(PathBuf),
    Cancelled,
    /// SIGTERM or SIGHUP: cancelled too, and the process ends.
    Signal(&'static str),
}

#[derive(Debug)]
pub struct Wizard {
    pub path: PathBuf,
    /// The file's text when the wizard started; `None` when there was none.
    pub before: Option<String>,
    pub existing: Option<Config>,
    /// The action table, with the `[keys]` of the config it edits.
    pub keys: KeyMap,
    pub endpoints: Endpoints,
    pub step: Step,
    pub picked: [bool; 5],
    pub cursor: usize,
    /// Index into `offered(kind)` for weather, stocks and metrics.
    pub providers: [usize; 3],
    pub provider_row: usize,
    pub creds: Vec<CredPage>,
    pub cred_at: usize,
    pub location: Location,
    pub symbols: String,
    pub symbols_tried: Tried,
    pub metrics: Metrics,
    pub layout: usize,
    pub review_scroll: u16,
    /// The text the review shows and the write writes.
    pub review: Option<Result<String, EditError>>,
    /// The config the layout step draws its preview from.
    pub preview: Option<Config>,
    /// The file already has a `[layout]`, so "Keep my layout" is offered.
    pub has_layout: bool,
    /// The names of the file's `[[page]]`s: new widgets join one of them.
    pub pages: Vec<String>,
    pub writing: bool,
    pub confirm_cancel: bool,
    /// One line under the step: what just happened or what is missing.
    pub note: Option<(bool, String)>,
    /// `--theme` and `NO_COLOR`; the file's own `[theme]` applies too.
    pub look: crate::ui::theme::Look,
}

pub(super) fn provider_slot(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Weather => Some(0),
        Kind::Stocks => Some(1),
        Kind::Metrics => Some(2),
        Kind::Clock | Kind::System => None,
    }
}

/// The id the wizard gives a widget of `kind`.
fn widget_id(kind: Kind) -> &'static str {
    kind.name()
}

fn num(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

impl Wizard {
    /// The first key of a wizard action, as its prose names it: the keys
    /// of the config it edits, remapped or not.
    pub fn key_of(&self, a: Action) -> String {
        self.keys.first(Scope::Wizard, a)
    }

    /// "c, then r": how the dashboard reaches a Credentials screen action.
    pub fn credentials_key(&self, a: Action) -> String {
        format!(
            "{}, then {}",
            self.keys.first(Scope::Dashboard, Action::Credentials),
            self.keys.first(Scope::Credentials, a)
        )
    }

    /// A wizard for the config at `path`, whose text is `before` (read by
    /// the caller, before the UI starts). A config that exists must be
    /// valid: the wizard edits it, and never writes an invalid file.
    pub fn new(path: PathBuf, before: Option<String>, endpoints: Endpoints) -> Result<Self, OpenError> {
        let existing = match &before {
            Some(text) => Some(crate::config::parse(&path.display().to_string(), text).map_err(OpenError::Invalid)?),
            None => None,
        };
        let keys = existing.as_ref().map(|c| c.keys.clone()).unwrap_or_default();
        let mut w = Wizard {
            look: crate::ui::theme::Look::default(),
            path,
            before,
            existing,
            keys,
            endpoints,
            step: Step::Welcome,
            picked: [true, true, true, false, true],
            cursor: 0,
            providers: [0; 3],
            provider_row: 0,
            creds: Vec::new(),
            cred_at: 0,
            location: Location {
                query: String::new(),
                field: LocField::Query,
                latitude: String::new(),
                longitude: String::new(),
                searched: None,
                results: Vec::new(),
                selected: 0,
                chosen: None,
                busy: false,
            },
            symbols: "AAPL, MSFT, NVDA".into(),
            symbols_tried: Tried::default(),
            metrics: Metrics {
                url: homedash_widgets::metrics::prometheus::DEFAULT_BASE.into(),
                query: "up".into(),
                on_query: true,
                tried: Tried::default(),
            },
            layout: 0,
            review_scroll: 0,
            review: None,
            preview: None,
            has_layout: false,
            pages: Vec::new(),
            writing: false,
            confirm_cancel: false,
            note: None,
        };
        if let Some(u) = w.endpoints.get("prometheus") {
            w.metrics.url = u.to_string();
        }
        w.prefill();
        Ok(w)
    }

    /// A re-run starts from what the file already says.
    fn prefill(&mut self) {
        let Some(doc) = self.before.as_deref().and_then(|t| t.parse::<toml::Table>().ok()) else {
            return;
        };
        self.has_layout = doc.contains_key("layout");
        self.pages = doc
            .get("page")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .map(|p| crate::outside::admit(p.get("name").and_then(|n| n.as_str()).unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        let widgets = doc.get("widget").and_then(|w| w.as_table());
        for (i, kind) in KINDS.iter().enumerate() {
            let t = widgets
                .and_then(|w| w.get(widget_id(*kind)))
                .and_then(|t| t.as_table())
                .filter(|t| t.get("kind").and_then(|k| k.as_str()) == Some(kind.name()));
            self.picked[i] = t.is_some();
            let Some(t) = t else { continue };
            let s = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
            if let Some(slot) = provider_slot(*kind) {
                let provider = s("provider").unwrap_or_else(|| offered(*kind)[0].to_string());
                match offered(*kind).iter().position(|p| *p == provider) {
                    Some(p) => self.providers[slot] = p,
                    // A provider the wizard does not set up: leave that widget alone.
                    None => {
                        self.picked[i] = false;
                        continue;
                    }
                }
            }
            match kind {
                Kind::Weather => {
                    if let (Some(lat), Some(lon)) = (t.get("latitude").and_then(num), t.get("longitude").and_then(num))
                    {
                        let name = s("location").unwrap_or_else(|| format!("{lat}, {lon}"));
                        self.location.query = name.clone();
                        self.location.latitude = lat.to_string();
                        self.location.longitude = lon.to_string();
                        self.location.chosen = Some(Chosen {
                            name,
                            latitude: lat,
                            longitude: lon,
                        });
                    }
                }
                Kind::Stocks => {
                    if let Some(a) = t.get("symbols").and_then(|v| v.as_array()) {
                        self.symbols = a.iter().filter_map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                    }
                }
                Kind::Metrics => {
                    if let Some(q) = s("query") {
                        self.metrics.query = q;
                    }
                    if let Some(b) = s("base_url") {
                        self.metrics.url = b;
                    }
                }
                Kind::Clock | Kind::System => {}
            }
        }
        if !self.picked.iter().any(|p| *p) {
            self.picked = [true, true, true, false, true];
        }
    }

    pub fn presets(&self) -> Vec<Preset> {
        Preset::offered(self.has_layout, self.pages.len())
    }

    pub fn kind_picked(&self, kind: Kind) -> bool {
        KINDS.iter().position(|k| *k == kind).is_some_and(|i| self.picked[i])
    }

    /// The provider chosen for `kind`.
    pub fn provider(&self, kind: Kind) -> Option<&'static str> {
        let slot = provider_slot(kind)?;
        offered(kind).get(self.providers[slot]).copied()
    }

    /// Kinds picked that talk to a provider, in step order.
    pub fn networked(&self) -> Vec<Kind> {
        KINDS
            .iter()
            .copied()
            .filter(|k| provider_slot(*k).is_some() && self.kind_picked(*k))
            .collect()
    }

    pub fn steps(&self) -> Vec<Step> {
        let mut v = vec![Step::Welcome, Step::Widgets];
        if !self.networked().is_empty() {
            v.push(Step::Providers);
        }
        if self
            .networked()
            .iter()
            .any(|k| self.provider(*k).and_then(needs_key).is_some())
        {
            v.push(Step::Credentials);
        }
        for (kind, step) in [
            (Kind::Weather, Step::Location),
            (Kind::Stocks, Step::Symbols),
            (Kind::Metrics, Step::Metrics),
        ] {
            if self.kind_picked(kind) && (kind != Kind::Weather || self.weather_needs_place()) {
                v.push(step);
            }
        }
        v.extend([Step::Layout, Step::Review]);
        v
    }

    /// A weather provider that needs a place (a personal station does
    /// not): its config is incomplete without one.
    pub(super) fn weather_needs_place(&self) -> bool {
        self.provider(Kind::Weather)
            .is_none_or(|p| Source::deserialize_for(Kind::Weather, p, serde_json::json!({})).is_none_or(|r| r.is_err()))
    }

    /// The page of the Credentials step in view.
    pub fn page(&self) -> Option<&CredPage> {
        self.creds.get(self.cred_at)
    }

    pub(super) fn page_mut(&mut self) -> Option<&mut CredPage> {
        self.creds.get_mut(self.cred_at)
    }

    /// One page per keyed provider chosen; pages already filled in stay.
    fn sync_creds(&mut self) {
        let mut wanted: Vec<&'static Provider> = Vec::new();
        for kind in self.networked() {
            if let Some(p) = self.provider(kind).and_then(needs_key)
                && !wanted.iter().any(|w| w.name == p.name)
            {
                wanted.push(p);
            }
        }
        let mut old = std::mem::take(&mut self.creds);
        for p in wanted {
            if let Some(i) = old.iter().position(|c| c.provider.name == p.name) {
                self.creds.push(old.remove(i));
                continue;
            }
            // A credential the file already has for this provider is reused.
            let known = self
                .existing
                .as_ref()
                .and_then(|c| c.credentials.iter().find(|c| c.provider.name == p.name));
            let mut page = match known {
                Some(c) => {
                    let mut page = CredPage::new(c.name.clone(), p);
                    if let Some(o) = c.oauth.as_deref() {
                        page.client_id = o.client_id.clone();
                    }
                    match &c.source {
                        SecretSource::Keyring => {}
                        SecretSource::Env { var } => {
                            page.src = SrcKind::Env;
                            page.env = var.clone();
                        }
                        SecretSource::Command { argv, .. } => {
                            page.src = SrcKind::Command;
                            page.command = shell_words::join(argv);
                        }
                        SecretSource::Systemd { name } => {
                            page.src = SrcKind::Systemd;
                            page.systemd = name.clone();
                        }
                    }
                    page
                }
                None => {
                    let taken = |n: &str| self.existing.as_ref().is_some_and(|c| c.credential(n).is_some());
                    let mut name = p.name.to_string();
                    let mut i = 2;
                    while taken(&name) {
                        name = format!("{}-{i}", p.name);
                        i += 1;
                    }
                    CredPage::new(name, p)
                }
            };
            page.on_value = true;
            page.oauth_issuer = self.endpoints.get(&format!("{}-oauth", p.name)).cloned();
            // A widget the file already has for this provider keeps its
            // endpoint; else the provider's own.
            let kept = self
                .existing
                .as_ref()
                .and_then(|c| c.widgets.iter().find(|w| w.source.provider() == p.name))
                .and_then(|w| w.base_url.clone());
            page.endpoint = kept.unwrap_or_else(|| self.base_for(p.name)).to_string();
            self.creds.push(page);
        }
        // Pages left over were stored by this run for a provider no longer
        // chosen: keep them so a cancel (or the write) can delete the token.
        self.creds.extend(old.into_iter().filter(|c| c.created).map(|mut c| {
            c.dropped = true;
            c
        }));
        self.cred_at = self.cred_at.min(self.live_creds().saturating_sub(1));
    }

    /// Pages of providers still chosen (dropped ones sort last, hidden).
    /// Where each key will be sent besides its provider's own API: the
    /// endpoint the wizard sets its widgets up with (a test server, say).
    pub fn destination(&self, provider: &Provider) -> String {
        crate::net::destinations::origin_of(&self.base_for(provider.name))
    }

    /// (name, origin) of each key going somewhere other than its provider's
    /// own API, shown on its page: approved when the config is written.
    fn origins_to_approve(&self) -> Vec<(String, String)> {
        self.creds
            .iter()
            .filter(|c| !c.dropped)
            .filter_map(|c| {
                if let Some(g) = c.via_gateway() {
                    return Some((GATEWAY_CRED.to_string(), crate::net::destinations::origin_of(&g.url)));
                }
                let o = self.destination(c.provider);
                let own = crate::net::destinations::provider_origin(c.provider);
                (own.as_deref() != Some(o.as_str())).then(|| (c.name.clone(), o))
            })
            .collect()
    }

    /// The variables keys come from in this setup: a command source runs
    /// without them.
    pub(super) fn env_vars(&self) -> Vec<String> {
        self.creds
            .iter()
            .filter(|c| !c.dropped && c.src == SrcKind::Env && !c.env.trim().is_empty())
            .map(|c| c.env.trim().to_string())
            .collect()
    }

    pub fn live_creds(&self) -> usize {
        self.creds.iter().filter(|c| !c.dropped).count()
    }

    /// Names whose tokens this run stored and the result does not use: all
    /// of them on a cancel.
    pub fn to_discard(&self, cancelled: bool) -> Vec<String> {
        self.creds
            .iter()
            .filter(|c| c.created && (cancelled || c.dropped || !matches!(c.src, SrcKind::Keyring | SrcKind::Gateway)))
            .flat_map(|c| {
                let mut names = vec![c.stored_as.clone().unwrap_or_else(|| c.cred_name().to_string())];
                if c.is_oauth() {
                    names.push(crate::credentials::client_secret_account(&c.name));
                }
                names
            })
            .collect()
    }

    pub fn busy_storing(&self) -> bool {
        self.creds.iter().any(|c| matches!(c.state, KeyState::Busy(_)))
    }

    /// Where a live try of `provider` goes, and with which credential.
    pub(super) fn try_target(&self, provider: &str) -> (Url, Option<(String, SecretSource)>, Option<ViaGateway>) {
        let page = self.cred_for(provider).filter(|c| !c.is_oauth());
        match page.and_then(CredPage::via_gateway) {
            Some(g) => (
                homedash_widgets::gateway::route_base(&g.url, provider),
                Some((GATEWAY_CRED.to_string(), SecretSource::Keyring)),
                Some(g),
            ),
            None => (
                self.base_for(provider),
                page.map(|c| (c.name.clone(), c.secret_source(self.env_vars()))),
                None,
            ),
        }
    }

    pub(super) fn cred_for(&self, provider: &str) -> Option<&CredPage> {
        self.creds.iter().find(|c| c.provider.name == provider && !c.dropped)
    }

    pub(super) fn base_for(&self, provider: &str) -> Url {
        // The endpoint typed on its key page, once it reads.
        if let Some(u) = self
            .creds
            .iter()
            .find(|c| !c.dropped && c.provider.name == provider && c.has_endpoint())
            .and_then(|c| c.endpoint_url().ok())
        {
            return u;
        }
        let default = homedash_widgets::source::ALL
            .iter()
            .find(|i| i.name == provider)
            .and_then(|i| i.default_base)
            .unwrap_or("https://invalid.invalid/");
        self.endpoints.base(provider, default)
    }

    pub fn symbol_list(&self) -> Vec<String> {
        self.symbols
            .split([',', ' '])
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn widget_plan(&self, kind: Kind) -> WidgetPlan {
        let provider = self.provider(kind);
        let mut keys: Vec<(&'static str, Value)> = Vec::new();
        let mut initial: Vec<(&'static str, Value)> = Vec::new();
        // Where it asks, when not the provider's own API.
        let mut base_url = provider.and_then(|p| {
            let base = self.base_for(p);
            let default = homedash_widgets::source::ALL
                .iter()
                .find(|i| i.name == p)
                .and_then(|i| i.default_base)
                .and_then(|d| Url::parse(d).ok());
            (Some(&base) != default.as_ref()).then_some(base)
        });
        match kind {
            Kind::Weather if !self.weather_needs_place() => {}
            Kind::Weather => {
                if let Some(c) = &self.location.chosen {
                    keys.push(("location", c.name.as_str().into()));
                    // Four decimals is about 10 m: plenty for weather.
                    keys.push(("latitude", ((c.latitude * 1e4).round() / 1e4).into()));
                    keys.push(("longitude", ((c.longitude * 1e4).round() / 1e4).into()));
                }
            }
            Kind::Stocks => keys.push(("symbols", Value::from_iter(self.symbol_list()))),
            Kind::Metrics => {
                keys.push(("query", self.metrics.query.trim().into()));
                if provider == Some("prometheus") {
                    base_url = Url::parse(self.metrics.url.trim()).ok();
                }
            }
            Kind::Clock => initial.push(("zones", Value::from_iter(["local", "UTC"]))),
            Kind::System => {}
        }
        WidgetPlan {
            id: widget_id(kind).into(),
            kind,
            provider,
            keys,
            initial,
            // Through the gateway a widget names no credential: `[gateway]` does.
            credential: provider
                .and_then(|p| self.cred_for(p))
                .filter(|c| c.src != SrcKind::Gateway)
                .map(|c| c.name.clone()),
            base_url,
        }
    }

    pub fn plan(&self) -> Plan {
        let widgets: Vec<WidgetPlan> = KINDS
            .iter()
            .filter(|k| self.kind_picked(**k))
            .map(|k| self.widget_plan(*k))
            .collect();
        let mut credentials: Vec<CredPlan> = self
            .creds
            .iter()
            .filter(|c| !c.dropped && c.src != SrcKind::Gateway)
            .map(|c| CredPlan {
                name: c.name.clone(),
                provider: c.provider.name,
                source: c.source_plan(),
            })
            .collect();
        let through: Vec<&CredPage> = self
            .creds
            .iter()
            .filter(|c| !c.dropped && c.src == SrcKind::Gateway)
            .collect();
        let gateway = through.first().and_then(|c| c.via_gateway()).map(|g| {
            credentials.push(CredPlan {
                name: GATEWAY_CRED.to_string(),
                provider: homedash_widgets::gateway::PROVIDER.name,
                source: SourcePlan::Keyring,
            });
            plan::GatewayPlan {
                url: g.url,
                ca: g.ca,
                credential: GATEWAY_CRED.to_string(),
                providers: through.iter().map(|c| c.provider.name).collect(),
            }
        });
        let presets = self.presets();
        Plan {
            widgets,
            credentials,
            gateway,
            layout: presets.get(self.layout).copied().unwrap_or(Preset::Grid),
        }
    }

    /// The edited config and what it parses to: what the review shows, the
    /// layout step previews and the write writes.
    pub fn edit(&self) -> Result<(Edit, Config), EditError> {
        let mut e = Edit::from_text(&self.path, self.before.clone())?;
        plan::apply(&self.plan(), &mut e);
        let config = crate::config::parse(&self.path.display().to_string(), &e.text())?;
        Ok((e, config))
    }

    /// The layout step's preview: once per choice, not once per frame.
    fn preview_layout(&mut self) {
        self.preview = self.edit().ok().map(|(_, c)| c);
    }

    fn go(&mut self, step: Step) -> Flow {
        self.step = step;
        self.note = None;
        let mut flow = Flow::redraw();
        match step {
            Step::Credentials => {
                let names: Vec<String> = self
                    .creds
                    .iter()
                    .filter(|c| c.src == SrcKind::Keyring && c.state == KeyState::Unknown)
                    .map(|c| c.name.clone())
                    .collect();
                if !names.is_empty() {
                    for c in self.creds.iter_mut().filter(|c| names.contains(&c.name)) {
                        c.state = KeyState::Busy("looking in the keyring…".into());
                    }
                    flow.cmds.push(Cmd::Op(Op::Lookup { names }));
                }
            }
            Step::Layout => self.preview_layout(),
            Step::Review => {
                self.review_scroll = 0;
                self.review = Some(self.edit().map(|(e, _)| e.text()));
            }
            _ => {}
        }
        flow
    }

    pub(super) fn next(&mut self) -> Flow {
        if self.step == Step::Providers {
            self.sync_creds();
            self.cred_at = 0;
        }
        let steps = self.steps();
        match steps.iter().position(|s| *s == self.step) {
            Some(i) if i + 1 < steps.len() => self.go(steps[i + 1]),
            _ => Flow::none(),
        }
    }

    fn back(&mut self) -> Flow {
        if self.step == Step::Credentials && self.cred_at > 0 {
            self.cred_at -= 1;
            self.note = None;
            return Flow::redraw();
        }
        let steps = self.steps();
        match steps.iter().position(|s| *s == self.step) {
            Some(i) if i > 0 => {
                let prev = steps[i - 1];
                if prev == Step::Credentials {
                    self.cred_at = self.live_creds().saturating_sub(1);
                }
                self.go(prev)
            }
            _ => Flow::none(),
        }
    }

    pub fn update(&mut self, ev: &Event) -> Flow {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.key(*k),
            Event::Paste(text) => self.paste(text),
            Event::Resize(..) => Flow::redraw(),
            _ => Flow::none(),
        }
    }

    fn paste(&mut self, text: &str) -> Flow {
        if self.confirm_cancel || self.writing {
            return Flow::none();
        }
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        if self.step == Step::Credentials
            && let Some(p) = self.page_mut()
        {
            p.paste_refused = false;
        }
        match self.step {
            Step::Credentials => match self.page_mut() {
                Some(p) if p.on_endpoint => p.endpoint.push_str(clean.trim()),
                Some(p) if p.src == SrcKind::Keyring => p.token.push_str(text),
                Some(p) if p.src == SrcKind::Gateway => match p.gw_field {
                    0 => p.gw_url.push_str(clean.trim()),
                    1 => p.gw_ca.push_str(clean.trim()),
                    _ => p.token.push_str(text),
                },
                Some(p) if p.src == SrcKind::Env => p.env.push_str(clean.trim()),
                Some(p) if p.src == SrcKind::Systemd => return Flow::none(),
                Some(p) => p.command.push_str(&clean),
                None => return Flow::none(),
            },
            _ => match self.text_field() {
                Some(f) => f.push_str(&clean),
                None => return Flow::none(),
            },
        }
        Flow::redraw()
    }

    /// The plain text field in focus, if the step has one.
    pub(super) fn text_field(&mut self) -> Option<&mut String> {
        match self.step {
            Step::Location => Some(match self.location.field {
                LocField::Query => &mut self.location.query,
                LocField::Latitude => &mut self.location.latitude,
                LocField::Longitude => &mut self.location.longitude,
            }),
            Step::Symbols => Some(&mut self.symbols),
            Step::Metrics if self.metrics.on_query || self.provider(Kind::Metrics) != Some("prometheus") => {
                Some(&mut self.metrics.query)
            }
            Step::Metrics => Some(&mut self.metrics.url),
            Step::Credentials => match self.creds.get_mut(self.cred_at) {
                Some(p) if p.on_endpoint => Some(&mut p.endpoint),
                Some(p) if p.on_value && p.src == SrcKind::Env => Some(&mut p.env),
                Some(p) if p.on_value && p.src == SrcKind::Command => Some(&mut p.command),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the step in view types what is typed (a text field).
    fn typing(&self) -> bool {
        matches!(
            self.step,
            Step::Location | Step::Symbols | Step::Metrics | Step::Credentials
        )
    }

    fn key(&mut self, k: KeyEvent) -> Flow {
        let Some(key) = crate::ui::keys::key_of(&k) else {
            return Flow::none();
        };
        if self.confirm_cancel {
            return match self.keys.action(Scope::Confirm, key) {
                Some(Action::Yes) => Flow::exit(Exit::Cancelled),
                Some(Action::No) => {
                    self.confirm_cancel = false;
                    Flow::redraw()
                }
                _ => Flow::none(),
            };
        }
        let input = self.keys.read(Scope::Wizard, key, self.typing());
        if input == Input::Act(Action::Leave) {
            self.confirm_cancel = true;
            return Flow::redraw();
        }
        if self.writing {
            return Flow::none();
        }
        match input {
            // Ctrl-U clears the field, Ctrl-W its last word, as in a shell.
            Input::Act(a @ (Action::EraseField | Action::EraseWord)) => return self.erase(a == Action::EraseWord),
            Input::Act(Action::Back) => return self.back(),
            Input::Other => return Flow::none(),
            _ => {}
        }
        match self.step {
            Step::Welcome => match input {
                Input::Act(Action::Next) => self.next(),
                _ => Flow::none(),
            },
            Step::Widgets => self.widgets_key(input),
            Step::Providers => self.providers_key(input),
            Step::Credentials => self.creds_key(input),
            Step::Location => self.location_key(input),
            Step::Symbols => self.symbols_key(input),
            Step::Metrics => self.metrics_key(input),
            Step::Layout => match input {
                Input::Act(Action::Up) => {
                    self.layout = self.layout.saturating_sub(1);
                    self.preview_layout();
                    Flow::redraw()
                }
                Input::Act(Action::Down) => {
                    self.layout = (self.layout + 1).min(self.presets().len() - 1);
                    self.preview_layout();
                    Flow::redraw()
                }
                Input::Act(Action::Next) => self.next(),
                _ => Flow::none(),
            },
            Step::Review => self.review_key(input),
        }
    }

    /// Erase the focused field, or its last word.
    fn erase(&mut self, word: bool) -> Flow {
        if self.step == Step::Credentials
            && let Some(p) = self.creds.get_mut(self.cred_at)
            && p.on_value
            && p.src == SrcKind::Keyring
        {
            // A token has no words: both clear it.
            p.token = TokenInput::default();
            return Flow::redraw();
        }
        match self.text_field() {
            Some(f) => {
                crate::ui::edit::erase(f, word);
                Flow::redraw()
            }
            None => Flow::none(),
        }
    }

    fn review_key(&mut self, input: Input) -> Flow {
        match input {
            Input::Act(Action::Up) => {
                self.review_scroll = self.review_scroll.saturating_sub(1);
                Flow::redraw()
            }
            Input::Act(Action::Down) => {
                self.review_scroll = self.review_scroll.saturating_add(1);
                Flow::redraw()
            }
            Input::Act(Action::PageUp) => {
                self.review_scroll = self.review_scroll.saturating_sub(10);
                Flow::redraw()
            }
            Input::Act(Action::PageDown) => {
                self.review_scroll = self.review_scroll.saturating_add(10);
                Flow::redraw()
            }
            Input::Act(Action::Next) => match self.edit() {
                Ok((edit, _)) => {
                    self.writing = true;
                    self.note = Some((true, format!("writing {}…", self.path.display())));
                    let approve = self.origins_to_approve();
                    Flow::op(Op::Write {
                        edit: Box::new(edit),
                        approve,
                    })
                }
                Err(e) => {
                    self.review = Some(Err(e));
                    Flow::redraw()
                }
            },
            _ => Flow::none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::worker::{Reply, Stored, TryWhat};
    use crossterm::event::{KeyCode, KeyModifiers};
    use homedash_widgets::ErrorClass;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// At the key page, "tok" pasted, tested and stored as valid.
    fn store_tok(w: &mut Wizard) {
        w.update(&Event::Paste("tok".into()));
        w.update(&key(KeyCode::Enter));
        stored_valid(w);
    }

    /// The worker's answer: "finnhub" tested valid and stored.
    fn stored_valid(w: &mut Wizard) {
        w.on(Reply::Stored {
            name: "finnhub".into(),
            result: Ok(Stored {
                fingerprint: "…tok·0000".into(),
                ok: true,
                text: "valid".into(),
            }),
        });
    }

    /// `text` typed key by key.
    fn typed(w: &mut Wizard, text: &str) {
        for c in text.chars() {
            w.update(&key(KeyCode::Char(c)));
        }
    }

    /// The step before: its own key, not Shift-Tab (the previous field).
    fn back() -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL))
    }

    fn new() -> Wizard {
        Wizard::new(
            "/home/u/.config/homedash/config.toml".into(),
            None,
            Endpoints::default(),
        )
        .unwrap()
    }

    /// Welcome, widgets (default picks), providers with stocks on Finnhub.
    #[test]
    fn ctrl_u_and_ctrl_w_clear_text_fields() {
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        w.update(&Event::Paste("hd-canary-ctrl-u-000000".into()));
        w.update(&ctrl('u'));
        assert!(
            w.page().unwrap().token.is_empty(),
            "the pasted key is gone, no 'u' typed"
        );
        // The command source: a field with words.
        w.update(&key(KeyCode::Up));
        w.update(&key(KeyCode::Right));
        w.update(&key(KeyCode::Right));
        assert_eq!(w.page().unwrap().src, SrcKind::Command);
        w.update(&key(KeyCode::Down));
        w.update(&Event::Paste("pass show homedash/finnhub".into()));
        w.update(&ctrl('w'));
        assert_eq!(w.page().unwrap().command, "pass show ");
        w.update(&ctrl('u'));
        assert_eq!(w.page().unwrap().command, "");
    }

    fn to_credentials(w: &mut Wizard) -> Vec<Op> {
        w.update(&key(KeyCode::Enter));
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Providers);
        w.update(&key(KeyCode::Down));
        w.update(&key(KeyCode::Right));
        assert_eq!(w.provider(Kind::Stocks), Some("finnhub"));
        let flow = w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Credentials);
        flow.ops()
    }

    #[test]
    fn a_personal_station_needs_a_login_and_no_place() {
        let mut w = new();
        w.providers[0] = offered(Kind::Weather).iter().position(|p| *p == "netatmo").unwrap();
        let steps = w.steps();
        assert!(
            steps.contains(&Step::Credentials) && !steps.contains(&Step::Location),
            "{steps:?}"
        );
        let plan = w.plan();
        let weather = plan.widgets.iter().find(|p| p.kind == Kind::Weather).unwrap();
        assert!(weather.keys.is_empty(), "no latitude or longitude for a station");
    }

    #[test]
    fn steps_follow_the_choices() {
        let mut w = new();
        assert_eq!(
            w.steps(),
            [
                Step::Welcome,
                Step::Widgets,
                Step::Providers,
                Step::Location,
                Step::Symbols,
                Step::Layout,
                Step::Review
            ]
        );
        w.picked = [true, false, false, false, true];
        assert_eq!(w.steps(), [Step::Welcome, Step::Widgets, Step::Layout, Step::Review]);
    }

    #[test]
    fn a_keyed_provider_adds_a_key_page_that_looks_in_the_keyring() {
        let mut w = new();
        let ops = to_credentials(&mut w);
        assert!(
            matches!(&ops[..], [Op::Lookup { names }] if names == &["finnhub"]),
            "{ops:?}"
        );
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        assert_eq!(w.page().unwrap().state, KeyState::Absent);
        // Enter with nothing pasted asks for the key and stays.
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Credentials);
        assert!(w.note.as_ref().unwrap().1.contains("paste the key"));
        // Back from the first page is the providers step.
        w.update(&back());
        assert_eq!(w.step, Step::Providers);
    }

    /// The wizard's screen at 200x30, as text.
    fn screen(w: &Wizard) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 30)).unwrap();
        term.draw(|f| crate::setup::view::draw(w, f)).unwrap();
        let b = term.backend().buffer().clone();
        (0..b.area.height)
            .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A key pasted where one was stored before the run is not stored, and
    /// the page itself says so and how to replace it; at a changed
    /// endpoint the kept key is tested there, so no old result stays up.
    #[test]
    fn a_key_pasted_over_one_stored_before_is_refused_on_the_page_itself() {
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(Some("…old·1111".into())))]));
        w.on(Reply::Checked {
            name: "finnhub".into(),
            ok: true,
            text: "valid".into(),
        });
        w.update(&Event::Paste("hd-new-key-000000".into()));
        let ops = w.update(&key(KeyCode::Enter)).ops();
        assert!(ops.is_empty(), "nothing stored, nothing tested: {ops:?}");
        let text = screen(&w);
        assert!(
            text.contains("The key you pasted was not stored") && text.contains("(…old·1111), which is valid"),
            "{text}"
        );
        assert!(
            w.page().unwrap().token.is_empty(),
            "the pasted key is gone from the field"
        );
        assert_eq!(w.note, None, "the page says it, not only the footer");
        // The next key pressed on the page takes the message down.
        w.update(&key(KeyCode::Left));
        assert!(!screen(&w).contains("The key you pasted"));

        // At another endpoint: refused, and the kept key tested there.
        let p = w.page_mut().unwrap();
        p.endpoint = "http://127.0.0.1:9/".into();
        w.update(&Event::Paste("hd-new-key-000001".into()));
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [Op::Check { base, .. }] = &ops[..] else {
            panic!("the kept key is tested at the new endpoint: {ops:?}")
        };
        assert_eq!(base.as_str(), "http://127.0.0.1:9/");
        let text = screen(&w);
        assert!(
            text.contains("The key you pasted was not stored") && text.contains("testing it"),
            "{text}"
        );
        assert!(
            !text.contains("which is valid"),
            "no result from the old endpoint: {text}"
        );
    }

    /// What this run stored is what a later paste replaces, by its own
    /// name: a gateway token stored from this page never makes a paste
    /// on the keyring source delete the key from before the run, and a
    /// login again over one from before is not deleted by a cancel.
    #[test]
    fn only_what_the_run_stored_is_replaced_or_discarded() {
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(Some("…old·1111".into())))]));
        // Stored through the gateway from this page...
        let p = w.page_mut().unwrap();
        p.src = SrcKind::Gateway;
        p.state = KeyState::Busy("asking the gateway…".into());
        w.on(Reply::Stored {
            name: GATEWAY_CRED.into(),
            result: Ok(Stored {
                fingerprint: "…gw·2222".into(),
                ok: true,
                text: "valid".into(),
            }),
        });
        let p = w.page().unwrap();
        assert!(p.created && p.stored_as.as_deref() == Some(GATEWAY_CRED));
        // ...then back to the keyring, and a key pasted.
        w.page_mut().unwrap().src = SrcKind::Keyring;
        w.update(&Event::Paste("hd-new-key-000000".into()));
        let ops = w.update(&key(KeyCode::Enter)).ops();
        assert!(
            !ops.iter()
                .any(|o| matches!(o, Op::Discard { names } if names.iter().any(|n| n == "finnhub"))),
            "the key from before the run is never deleted: {ops:?}"
        );

        // A login again over one from before the run: kept on a cancel.
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(Some("…old·1111".into())))]));
        stored_valid(&mut w);
        assert!(!w.page().unwrap().created);
        assert!(w.to_discard(true).is_empty(), "{:?}", w.to_discard(true));
    }

    #[test]
    fn a_pasted_key_is_masked_tested_stored_and_discarded_on_cancel() {
        let canary = "hd-canary-wizard-0123456789";
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        w.update(&Event::Paste(format!("{canary}\n")));
        assert!(!format!("{w:?}").contains(canary), "Debug shows the token");
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [Op::Store { name, provider, .. }] = &ops[..] else {
            panic!("{ops:?}")
        };
        assert_eq!((name.as_str(), *provider), ("finnhub", "finnhub"));
        assert!(!format!("{ops:?}").contains(canary), "Debug of the op shows the token");
        assert!(w.busy_storing());
        w.on(Reply::Stored {
            name: "finnhub".into(),
            result: Ok(Stored {
                fingerprint: "6789".into(),
                ok: true,
                text: "valid".into(),
            }),
        });
        assert!(w.page().unwrap().ready());
        assert_eq!(w.to_discard(false), Vec::<String>::new(), "a finished setup keeps it");
        assert_eq!(w.to_discard(true), ["finnhub"], "a cancel deletes it");
        // Esc asks; n keeps going; y leaves.
        w.update(&key(KeyCode::Esc));
        assert!(w.confirm_cancel);
        assert!(w.update(&key(KeyCode::Char('n'))).exit_of().is_none());
        w.update(&key(KeyCode::Esc));
        assert_eq!(w.update(&key(KeyCode::Char('y'))).exit_of(), Some(&Exit::Cancelled));
    }

    /// A key page set to "through a team gateway": URL, no CA, the client
    /// token; stored as the gateway's credential, written as `[gateway]`.
    #[test]
    fn a_provider_through_a_gateway_stores_the_client_token_and_writes_the_gateway() {
        let canary = "hdgw_canary_wizard_0123456789";
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        // The source row (the field before the key), then ← to the last
        // source: the gateway.
        w.update(&key(KeyCode::BackTab));
        w.update(&key(KeyCode::Left));
        assert_eq!(w.page().unwrap().src, SrcKind::Gateway);
        w.update(&key(KeyCode::Tab));
        for c in "https://gw.home.arpa:8443".chars() {
            w.update(&key(KeyCode::Char(c)));
        }
        // Enter without a token asks for it and moves there.
        w.update(&key(KeyCode::Enter));
        assert!(w.note.as_ref().unwrap().1.contains("client token"), "{:?}", w.note);
        assert_eq!(w.page().unwrap().gw_field, 2);
        w.update(&Event::Paste(canary.into()));
        assert!(!format!("{w:?}").contains(canary), "Debug shows the token");
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [
            Op::Store {
                name,
                provider,
                base,
                ca,
                ..
            },
        ] = &ops[..]
        else {
            panic!("{ops:?}")
        };
        assert_eq!((name.as_str(), *provider), (GATEWAY_CRED, "gateway"));
        assert_eq!((base.as_str(), ca), ("https://gw.home.arpa:8443/", &None));
        w.on(Reply::Stored {
            name: GATEWAY_CRED.into(),
            result: Ok(Stored {
                fingerprint: "6789".into(),
                ok: true,
                text: "valid".into(),
            }),
        });
        assert!(w.page().unwrap().ready());
        assert_eq!(
            w.to_discard(true),
            [GATEWAY_CRED],
            "a cancel deletes the gateway's token"
        );
        assert_eq!(w.to_discard(false), Vec::<String>::new());
        let plan = w.plan();
        let g = plan.gateway.as_ref().unwrap();
        assert_eq!(
            (g.url.as_str(), g.providers.as_slice()),
            ("https://gw.home.arpa:8443/", &["finnhub"][..])
        );
        assert!(plan.credentials.iter().all(|c| c.name != "finnhub"));
        assert!(
            plan.credentials
                .iter()
                .any(|c| c.name == GATEWAY_CRED && c.provider == "gateway")
        );
        // What the review shows and the write writes: the stocks widget
        // goes through the gateway, with no key of Finnhub's here.
        w.location.chosen = Some(Chosen {
            name: "Berlin".into(),
            latitude: 52.52,
            longitude: 13.41,
        });
        let (edit, config) = w.edit().unwrap();
        let stocks = config
            .widgets
            .iter()
            .find(|x| x.source.provider() == "finnhub")
            .unwrap();
        assert!(stocks.via_gateway, "{}", edit.text());
        assert_eq!(stocks.credential.as_deref(), Some(GATEWAY_CRED));
        assert!(edit.text().contains("[gateway]") && !edit.text().contains(canary));
        assert_eq!(
            w.origins_to_approve(),
            [(GATEWAY_CRED.to_string(), "https://gw.home.arpa:8443".to_string())]
        );
    }

    #[test]
    fn a_rejected_key_is_not_stored_and_blocks_the_step() {
        let mut w = new();
        to_credentials(&mut w);
        w.update(&Event::Paste("wrong".into()));
        w.update(&key(KeyCode::Enter));
        w.on(Reply::Stored {
            name: "finnhub".into(),
            result: Err(crate::setup::error::SetupError::Refused(
                "credential rejected: Invalid API key; nothing was stored".into(),
            )),
        });
        assert!(!w.page().unwrap().ready());
        assert!(w.to_discard(true).is_empty());
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Credentials);
    }

    #[test]
    fn a_key_stored_for_a_provider_then_dropped_is_deleted_even_on_success() {
        let mut w = new();
        to_credentials(&mut w);
        store_tok(&mut w);
        w.update(&back());
        w.update(&key(KeyCode::Left)); // back to Yahoo: keyless
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Location, "no key page for keyless providers");
        assert_eq!(w.to_discard(false), ["finnhub"]);
        assert!(w.plan().credentials.is_empty());
    }

    #[test]
    fn an_offline_place_search_falls_back_to_coordinates() {
        let mut w = new();
        w.step = Step::Location;
        typed(&mut w, "Berlin");
        let ops = w.update(&key(KeyCode::Enter)).ops();
        assert!(matches!(&ops[..], [Op::Search { query, .. }] if query == "Berlin"));
        w.on(Reply::Places {
            query: "Berlin".into(),
            result: Err(homedash_widgets::FetchError::new(ErrorClass::Offline, "no route")),
        });
        assert_eq!(w.location.field, LocField::Latitude);
        assert!(w.note.as_ref().unwrap().1.contains("latitude and longitude"));
        typed(&mut w, "52.52");
        w.update(&key(KeyCode::Tab));
        typed(&mut w, "200");
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Location, "longitude 200 is refused");
        for _ in 0..3 {
            w.update(&key(KeyCode::Backspace));
        }
        typed(&mut w, "13.41");
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Symbols);
        assert_eq!(
            w.location.chosen,
            Some(Chosen {
                name: "Berlin".into(),
                latitude: 52.52,
                longitude: 13.41
            })
        );
    }

    /// A key stored, then the page switched to the team gateway before a
    /// cancel: the key stored goes, and the gateway's token (which this run
    /// never stored, and may be someone's) stays.
    #[test]
    fn a_cancel_deletes_what_was_stored_whatever_source_the_page_shows_now() {
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        store_tok(&mut w);
        w.update(&key(KeyCode::BackTab));
        w.update(&key(KeyCode::Left));
        assert_eq!(w.page().unwrap().src, SrcKind::Gateway);
        assert_eq!(w.to_discard(true), ["finnhub"]);
    }

    /// "38,72" as a person in Lisbon types it; the place typed names the
    /// card even after a search that found other places.
    #[test]
    fn a_decimal_comma_is_taken_and_the_place_typed_names_the_card() {
        let mut w = new();
        w.step = Step::Location;
        typed(&mut w, "Lisbon");
        w.update(&key(KeyCode::Tab));
        typed(&mut w, "38,72");
        w.update(&key(KeyCode::Tab));
        typed(&mut w, "-9,14");
        // Shift-Tab is the field before, not the step before.
        w.update(&key(KeyCode::BackTab));
        assert_eq!((w.step, w.location.field), (Step::Location, LocField::Latitude));
        w.update(&key(KeyCode::Enter));
        assert_eq!(
            w.location.chosen,
            Some(Chosen {
                name: "Lisbon".into(),
                latitude: 38.72,
                longitude: -9.14
            })
        );
        let weather = w.plan().widgets.into_iter().find(|p| p.kind == Kind::Weather).unwrap();
        assert!(
            weather
                .keys
                .iter()
                .any(|(k, v)| *k == "location" && v.as_str() == Some("Lisbon"))
        );
        // The step count is the whole wizard's, whatever is picked.
        assert_eq!(Step::ALL.len(), 9);
        assert!(w.steps().iter().all(|s| Step::ALL.contains(s)));
    }

    /// The key page's endpoint: the key is tested there, the widget gets
    /// it as `base_url`, and a key tested elsewhere is tested again.
    #[test]
    fn the_key_goes_to_the_endpoint_typed_and_is_tested_again_where_it_moves() {
        let mut w = new();
        to_credentials(&mut w);
        w.on(Reply::Found(vec![("finnhub".into(), Ok(None))]));
        assert_eq!(w.page().unwrap().endpoint, "https://finnhub.io/");
        w.update(&Event::Paste("tok".into()));
        // Tab from the key is the endpoint; a plain http one elsewhere is refused.
        w.update(&key(KeyCode::Tab));
        assert!(w.page().unwrap().on_endpoint);
        w.update(&Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        w.update(&Event::Paste("http://proxy.example/finnhub/".into()));
        assert!(w.update(&key(KeyCode::Enter)).ops().is_empty());
        assert!(w.note.as_ref().unwrap().1.contains("https://"), "{:?}", w.note);
        w.update(&Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        w.update(&Event::Paste("https://proxy.example/finnhub/".into()));
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [Op::Store { base, .. }] = &ops[..] else {
            panic!("{ops:?}")
        };
        assert_eq!(base.as_str(), "https://proxy.example/finnhub/");
        stored_valid(&mut w);
        assert!(w.page().unwrap().ready());
        assert_eq!(w.destination(w.page().unwrap().provider), "https://proxy.example");
        let stocks = w.plan().widgets.into_iter().find(|p| p.kind == Kind::Stocks).unwrap();
        assert_eq!(
            stocks.base_url.map(String::from).as_deref(),
            Some("https://proxy.example/finnhub/")
        );
        assert_eq!(
            w.origins_to_approve(),
            [("finnhub".to_string(), "https://proxy.example".to_string())]
        );
        // Moved after the test: not done until tested at the new place.
        w.update(&key(KeyCode::Backspace));
        assert!(!w.page().unwrap().ready());
        let ops = w.update(&key(KeyCode::Enter)).ops();
        assert!(
            matches!(&ops[..], [Op::Check { base, source: SecretSource::Keyring, .. }] if base.as_str() == "https://proxy.example/finnhub"),
            "{ops:?}"
        );
        // Refused there: the key this run stored is not kept as it is.
        w.on(Reply::Checked {
            name: "finnhub".into(),
            ok: false,
            text: "rejected: Invalid API key.".into(),
        });
        assert!(matches!(&w.page().unwrap().state, KeyState::Failed(t) if t.contains("rejected")));
        assert!(!w.page().unwrap().ready());
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Credentials, "a refused key does not let the step end");
        // Moved back: tested again.
        w.update(&Event::Paste("/".into()));
        let ops = w.update(&key(KeyCode::Enter)).ops();
        assert!(matches!(&ops[..], [Op::Check { .. }]), "{ops:?}");
    }

    #[test]
    fn symbols_the_provider_does_not_know_must_be_fixed() {
        let mut w = new();
        w.step = Step::Symbols;
        w.symbols = "aapl, zzzz".into();
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [Op::Try { items, key: k, .. }] = &ops[..] else {
            panic!("{ops:?}")
        };
        assert_eq!(
            items.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            ["AAPL", "ZZZZ"]
        );
        w.on(Reply::Tried {
            what: TryWhat::Symbols,
            key: k.clone(),
            lines: vec![
                (Verdict::Good, "AAPL: 261.05 USD".into()),
                (Verdict::Wrong, "ZZZZ: not found".into()),
            ],
        });
        assert!(!w.update(&key(KeyCode::Enter)).ops().is_empty(), "Enter tries again");
        assert_eq!(w.step, Step::Symbols);
        w.on(Reply::Tried {
            what: TryWhat::Symbols,
            key: k.clone(),
            lines: vec![(Verdict::Wrong, "ZZZZ: not found".into())],
        });
        w.symbols = "AAPL".into();
        let ops = w.update(&key(KeyCode::Enter)).ops();
        let [Op::Try { key: k, .. }] = &ops[..] else {
            panic!("{ops:?}")
        };
        w.on(Reply::Tried {
            what: TryWhat::Symbols,
            key: k.clone(),
            lines: vec![(Verdict::Unchecked, "AAPL: offline".into())],
        });
        w.update(&key(KeyCode::Enter));
        assert_eq!(w.step, Step::Layout, "could not check is not wrong");
    }

    #[test]
    fn a_rerun_starts_from_the_file() {
        let before = "[widget.weather]\nkind = \"weather\"\nlocation = \"Oslo\"\nlatitude = 59.91\nlongitude = 10.75\n\n[widget.stocks]\nkind = \"stocks\"\nsymbols = [\"EQNR.OL\"]\n\n[widget.box]\nkind = \"system\"\n";
        let w = Wizard::new("/x/config.toml".into(), Some(before.into()), Endpoints::default()).unwrap();
        assert_eq!(w.picked, [false, true, true, false, false]);
        assert_eq!(w.location.chosen.as_ref().map(|c| c.name.as_str()), Some("Oslo"));
        assert_eq!(w.symbols, "EQNR.OL");
        let err = Wizard::new(
            "/x/config.toml".into(),
            Some("[widget.a]\nkind = 1\n".into()),
            Endpoints::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("must be valid first"), "{err}");
    }
}
