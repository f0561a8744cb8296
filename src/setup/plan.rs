//! What the wizard will write, as data, and writing it into a config
//! through `config::write::Edit`: widget and credential tables are set key
//! by key and everything else in the file stays as it was.

use homedash_widgets::Source;
use homedash_widgets::source::Kind;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};
use url::Url;

use super::error::PlanError;
use crate::config::write::Edit;

/// At the top of a file the wizard creates: where to go from here.
const NEW_FILE_HEADER: &str = "# homedash config, written by `homedash setup`. Edit it freely: running setup
# again changes only what you change there and keeps your comments.
# Every key is described in config.example.toml, and in homedash.schema.json
# beside this file, which editors (Even Better TOML) read from the first line
# to complete and check keys. `homedash check` validates.
# API keys are not in this file: they live in the OS keyring (`homedash creds list`).

";

/// The keys that survive a change of provider: they mean the same to all.
const KEPT_ON_PROVIDER_CHANGE: &[&str] = &["kind", "title", "refresh", "timeout"];

#[derive(Clone, Debug)]
pub struct WidgetPlan {
    pub id: String,
    pub kind: Kind,
    /// `None` for local widgets (clock, system).
    pub provider: Option<&'static str>,
    /// Kind-specific keys: location, symbols, query...
    pub keys: Vec<(&'static str, Value)>,
    /// Keys set only where the table has none yet (a re-run keeps the user's).
    pub initial: Vec<(&'static str, Value)>,
    pub credential: Option<String>,
    /// Set where the endpoint is not the provider's public one.
    pub base_url: Option<Url>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourcePlan {
    Keyring,
    Env(String),
    Command(Vec<String>),
    /// A systemd credential the config named already.
    Systemd(String),
    /// An OAuth login: the refresh token and the client secret in the
    /// keyring, the rest in the table.
    OAuth(OAuthPlan),
}

/// An OAuth credential as setup writes it: the provider's own login, or
/// (in tests) a server found by discovery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthPlan {
    pub issuer: Option<Url>,
    pub authorization_endpoint: &'static str,
    pub token_endpoint: &'static str,
    pub client_id: String,
    pub client_in_body: bool,
    pub scopes: Vec<String>,
}

impl OAuthPlan {
    pub fn of(hints: &homedash_widgets::provider::OAuthHints, client_id: &str, issuer: Option<Url>) -> Self {
        OAuthPlan {
            issuer,
            authorization_endpoint: hints.authorization_endpoint,
            token_endpoint: hints.token_endpoint,
            client_id: client_id.to_string(),
            client_in_body: hints.client_in_body,
            scopes: hints.scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The credential's OAuth settings, for the login setup runs.
    pub fn config(&self) -> Option<crate::config::OAuthConfig> {
        use crate::config::{AuthServer, ClientAuth, Endpoints, OAuthConfig, OAuthGrant};
        let server = match &self.issuer {
            Some(i) => AuthServer::Issuer(i.clone()),
            None => AuthServer::Endpoints(Box::new(Endpoints {
                token: Url::parse(self.token_endpoint).ok()?,
                authorization: Url::parse(self.authorization_endpoint).ok(),
                device_authorization: None,
                revocation: None,
            })),
        };
        Some(OAuthConfig {
            grant: OAuthGrant::AuthorizationCode,
            server,
            client_id: self.client_id.clone(),
            client_secret: Some(crate::credentials::SecretSource::Keyring),
            client_auth: if self.client_in_body {
                ClientAuth::Body
            } else {
                ClientAuth::Basic
            },
            scopes: self.scopes.clone(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredPlan {
    pub name: String,
    pub provider: &'static str,
    pub source: SourcePlan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The file's own `[layout]`, with new widgets in a row at the bottom.
    Keep,
    /// The file's own `[[page]]`s, with new widgets on page `n` (from 0).
    Page(usize),
    /// Clock and weather on a short top row, quotes and metrics below,
    /// the system card at the bottom.
    Homepage,
    /// Rows of up to three, in file order (no `[layout]` table).
    Grid,
    /// One widget per row.
    Stacked,
    /// All widgets side by side.
    Columns,
}

impl Preset {
    /// `pages`: the names of the file's `[[page]]`s.
    pub fn label(self, pages: &[String]) -> String {
        match self {
            Preset::Page(n) => {
                let name = pages.get(n).map(String::as_str).unwrap_or("");
                format!("Keep my pages, new widgets on page {} \"{name}\"", n + 1)
            }
            other => other.name().to_string(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Preset::Keep => "Keep my layout",
            Preset::Page(_) => "Keep my pages",
            Preset::Homepage => "Homepage",
            Preset::Grid => "Grid",
            Preset::Stacked => "Stacked",
            Preset::Columns => "Columns",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Preset::Keep => "your [layout] stays as it is; widgets it does not place yet go in a new row at the bottom",
            Preset::Page(_) => "your [[page]] tables stay as they are; widgets they do not place yet go on this page",
            Preset::Homepage => {
                "clock and weather on a short top row, quotes and metrics in the middle, system at the bottom"
            }
            Preset::Grid => "every widget in file order, as many as fit the terminal on each page; no [layout] table",
            Preset::Stacked => "one widget per row, full width: good for a tall, narrow terminal",
            Preset::Columns => "every widget side by side: good for a wide, short terminal",
        }
    }

    /// The presets that make sense for a file that has (or has not) a
    /// layout. A file with pages keeps them: the choice is which page the
    /// new widgets join.
    pub fn offered(has_layout: bool, pages: usize) -> Vec<Preset> {
        if pages > 0 {
            return (0..pages).map(Preset::Page).collect();
        }
        let mut v = vec![Preset::Homepage, Preset::Grid, Preset::Stacked, Preset::Columns];
        if has_layout {
            v.insert(0, Preset::Keep);
        }
        v
    }
}

/// Where a provider goes through a gateway: its URL and private CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViaGateway {
    pub url: Url,
    pub ca: Option<std::path::PathBuf>,
}

/// Team mode: `[gateway]`, for the providers whose key page chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayPlan {
    pub url: Url,
    pub ca: Option<std::path::PathBuf>,
    pub credential: String,
    pub providers: Vec<&'static str>,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub widgets: Vec<WidgetPlan>,
    pub credentials: Vec<CredPlan>,
    pub gateway: Option<GatewayPlan>,
    pub layout: Preset,
}

/// A widget source from kind-specific keys, the way the config parser
/// builds one: what the wizard tries live is what it will write.
pub fn source(kind: Kind, provider: &str, keys: &[(&'static str, Value)]) -> Result<Source, PlanError> {
    let mut doc = DocumentMut::new();
    for (k, v) in keys {
        doc[*k] = toml_edit::value(v.clone());
    }
    let table: toml::Table = doc.to_string().parse()?;
    Ok(
        Source::deserialize_for(kind, provider, toml::Value::Table(table)).ok_or_else(|| PlanError::NoProvider {
            provider: provider.to_string(),
            kind: kind.name(),
        })??,
    )
}

pub fn apply(plan: &Plan, edit: &mut Edit) {
    if edit.before().is_none() {
        edit.doc.decor_mut().set_prefix(NEW_FILE_HEADER);
    }
    for w in &plan.widgets {
        apply_widget(w, edit);
    }
    for c in &plan.credentials {
        apply_credential(c, edit);
    }
    if let Some(g) = &plan.gateway {
        apply_gateway(g, &mut edit.doc);
    }
    let ids = widget_ids(&edit.doc);
    apply_layout(plan, &ids, &mut edit.doc);
}

fn apply_widget(w: &WidgetPlan, edit: &mut Edit) {
    let t = edit.table("widget", &w.id);
    let old_kind = t.get("kind").and_then(|p| p.as_str()).map(str::to_string);
    let named = t.get("provider").and_then(|p| p.as_str()).map(str::to_string);
    // No `provider` key means the kind's default provider.
    let default = w.kind.providers().first().copied();
    let old_provider = named.clone().or_else(|| default.map(str::to_string));
    let changed =
        old_kind.as_deref() != Some(w.kind.name()) || (w.provider.is_some() && old_provider.as_deref() != w.provider);
    if changed {
        let stale: Vec<String> = t
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !KEPT_ON_PROVIDER_CHANGE.contains(&k.as_str()))
            .collect();
        for k in stale {
            t.remove(&k);
        }
    }
    set(t, "kind", w.kind.name().into());
    if let Some(p) = w.provider
        && (named.is_some() || changed || Some(p) != default)
    {
        set(t, "provider", p.into());
    }
    for (k, v) in &w.keys {
        set(t, k, v.clone());
    }
    for (k, v) in &w.initial {
        if !t.contains_key(k) {
            t[*k] = toml_edit::value(v.clone());
        }
    }
    match &w.credential {
        Some(c) => set(t, "credential", c.as_str().into()),
        None => {
            t.remove("credential");
        }
    }
    if let Some(u) = &w.base_url {
        set(t, "base_url", u.as_str().into());
    }
}

/// Set `key`, keeping the comment and spacing around a value it replaces.
fn set(t: &mut Table, key: &str, mut v: Value) {
    if let Some(old) = t.get(key).and_then(Item::as_value) {
        *v.decor_mut() = old.decor().clone();
    }
    t[key] = toml_edit::value(v);
}

fn apply_credential(c: &CredPlan, edit: &mut Edit) {
    let t = edit.table("credential", &c.name);
    set(t, "provider", c.provider.into());
    match &c.source {
        SourcePlan::Keyring => {
            // Keyring is the default: say nothing, as `creds add` users write it.
            for k in ["source", "env", "command", "systemd"] {
                t.remove(k);
            }
        }
        SourcePlan::Env(var) => {
            t.remove("command");
            t.remove("systemd");
            set(t, "source", "env".into());
            set(t, "env", var.as_str().into());
        }
        SourcePlan::Command(argv) => {
            t.remove("env");
            t.remove("systemd");
            set(t, "source", "command".into());
            set(t, "command", Value::from_iter(argv.iter().map(String::as_str)));
        }
        SourcePlan::Systemd(name) => {
            t.remove("env");
            t.remove("command");
            set(t, "source", "systemd".into());
            set(t, "systemd", name.as_str().into());
        }
        SourcePlan::OAuth(o) => {
            for k in ["source", "env", "command", "systemd"] {
                t.remove(k);
            }
            set(t, "type", "oauth2".into());
            set(t, "grant", "authorization_code".into());
            match &o.issuer {
                Some(i) => {
                    t.remove("authorization_endpoint");
                    t.remove("token_endpoint");
                    set(t, "issuer", i.as_str().into());
                }
                None => {
                    t.remove("issuer");
                    set(t, "authorization_endpoint", o.authorization_endpoint.into());
                    set(t, "token_endpoint", o.token_endpoint.into());
                }
            }
            set(t, "client_id", o.client_id.as_str().into());
            let mut secret = toml_edit::InlineTable::new();
            secret.insert("source", "keyring".into());
            set(t, "client_secret", Value::InlineTable(secret));
            if o.client_in_body {
                set(t, "client_auth", "body".into());
            }
            set(t, "scopes", Value::from_iter(o.scopes.iter().map(String::as_str)));
        }
    }
}

fn apply_gateway(g: &GatewayPlan, doc: &mut DocumentMut) {
    if !doc.contains_key("gateway") {
        doc["gateway"] = Item::Table(Table::new());
    }
    let Some(t) = doc.get_mut("gateway").and_then(Item::as_table_mut) else {
        return;
    };
    set(t, "url", g.url.as_str().trim_end_matches('/').into());
    set(t, "credential", g.credential.as_str().into());
    match &g.ca {
        Some(ca) => set(t, "ca_file", ca.display().to_string().into()),
        None => {
            t.remove("ca_file");
        }
    }
    set(t, "providers", Value::from_iter(g.providers.iter().copied()));
}

/// Widget ids in file order.
pub fn widget_ids(doc: &DocumentMut) -> Vec<String> {
    doc.get("widget")
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default()
}

/// Every `widget = "ID"` a layout item places, at any depth.
fn placed(item: &Item, out: &mut Vec<String>) {
    match item {
        Item::Table(t) => {
            for (k, v) in t.iter() {
                if k == "widget" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    placed(v, out);
                }
            }
        }
        Item::ArrayOfTables(a) => {
            for t in a.iter() {
                placed(&Item::Table(t.clone()), out);
            }
        }
        _ => {}
    }
}

fn cell(id: &str) -> Table {
    let mut t = Table::new();
    t["widget"] = toml_edit::value(id);
    t
}

/// A row (or column) of cells: one widget alone, several as children.
fn group(ids: &[&str], children: &str) -> Table {
    match ids {
        [one] => cell(one),
        _ => {
            let mut t = Table::new();
            let mut a = ArrayOfTables::new();
            for id in ids {
                a.push(cell(id));
            }
            t[children] = Item::ArrayOfTables(a);
            t
        }
    }
}

fn apply_layout(plan: &Plan, ids: &[String], doc: &mut DocumentMut) {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let kind_of = |id: &str| plan.widgets.iter().find(|w| w.id == id).map(|w| w.kind);
    let layout = match plan.layout {
        Preset::Page(n) => {
            let Some(pages) = doc.get_mut("page").and_then(Item::as_array_of_tables_mut) else {
                return;
            };
            let mut already = Vec::new();
            for t in pages.iter() {
                placed(&Item::Table(t.clone()), &mut already);
                if let Some(list) = t.get("widgets").and_then(Item::as_array) {
                    already.extend(list.iter().filter_map(|v| v.as_str().map(str::to_string)));
                }
            }
            let new: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|id| !already.iter().any(|a| a == id))
                .collect();
            let Some(page) = pages.get_mut(n) else { return };
            if new.is_empty() {
                return;
            }
            if let Some(list) = page.get_mut("widgets").and_then(Item::as_array_mut) {
                list.extend(new);
            } else {
                let (outer, inner) = if page.contains_key("col") {
                    ("col", "row")
                } else {
                    ("row", "col")
                };
                if let Some(a) = page.get_mut(outer).and_then(Item::as_array_of_tables_mut) {
                    a.push(group(&new, inner));
                }
            }
            return;
        }
        Preset::Grid => {
            doc.remove("layout");
            return;
        }
        Preset::Keep => {
            let Some(item) = doc.get_mut("layout") else {
                return;
            };
            let mut already = Vec::new();
            placed(item, &mut already);
            let new: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|id| !already.iter().any(|a| a == id))
                .collect();
            if new.is_empty() {
                return;
            }
            let Some(t) = item.as_table_mut() else { return };
            let (outer, inner) = if t.contains_key("col") {
                ("col", "row")
            } else {
                ("row", "col")
            };
            if let Some(a) = t.get_mut(outer).and_then(Item::as_array_of_tables_mut) {
                a.push(group(&new, inner));
            }
            return;
        }
        Preset::Stacked => {
            let mut rows = ArrayOfTables::new();
            for id in &ids {
                rows.push(cell(id));
            }
            ("row", rows)
        }
        Preset::Columns => {
            let mut cols = ArrayOfTables::new();
            for id in &ids {
                cols.push(cell(id));
            }
            ("col", cols)
        }
        Preset::Homepage => {
            let pick = |kinds: &[Kind]| -> Vec<&str> {
                ids.iter()
                    .copied()
                    .filter(|id| kind_of(id).is_some_and(|k| kinds.contains(&k)))
                    .collect()
            };
            let top = pick(&[Kind::Clock, Kind::Weather]);
            let middle = pick(&[Kind::Stocks, Kind::Metrics]);
            let mut bottom = pick(&[Kind::System]);
            // Widgets the wizard did not make keep a place too.
            bottom.extend(ids.iter().copied().filter(|id| kind_of(id).is_none()));
            let mut rows = ArrayOfTables::new();
            if !top.is_empty() {
                let mut row = group(&top, "col");
                if ids.len() > top.len() {
                    row["length"] = toml_edit::value(11);
                }
                rows.push(row);
            }
            for g in [middle, bottom] {
                if !g.is_empty() {
                    rows.push(group(&g, "col"));
                }
            }
            ("row", rows)
        }
    };
    let mut t = Table::new();
    t.set_implicit(true);
    t[layout.0] = Item::ArrayOfTables(layout.1);
    doc["layout"] = Item::Table(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oauth_login_is_written_as_references_only() {
        let hints = homedash_widgets::weather::netatmo::OAUTH;
        let plan = Plan {
            gateway: None,
            widgets: vec![WidgetPlan {
                id: "weather".into(),
                kind: Kind::Weather,
                provider: Some("netatmo"),
                keys: vec![],
                initial: vec![],
                credential: Some("netatmo".into()),
                base_url: None,
            }],
            credentials: vec![CredPlan {
                name: "netatmo".into(),
                provider: "netatmo",
                source: SourcePlan::OAuth(OAuthPlan::of(&hints, "5f0c2b7e9a1d4c3b8e6f0a2d", None)),
            }],
            layout: Preset::Grid,
        };
        let mut e = edit(None);
        apply(&plan, &mut e);
        let text = e.text();
        let c = crate::config::parse("new", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));
        let o = c.credentials[0].oauth.as_deref().unwrap();
        assert_eq!(
            Some(o),
            OAuthPlan::of(&hints, "5f0c2b7e9a1d4c3b8e6f0a2d", None)
                .config()
                .as_ref()
        );
        assert!(text.contains("client_secret = { source = \"keyring\" }"), "{text}");
    }

    fn stocks(provider: &'static str, credential: Option<&str>) -> WidgetPlan {
        WidgetPlan {
            id: "stocks".into(),
            kind: Kind::Stocks,
            provider: Some(provider),
            keys: vec![("symbols", Value::from_iter(["AAPL", "MSFT"]))],
            initial: vec![],
            credential: credential.map(Into::into),
            base_url: None,
        }
    }

    fn clock() -> WidgetPlan {
        WidgetPlan {
            id: "clock".into(),
            kind: Kind::Clock,
            provider: None,
            keys: vec![],
            initial: vec![("zones", Value::from_iter(["local", "UTC"]))],
            credential: None,
            base_url: None,
        }
    }

    fn edit(text: Option<&str>) -> Edit {
        Edit::from_text("/nonexistent/config.toml".as_ref(), text.map(Into::into)).unwrap()
    }

    #[test]
    fn a_fresh_plan_is_a_valid_config_without_a_secret() {
        let plan = Plan {
            gateway: None,
            widgets: vec![clock(), stocks("finnhub", Some("finnhub"))],
            credentials: vec![CredPlan {
                name: "finnhub".into(),
                provider: "finnhub",
                source: SourcePlan::Keyring,
            }],
            layout: Preset::Homepage,
        };
        let mut e = edit(None);
        apply(&plan, &mut e);
        let text = e.text();
        let c = crate::config::parse("new", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));
        assert_eq!(c.widgets.len(), 2);
        assert_eq!(c.credentials[0].name, "finnhub");
        assert!(text.contains("[[layout.row]]"), "{text}");
        assert!(
            text.starts_with("#:schema ./homedash.schema.json\n# homedash config, written by `homedash setup`"),
            "{text}"
        );
    }

    #[test]
    fn a_provider_change_drops_keys_of_the_old_provider_only() {
        let before = "[widget.stocks]\nkind = \"stocks\"\nprovider = \"finnhub\"\ncredential = \"finnhub\"\ntitle = \"Mine\"\nsymbols = [\"X\"]\n\n[credential.finnhub]\nprovider = \"finnhub\"\n";
        let mut e = edit(Some(before));
        let plan = Plan {
            gateway: None,
            widgets: vec![stocks("yahoo", None)],
            credentials: vec![],
            layout: Preset::Grid,
        };
        apply(&plan, &mut e);
        let text = e.text();
        assert!(text.contains("title = \"Mine\""), "{text}");
        assert!(!text.contains("credential = "), "{text}");
        assert!(text.contains("provider = \"yahoo\""), "{text}");
        assert!(text.contains("[credential.finnhub]"), "unused credentials stay: {text}");
    }

    #[test]
    fn keep_appends_unplaced_widgets_as_a_new_row() {
        let before = "# mine\n[widget.clock]\nkind = \"clock\"\n\n[[layout.row]]\nwidget = \"clock\" # top\n";
        let mut e = edit(Some(before));
        let plan = Plan {
            gateway: None,
            widgets: vec![clock(), stocks("yahoo", None)],
            credentials: vec![],
            layout: Preset::Keep,
        };
        apply(&plan, &mut e);
        let text = e.text();
        assert!(text.contains("widget = \"clock\" # top"), "{text}");
        let c = crate::config::parse("kept", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));
        assert_eq!(c.widgets.len(), 2);
    }

    #[test]
    fn a_rerun_adds_new_widgets_to_the_page_picked() {
        let before = "[widget.clock]\nkind = \"clock\"\n\n[widget.other]\nkind = \"system\"\n\n\
                      [[page]]\nname = \"Home\"\nwidgets = [\"clock\"] # mine\n\n\
                      [[page]]\nname = \"More\"\n[[page.row]]\nwidget = \"other\"\n";
        for (n, page) in [(0, "Home"), (1, "More")] {
            let mut e = edit(Some(before));
            let plan = Plan {
                gateway: None,
                widgets: vec![clock(), stocks("yahoo", None)],
                credentials: vec![],
                layout: Preset::Page(n),
            };
            apply(&plan, &mut e);
            let text = e.text();
            assert!(text.contains("# mine"), "{text}");
            let c = crate::config::parse("p", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));
            let crate::config::Layout::Pages(pages) = &c.layout else {
                panic!("{text}")
            };
            let stocks = c.widgets.iter().position(|w| w.id == "stocks").unwrap();
            let on = pages.iter().find(|p| p.content.widgets().contains(&stocks)).unwrap();
            assert_eq!(on.name, page, "{text}");
        }
    }

    #[test]
    fn every_preset_places_every_widget() {
        for preset in Preset::offered(false, 0) {
            let mut e = edit(Some("[widget.other]\nkind = \"system\"\n"));
            let plan = Plan {
                gateway: None,
                widgets: vec![clock(), stocks("yahoo", None)],
                credentials: vec![],
                layout: preset,
            };
            apply(&plan, &mut e);
            let text = e.text();
            crate::config::parse("p", &text).unwrap_or_else(|err| panic!("{preset:?}: {err}\n{text}"));
        }
    }

    #[test]
    fn env_and_command_sources_are_references() {
        let mut e = edit(None);
        let plan = Plan {
            gateway: None,
            widgets: vec![stocks("finnhub", Some("fh"))],
            credentials: vec![CredPlan {
                name: "fh".into(),
                provider: "finnhub",
                source: SourcePlan::Command(vec!["pass".into(), "show".into(), "fh".into()]),
            }],
            layout: Preset::Grid,
        };
        apply(&plan, &mut e);
        let text = e.text();
        assert!(text.contains("command = [\"pass\", \"show\", \"fh\"]"), "{text}");
        crate::config::parse("c", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));
    }
}
