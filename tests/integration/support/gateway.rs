//! Team mode's test harness: a gateway host (its own HOME and config), a
//! private CA and the gateway's certificate, and the real nginx the test
//! suite starts on loopback with the config `homedash gateway render`
//! wrote.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{files_under, homedash_with, output_text};

/// A private CA and a server certificate for 127.0.0.1 signed by it.
pub struct Pki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Pki {
    pub fn new(dir: &Path) -> Pki {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "homedash test gateway CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &ca)
            .unwrap();
        let p = Pki {
            ca: dir.join("ca.pem"),
            cert: dir.join("gateway.pem"),
            key: dir.join("gateway-key.pem"),
        };
        std::fs::write(&p.ca, ca.pem()).unwrap();
        std::fs::write(&p.cert, leaf.pem()).unwrap();
        std::fs::write(&p.key, leaf_key.serialize_pem()).unwrap();
        p
    }
}

/// A port nothing listens on yet.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The machine the gateway runs on: a HOME of its own, its config, and
/// the nginx that serves it.
pub struct GatewayHost {
    pub home: PathBuf,
    pub config: PathBuf,
    /// `[gateway_server] directory`.
    pub dir: PathBuf,
    pub port: u16,
    pub pki: Pki,
    nginx: Option<Child>,
    _tmp: tempfile::TempDir,
}

impl GatewayHost {
    /// `body` is the config's credentials and routes; the
    /// `[gateway_server]` head is written here, with `server_extra` in it.
    pub fn new(server_extra: &str, body: &str) -> GatewayHost {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("gw");
        std::fs::create_dir_all(&home).unwrap();
        // nginx's workers (www-data when the suite runs as root) pass
        // through these to their own cache, temp and socket directories.
        for d in [tmp.path(), home.as_path()] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o711)).unwrap();
        }
        let pki = Pki::new(&home);
        let port = free_port();
        let dir = home.join("nginx");
        let config = home.join("gateway.toml");
        let text = format!(
            r#"[gateway_server]
listen = ["127.0.0.1:{port}"]
certificate_file = "{cert}"
private_key_file = "{key}"
directory = "{dir}"
{server_extra}

{body}
"#,
            cert = pki.cert.display(),
            key = pki.key.display(),
            dir = dir.display(),
        );
        std::fs::write(&config, text).unwrap();
        GatewayHost {
            home,
            config,
            dir,
            port,
            pki,
            nginx: None,
            _tmp: tmp,
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        homedash_with(&self.home, &self.config, args)
    }

    /// Run `homedash ARGS` on the gateway host, with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        use std::io::Write as _;
        let mut c = self.cmd(args);
        c.envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).unwrap();
        }
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    pub fn ok(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> String {
        let o = self.run(args, stdin, env);
        assert!(
            o.status.success(),
            "homedash {args:?} on the gateway host: {}",
            output_text(&o)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// A new client's token, from `gateway client add NAME --out FILE`.
    pub fn add_client(&self, name: &str) -> String {
        let out = self.home.join(format!("{name}.token"));
        self.ok(
            &["gateway", "client", "add", name, "--out", out.to_str().unwrap()],
            None,
            &[],
        );
        let token = std::fs::read_to_string(&out).unwrap().trim().to_string();
        // Transferred to the client: nothing of it stays on the gateway host.
        std::fs::remove_file(&out).unwrap();
        token
    }

    pub fn main_conf(&self) -> PathBuf {
        self.dir.join("homedash-gateway.conf")
    }

    /// nginx in the foreground, as a child of the test.
    pub fn start_nginx(&mut self) {
        let conf = self.main_conf();
        let child = Command::new(homedash::gateway::nginx::program())
            .args(["-c", conf.to_str().unwrap()])
            .args(["-p", &format!("{}/", self.dir.display())])
            .args(["-e", self.dir.join("error.log").to_str().unwrap()])
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is not installed: tests/run.sh installs it (apt install nginx libnginx-mod-http-js)");
        self.nginx = Some(child);
        let end = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < end,
                "nginx did not listen on {}: {}",
                self.port,
                self.error_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    /// The JSON access log, a value per line.
    pub fn access_log(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.join("access.json"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("access log line {l:?}: {e}")))
            .collect()
    }

    /// Every file of the gateway host's HOME (config, state, nginx's
    /// directory) and its bytes.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        files_under(&self.home)
            .into_iter()
            .filter(|p| !p.starts_with(self.dir.join("sock")))
            .map(|p| {
                let b = std::fs::read(&p).unwrap_or_default();
                (p, b)
            })
            .collect()
    }

    /// Wait until nginx's workers run the config a reload just wrote: a
    /// request with `token` gets `want` from the whoami endpoint.
    pub fn wait_for_status(&self, token: &str, want: u16) {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.whoami(token, None).0;
            if got == want {
                return;
            }
            assert!(Instant::now() < end, "whoami stayed {got}, wanted {want}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// (status, X-Homedash-Gateway) of the whoami endpoint for `token`,
    /// from `local` when given (another loopback address).
    pub fn whoami(&self, token: &str, local: Option<&str>) -> (u16, String) {
        self.get("/.homedash/whoami", token, local)
    }

    pub fn get(&self, path: &str, token: &str, local: Option<&str>) -> (u16, String) {
        self.request("GET", path, token, local, None)
    }

    /// (status, X-Homedash-Gateway) of a request with any method (a body
    /// with any but GET and HEAD), from `local` when given, with an extra
    /// header when given.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: &str,
        local: Option<&str>,
        extra: Option<(&str, String)>,
    ) -> (u16, String) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let ca = reqwest::Certificate::from_pem(&std::fs::read(&self.pki.ca).unwrap()).unwrap();
            let mut b = reqwest::Client::builder().add_root_certificate(ca).no_proxy();
            if let Some(l) = local {
                b = b.local_address(l.parse::<std::net::IpAddr>().unwrap());
            }
            let mut req = b
                .build()
                .unwrap()
                .request(method.parse().unwrap(), format!("{}{path}", self.url()))
                .bearer_auth(token);
            if method != "GET" && method != "HEAD" {
                req = req.body(r#"{"write":"with the gateway's key"}"#);
            }
            if let Some((k, v)) = extra {
                req = req.header(k, v);
            }
            let r = req.send().await.unwrap();
            let verdict = r
                .headers()
                .get("x-homedash-gateway")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            (r.status().as_u16(), verdict)
        })
    }
}

impl Drop for GatewayHost {
    fn drop(&mut self) {
        if let Some(mut c) = self.nginx.take() {
            // The master stops its workers on TERM.
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let end = Instant::now() + Duration::from_secs(5);
            while Instant::now() < end {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A client's config: team mode through `gw`, with credential `cred`
/// (provider "gateway"), and `widgets` (TOML tables).
pub fn client_config(gw: &GatewayHost, cred: &str, widgets: &str) -> String {
    format!(
        r#"[gateway]
url = "{url}"
credential = "{cred}"
ca_file = "{ca}"

[credential.{cred}]
provider = "gateway"
budget = {{ per_minute = 3000 }}

{widgets}
"#,
        url = gw.url(),
        ca = gw.pki.ca.display(),
    )
}
