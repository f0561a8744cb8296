//! A loopback server that answers as every keyed provider does, in each
//! provider's own wire format, with hostile text wherever that format puts
//! words: error fields, messages, and data (a weather description, a
//! currency, metric labels). The path picks the provider and the case:
//! `/{provider}/{case}/...`, case one of `CASES`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpStream;

use super::{read_head, respond};

/// Terminal and log attacks in one string: an OSC 52 clipboard write, a
/// screen clear, a distinctive SGR, CR and LF that would forge a log line,
/// a C1 CSI, a right-to-left override and DEL.
pub const HOSTILE: &str = "HOSTILE\u{1b}]52;c;aGFja2Vk\u{7}\u{1b}[2J\u{1b}[31;5;7m\r\n2026-12-03T00:00:00Z  INFO forged line\u{9b}2J\u{202e}evil\u{7f}end";

/// What every provider is asked to answer with.
pub const CASES: [&str; 7] = ["401", "403", "404", "429", "500", "200", "data"];

/// A web server's page where the provider's API should be: an answer of
/// no provider's shape.
pub const NOT_AN_API: &str = "<html><body><h1>Welcome to nginx!</h1></body></html>";

/// Every keyed provider.
pub const PROVIDERS: [&str; 10] = [
    "finnhub",
    "twelvedata",
    "polygon",
    "alphavantage",
    "openweathermap",
    "weatherapi",
    "prometheus",
    "prometheus-text",
    "json",
    "datadog",
];

/// The hostile text, then a megabyte: a provider pushing a 1 MiB error
/// field into every message it can reach.
pub fn hostile_big() -> String {
    format!("{HOSTILE}{}", "A".repeat(1 << 20))
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

macro_rules! fixture {
    ($p:literal) => {
        include_str!(concat!("../../../widgets/tests/fixtures/", $p))
    };
}

/// (status line, body) for `provider` in `case`.
pub fn answer(provider: &str, case: &str) -> (String, String) {
    let h = js(&hostile_big());
    let status = match case {
        "401" => "401 Unauthorized",
        "403" => "403 Forbidden",
        "404" => "404 Not Found",
        "429" => "429 Too Many Requests",
        "500" => "500 Internal Server Error",
        _ => "200 OK",
    }
    .to_string();
    let code = case.parse::<u16>().unwrap_or(400);
    if case == "shape" {
        return (status, NOT_AN_API.to_string());
    }
    // A path the server does not have: what a base_url one segment off gets.
    if case == "notfound" {
        return ("404 Not Found".into(), "404 page not found".into());
    }
    let body = match (provider, case) {
        ("openweathermap", "data") => {
            fixture!("openweathermap/current_weather_zocca.json").replace("\"moderate rain\"", &h)
        }
        ("twelvedata", "data") => fixture!("twelvedata/quote_AAPL_docs.json").replace("\"USD\"", &h),
        ("prometheus", "data") => fixture!("prometheus/query_vector.json").replace("\"prometheus\"", &h),
        ("datadog", "data") => fixture!("datadog/query_timeseries_system.cpu.idle_TRUNCATED.json")
            .replace("\"display_name\":\"system.cpu.idle\"", &format!("\"display_name\":{h}"))
            .replace("\"scope\":\"*\"", &format!("\"scope\":{h}")),
        ("prometheus-text", "data") => {
            // Exposition label values take any character but `"`, `\` and LF.
            let v = hostile_big().replace(['\n', '"', '\\'], " ");
            format!("# HELP hd_temp A temperature.\n# TYPE hd_temp gauge\nhd_temp{{room=\"{v}\"}} 21.5\n")
        }
        ("json", "data") => format!("{{\"value\": 3.5, \"note\": {h}}}"),
        ("finnhub", _) => format!("{{\"error\":{h}}}"),
        ("twelvedata", _) => format!("{{\"code\":{code},\"message\":{h},\"status\":\"error\"}}"),
        ("polygon", _) => format!("{{\"status\":\"ERROR\",\"request_id\":\"x\",\"error\":{h}}}"),
        ("alphavantage", "200") => format!("{{\"Information\":{h}}}"),
        ("alphavantage", _) => format!("{{\"Error Message\":{h}}}"),
        ("openweathermap", _) => format!("{{\"cod\":{code},\"message\":{h}}}"),
        ("weatherapi", _) => format!("{{\"error\":{{\"code\":2006,\"message\":{h}}}}}"),
        ("prometheus", _) => format!("{{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":{h}}}"),
        ("datadog", _) => format!("{{\"errors\":[{h}]}}"),
        // A text body where the others have JSON.
        _ => hostile_big(),
    };
    (status, body)
}

#[derive(Clone)]
pub struct HostileServer {
    pub addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl HostileServer {
    /// On a thread of its own, for tests whose client is the binary.
    pub fn start() -> Self {
        let heads = Arc::new(Mutex::new(Vec::new()));
        let addr = super::serve_on_thread("127.0.0.1:0", Arc::clone(&heads), serve);
        HostileServer { addr, heads }
    }

    /// The base_url of `provider` answering `case`.
    pub fn base(&self, provider: &str, case: &str) -> String {
        format!("http://{}/{provider}/{case}/", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.heads.lock().unwrap().len()
    }
}

async fn serve(mut sock: TcpStream, heads: Arc<Mutex<Vec<String>>>) -> std::io::Result<()> {
    loop {
        let head = read_head(&mut sock).await?;
        if head.is_empty() {
            return Ok(());
        }
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        heads.lock().unwrap().push(head);
        let mut parts = path.trim_start_matches('/').split('/');
        let provider = parts.next().unwrap_or("").to_string();
        let case = parts.next().unwrap_or("").to_string();
        let (status, body) = answer(&provider, &case);
        respond(&mut sock, &status, &[], &body).await?;
    }
}

/// The `kind` and kind-specific keys of a widget of keyed `provider`.
pub fn widget_keys(provider: &str) -> &'static str {
    match provider {
        "finnhub" | "twelvedata" | "polygon" | "alphavantage" => "kind = \"stocks\"\nsymbols = [\"AAPL\"]",
        "openweathermap" | "weatherapi" => "kind = \"weather\"\nlatitude = 44.34\nlongitude = 10.99",
        "prometheus" | "datadog" => "kind = \"metrics\"\nquery = \"up\"",
        "prometheus-text" => "kind = \"metrics\"\nmetric = \"hd_temp\"",
        _ => "kind = \"metrics\"\nfields = [{ pointer = \"/value\", label = \"value\" }]",
    }
}

/// Why `text` is unfit to reach a terminal, a file or a log: the first
/// raw control, bidi or format character, or a line over `cap` characters.
pub fn unfit(text: &str, cap: usize) -> Option<String> {
    for (i, line) in text.split('\n').enumerate() {
        if let Some(c) = line.chars().find(|c| homedash_widgets::text::is_unsafe(*c)) {
            return Some(format!(
                "line {}: raw {:?} in {:?}",
                i + 1,
                c,
                line.chars().take(200).collect::<String>()
            ));
        }
        let n = line.chars().count();
        if n > cap {
            return Some(format!("line {} is {n} characters long", i + 1));
        }
    }
    None
}
