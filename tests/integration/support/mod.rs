//! A loopback HTTP server for tests that misbehaves on request. The first
//! path segment picks the behaviour, so one server serves every case and a
//! widget picks its case through `base_url`.

#![allow(dead_code)]

pub mod canary;
pub mod gateway;
pub mod hostile;
pub mod oidc;
pub mod providers;
pub mod proxy;
pub mod pty;
pub mod readable;
pub mod taplo;
pub mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const FORECAST: &str =
    include_str!("../../../widgets/tests/fixtures/open-meteo/forecast_full_berlin_CONSTRUCTED.json");
pub const ERROR_429: &str = include_str!("../../../widgets/tests/fixtures/open-meteo/error_429_minutely_limit.json");

#[derive(Clone)]
pub struct FaultServer {
    pub addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl FaultServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let h = Arc::clone(&hits);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let h = Arc::clone(&h);
                tokio::spawn(async move {
                    let _ = serve(sock, h, addr.port()).await;
                });
            }
        });
        FaultServer { addr, hits }
    }

    /// A base_url whose requests get `case`.
    pub fn base(&self, case: &str) -> String {
        format!("http://{}/{case}/", self.addr)
    }

    pub fn hits(&self, case: &str) -> usize {
        self.hits.lock().unwrap().get(case).copied().unwrap_or(0)
    }
}

/// Accept connections on `bind` from a thread and runtime of their own
/// (for tests whose client is the binary, or that have no runtime), each
/// handled by `handle` with a clone of `state`. Returns the address.
pub fn serve_on_thread<S, F, Fut>(bind: &str, state: S, handle: F) -> SocketAddr
where
    S: Clone + Send + 'static,
    F: Fn(TcpStream, S) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let bind = bind.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind(&bind).await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(handle(sock, state.clone()));
            }
        });
    });
    rx.recv().unwrap()
}

/// `homedash --config HOME/config.toml ARGS` with HOME and the XDG dirs
/// under `home`.
pub fn homedash(home: &std::path::Path, args: &[&str]) -> std::process::Command {
    homedash_with(home, &home.join("config.toml"), args)
}

/// `homedash --config CONFIG ARGS` with HOME and the XDG dirs under `home`.
pub fn homedash_with(home: &std::path::Path, config: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"));
    c.args(["--config", config.to_str().unwrap()])
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("HOMEDASH_CONFIG");
    c
}

/// The proxy variables, which a test's own servers on loopback must not
/// see go through a proxy of the machine's.
pub const PROXY_VARS: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// `script` in bash inside a private, unlocked GNOME Keyring of its own
/// (tests/secret-service.sh, nested, so that locking it touches no other
/// test), with `$HD` the binary and `$CFG` `dir/config.toml`, HOME and the
/// XDG dirs under `dir`.
pub fn in_keyring(dir: &std::path::Path, script: &str) -> std::process::Output {
    let mut c = std::process::Command::new("bash");
    c.arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secret-service.sh"))
        .args(["bash", "-c", script])
        .env("HD", env!("CARGO_BIN_EXE_homedash"))
        .env("CFG", dir.join("config.toml"))
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("LANG", "C.UTF-8")
        .env("TERM", "xterm-256color")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env_remove("NO_COLOR")
        .env_remove("HOMEDASH_CONFIG");
    for v in PROXY_VARS {
        c.env_remove(v);
    }
    c.output().unwrap()
}

/// A finished command's exit status, stdout and stderr, for assertions.
pub fn output_text(o: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Where a Finnhub token may go in a transport test: Finnhub's own API and
/// the origin of `url`, the server under test.
pub fn finnhub_to(url: &url::Url) -> homedash::net::destinations::Destinations {
    use homedash::net::destinations::{Destinations, origin_of};
    Destinations::new(homedash_widgets::source::keyed("finnhub").unwrap(), &[origin_of(url)])
}

/// Every file below `dir`.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// What `secret-tool` finds for homedash's `account`: what the keyring
/// really holds, seen from outside homedash.
pub fn secret_tool(account: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "homedash", "username", account])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

impl FaultServer {
    /// A server on a runtime of its own, for tests without one (pty tests).
    pub fn on_own_runtime() -> (tokio::runtime::Runtime, FaultServer) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let srv = rt.block_on(FaultServer::start());
        (rt, srv)
    }
}

/// `homedash creds allow NAME ORIGIN` for a home under `dir` (the layout
/// `pty::Running::start_in` uses): the owner approves a loopback server.
pub fn allow(dir: &std::path::Path, config: &std::path::Path, name: &str, base: &str) {
    let origin = url::Url::parse(base).unwrap().origin().ascii_serialization();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["--config", config.to_str().unwrap(), "creds", "allow", name, &origin])
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("HOMEDASH_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "creds allow {name} {origin}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A loopback port with nothing listening.
pub fn refused_base() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/")
}

/// A header's value in a raw request head.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

pub async fn read_head(sock: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await?;
        if n == 0 || buf.len() > 65536 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub async fn respond(sock: &mut TcpStream, status: &str, headers: &[&str], body: &str) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\ncontent-type: application/json\r\n",
        body.len()
    );
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body.as_bytes()).await?;
    sock.flush().await
}

const FIFTY_MB: usize = 50 * 1024 * 1024;

/// What `cycle` answers, in turn.
pub const CYCLE: [&str; 16] = [
    "ok",
    "404",
    "ok",
    "429-bare",
    "500",
    "ok",
    "503-bare",
    "hang",
    "hang-body",
    "malformed",
    "ok",
    "wrong-shape",
    "utf8",
    "huge",
    "reset",
    "redirect-loop",
];

async fn serve(mut sock: TcpStream, hits: Arc<Mutex<HashMap<String, usize>>>, port: u16) -> std::io::Result<()> {
    loop {
        let head = read_head(&mut sock).await?;
        if head.is_empty() {
            return Ok(());
        }
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut case = path.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
        let n = {
            let mut h = hits.lock().unwrap();
            let n = h.entry(case.clone()).or_default();
            *n += 1;
            *n
        };
        // One case after the other, request by request: the soak test.
        if case == "cycle" {
            case = CYCLE[n % CYCLE.len()].to_string();
        }
        match case.as_str() {
            // "ok-NAME": as "ok", counted apart.
            c if c == "ok" || c.starts_with("ok-") => respond(&mut sock, "200 OK", &[], FORECAST).await?,
            "slow" => {
                tokio::time::sleep(Duration::from_millis(600)).await;
                respond(&mut sock, "200 OK", &[], FORECAST).await?
            }
            "404" => {
                respond(
                    &mut sock,
                    "404 Not Found",
                    &[],
                    r#"{"error":true,"reason":"Not Found"}"#,
                )
                .await?
            }
            "429" => respond(&mut sock, "429 Too Many Requests", &["retry-after: 120"], ERROR_429).await?,
            "429-bare" => respond(&mut sock, "429 Too Many Requests", &[], ERROR_429).await?,
            "401" => respond(&mut sock, "401 Unauthorized", &[], r#"{"error":"Invalid API key."}"#).await?,
            "403" => respond(&mut sock, "403 Forbidden", &[], r#"{"error":"forbidden"}"#).await?,
            "500" => respond(&mut sock, "500 Internal Server Error", &[], "oops").await?,
            "502" => respond(&mut sock, "502 Bad Gateway", &[], "<html>bad gateway</html>").await?,
            "503-bare" => respond(&mut sock, "503 Service Unavailable", &[], "").await?,
            "utf8" => {
                let body = b"{\"current\": \"\xff\xfe\xfd\"}";
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                sock.write_all(head.as_bytes()).await?;
                sock.write_all(body).await?;
            }
            "reset" => {
                // Close with RST in the middle of the answer.
                sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n{\"a\":")
                    .await?;
                sock.set_zero_linger()?;
                drop(sock);
                return Ok(());
            }
            "503" => respond(&mut sock, "503 Service Unavailable", &["retry-after: 30"], "").await?,
            "malformed" => respond(&mut sock, "200 OK", &[], r#"{"current": {"time": "#).await?,
            "wrong-shape" => respond(&mut sock, "200 OK", &[], r#"[1, 2, 3]"#).await?,
            "redirect" => {
                let url = url::Url::parse(&format!("http://x{path}")).unwrap();
                let to = url
                    .query_pairs()
                    .find(|(k, _)| k == "to")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                respond(&mut sock, "302 Found", &[&format!("location: {to}")], "").await?
            }
            // To another origin (same server, another name), which refuses.
            "redirect-away" => {
                let to = format!("location: http://localhost:{port}/401/");
                respond(&mut sock, "302 Found", &[&to], "").await?
            }
            "redirect-loop" => respond(&mut sock, "302 Found", &["location: /redirect-loop/again"], "").await?,
            "hang" => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            "hang-body" => {
                sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n{\"current\":")
                    .await?;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            "huge" => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {FIFTY_MB}\r\n\r\n");
                sock.write_all(head.as_bytes()).await?;
                stream_zeros(&mut sock).await?;
            }
            "huge-chunked" => {
                sock.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await?;
                let chunk = vec![b' '; 65536];
                let mut sent = 0;
                while sent < FIFTY_MB {
                    sock.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                    sock.write_all(&chunk).await?;
                    sock.write_all(b"\r\n").await?;
                    sent += chunk.len();
                }
                sock.write_all(b"0\r\n\r\n").await?;
            }
            _ => respond(&mut sock, "404 Not Found", &[], "{}").await?,
        }
    }
}

async fn stream_zeros(sock: &mut TcpStream) -> std::io::Result<()> {
    let chunk = vec![b' '; 65536];
    let mut sent = 0;
    while sent < FIFTY_MB {
        sock.write_all(&chunk).await?;
        sent += chunk.len();
    }
    Ok(())
}

/// A config with one Open-Meteo widget per (id, base_url, refresh).
pub fn weather_config(widgets: &[(&str, String, &str)], timeout: &str) -> String {
    let mut s = String::new();
    for (id, base, refresh) in widgets {
        s.push_str(&format!(
            "[widget.{id}]\nkind = \"weather\"\nlatitude = 52.52\nlongitude = 13.41\nbase_url = \"{base}\"\nrefresh = \"{refresh}\"\ntimeout = \"{timeout}\"\n\n"
        ));
    }
    s
}

/// Peak resident memory of this process, in KiB.
pub fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Run `cmd` with `stdin` piped in; its output.
pub fn run_with_stdin(cmd: &mut std::process::Command, stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// Run `cmd` (a homedash command) with `HOMEDASH_TEST_PAUSE_AT=step`,
/// `stdin` on its standard input, until it says it paused there; then
/// SIGKILL it.
pub fn kill_at(cmd: &mut std::process::Command, step: &str, stdin: &str) {
    use std::io::{BufRead, Write};
    use std::process::Stdio;
    let mut child = cmd
        .env("HOMEDASH_TEST_PAUSE_AT", step)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "it ended before {step}");
        if line.contains(&format!("paused at {step}")) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

/// A screen with its styles, for snapshots where colour and emphasis are
/// the point (themes, NO_COLOR): the text, then each row's runs of cells
/// that are not plain, as `row: columns fg/bg modifiers "text"`.
pub fn styled(buf: &ratatui::buffer::Buffer) -> String {
    use ratatui::style::{Color, Modifier};
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let row: String = (0..area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out.push_str("--- styles ---\n");
    let describe = |c: &ratatui::buffer::Cell| {
        let mut parts = Vec::new();
        if c.fg != Color::Reset {
            parts.push(format!("fg={:?}", c.fg));
        }
        if c.bg != Color::Reset {
            parts.push(format!("bg={:?}", c.bg));
        }
        if c.modifier != Modifier::empty() {
            parts.push(format!("{:?}", c.modifier).replace("Modifier(", "").replace(')', ""));
        }
        parts.join(" ")
    };
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let d = describe(&buf[(x, y)]);
            let start = x;
            let mut text = String::new();
            while x < area.width && describe(&buf[(x, y)]) == d {
                text.push_str(buf[(x, y)].symbol());
                x += 1;
            }
            if !d.is_empty() && !text.trim().is_empty() {
                out.push_str(&format!("{y:>2}: {start}-{} {d} {:?}\n", x - 1, text.trim_end()));
            }
        }
    }
    out
}

/// No cell of `buf` has a colour: only attributes carry emphasis.
pub fn assert_monochrome(buf: &ratatui::buffer::Buffer) {
    use ratatui::style::Color;
    for (i, c) in buf.content.iter().enumerate() {
        assert!(
            c.fg == Color::Reset && c.bg == Color::Reset,
            "cell {i} ({:?}) has colour {:?} on {:?}",
            c.symbol(),
            c.fg,
            c.bg
        );
    }
}
