//! A homelab server's CPU, memory, load and per-interface network, from the
//! REST API of its Glances (`glances -w`, API version 3: Debian's 3.x).
//! <https://glances.readthedocs.io/en/latest/api.html>
//!
//! Keyless: Glances' own `--password` is HTTP Basic, which homedash does not
//! send; put Glances behind a reverse proxy on your network instead.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use serde::Deserialize;
use url::Url;

use super::{Metrics, Reading};
use crate::data::{Data, RenderCtx};
use crate::error::{ErrorClass, FetchError};
use crate::format;
use crate::kind::Kind;
use crate::registry::{Info, Registered};
use crate::request::{HttpReply, RequestSpec};
use crate::style;

/// Glances' web server listens here by default.
pub const DEFAULT_BASE: &str = "http://localhost:61208";

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "GlancesRow")]
pub enum Part {
    Cpu,
    Memory,
    Load,
    Network,
}

impl Part {
    /// The Glances plugin that answers for this part.
    fn plugin(self) -> &'static str {
        match self {
            Part::Cpu => "cpu",
            Part::Memory => "mem",
            Part::Load => "load",
            Part::Network => "network",
        }
    }
}

/// The `[widget.ID]` keys of a Glances widget.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Which rows to show, in order.
    #[serde(default = "all_parts")]
    pub show: Vec<Part>,
    /// Interfaces to show; empty means every interface that is up, but
    /// loopback.
    #[serde(default)]
    pub interfaces: Vec<String>,
}

fn all_parts() -> Vec<Part> {
    vec![Part::Cpu, Part::Memory, Part::Load, Part::Network]
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.show.is_empty() {
            out.push(("show", "lists nothing to show".into()));
        }
        let mut seen = Vec::new();
        for p in &self.show {
            if seen.contains(p) {
                out.push(("show", format!("lists {} twice", p.plugin())));
            }
            seen.push(*p);
        }
        if !self.interfaces.is_empty() && !self.show.contains(&Part::Network) {
            out.push(("interfaces", "is set, but `show` has no \"network\"".into()));
        }
        out
    }
}

/// One request per part, in `show` order.
pub fn requests(cfg: &Config, base: &Url) -> Vec<RequestSpec> {
    cfg.show
        .iter()
        .map(|p| {
            let mut spec = RequestSpec::get(base, &format!("/api/3/{}", p.plugin()), &[]);
            spec.headers.push(("accept", "application/json".into()));
            spec
        })
        .collect()
}

#[derive(Deserialize)]
struct Cpu {
    total: f64,
    cpucore: Option<u32>,
}

#[derive(Deserialize)]
struct Mem {
    total: f64,
    used: f64,
    percent: f64,
}

#[derive(Deserialize)]
struct Load {
    min1: f64,
    min5: f64,
    min15: f64,
    cpucore: Option<u32>,
}

#[derive(Deserialize)]
struct Interface {
    interface_name: String,
    /// Bytes since Glances' last refresh, `time_since_update` seconds ago.
    rx: f64,
    tx: f64,
    time_since_update: f64,
    #[serde(default = "up")]
    is_up: bool,
}

fn up() -> bool {
    true
}

fn json<T: serde::de::DeserializeOwned>(part: Part, reply: &HttpReply, now: DateTime<Utc>) -> Result<T, FetchError> {
    if !reply.is_success() {
        let class = ErrorClass::from_status(reply.status, reply.retry_after(now));
        // Glances answers an unknown plugin (an older or newer API) with
        // 400 and an HTML page.
        let why = if reply.status == 400 || reply.status == 404 {
            format!(
                "HTTP {} for /api/3/{}: is this Glances 3 (`glances -w`), and is `base_url` its root?",
                reply.status,
                part.plugin()
            )
        } else {
            format!("HTTP {}", reply.status)
        };
        return Err(FetchError::new(class, why));
    }
    serde_json::from_slice(&reply.body)
        .map_err(|e| FetchError::bad_response(format!("/api/3/{} is not Glances' answer: {e}", part.plugin())))
}

fn reading(label: impl Into<String>, value: f64) -> Reading {
    Reading {
        label: label.into(),
        value,
        history: Vec::new(),
        span: None,
    }
}

/// The readings, labelled by what they are (`cpu`, `mem_used`, `rx:eth0`,
/// …), in `show` order; `render` lays them out.
pub fn parse(cfg: &Config, replies: &[HttpReply], now: DateTime<Utc>) -> Result<Metrics, FetchError> {
    if replies.len() != cfg.show.len() {
        return Err(FetchError::bad_response("no replies of the expected shape"));
    }
    let mut readings = Vec::new();
    for (part, reply) in cfg.show.iter().zip(replies) {
        match part {
            Part::Cpu => {
                let c: Cpu = json(*part, reply, now)?;
                readings.push(reading("cpu", c.total));
                if let Some(n) = c.cpucore {
                    readings.push(reading("cores", f64::from(n)));
                }
            }
            Part::Memory => {
                let m: Mem = json(*part, reply, now)?;
                readings.push(reading("mem", m.percent));
                readings.push(reading("mem_used", m.used));
                readings.push(reading("mem_total", m.total));
            }
            Part::Load => {
                let l: Load = json(*part, reply, now)?;
                readings.push(reading("load1", l.min1));
                readings.push(reading("load5", l.min5));
                readings.push(reading("load15", l.min15));
                if let Some(n) = l.cpucore {
                    readings.push(reading("cores", f64::from(n)));
                }
            }
            Part::Network => {
                let all: Vec<Interface> = json(*part, reply, now)?;
                let wanted = |i: &Interface| {
                    if cfg.interfaces.is_empty() {
                        i.is_up && i.interface_name != "lo"
                    } else {
                        cfg.interfaces.contains(&i.interface_name)
                    }
                };
                let mut found = 0;
                for i in all.iter().filter(|i| wanted(i)) {
                    let per_sec = |b: f64| {
                        if i.time_since_update > 0.0 {
                            b / i.time_since_update
                        } else {
                            0.0
                        }
                    };
                    readings.push(reading(format!("rx:{}", i.interface_name), per_sec(i.rx)));
                    readings.push(reading(format!("tx:{}", i.interface_name), per_sec(i.tx)));
                    found += 1;
                }
                if found == 0 && !cfg.interfaces.is_empty() {
                    let names: Vec<&str> = all.iter().map(|i| i.interface_name.as_str()).collect();
                    return Err(FetchError::new(
                        ErrorClass::NotFound,
                        format!(
                            "no interface {} on this server; it has {}",
                            cfg.interfaces.join(", "),
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    Ok(Metrics { readings })
}

const LABEL_W: usize = 6;

fn value(m: &Metrics, label: &str) -> Option<f64> {
    m.readings.iter().find(|r| r.label == label).map(|r| r.value)
}

fn row(label: &str, spans: Vec<Span<'static>>) -> Line<'static> {
    let mut all = vec![Span::styled(
        format!("{:<LABEL_W$}", format::fit(label, LABEL_W - 1)),
        style::label(),
    )];
    all.extend(spans);
    Line::from(all)
}

/// A bar of `width` cells, `pct` of it full.
fn bar(pct: f64, width: usize) -> Span<'static> {
    let full = ((pct.clamp(0.0, 100.0) / 100.0) * width as f64).round() as usize;
    Span::styled(
        format!("{}{}", "█".repeat(full), "░".repeat(width - full)),
        style::usage(pct),
    )
}

pub fn render(cfg: &Config, m: &Metrics, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let mut lines = Vec::new();
    for part in &cfg.show {
        match part {
            Part::Cpu => {
                if let Some(pct) = value(m, "cpu") {
                    let text = format!("{pct:>5.1}% ");
                    let room = width.saturating_sub(LABEL_W + text.len());
                    let mut spans = vec![Span::styled(text, style::usage(pct))];
                    if room >= 4 {
                        spans.push(bar(pct, room.min(30)));
                    }
                    lines.push(row("CPU", spans));
                }
            }
            Part::Memory => {
                if let (Some(pct), Some(used), Some(total)) =
                    (value(m, "mem"), value(m, "mem_used"), value(m, "mem_total"))
                {
                    lines.push(row(
                        "MEM",
                        vec![
                            Span::styled(format!("{pct:>5.1}% "), style::usage(pct)),
                            Span::raw(format!(
                                "{} / {}",
                                format::bytes(used as u64),
                                format::bytes(total as u64)
                            )),
                        ],
                    ));
                }
            }
            Part::Load => {
                if let (Some(a), Some(b), Some(c)) = (value(m, "load1"), value(m, "load5"), value(m, "load15")) {
                    let mut spans = vec![Span::raw(format!("{a:.2} {b:.2} {c:.2}"))];
                    if let Some(n) = value(m, "cores") {
                        spans.push(Span::styled(format!("  {n} cores"), style::dim()));
                    }
                    lines.push(row("LOAD", spans));
                }
            }
            Part::Network => {
                for r in m.readings.iter().filter(|r| r.label.starts_with("rx:")) {
                    let name = &r.label[3..];
                    let tx = value(m, &format!("tx:{name}")).unwrap_or(0.0);
                    lines.push(row(
                        name,
                        vec![Span::raw(format!("↓{} ↑{}", format::rate(r.value), format::rate(tx)))],
                    ));
                }
            }
        }
    }
    for (i, l) in lines.into_iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + i as u16;
        l.style(Style::new()).render(Rect::new(area.x, y, area.width, 1), buf);
    }
}

impl Registered for Config {
    const INFO: Info = Info {
        name: "glances",
        kind: Kind::Metrics,
        label: "Glances on a server",
        default_base: Some(DEFAULT_BASE),
        keyed: None,
        in_wizard: false,
        fixtures: &[
            (200, "glances/cpu_v3.json"),
            (200, "glances/mem_v3.json"),
            (200, "glances/load_v3.json"),
            (200, "glances/network_v3.json"),
            (400, "glances/error_400_unknown_plugin.html"),
        ],
        demo: &[
            ("/api/3/cpu", include_str!("../../tests/fixtures/glances/cpu_v3.json")),
            ("/api/3/mem", include_str!("../../tests/fixtures/glances/mem_v3.json")),
            ("/api/3/load", include_str!("../../tests/fixtures/glances/load_v3.json")),
            (
                "/api/3/network",
                include_str!("../../tests/fixtures/glances/network_v3.json"),
            ),
        ],
        examples: &[r#"{}"#, r#"{"show": ["network"], "interfaces": ["eth0"]}"#],
    };

    forward_registered!(Metrics);

    fn title(&self) -> String {
        "Server".into()
    }

    fn render(&self, data: Option<&Data>, _ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(Data::Metrics(m)) = data {
            render(self, m, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{drawn, reply};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-03T07:06:13Z").unwrap().to_utc()
    }

    fn all() -> Vec<HttpReply> {
        ["cpu", "mem", "load", "network"]
            .iter()
            .map(|p| reply(200, &format!("glances/{p}_v3.json")))
            .collect()
    }

    fn cfg(json: &str) -> Config {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn one_request_per_part_in_order_and_no_credential() {
        let base = Url::parse("http://127.0.0.1:61208").unwrap();
        let specs = requests(&cfg("{}"), &base);
        let paths: Vec<&str> = specs.iter().map(|s| s.url.path()).collect();
        assert_eq!(paths, ["/api/3/cpu", "/api/3/mem", "/api/3/load", "/api/3/network"]);
        assert!(specs.iter().all(|s| s.auth == crate::request::AuthPlacement::None));
    }

    #[test]
    fn parses_the_captured_answers() {
        let m = parse(&cfg("{}"), &all(), now()).unwrap();
        assert_eq!(value(&m, "cpu"), Some(93.2));
        assert_eq!(value(&m, "cores"), Some(2.0));
        assert_eq!(value(&m, "mem"), Some(3.9));
        assert_eq!(value(&m, "mem_total"), Some(25_275_973_632.0));
        assert_eq!(value(&m, "load1"), Some(0.82958984375));
        // Every interface that is up, but loopback: eth0 only here.
        let nets: Vec<&str> = m
            .readings
            .iter()
            .map(|r| r.label.as_str())
            .filter(|l| l.contains(':'))
            .collect();
        assert_eq!(nets, ["rx:eth0", "tx:eth0"]);
        assert_eq!(value(&m, "rx:eth0"), Some(0.0), "idle during the capture");
    }

    #[test]
    fn named_interfaces_are_shown_and_a_missing_one_is_named() {
        let c = cfg(r#"{"show": ["network"], "interfaces": ["lo", "eth0"]}"#);
        let net = [reply(200, "glances/network_v3.json")];
        let m = parse(&c, &net, now()).unwrap();
        assert_eq!(m.readings.len(), 4);
        // Bytes since Glances' last refresh, over its age: per second.
        let rx = value(&m, "rx:lo").unwrap();
        assert!((rx - 8811.0 / 4.963736295700073).abs() < 1e-9, "{rx}");
        let c = cfg(r#"{"show": ["network"], "interfaces": ["wg0"]}"#);
        let e = parse(&c, &net, now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::NotFound);
        assert!(
            e.detail.contains("no interface wg0") && e.detail.contains("eth0"),
            "{}",
            e.detail
        );
    }

    #[test]
    fn an_unknown_plugin_or_junk_is_an_error_that_says_where() {
        let c = cfg(r#"{"show": ["cpu"]}"#);
        let e = parse(&c, &[reply(400, "glances/error_400_unknown_plugin.html")], now()).unwrap_err();
        assert!(
            e.detail.contains("/api/3/cpu") && e.detail.contains("Glances 3"),
            "{}",
            e.detail
        );
        let junk = HttpReply {
            status: 200,
            headers: vec![],
            body: b"<html>nginx</html>".to_vec(),
        };
        let e = parse(&c, &[junk], now()).unwrap_err();
        assert_eq!(e.class, ErrorClass::BadResponse);
        assert!(parse(&c, &[], now()).is_err(), "a missing reply");
    }

    #[test]
    fn config_problems() {
        assert!(cfg("{}").problems().is_empty());
        assert!(!cfg(r#"{"show": []}"#).problems().is_empty());
        assert!(!cfg(r#"{"show": ["cpu", "cpu"]}"#).problems().is_empty());
        assert!(
            !cfg(r#"{"show": ["cpu"], "interfaces": ["eth0"]}"#)
                .problems()
                .is_empty()
        );
        assert!(serde_json::from_str::<Config>(r#"{"show": ["disk"]}"#).is_err());
    }

    #[test]
    fn snapshots() {
        let c = cfg("{}");
        let m = parse(&c, &all(), now()).unwrap();
        for (w, h) in [(48u16, 5u16), (20, 3)] {
            insta::assert_snapshot!(format!("glances_{w}x{h}"), drawn(w, h, |a, b| render(&c, &m, a, b)));
        }
    }
}
