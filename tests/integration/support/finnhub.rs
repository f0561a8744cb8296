//! A loopback Finnhub: `/api/v1/quote` in the real wire format, accepting a
//! token only in the `X-Finnhub-Token` header. A token in the query string
//! or any other header is rejected, so a test proves where it travelled.
//! Every request head is kept, for tests that look for a leaked token.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};

use super::{header, read_head, respond};

#[derive(Default)]
struct State {
    valid: HashSet<String>,
    rate_limited: bool,
    heads: Vec<String>,
    accepted: usize,
}

#[derive(Clone)]
pub struct Finnhub {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Finnhub {
    pub async fn start(valid: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        Self::serve(listener, valid)
    }

    /// For tests without a runtime of their own: serve from a thread.
    pub fn start_thread(valid: &[&str]) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let valid: Vec<String> = valid.iter().map(|s| s.to_string()).collect();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
                let v: Vec<&str> = valid.iter().map(String::as_str).collect();
                tx.send(Self::serve(listener, &v)).unwrap();
                std::future::pending::<()>().await;
            });
        });
        rx.recv().unwrap()
    }

    fn serve(listener: TcpListener, valid: &[&str]) -> Self {
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State {
            valid: valid.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }));
        let s = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    let _ = serve(sock, s).await;
                });
            }
        });
        Finnhub { addr, state }
    }

    pub fn base(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn set_valid(&self, valid: &[&str]) {
        self.state.lock().unwrap().valid = valid.iter().map(|s| s.to_string()).collect();
    }

    pub fn set_rate_limited(&self, on: bool) {
        self.state.lock().unwrap().rate_limited = on;
    }

    pub fn heads(&self) -> Vec<String> {
        self.state.lock().unwrap().heads.clone()
    }

    /// Requests answered with a quote.
    pub fn accepted(&self) -> usize {
        self.state.lock().unwrap().accepted
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    loop {
        let head = read_head(&mut sock).await?;
        if head.is_empty() {
            return Ok(());
        }
        let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let url = url::Url::parse(&format!("http://x{target}")).unwrap();
        if url.path() == "/moved" {
            state.lock().unwrap().heads.push(head.clone());
            respond(&mut sock, "302 Found", &["location: /api/v1/quote?symbol=AAPL"], "").await?;
            continue;
        }
        let (status, body) = {
            let mut st = state.lock().unwrap();
            st.heads.push(head.clone());
            let in_query = url.query_pairs().any(|(k, _)| k == "token");
            let token = header(&head, "x-finnhub-token");
            let elsewhere = header(&head, "authorization").is_some();
            match (url.path(), token) {
                ("/api/v1/quote", _) if in_query || elsewhere => {
                    ("401 Unauthorized", r#"{"error":"Invalid API key."}"#.to_string())
                }
                ("/api/v1/quote", None) => (
                    "429 Too Many Requests",
                    "API limit reached. Please sign up for a free account".to_string(),
                ),
                ("/api/v1/quote", Some(t)) if !st.valid.contains(t) => {
                    ("401 Unauthorized", r#"{"error":"Invalid API key."}"#.to_string())
                }
                ("/api/v1/quote", Some(_)) if st.rate_limited => (
                    "429 Too Many Requests",
                    r#"{"error":"API limit reached. Please try again later. Remaining Limit: 0"}"#.to_string(),
                ),
                ("/api/v1/quote", Some(_)) => {
                    st.accepted += 1;
                    let price = 261.74 + st.accepted as f64 / 100.0;
                    (
                        "200 OK",
                        format!(
                            r#"{{"c":{price:.2},"d":2.29,"dp":0.8826,"h":263.31,"l":260.68,"o":261.07,"pc":259.45,"t":1764255600}}"#
                        ),
                    )
                }
                _ => ("404 Not Found", r#"{"error":"Not found"}"#.to_string()),
            }
        };
        respond(&mut sock, status, &[], &body).await?;
    }
}
