//! An HTTP proxy on another loopback address (127.0.0.2), recording what
//! reaches it. A CONNECT is tunnelled to the address its host is pinned
//! to (no DNS), and the tunnelled bytes are kept too, so a test can show
//! that the proxy never saw a token; any other request is an absolute-URI
//! request, recorded and refused.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
        let seen = Arc::new(Mutex::new(Seen::default()));
        let state = (Arc::clone(&seen), Arc::new(pins));
        let addr = super::serve_on_thread("127.0.0.2:0", state, |sock, (seen, pins)| serve(sock, seen, pins));
        Proxy { addr, seen }
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
    let up = pipe(&mut cr, &mut uw, Arc::clone(&seen));
    let down = pipe(&mut ur, &mut cw, Arc::clone(&seen));
    let _ = tokio::join!(up, down);
    Ok(())
}

/// Copy `from` to `to` until it ends, keeping what passed.
async fn pipe(
    from: &mut (impl AsyncReadExt + Unpin),
    to: &mut (impl AsyncWriteExt + Unpin),
    seen: Arc<Mutex<Seen>>,
) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return to.shutdown().await;
        }
        seen.lock().unwrap().tunnelled.extend_from_slice(&buf[..n]);
        to.write_all(&buf[..n]).await?;
    }
}
