//! The one list of providers. Adding one is its module (which implements
//! `Registered`) and one line in `registry!` below; ARCHITECTURE.md has
//! the checklist.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde::{Deserialize, Deserializer};
use url::Url;

pub use crate::data::{Data, RenderCtx, Tick};
use crate::error::FetchError;
pub use crate::kind::Kind;
use crate::metrics::{datadog, exposition, glances, json, prometheus};
use crate::provider::Provider;
use crate::registry::{Info, Registered};
use crate::request::{HttpReply, RequestSpec};
use crate::stocks::{alphavantage, finnhub, polygon, twelvedata, yahoo};
use crate::text::Clean as _;
use crate::weather::{netatmo, open_meteo, openweathermap, weatherapi};
use crate::{clock, system};

/// Writes the `Source` enum, its dispatch to each provider's `Registered`
/// impl, and `ALL`, from one list of `Variant(module::Config)`. Within a
/// kind, the first listed is the default.
macro_rules! registry {
    ($($variant:ident($config:ty)),* $(,)?) => {
        #[derive(Clone, Debug, PartialEq)]
        pub enum Source {
            $($variant($config),)*
        }

        /// Every provider, in the order the wizard and `Kind::providers`
        /// offer them.
        pub const ALL: &[&Info] = &[$(&<$config as Registered>::INFO,)*];

        /// The module of each entry of `ALL` (`finnhub::Config`), for the
        /// registry's own test.
        #[cfg(test)]
        const MODULES: &[&str] = &[$(stringify!($config),)*];

        /// Each provider's own `[widget.ID]` keys as a JSON Schema, from
        /// the struct `Source::deserialize_for` reads: the config schema's
        /// widget tables.
        pub fn schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(&'static Info, schemars::Schema)> {
            vec![$((&<$config as Registered>::INFO, <$config as schemars::JsonSchema>::json_schema(generator)),)*]
        }

        impl Source {
            /// Deserialize the kind-specific keys of `provider`; `None` when
            /// this build has no such provider for `kind`.
            pub fn deserialize_for<'de, D: Deserializer<'de>>(
                kind: Kind,
                provider: &str,
                d: D,
            ) -> Option<Result<Self, D::Error>> {
                $(
                    let info = &<$config as Registered>::INFO;
                    if info.kind == kind && info.name == provider {
                        return Some(<$config>::deserialize(d).map(Source::$variant));
                    }
                )*
                None
            }

            pub fn info(&self) -> &'static Info {
                match self {
                    $(Source::$variant(_) => &<$config as Registered>::INFO,)*
                }
            }

            /// Meaning checks of the kind-specific keys: (key, problem).
            pub fn problems(&self) -> Vec<(&'static str, String)> {
                match self {
                    $(Source::$variant(c) => Registered::problems(c),)*
                }
            }

            /// The requests of one poll, in the order `parse` expects the
            /// replies; empty for local sources.
            pub fn requests(&self, base: &Url, now: DateTime<Utc>) -> Vec<RequestSpec> {
                match self {
                    $(Source::$variant(c) => Registered::requests(c, base, now),)*
                }
            }

            fn parse_raw(&self, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Data, FetchError> {
                match self {
                    $(Source::$variant(c) => Registered::parse(c, replies, now),)*
                }
            }

            pub fn default_title(&self) -> String {
                match self {
                    $(Source::$variant(c) => Registered::title(c),)*
                }
            }

            /// The smallest card, border included, on which this widget
            /// is readable.
            pub fn min_card(&self) -> (u16, u16) {
                let (w, h) = match self {
                    $(Source::$variant(c) => Registered::min_content(c),)*
                };
                (w.saturating_add(2), h.saturating_add(2))
            }

            pub fn tick(&self) -> Tick {
                match self {
                    $(Source::$variant(c) => Registered::tick(c),)*
                }
            }

            /// Draw the content (no border). A clock needs no data; the
            /// others draw nothing until their first data arrives, and the
            /// caller says why.
            pub fn render(&self, data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
                match (self, data) {
                    (_, Some(Data::Quotes(q))) if ctx.zoomed => crate::stocks::chart::render(q, area, buf),
                    (_, Some(Data::Quotes(q))) => crate::stocks::render(q, area, buf),
                    $((Source::$variant(c), _) => Registered::render(c, data, ctx, area, buf),)*
                }
            }
        }
    };
}

registry! {
    Yahoo(yahoo::Config),
    Finnhub(finnhub::Config),
    TwelveData(twelvedata::Config),
    Polygon(polygon::Config),
    AlphaVantage(alphavantage::Config),
    OpenMeteo(open_meteo::Config),
    OpenWeatherMap(openweathermap::Config),
    WeatherApi(weatherapi::Config),
    Netatmo(netatmo::Config),
    Prometheus(prometheus::Config),
    Exposition(exposition::Config),
    Json(json::Config),
    Datadog(datadog::Config),
    Glances(glances::Config),
    System(system::Config),
    Clock(clock::Config),
}

impl Source {
    pub fn kind(&self) -> Kind {
        self.info().kind
    }

    pub fn provider(&self) -> &'static str {
        self.info().name
    }

    /// The public endpoint; `None` for local sources.
    pub fn default_base(&self) -> Option<&'static str> {
        self.info().default_base
    }

    /// The provider entry when this source takes a credential.
    pub fn keyed(&self) -> Option<&'static Provider> {
        self.info().keyed
    }

    /// The provider's answer as data. Outside text enters the app here,
    /// and leaves cleaned: errors by `FetchError::new`, data below.
    pub fn parse(&self, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Data, FetchError> {
        let mut data = self.parse_raw(replies, now)?;
        match &mut data {
            Data::Weather(w) => w.clean(),
            Data::Quotes(q) => q.clean(),
            Data::Metrics(m) => m.clean(),
            Data::System(_) => {}
        }
        Ok(data)
    }
}

impl Kind {
    /// Providers of this kind, default first.
    pub fn providers(self) -> Vec<&'static str> {
        ALL.iter().filter(|i| i.kind == self).map(|i| i.name).collect()
    }
}

/// The provider `name` of `kind`.
pub fn info(kind: Kind, name: &str) -> Option<&'static Info> {
    ALL.iter().copied().find(|i| i.kind == kind && i.name == name)
}

/// Every provider that takes a credential, and last the homedash gateway
/// (team mode), whose credential stands in for theirs.
pub fn keyed_all() -> Vec<&'static Provider> {
    keyed_iter().collect()
}

/// A provider that takes a credential, by config name.
pub fn keyed(name: &str) -> Option<&'static Provider> {
    keyed_iter().find(|p| p.name == name)
}

fn keyed_iter() -> impl Iterator<Item = &'static Provider> {
    ALL.iter()
        .filter_map(|i| i.keyed)
        .chain(std::iter::once(&crate::gateway::PROVIDER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshots() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "snap") {
                    out.push(p.file_name().unwrap().to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut out,
        );
        out
    }

    /// Each entry deserializes its examples, maps back to its own name and
    /// kind, has recorded answers (when it polls), a render snapshot, and
    /// keyed facts that agree with it.
    #[test]
    fn every_registered_provider_is_whole() {
        let snaps = snapshots();
        assert_eq!(ALL.len(), MODULES.len());
        for (info, module) in ALL.iter().zip(MODULES) {
            let who = format!("{} ({module})", info.name);
            assert!(info.kind.providers().contains(&info.name), "{who}");
            assert!(!info.examples.is_empty(), "{who}: no example config");
            for ex in info.examples {
                let v: serde_json::Value = serde_json::from_str(ex).unwrap();
                let src = Source::deserialize_for(info.kind, info.name, v)
                    .unwrap_or_else(|| panic!("{who}: not found by its own name"))
                    .unwrap_or_else(|e| panic!("{who}: its example does not deserialize: {e}"));
                assert_eq!((src.kind(), src.provider()), (info.kind, info.name), "{who}");
                assert!(src.problems().is_empty(), "{who}: {:?}", src.problems());
                let base = Url::parse(info.default_base.unwrap_or("http://localhost/")).unwrap();
                let polls = !src.requests(&base, chrono::Utc::now()).is_empty();
                assert_eq!(polls, info.default_base.is_some(), "{who}: polls without an endpoint");
            }
            if info.default_base.is_some() {
                assert!(!info.fixtures.is_empty(), "{who}: no recorded answers");
                for (_, f) in info.fixtures {
                    let p = format!("{}/tests/fixtures/{f}", env!("CARGO_MANIFEST_DIR"));
                    assert!(std::path::Path::new(&p).is_file(), "{who}: {p} is missing");
                }
            }
            let stem = module.trim_end_matches("::Config").rsplit("::").next().unwrap();
            assert!(
                snaps.iter().any(|s| s.contains(&format!("__{stem}__"))),
                "{who}: no render snapshot named for its module"
            );
            if let Some(k) = info.keyed {
                assert_eq!((k.name, k.kind), (info.name, Some(info.kind)), "{who}");
                assert_eq!(Some(k.default_base), info.default_base, "{who}");
                assert_eq!(keyed(info.name).map(|p| p.label), Some(k.label), "{who}");
            }
        }
        let names: Vec<(Kind, &str)> = ALL.iter().map(|i| (i.kind, i.name)).collect();
        let mut unique = names.clone();
        unique.sort_by_key(|(k, n)| (k.name(), *n));
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a name is registered twice for one kind");
    }
}
