//! Team mode's two tables: `[gateway]` on a client, `[gateway_server]` on
//! the gateway host.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;
use url::Url;

use super::super::model::{CredentialConfig, GatewayClient, GatewayServer, Rate, Route, WidgetConfig};
use super::{Checker, field_names};
use crate::config::paths::Seg;

/// `[gateway]`: team mode, through a homedash gateway that holds the provider keys.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct RawClient {
    /// The gateway, e.g. "https://gw.home.arpa:8443".
    #[schemars(extend("pattern" = "^[Hh][Tt][Tt][Pp][Ss]?://"))]
    url: String,
    /// A [credential.NAME] with provider = "gateway": this dashboard's own token for the gateway.
    credential: String,
    /// A private CA (PEM) trusted for the gateway only.
    ca_file: Option<String>,
    /// The providers fetched through the gateway (default: every networked provider).
    providers: Option<Vec<String>>,
}

/// `[gateway_server]`: this host is the team's gateway (nginx, rendered by `homedash gateway render`).
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct RawServer {
    /// Addresses clients connect to, e.g. ["0.0.0.0:8443"].
    #[schemars(length(min = 1))]
    listen: Vec<String>,
    /// The gateway's TLS certificate (PEM).
    certificate_file: String,
    /// The certificate's private key (PEM).
    private_key_file: String,
    /// Required: who may connect, as addresses or CIDR networks, e.g. ["192.168.1.0/24"].
    #[schemars(length(min = 1))]
    allow: Vec<String>,
    /// Where the rendered config, keys include, clients and cache go.
    directory: String,
    /// The JSON access log (default: DIRECTORY/access.json).
    access_log: Option<String>,
    /// Each client's rate, e.g. "120r/m" (the default) or "2r/s".
    #[schemars(extend("pattern" = "^\\s*[0-9]+\\s*r/[ms]\\s*$"))]
    per_client: Option<String>,
    /// Requests a client may send at once above its rate (default 10).
    client_burst: Option<u32>,
    /// nginx's worker user, when its master runs as root, e.g. "www-data".
    user: Option<String>,
    /// nginx's njs module (default "/usr/lib/nginx/modules/ngx_http_js_module.so").
    njs_module: Option<String>,
    /// The CA bundle upstream certificates are checked against (default "/etc/ssl/certs/ca-certificates.crt").
    upstream_ca: Option<String>,
    /// `[gateway_server.route.PROVIDER]`: one per provider served, at /PROVIDER/.
    route: Option<BTreeMap<String, RawRoute>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Route")]
pub(super) struct RawRoute {
    /// The provider's API (default: its own public one).
    #[schemars(extend("pattern" = "^[Hh][Tt][Tt][Pp][Ss]?://"))]
    upstream: Option<String>,
    /// The [credential.NAME] holding the provider's key (for keyed providers).
    credential: Option<String>,
    /// The shared cache's lifetime for this route, e.g. "15s" (default "30s").
    #[schemars(extend("pattern" = "^\\s*([0-9]+\\s*[A-Za-z]+\\s*)+$"))]
    ttl: Option<String>,
    /// The key's rate, e.g. "60r/m" (default: the provider's free plan).
    #[schemars(extend("pattern" = "^\\s*[0-9]+\\s*r/[ms]\\s*$"))]
    upstream_rate: Option<String>,
}

const DEFAULT_PER_CLIENT: Rate = Rate { per_minute: 120 };
const DEFAULT_TTL: Duration = Duration::from_secs(30);
const NJS_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_js_module.so";
const UPSTREAM_CA: &str = "/etc/ssl/certs/ca-certificates.crt";

/// "60r/m" or "2r/s", as nginx writes a rate.
pub fn parse_rate(raw: &str) -> Option<Rate> {
    let (n, unit) = raw.trim().split_once("r/")?;
    let n: u32 = n.trim().parse().ok().filter(|n| *n > 0)?;
    match unit.trim() {
        "m" => Some(Rate { per_minute: n }),
        "s" => n.checked_mul(60).map(|per_minute| Rate { per_minute }),
        _ => None,
    }
}

/// An address or a network in CIDR form, as nginx's `geo` takes it.
pub fn parse_cidr(raw: &str) -> Option<String> {
    let (addr, bits) = match raw.trim().split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (raw.trim(), None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits: u8 = match bits {
        Some(b) => b.parse().ok().filter(|b| *b <= max)?,
        None => max,
    };
    Some(format!("{ip}/{bits}"))
}

fn absolute(raw: &str) -> Option<PathBuf> {
    let p = PathBuf::from(raw);
    p.is_absolute().then_some(p)
}

/// Why a URL in the config is not one a token may go to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EndpointError {
    #[error("\"{raw}\" is not a URL: {source}")]
    NotUrl { raw: String, source: url::ParseError },
    #[error("\"{raw}\" is plain http to another machine; tokens never travel unencrypted, so use https")]
    PlainHttp { raw: String },
    #[error("\"{raw}\" must be an https:// URL")]
    NotHttps { raw: String },
}

/// https anywhere, plain http only to this machine.
pub(super) fn endpoint(raw: &str) -> Result<Url, EndpointError> {
    let u = Url::parse(raw).map_err(|source| EndpointError::NotUrl {
        raw: raw.to_string(),
        source,
    })?;
    match u.scheme() {
        "https" if u.host().is_some() => Ok(u),
        "http" if homedash_widgets::request::is_loopback(&u) => Ok(u),
        "http" => Err(EndpointError::PlainHttp { raw: raw.to_string() }),
        _ => Err(EndpointError::NotHttps { raw: raw.to_string() }),
    }
}

impl<'t> Checker<'t> {
    pub(super) fn gateway_client(&mut self, value: &Spanned<DeValue<'t>>) -> Option<GatewayClient> {
        let base = [Seg::Key("gateway".into())];
        let key = |k: &str| [base[0].clone(), Seg::Key(k.into())];
        let (raw, ignored) = self.de::<RawClient>(value, &base);
        self.unknown_keys(ignored, "[gateway]", &field_names::<RawClient>());
        let raw = raw?;
        let url = match endpoint(&raw.url) {
            Ok(u) => u,
            Err(e) => {
                self.at(&key("url"), false, e.to_string());
                return None;
            }
        };
        if let Err(e) = crate::config::names::check(&raw.credential) {
            self.at(&key("credential"), false, e.to_string());
        }
        let ca_file = match raw.ca_file.as_deref().map(|p| (p, absolute(p))) {
            None => None,
            Some((_, Some(p))) => Some(p),
            Some((p, None)) => {
                self.at(
                    &key("ca_file"),
                    false,
                    format!("\"{p}\" is not an absolute path; write the whole path of the CA's PEM file"),
                );
                return None;
            }
        };
        if let Some(list) = &raw.providers {
            for (i, p) in list.iter().enumerate() {
                if !homedash_widgets::source::ALL.iter().any(|info| info.name == p) {
                    let names: Vec<&str> = homedash_widgets::source::ALL.iter().map(|i| i.name).collect();
                    self.at(
                        &[base[0].clone(), Seg::Key("providers".into()), Seg::Index(i)],
                        false,
                        format!("unknown provider \"{p}\"; available: {}", names.join(", ")),
                    );
                }
            }
        }
        Some(GatewayClient {
            url,
            credential: raw.credential,
            ca_file,
            providers: raw.providers,
        })
    }

    /// Send each widget the gateway serves through it, unless it opted
    /// out (`gateway = false`) or names its own `base_url`.
    pub(super) fn through_gateway(
        &mut self,
        widgets: &mut [WidgetConfig],
        choice: &BTreeMap<String, bool>,
        gw: Option<&GatewayClient>,
        credentials: &[CredentialConfig],
    ) {
        if let Some(gw) = gw {
            match credentials.iter().find(|c| c.name == gw.credential) {
                None => self.at(
                    &[Seg::Key("gateway".into()), Seg::Key("credential".into())],
                    false,
                    format!(
                        "no credential \"{0}\" is defined: add a [credential.{0}] table with provider = \"gateway\", then store this client's token with `homedash creds add {0}`",
                        gw.credential
                    ),
                ),
                Some(c) if c.provider.name != homedash_widgets::gateway::PROVIDER.name => self.at(
                    &[Seg::Key("gateway".into()), Seg::Key("credential".into())],
                    false,
                    format!(
                        "credential \"{}\" is for provider \"{}\"; the gateway's credential needs provider = \"gateway\"",
                        c.name, c.provider.name
                    ),
                ),
                Some(_) => {}
            }
        }
        for w in widgets.iter_mut() {
            let wanted = choice.get(&w.id).copied();
            let able = w.base_url.is_none() && w.source.default_base().is_some();
            let at = [
                Seg::Key("widget".into()),
                Seg::Key(w.id.clone()),
                Seg::Key("gateway".into()),
            ];
            match (gw, wanted) {
                (_, Some(false)) => {}
                (None, Some(true)) => {
                    self.at(&at, false, "there is no [gateway] table to send this widget through");
                }
                (Some(gw), _) if able && gw.serves(w.source.provider()) => {
                    w.base_url = Some(homedash_widgets::gateway::route_base(&gw.url, w.source.provider()));
                    w.credential = Some(gw.credential.clone());
                    w.via_gateway = true;
                }
                (Some(_), Some(true)) => {
                    let why = if !able {
                        "it names its own `base_url` (or polls nothing)"
                    } else {
                        "its provider is not in the gateway's `providers`"
                    };
                    self.at(&at, false, format!("this widget cannot go through the gateway: {why}"));
                }
                _ => {}
            }
        }
    }

    pub(super) fn gateway_server(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        credentials: &[CredentialConfig],
    ) -> Option<GatewayServer> {
        let top = Seg::Key("gateway_server".into());
        let key = |k: &str| [top.clone(), Seg::Key(k.into())];
        let (raw, ignored) = self.de::<RawServer>(value, std::slice::from_ref(&top));
        self.unknown_keys(ignored, "[gateway_server]", &field_names::<RawServer>());
        let raw = raw?;
        let before = self.problems.len();
        if raw.listen.is_empty() {
            self.at(
                &key("listen"),
                false,
                "`listen` is empty: give the address:port clients connect to, e.g. [\"0.0.0.0:8443\"]",
            );
        }
        for (i, l) in raw.listen.iter().enumerate() {
            if l.parse::<std::net::SocketAddr>().is_err() {
                self.at(
                    &[top.clone(), Seg::Key("listen".into()), Seg::Index(i)],
                    false,
                    format!("\"{l}\" is not an address:port, e.g. \"0.0.0.0:8443\" or \"[::]:8443\""),
                );
            }
        }
        if raw.allow.is_empty() {
            self.at(
                &key("allow"),
                false,
                "`allow` is empty, so nginx would answer no client: list the addresses or networks your clients connect from, e.g. [\"192.168.1.0/24\"]",
            );
        }
        let mut allow = Vec::new();
        for (i, a) in raw.allow.iter().enumerate() {
            match parse_cidr(a) {
                Some(c) => allow.push(c),
                None => self.at(
                    &[top.clone(), Seg::Key("allow".into()), Seg::Index(i)],
                    false,
                    format!("\"{a}\" is not an address or a network, e.g. \"192.168.1.0/24\" or \"10.0.0.7\""),
                ),
            }
        }
        let mut path = |k: &str, raw: Option<&str>, default: Option<&str>| -> Option<PathBuf> {
            let raw = raw.or(default)?;
            let p = absolute(raw);
            if p.is_none() {
                self.at(&key(k), false, format!("\"{raw}\" is not an absolute path"));
            }
            p
        };
        let certificate = path("certificate_file", Some(&raw.certificate_file), None);
        let certificate_key = path("private_key_file", Some(&raw.private_key_file), None);
        let directory = path("directory", Some(&raw.directory), None);
        let access_log = path("access_log", raw.access_log.as_deref(), None);
        let njs_module = path("njs_module", raw.njs_module.as_deref(), Some(NJS_MODULE));
        let upstream_ca = path("upstream_ca", raw.upstream_ca.as_deref(), Some(UPSTREAM_CA));
        let per_client = match raw.per_client.as_deref() {
            None => DEFAULT_PER_CLIENT,
            Some(r) => parse_rate(r).unwrap_or_else(|| {
                self.at(
                    &key("per_client"),
                    false,
                    format!("\"{r}\" is not a rate; write e.g. \"120r/m\" or \"2r/s\""),
                );
                DEFAULT_PER_CLIENT
            }),
        };
        let routes_raw = raw.route.unwrap_or_default();
        if routes_raw.is_empty() {
            self.at(
                std::slice::from_ref(&top),
                true,
                "no routes: add a [gateway_server.route.PROVIDER] table per provider the gateway serves",
            );
        }
        let mut routes = Vec::new();
        for (name, r) in routes_raw {
            if let Some(route) = self.route(&name, r, credentials) {
                routes.push(route);
            }
        }
        if self.problems.len() != before {
            return None;
        }
        let directory = directory?;
        Some(GatewayServer {
            listen: raw.listen,
            certificate: certificate?,
            certificate_key: certificate_key?,
            allow,
            access_log: access_log.unwrap_or_else(|| directory.join("access.json")),
            directory,
            per_client,
            client_burst: raw.client_burst.unwrap_or(10),
            user: raw.user.unwrap_or_else(|| "www-data".into()),
            njs_module: njs_module?,
            upstream_ca: upstream_ca?,
            routes,
        })
    }

    fn route(&mut self, name: &str, r: RawRoute, credentials: &[CredentialConfig]) -> Option<Route> {
        let base = [
            Seg::Key("gateway_server".into()),
            Seg::Key("route".into()),
            Seg::Key(name.into()),
        ];
        let key = |k: &str| [base[0].clone(), base[1].clone(), base[2].clone(), Seg::Key(k.into())];
        let Some(info) = homedash_widgets::source::ALL
            .iter()
            .find(|i| i.name == name && i.default_base.is_some())
        else {
            let names: Vec<&str> = homedash_widgets::source::ALL
                .iter()
                .filter(|i| i.default_base.is_some())
                .map(|i| i.name)
                .collect();
            self.at(
                &base,
                true,
                format!(
                    "unknown provider \"{name}\" for a route; available: {}",
                    names.join(", ")
                ),
            );
            return None;
        };
        let upstream = match r.upstream.as_deref().or(info.default_base) {
            None => None,
            Some(raw) => match endpoint(raw) {
                Ok(u) => Some(u),
                Err(e) => {
                    self.at(&key("upstream"), false, e.to_string());
                    None
                }
            },
        }?;
        let keyed = info.keyed;
        match (&r.credential, keyed) {
            (Some(_), None) => {
                self.at(
                    &key("credential"),
                    false,
                    format!("provider \"{name}\" is keyless and takes no credential"),
                );
                return None;
            }
            (None, Some(p)) if !p.credential_optional => {
                self.at(
                    &base,
                    true,
                    format!(
                        "the route for \"{name}\" needs `credential`, the [credential.NAME] on this host that holds the upstream key"
                    ),
                );
                return None;
            }
            (Some(c), Some(p)) => {
                match credentials.iter().find(|x| &x.name == c) {
                    None => {
                        self.at(
                        &key("credential"),
                        false,
                        format!("no credential \"{c}\" is defined (add a [credential.{c}] table with provider = \"{name}\")"),
                    );
                        return None;
                    }
                    Some(x) if x.provider.name != p.name => {
                        self.at(
                            &key("credential"),
                            false,
                            format!(
                                "credential \"{c}\" is for provider \"{}\", not \"{name}\"",
                                x.provider.name
                            ),
                        );
                        return None;
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
        let ttl = match &r.ttl {
            Some(t) => self.duration(t, &key("ttl"), Duration::from_secs(1), Duration::from_secs(86400))?,
            None => DEFAULT_TTL,
        };
        let default_rate = Rate {
            per_minute: keyed.map_or(600, |p| p.budget.per_minute),
        };
        let per_key = match r.upstream_rate.as_deref() {
            None => default_rate,
            Some(raw) => match parse_rate(raw) {
                Some(rate) => rate,
                None => {
                    self.at(
                        &key("upstream_rate"),
                        false,
                        format!("\"{raw}\" is not a rate; write e.g. \"60r/m\""),
                    );
                    return None;
                }
            },
        };
        Some(Route {
            provider: info.name,
            upstream,
            credential: r.credential,
            ttl,
            per_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_networks_read_as_nginx_writes_them() {
        assert_eq!(parse_rate("60r/m"), Some(Rate { per_minute: 60 }));
        assert_eq!(parse_rate("2r/s"), Some(Rate { per_minute: 120 }));
        assert_eq!(parse_rate("0r/s"), None);
        assert_eq!(parse_rate("fast"), None);
        assert_eq!(parse_cidr("127.0.0.1").as_deref(), Some("127.0.0.1/32"));
        assert_eq!(parse_cidr("10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(parse_cidr("::1").as_deref(), Some("::1/128"));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("10.0.0.0/8; allow all"), None);
    }
}

#[cfg(test)]
mod routing {
    use crate::config::parse;

    const GW: &str = r#"
[gateway]
url = "https://gw.example:8443"
credential = "team"

[credential.team]
provider = "gateway"
"#;

    #[test]
    fn widgets_the_gateway_serves_go_through_it_and_need_no_provider_key() {
        let text = format!(
            r#"{GW}
[widget.stocks]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]

[widget.meteo]
kind = "weather"
latitude = 52.52
longitude = 13.41

[widget.own]
kind = "weather"
latitude = 52.52
longitude = 13.41
gateway = false

[widget.clock]
kind = "clock"
"#
        );
        let c = parse("t.toml", &text).unwrap();
        let w = |id: &str| c.widgets.iter().find(|w| w.id == id).unwrap();
        assert!(w("stocks").via_gateway);
        assert_eq!(w("stocks").credential.as_deref(), Some("team"));
        assert_eq!(w("stocks").base().unwrap().as_str(), "https://gw.example:8443/finnhub/");
        assert_eq!(
            w("meteo").base().unwrap().as_str(),
            "https://gw.example:8443/open-meteo/"
        );
        assert!(!w("own").via_gateway && w("own").credential.is_none());
        assert!(!w("clock").via_gateway);
        // Without the gateway, Finnhub needs a key of its own.
        let direct = text.replace("[gateway]", "[unused]").replace("url = ", "#");
        assert!(parse("t.toml", &direct).is_err());
    }

    #[test]
    fn a_gateway_table_that_cannot_work_says_why() {
        let problems = |text: &str| parse("t.toml", text).unwrap_err().lines.join("\n");
        let no_cred = "[gateway]\nurl = \"https://gw.example\"\ncredential = \"team\"\n[widget.c]\nkind = \"clock\"\n";
        assert!(
            problems(no_cred).contains("no credential \"team\" is defined"),
            "{}",
            problems(no_cred)
        );
        let wrong = format!("{no_cred}[credential.team]\nprovider = \"finnhub\"\n");
        assert!(
            problems(&wrong).contains("needs provider = \"gateway\""),
            "{}",
            problems(&wrong)
        );
        let plain =
            format!("{GW}[widget.c]\nkind = \"clock\"\n").replace("https://gw.example:8443", "http://gw.example");
        assert!(
            problems(&plain).contains("plain http to another machine"),
            "{}",
            problems(&plain)
        );
        let served = "[gateway]\nurl = \"https://gw.example\"\ncredential = \"team\"\nproviders = [\"open-meteo\"]\n[credential.team]\nprovider = \"gateway\"\n[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"A\"]\ngateway = true\n";
        assert!(
            problems(served).contains("its provider is not in the gateway's `providers`"),
            "{}",
            problems(served)
        );
    }

    #[test]
    fn a_gateway_server_table_is_checked_before_anything_is_rendered() {
        let problems = |text: &str| parse("t.toml", text).unwrap_err().lines.join("\n");
        let base = r#"[gateway_server]
listen = ["127.0.0.1:8443"]
certificate_file = "/etc/gw.pem"
private_key_file = "/etc/gw-key.pem"
allow = ["10.0.0.0/8"]
directory = "/srv/gw"
"#;
        let ok = format!("{base}[gateway_server.route.open-meteo]\nttl = \"30s\"\nupstream_rate = \"2r/s\"\n");
        let c = parse("t.toml", &ok).unwrap();
        let s = c.gateway_server.unwrap();
        assert_eq!(s.routes[0].upstream.as_str(), "https://api.open-meteo.com/");
        assert_eq!(s.routes[0].per_key.per_minute, 120);
        assert_eq!(s.access_log, std::path::PathBuf::from("/srv/gw/access.json"));
        for (text, said) in [
            (
                format!("{base}[gateway_server.route.nosuch]\n"),
                "unknown provider \"nosuch\" for a route",
            ),
            (ok.replace("[\"10.0.0.0/8\"]", "[]"), "`allow` is empty"),
            (
                ok.replace("10.0.0.0/8", "10.0.0.0/40"),
                "is not an address or a network",
            ),
            (format!("{base}[gateway_server.route.finnhub]\n"), "needs `credential`"),
            (ok.replace("/srv/gw", "srv/gw"), "is not an absolute path"),
            (
                format!("{base}[gateway_server.route.open-meteo]\nupstream = \"http://meteo.example\"\n"),
                "plain http",
            ),
        ] {
            assert!(problems(&text).contains(said), "{said}: {}", problems(&text));
        }
    }
}
