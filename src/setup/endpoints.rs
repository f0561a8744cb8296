//! Where the wizard sends its tries: the providers' public endpoints, or
//! loopback servers in tests.

use url::Url;

/// Endpoints other than the providers' public ones: debug builds read
/// `HOMEDASH_SETUP_ENDPOINTS` ("geocoding=URL,finnhub=URL") so that tests
/// run the wizard against loopback servers. A widget set up against one
/// gets it as its `base_url`.
#[derive(Clone, Debug, Default)]
pub struct Endpoints(Vec<(String, Url)>);

impl Endpoints {
    pub fn from_env() -> Self {
        #[cfg(debug_assertions)]
        if let Ok(s) = std::env::var("HOMEDASH_SETUP_ENDPOINTS") {
            return Endpoints(
                s.split(',')
                    .filter_map(|kv| kv.split_once('='))
                    .filter_map(|(k, v)| Url::parse(v).ok().map(|u| (k.trim().to_string(), u)))
                    .collect(),
            );
        }
        Endpoints::default()
    }

    pub fn get(&self, name: &str) -> Option<&Url> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, u)| u)
    }

    pub(in crate::setup) fn base(&self, provider: &str, default: &str) -> Url {
        self.get(provider)
            .cloned()
            .or_else(|| Url::parse(default).ok())
            .unwrap_or_else(|| Url::parse("https://invalid.invalid/").unwrap_or_else(|_| unreachable!()))
    }
}
