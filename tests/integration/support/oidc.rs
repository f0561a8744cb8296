//! A real OAuth 2.0 / OpenID Connect server, `oidc-provider` from npm
//! (tests/oidc/server.mjs), on loopback, and a person's browser at its
//! pages: a small user agent that keeps cookies, follows redirects and
//! fills and submits each form as someone would (the code, a login, a
//! consent).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Oidc {
    child: Child,
    pub issuer: String,
    /// The bearer-protected Prometheus `/metrics` server.
    pub resource: String,
    pub events: Arc<Mutex<Vec<serde_json::Value>>>,
    /// Every token value the server issued, one `KIND VALUE` per line.
    pub token_log: PathBuf,
    _dir: tempfile::TempDir,
}

/// Where `npm ci` put oidc-provider (tests/run.sh and .ci/run do it).
fn server_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

impl Oidc {
    /// Access tokens live `access_ttl` seconds; refresh tokens rotate
    /// unless `rotate` is false.
    pub fn start(access_ttl: u64, rotate: bool, client_secret: &str) -> Oidc {
        let dir = tempfile::tempdir().unwrap();
        let token_log = dir.path().join("tokens.log");
        assert!(
            server_dir().join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed: run `npm ci --prefix tests/oidc` (tests/run.sh does)"
        );
        let mut child = Command::new("node")
            .arg(server_dir().join("server.mjs"))
            .env("HD_OIDC_ACCESS_TTL", access_ttl.to_string())
            .env("HD_OIDC_ROTATE", if rotate { "1" } else { "0" })
            .env("HD_OIDC_CLIENT_SECRET", client_secret)
            .env("HD_OIDC_TOKEN_LOG", &token_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (Node.js) runs the test authorization server");
        let events = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        let ev = events.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                if v["event"] == "ready" {
                    let _ = tx.send(v.clone());
                }
                ev.lock().unwrap().push(v);
            }
        });
        let ready = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the OIDC server started");
        Oidc {
            child,
            issuer: ready["issuer"].as_str().unwrap().to_string(),
            resource: ready["resource"].as_str().unwrap().to_string(),
            events,
            token_log,
            _dir: dir,
        }
    }

    pub fn count(&self, f: impl Fn(&serde_json::Value) -> bool) -> usize {
        self.events.lock().unwrap().iter().filter(|e| f(e)).count()
    }

    pub fn events_named(&self, name: &str) -> Vec<serde_json::Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["event"] == name)
            .cloned()
            .collect()
    }

    /// Every token value issued so far.
    pub fn tokens(&self) -> Vec<String> {
        std::fs::read_to_string(&self.token_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(_, v)| v.to_string()))
            .filter(|v| v.len() >= 16)
            .collect()
    }

    pub fn latest(&self, kind: &str) -> Option<String> {
        std::fs::read_to_string(&self.token_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v.to_string())
            .next_back()
    }

    /// The administrator revokes every grant at the server.
    pub fn revoke_all_grants(&self) {
        run(async {
            reqwest::Client::new()
                .post(format!("{}/admin/revoke-grants", self.resource))
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        });
    }

    /// A refresh as any client would send it: the server's verdict.
    pub fn try_refresh(&self, client_id: &str, refresh: &str) -> (u16, String) {
        run(async {
            let r = reqwest::Client::new()
                .post(format!("{}/token", self.issuer))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_body(&[
                    ("grant_type".into(), "refresh_token".into()),
                    ("refresh_token".into(), refresh.into()),
                    ("client_id".into(), client_id.into()),
                ]))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    }
}

impl Drop for Oidc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn form_body(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A form on a page: where it goes and its fields, filled as a person
/// would fill them.
fn form(page: &str, base: &url::Url, user_code: &str) -> Option<(url::Url, Vec<(String, String)>)> {
    let start = page.find("<form")?;
    let end = page[start..].find("</form>")? + start;
    let tag_end = page[start..].find('>')? + start;
    let tag = &page[start..tag_end];
    let attr = |t: &str, name: &str| -> Option<String> {
        let k = format!("{name}=\"");
        let i = t.find(&k)? + k.len();
        let j = t[i..].find('"')? + i;
        Some(t[i..j].replace("&amp;", "&"))
    };
    let action = base.join(&attr(tag, "action").unwrap_or_default()).ok()?;
    let mut fields = Vec::new();
    let mut rest = &page[tag_end..end];
    while let Some(i) = rest.find("<input") {
        let j = rest[i..].find('>').map_or(rest.len(), |j| j + i);
        let input = &rest[i..j];
        if let Some(name) = attr(input, "name") {
            let value = match name.as_str() {
                "user_code" if attr(input, "type").as_deref() != Some("hidden") => user_code.to_string(),
                "login" => "alice".to_string(),
                "password" => "correct horse".to_string(),
                _ => attr(input, "value").unwrap_or_default(),
            };
            fields.push((name, value));
        }
        rest = &rest[j..];
    }
    Some((action, fields))
}

/// What the browser ended with.
pub enum Landing {
    /// A page without a form (the server's "done" page).
    Page(String),
    /// A redirect to this loopback address (homedash's callback), not
    /// followed.
    Redirect(url::Url),
}

/// Open `url`, and follow the server's pages to the end: every form is
/// filled and submitted. A redirect to a `127.0.0.1` address other than
/// the server's own is where a native app listens: returned, not followed.
pub fn browse(start: &str, user_code: &str) -> Landing {
    run(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let server = url::Url::parse(start).unwrap();
        let mut cookies: BTreeMap<String, String> = BTreeMap::new();
        let mut next = (server.clone(), None::<Vec<(String, String)>>);
        let end = Instant::now() + Duration::from_secs(30);
        for _ in 0..30 {
            assert!(Instant::now() < end, "the browser got lost");
            let (url, body) = next.clone();
            if url.port() != server.port() {
                return Landing::Redirect(url);
            }
            let jar = cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let req = match &body {
                Some(f) => client
                    .post(url.clone())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form_body(f)),
                None => client.get(url.clone()),
            };
            let r = req.header("cookie", jar).send().await.unwrap();
            for c in r.headers().get_all("set-cookie") {
                let c = c.to_str().unwrap();
                if let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) {
                    cookies.insert(k.trim().to_string(), v.to_string());
                }
            }
            if r.status().is_redirection() {
                let loc = r.headers()["location"].to_str().unwrap().to_string();
                next = (url.join(&loc).unwrap(), None);
                continue;
            }
            let status = r.status();
            let page = r.text().await.unwrap();
            match form(&page, &url, user_code) {
                Some((action, fields)) => next = (action, Some(fields)),
                None => {
                    assert!(status.is_success(), "the server said {status}: {page}");
                    return Landing::Page(page);
                }
            }
        }
        panic!("more than 30 pages")
    })
}

/// GET a URL (homedash's callback) as the browser would: status and body.
pub fn get(url: &url::Url) -> (u16, String) {
    run(async {
        let r = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(url.clone())
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    })
}
