//! An HTTP proxy on another loopback address (127.0.0.2), recording what
//! reaches it. A CONNECT is tunnelled to the address its host is pinned
//! to (no DNS), and the tunnelled bytes are kept too, so a test can show
//! that the proxy never saw a token; any other request is an absolute-URI
//! request, recorded and refused.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::read_head;

#[derive(Clone, Default)]
struct Seen {
    heads: Vec<String>,
    tunnelled: Vec<u8>,
}

#[derive(Clone)]
pub struct Proxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

impl Proxy {
    /// `pins` maps "host:port" of a CONNECT to where the tunnel goes.
    pub fn start(pins: HashMap<String, SocketAddr>) -> Proxy {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.2:0").await.unwrap();
                let seen = Arc::new(Mutex::new(Seen::default()));
                tx.send(Proxy {
                    addr: listener.local_addr().unwrap(),
                    seen: Arc::clone(&seen),
                })
                .unwrap();
                let pins = Arc::new(pins);
                while let Ok((sock, _)) = listener.accept().await {
                    let (seen, pins) = (Arc::clone(&seen), Arc::clone(&pins));
                    tokio::spawn(async move {
                        let _ = serve(sock, seen, pins).await;
                    });
                }
            });
        });
        rx.recv().unwrap()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request head that reached the proxy.
    pub fn heads(&self) -> Vec<String> {
        self.seen.lock().unwrap().heads.clone()
    }

    /// Everything that passed through its tunnels, both ways.
    pub fn tunnelled(&self) -> Vec<u8> {
        self.seen.lock().unwrap().tunnelled.clone()
    }
}

async fn serve(
    mut sock: TcpStream,
    seen: Arc<Mutex<Seen>>,
    pins: Arc<HashMap<String, SocketAddr>>,
) -> std::io::Result<()> {
    let head = read_head(&mut sock).await?;
    if head.is_empty() {
        return Ok(());
    }
    seen.lock().unwrap().heads.push(head.clone());
    let mut words = head.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method != "CONNECT" {
        let refusal = "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        sock.write_all(refusal.as_bytes()).await?;
        return Ok(());
    }
    let Some(to) = pins.get(target) else {
        sock.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await?;
        return Ok(());
    };
    let mut upstream = TcpStream::connect(to).await?;
    sock.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
    let (mut cr, mut cw) = sock.split();
    let (mut ur, mut uw) = upstream.split();
    let s1 = Arc::clone(&seen);
    let up = async move {
        let mut buf = [0u8; 8192];
        loop {
            let n = cr.read(&mut buf).await?;
            if n == 0 {
                return uw.shutdown().await;
            }
            s1.lock().unwrap().tunnelled.extend_from_slice(&buf[..n]);
            uw.write_all(&buf[..n]).await?;
        }
    };
    let s2 = Arc::clone(&seen);
    let down = async move {
        let mut buf = [0u8; 8192];
        loop {
            let n = ur.read(&mut buf).await?;
            if n == 0 {
                return cw.shutdown().await;
            }
            s2.lock().unwrap().tunnelled.extend_from_slice(&buf[..n]);
            cw.write_all(&buf[..n]).await?;
        }
    };
    let _ = tokio::join!(up, down);
    Ok(())
}
